import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('dockerfile-missing', () => {
  it('flags a named Dockerfile at build.dockerfile and a defaulted one at the context (seed 003 §1.1, §1.2)', async () => {
    const f = await runRuleOn('dockerfile-missing', 'fail');
    expect(brief(f)).toEqual([
      'docker/docker-compose.yml:9:19 Dockerfile `docker/Dockerfile.feast` does not exist: the build of service `feast` fails',
      'docker/docker-compose.yml:11:12 `docker/frontend` has no `Dockerfile`: the build of service `frontend` fails',
    ]);
    expect(f.map((x) => x.service)).toEqual(['feast', 'frontend']);
  });

  it('accepts dockerfile_inline, a lowercase default `dockerfile`, and leaves a missing context to build-context-missing', async () => {
    const text = brief(await runRuleOn('dockerfile-missing', 'fail')).join('\n');
    expect(text).not.toMatch(/inline|lowercase|nocontext|missing`/);
  });

  it('passes builds whose Dockerfiles exist', async () => {
    expect(await runRuleOn('dockerfile-missing', 'pass')).toEqual([]);
  });
});
