import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('duplicate-block', () => {
  it('flags identical logging and deploy.resources blocks, at the second copy', async () => {
    const f = await runRuleOn('duplicate-block', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:15:5 services `api`, `worker` and `web` repeat the same `logging` block: define it once as `x-default-logging: &default-logging` and write `logging: *default-logging`',
      'compose.yaml:22:7 services `api` and `worker` repeat the same `deploy.resources` block: define it once as `x-default-resources: &default-resources` and write `resources: *default-resources` under `deploy`',
    ]);
    expect(f[0]!.fix?.safety).toBe('unsafe');
    expect(f[0]!.fix?.edits[0]).toMatchObject({
      kind: 'yaml-merge-anchor',
      anchor: 'default-logging',
      targets: [
        ['services', 'api', 'logging'],
        ['services', 'worker', 'logging'],
        ['services', 'web', 'logging'],
      ],
      removeKeys: ['driver', 'options'],
    });
    expect(f[1]!.snippet).toContain('      resources: *default-resources');
  });

  it('passes blocks shared through anchors (alias or merge key) and one-setting blocks', async () => {
    expect(await runRuleOn('duplicate-block', 'pass')).toEqual([]);
  });
});
