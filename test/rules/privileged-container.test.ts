import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('privileged-container', () => {
  it('flags privileged: true, at the value', async () => {
    const f = await runRuleOn('privileged-container', 'fail');
    expect(brief(f)).toEqual(['compose.yaml:4:17 service `dind` runs privileged: it gets every capability and host device, and no seccomp or AppArmor confinement']);
    expect(f[0]!.service).toBe('dind');
  });

  it('passes services without it (or with privileged: false)', async () => {
    expect(await runRuleOn('privileged-container', 'pass')).toEqual([]);
  });
});
