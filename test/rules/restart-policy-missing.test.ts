import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('restart-policy-missing', () => {
  it('flags a long-running service with no restart policy, with a safe fix', async () => {
    const f = await runRuleOn('restart-policy-missing', 'fail');
    expect(brief(f)).toEqual(['compose.yaml:2:3 `api` has no restart policy: if it crashes or the host reboots, it stays down']);
    expect(f[0]!.fix).toEqual({
      description: 'restart api unless stopped',
      safety: 'safe',
      edits: [{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'api', 'restart'], value: 'unless-stopped' }],
    });
  });

  it('passes a service of an overlay fragment (no image or build of its own): the base file that defines it is judged', async () => {
    expect(await runRuleOn('restart-policy-missing', 'overlay')).toEqual([]);
  });

  it('passes explicit policies (restart: "no" included), deploy.restart_policy, one-shot jobs and test files', async () => {
    expect(await runRuleOn('restart-policy-missing', 'pass')).toEqual([]);
  });
});
