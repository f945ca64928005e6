import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('depends-on-unhealthy-start', () => {
  it('flags service_started on long-running dependencies, at the entry', async () => {
    const f = await runRuleOn('depends-on-unhealthy-start', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:5:18 `worker` starts as soon as `api` has started, not when it is ready: `api` has a health check, so use `condition: service_healthy`',
      'compose.yaml:5:23 `worker` starts as soon as `cache` has started, not when it is ready: add a health check to `cache`, then use `condition: service_healthy`',
      'compose.yaml:20:20 `web` starts as soon as `db` has started, not when it is ready: `db` has a health check, so use `condition: service_healthy`',
      'compose.yaml:22:20 `web` starts as soon as `tool` has started, not when it is ready: add a health check to `tool` (unless its image ships one), then use `condition: service_healthy`',
    ]);
    expect(f.every((x) => x.unit === 'compose.yaml' && x.service)).toBe(true);
  });

  it('rewrites the list form as a mapping, keeping the other entries as service_started (target with a Dockerfile HEALTHCHECK only)', async () => {
    const f = await runRuleOn('depends-on-unhealthy-start', 'fail');
    expect(f[0]!.fix).toEqual({
      description: 'rewrite depends_on of worker in long form, waiting for healthy dependencies',
      safety: 'safe',
      edits: [
        {
          kind: 'yaml-set',
          file: 'compose.yaml',
          path: ['services', 'worker', 'depends_on'],
          value: { api: { condition: 'service_healthy' }, cache: { condition: 'service_started' }, migrate: { condition: 'service_started' } },
        },
      ],
    });
  });

  it('sets the condition of a long-form entry, and offers no fix without a health check', async () => {
    const f = await runRuleOn('depends-on-unhealthy-start', 'fail');
    expect(f[2]!.fix?.edits).toEqual([{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'web', 'depends_on', 'db', 'condition'], value: 'service_healthy' }]);
    expect(f[1]!.fix).toBeUndefined();
    expect(f[3]!.fix).toBeUndefined();
  });

  it('treats reverse proxies built here as clients that retry: by their Dockerfile base, or by their name when it cannot be read', async () => {
    expect(brief(await runRuleOn('depends-on-unhealthy-start', 'built-proxy'))).toEqual([
      'compose.yaml:22:9 `web` starts as soon as `backend` has started, not when it is ready: add a health check to `backend` (unless its image ships one), then use `condition: service_healthy`',
      'compose.yaml:27:9 `worker` starts as soon as `backend` has started, not when it is ready: add a health check to `backend` (unless its image ships one), then use `condition: service_healthy`',
    ]);
  });

  it('passes healthy gates, one-shot jobs and clients that retry', async () => {
    expect(await runRuleOn('depends-on-unhealthy-start', 'pass')).toEqual([]);
  });
});
