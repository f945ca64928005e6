import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

const COMMENT = 'shipshape: 64m is a guess, size it to what the service writes here';

describe('tmpfs-unbounded', () => {
  it('flags tmpfs entries and tmpfs volumes without a size', async () => {
    const f = await runRuleOn('tmpfs-unbounded', 'fail');
    expect(brief(f)).toEqual([
      "compose.yaml:4:12 the tmpfs `/run` of `api` has no `size=`: it can grow to half the host's memory",
      "compose.yaml:8:9 the tmpfs `/tmp` of `worker` has no `size=`: it can grow to half the host's memory",
      "compose.yaml:11:15 the tmpfs volume `/scratch` of `worker` has no `tmpfs.size`: it can grow to half the host's memory",
    ]);
  });

  it('proposes 64m as an unsafe fix: the string form, a list entry keeping its options, a long-syntax volume', async () => {
    const f = await runRuleOn('tmpfs-unbounded', 'fail');
    expect(f.map((x) => x.fix?.safety)).toEqual(['unsafe', 'unsafe', 'unsafe']);
    expect(f.map((x) => x.fix?.edits)).toEqual([
      [{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'api', 'tmpfs'], value: '/run:size=64m', comment: COMMENT }],
      [{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'worker', 'tmpfs', 0], value: '/tmp:mode=1777,size=64m', comment: COMMENT }],
      [{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'worker', 'volumes', 0, 'tmpfs', 'size'], value: '64m', comment: COMMENT }],
    ]);
  });

  it('passes sized tmpfs mounts', async () => {
    expect(await runRuleOn('tmpfs-unbounded', 'pass')).toEqual([]);
  });
});
