import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('resource-limits-missing', () => {
  it('flags long-running services without a memory limit (a CPU limit alone does not count)', async () => {
    const f = await runRuleOn('resource-limits-missing', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:2:3 `api` has no memory limit: a leak or a spike can take the memory of every other container on the host',
      'compose.yaml:14:3 `cache` has no memory limit: a leak or a spike can take the memory of every other container on the host',
    ]);
    expect(f[0]!.severity).toBe('info');
    expect(f[0]!.snippet).toContain('memory:');
  });

  it('passes mem_limit, deploy limits, one-shot jobs and test/dev files', async () => {
    expect(await runRuleOn('resource-limits-missing', 'pass')).toEqual([]);
  });
});
