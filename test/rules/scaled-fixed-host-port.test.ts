import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('scaled-fixed-host-port', () => {
  it('flags fixed ports of services scaled by the model or by a wrapper script, once per port (seed 000 §3)', async () => {
    const f = await runRuleOn('scaled-fixed-host-port', 'fail');
    expect(brief(f)).toEqual([
      'docker/docker-compose.dev.yml:5:9 service `backtest-worker` runs 3 replicas (`--scale backtest-worker=3` in docker_dev.sh:3) but publishes fixed host port 5003/tcp: only one replica can bind it, the others fail with "port is already allocated"',
      'docker/docker-compose.dev.yml:9:9 service `training-worker` runs 3 replicas (`--scale training-worker=3` in docker_dev.sh:3) but publishes host port range 5004-5005/tcp (2 ports): only 2 replicas can bind it, the others fail with "port is already allocated"',
      'docker/docker-compose.dev.yml:16:9 service `api` runs up to 4 replicas (`scale: 2`, `--scale api=4` in scripts/workers.sh:3) but publishes fixed host port 8000/tcp: only one replica can bind it, the others fail with "port is already allocated"',
    ]);
    expect(f.map((x) => x.service)).toEqual(['backtest-worker', 'training-worker', 'api']);
  });

  it('accepts a range as wide as the replica count and ephemeral host ports', async () => {
    const text = brief(await runRuleOn('scaled-fixed-host-port', 'fail')).join('\n');
    expect(text).not.toMatch(/`ok`|replicas: 2|9000/);
  });

  it('passes scaled services without fixed host ports', async () => {
    expect(await runRuleOn('scaled-fixed-host-port', 'pass')).toEqual([]);
  });
});
