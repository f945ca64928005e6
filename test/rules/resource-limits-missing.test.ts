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

  it('passes a service of an overlay fragment (no image or build of its own): the base file that defines it is judged', async () => {
    expect(await runRuleOn('resource-limits-missing', 'overlay')).toEqual([]);
  });

  it('passes root one-shots that only fix volume ownership (by name or by a chown/chmod command), not a server that chowns first', async () => {
    expect(brief(await runRuleOn('resource-limits-missing', 'permission-fix'))).toEqual([
      'compose.yaml:22:3 `cache` has no memory limit: a leak or a spike can take the memory of every other container on the host',
    ]);
  });

  it('passes mem_limit, deploy limits, one-shot jobs and test/dev files', async () => {
    expect(await runRuleOn('resource-limits-missing', 'pass')).toEqual([]);
  });
});
