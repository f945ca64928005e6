import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('dockerignore-missing', () => {
  it('flags a context without .dockerignore once, at the first service building from it', async () => {
    const f = await runRuleOn('dockerignore-missing', 'fail');
    // web has its .dockerignore; static copies only a named file
    expect(brief(f)).toEqual([
      'compose.yaml:3:12 build context `.` of service `api` has no .dockerignore, so everything in it (.git, caches, local .env files, data) is sent to the builder and can end up in the image: `shipshape init-dockerignore` writes one',
    ]);
    expect(f[0]!.service).toBe('api');
    expect(f[0]!.snippet).toContain('.git\n');
  });

  it('passes a build with a <Dockerfile>.dockerignore', async () => {
    expect(await runRuleOn('dockerignore-missing', 'pass')).toEqual([]);
  });
});
