import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('build-context-missing', () => {
  it('flags missing local contexts at the context value, once per anchor', async () => {
    const f = await runRuleOn('build-context-missing', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:2:10 build context `workers` does not exist: `docker compose build` fails for services `worker-a`, `worker-b`',
      'compose.yaml:7:12 build context `frontend` does not exist: `docker compose build` fails for service `frontend`',
      'compose.yaml:12:17 additional build context `shared` of service `api` points at `shared`, which does not exist',
    ]);
    expect(f.map((x) => x.service)).toEqual(['worker-a', 'frontend', 'api']);
  });

  it('leaves remote contexts, docker-image:// contexts and paths outside the audited directory alone', async () => {
    const text = brief(await runRuleOn('build-context-missing', 'fail')).join('\n');
    expect(text).not.toMatch(/remote|sibling|other-checkout|base/);
  });

  it('passes existing contexts', async () => {
    expect(await runRuleOn('build-context-missing', 'pass')).toEqual([]);
  });
});
