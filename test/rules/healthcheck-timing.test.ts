import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('healthcheck-timing', () => {
  it('flags timeout > interval, retries: 0 and slow starters without start_period (compose and Dockerfile)', async () => {
    const f = await runRuleOn('healthcheck-timing', 'fail');
    expect(brief(f)).toEqual([
      'api/Dockerfile:2:1 HEALTHCHECK has `--timeout=10s`, longer than `--interval=5s`: a hanging probe is cut off only after 10s, which stretches every failing check',
      'api/Dockerfile:2:1 HEALTHCHECK has `--retries=0`, which Docker reads as "use the default" (3), not as "no retries"',
      'api/Dockerfile:2:1 the health check of `api` (a JVM service, slow to start) has no `start_period`: after 3 failed probes 5s apart it is marked unhealthy ~15s into a cold start, failing everything gated on `service_healthy`',
      'compose.yaml:7:16 the health check of `web` has `timeout: 1m`, longer than `interval: 5s`: a hanging probe is cut off only after 1m, so a hung service is marked unhealthy after ~3m15s instead of ~15s',
      'compose.yaml:8:16 the health check of `web` has `retries: 0`, which Docker reads as "use the default" (3), not as "no retries"',
      'compose.yaml:11:5 the health check of `db` (PostgreSQL database, slow to start) has no `start_period`: after 3 failed probes 2s apart it is marked unhealthy ~6s into a cold start, failing everything gated on `service_healthy`',
      'compose.yaml:20:5 the health check of `search` (search engine, slow to start) has no `start_period`: after 3 failed probes 10s apart it is marked unhealthy ~30s into a cold start, failing everything gated on `service_healthy`',
    ]);
  });

  it('passes equal timeout and interval, start periods (also from the Dockerfile) and generous defaults', async () => {
    expect(await runRuleOn('healthcheck-timing', 'pass')).toEqual([]);
  });
});
