import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('healthcheck-missing', () => {
  it('flags depended-on or published services without a health check', async () => {
    const f = await runRuleOn('healthcheck-missing', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:2:3 `db` has no health check although `api` depends on it: Compose cannot tell when it is ready or notice when it hangs',
      'compose.yaml:4:3 `api` has no health check although it publishes ports: Compose cannot tell when it is ready or notice when it hangs',
      'compose.yaml:12:16 `cache` disables its health check although `api` depends on it: Compose cannot tell when it is ready or notice when it hangs',
      'compose.yaml:13:3 `web` has no health check (unless its image ships one) although it publishes ports: Compose cannot tell when it is ready or notice when it hangs',
    ]);
    expect(f[0]!.snippet).toContain('pg_isready');
    expect(f.map((x) => x.service)).toEqual(['db', 'api', 'cache', 'web']);
  });

  it('passes compose and Dockerfile health checks, images that ship one, one-shot jobs and unexposed services', async () => {
    expect(await runRuleOn('healthcheck-missing', 'pass')).toEqual([]);
  });
});
