import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('apt-hygiene', () => {
  it('lists the apt problems of each RUN', async () => {
    const f = await runRuleOn('apt-hygiene', 'fail');
    expect(brief(f)).toEqual([
      'Dockerfile:3:1 RUN apt-get install: `apt-get update` runs in a separate RUN (line 2), so a cached update layer can install from stale package lists',
      'Dockerfile:6:1 RUN apt-get install: `install` without `-y` stops at the confirmation prompt; no `--no-install-recommends` (recommended packages bloat the image); the package lists stay in the layer (add `rm -rf /var/lib/apt/lists/*` to this RUN); `upgrade` makes the image depend on the day it was built (use a newer base image instead)',
      'Dockerfile:7:1 RUN apt install: uses `apt`, whose command line is not stable for scripts (use `apt-get`)',
    ]);
    expect(f[1]!.snippet).toBe('RUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*');
  });

  it('passes the idiom, cache mounts, and builder stages that never ship', async () => {
    expect(await runRuleOn('apt-hygiene', 'pass')).toEqual([]);
  });
});
