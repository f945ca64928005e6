import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brief, FIXTURES, runRuleOn } from './harness.js';

describe('buildkit-cache-missing', () => {
  it('flags package installs without a cache mount, at the RUN', async () => {
    const f = await runRuleOn('buildkit-cache-missing', 'fail');
    // pip --no-cache-dir and npm with `npm cache clean` are deliberate; the cached pip install is fine
    expect(brief(f)).toEqual([
      'Dockerfile:2:1 RUN `apt-get install` without a cache mount downloads everything again on each rebuild: add `--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked` (and remove /etc/apt/apt.conf.d/docker-clean)',
      'Dockerfile:4:1 RUN `pip install` without a cache mount downloads everything again on each rebuild: add `--mount=type=cache,target=/root/.cache/pip`',
      'Dockerfile:14:1 RUN `go build` without a cache mount downloads everything again on each rebuild: add `--mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build`',
    ]);
    expect(f[1]!.service).toBe('api');
    const text = readFileSync(path.join(FIXTURES, 'buildkit-cache-missing', 'fail', 'Dockerfile'), 'utf8');
    const edit = f[1]!.fix?.edits[0];
    expect(edit).toMatchObject({ kind: 'text', file: 'Dockerfile', text: ' --mount=type=cache,target=/root/.cache/pip' });
    const start = (edit as { start: number }).start;
    expect(text.slice(start - 3, start + 13)).toBe('RUN pip install ');
    expect(f[1]!.fix?.safety).toBe('unsafe');
  });

  it('passes cached, deliberate and non-install RUNs', async () => {
    expect(await runRuleOn('buildkit-cache-missing', 'pass')).toEqual([]);
  });
});
