import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

const unknown = (line: string, key: string, host: string) =>
  `compose.yaml:${line} \`${key}\` of service \`backend\` points at host \`${host}\`, which is no service, container name or network alias of this project: the name will not resolve (a host outside the stack belongs in \`knownHosts\`)`;

describe('service-url-unreachable', () => {
  it('flags hosts that are no service/alias/container name, and services on another network', async () => {
    const f = await runRuleOn('service-url-unreachable', 'fail');
    expect(brief(f)).toEqual([
      unknown('6:22', 'OTLP_ENDPOINT', 'jaeger'),
      'compose.yaml:7:21 `DATABASE_URL` of service `backend` points at `db`, but service `db` (networks `data`) shares no network with `backend` (networks `app`): the name will not resolve',
      unknown('9:19', 'CACHE_ADDR', 'memcache'),
      unknown('13:22', 'KAFKA_BROKERS', 'kafka-2'),
      unknown('16:16', 'OPS_URL', 'ops-box'),
    ]);
    expect(f.every((x) => x.service === 'backend')).toBe(true);
  });

  it('never echoes the value (URLs carry credentials)', async () => {
    const f = await runRuleOn('service-url-unreachable', 'fail');
    expect(f.map((x) => x.message).join('\n')).not.toContain('s3cret');
  });

  it('knows FQDNs, localhost, host.docker.internal, extra_hosts, aliases, network_mode: service: and knownHosts', async () => {
    const f = await runRuleOn('service-url-unreachable', 'fail', { knownHosts: ['ops-box'] });
    expect(f.map((x) => x.message).join('\n')).not.toMatch(/ops-box|example\.com|localhost|host\.docker|legacy|search|kafka-1|redis|API_HOST|ALLOWED/);
    expect(f).toHaveLength(4);
  });

  it('passes resolvable endpoints', async () => {
    expect(await runRuleOn('service-url-unreachable', 'pass')).toEqual([]);
  });

  it('leaves a host alone that is a service of another compose file of the repository', async () => {
    expect(await runRuleOn('service-url-unreachable', 'other-unit')).toEqual([]);
  });
});
