import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brief, FIXTURES, runRuleIn, runRuleOn } from './harness.js';

describe('dependency-cycle', () => {
  it('reports one cycle per group of mutually dependent services, at its first edge (links and volumes_from count)', async () => {
    const f = await runRuleOn('dependency-cycle', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:5:7 dependency cycle: api -> worker -> scheduler -> api: Compose refuses to start the project',
      'compose.yaml:17:18 dependency cycle: selfish -> selfish: Compose refuses to start the project',
      'compose.yaml:20:18 dependency cycle: a -> b -> a: Compose refuses to start the project',
    ]);
    expect(f.map((x) => x.service)).toEqual(['api', 'selfish', 'a']);
  });

  it('is not also reported as schema-invalid', async () => {
    expect(await runRuleIn('schema-invalid', path.join(FIXTURES, 'dependency-cycle', 'fail'))).toEqual([]);
  });

  it('passes an acyclic graph', async () => {
    expect(await runRuleOn('dependency-cycle', 'pass')).toEqual([]);
  });
});
