import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('obsolete-version', () => {
  it('flags a top-level version key, at the key', async () => {
    const f = await runRuleOn('obsolete-version', 'fail');
    expect(brief(f)).toEqual(['compose.yaml:2:1 `version: 3.8` is obsolete: Compose ignores it and warns on every run']);
    expect(f[0]!.fix?.edits).toEqual([{ kind: 'yaml-delete', file: 'compose.yaml', path: ['version'] }]);
  });

  it('leaves Swarm stack files alone (by name or by Swarm-only deploy keys): `docker stack deploy` reads the key', async () => {
    expect(brief(await runRuleOn('obsolete-version', 'swarm'))).toEqual(['full-stack.yml:2:1 `version: 3.8` is obsolete: Compose ignores it and warns on every run']);
  });

  it('passes a file without it', async () => {
    expect(await runRuleOn('obsolete-version', 'pass')).toEqual([]);
  });
});
