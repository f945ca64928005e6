import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('duplicate-environment', () => {
  it('flags entries written out in several services, at the second service, with a merge-anchor fix', async () => {
    const f = await runRuleOn('duplicate-environment', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:12:5 services `api` and `worker` repeat the same 4 environment entries (`REDIS_URL`, `MLFLOW_TRACKING_URI`, `SUPABASE_URL`, `SUPABASE_KEY`): define them once in an `x-common-env` anchor and merge it with `<<: *common-env`',
    ]);
    expect(f[0]!.service).toBe('worker');
    expect(f[0]!.fix).toEqual({
      description: 'move the 4 shared entries to x-common-env and merge it into api, worker',
      safety: 'safe',
      edits: [
        {
          kind: 'yaml-merge-anchor',
          file: 'compose.yaml',
          anchor: 'common-env',
          value: { REDIS_URL: 'redis://redis:6379/0', MLFLOW_TRACKING_URI: 'http://mlflow:5000', SUPABASE_URL: '${SUPABASE_URL}', SUPABASE_KEY: '${SUPABASE_KEY}' },
          targets: [
            ['services', 'api', 'environment'],
            ['services', 'worker', 'environment'],
          ],
          removeKeys: ['REDIS_URL', 'MLFLOW_TRACKING_URI', 'SUPABASE_URL', 'SUPABASE_KEY'],
        },
      ],
    });
    expect(f[0]!.snippet).toContain('x-common-env: &common-env\n  REDIS_URL: redis://redis:6379/0');
    expect(f[0]!.snippet).toContain('  worker:\n    environment:\n      <<: *common-env');
  });

  it('makes the fix unsafe when a list-form environment must become a mapping, and never shows a secret value', async () => {
    const f = await runRuleOn('duplicate-environment', 'list');
    expect(brief(f)).toEqual([
      'compose.yaml:10:5 services `api` and `worker` repeat the same 3 environment entries (`REDIS_URL`, `DB_HOST`, `DB_PASSWORD`): define them once in an `x-common-env` anchor and merge it with `<<: *common-env`',
    ]);
    expect(f[0]!.fix?.safety).toBe('unsafe');
    expect(f[0]!.fix?.description).toContain('rewrites the list-form environment of `worker` as a mapping');
    expect(f[0]!.message).not.toContain('hunter2');
    expect(f[0]!.snippet).not.toContain('hunter2');
  });

  it('passes entries already shared through an anchor (merge key or alias) and small overlaps', async () => {
    expect(await runRuleOn('duplicate-environment', 'pass')).toEqual([]);
  });
});
