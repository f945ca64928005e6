import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('duplicate-service-definition', () => {
  it('summarises the drift of each extra definition, field by field, without secret values', async () => {
    const f = await runRuleOn('duplicate-service-definition', 'fail');
    expect(brief(f)).toEqual([
      'docker/docker-compose.dev.yml:2:3 service `backend` is also defined in docker/docker-compose.yml, differently: environment adds `USE_TRAINING_HOST_SERVICE`, drops `IB_HOST`, `JWT_SECRET` value differs; drops `command`',
      'docker/docker-compose.dev.yml:12:3 service `jaeger` is also defined in docker/docker-compose.yml, differently: image `jaegertracing/all-in-one:1.52` instead of `jaegertracing/all-in-one:1.57`; ports drops `4317:4317`',
      'docker/docker-compose.dev.yml:16:3 service `grafana` is also defined in docker/docker-compose.yml, identically: keep one definition',
    ]);
    expect(f.map((x) => x.service)).toEqual(['backend', 'jaeger', 'grafana']);
    for (const x of f) expect(x.message).not.toMatch(/local-secret/);
  });

  it('passes a base and a -f override a Makefile loads together', async () => {
    expect(await runRuleOn('duplicate-service-definition', 'pass')).toEqual([]);
  });
});
