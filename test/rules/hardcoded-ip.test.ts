import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

const GATEWAY_MSG = "the default bridge's gateway: it differs on other hosts and under Docker Desktop; use `host.docker.internal` with `extra_hosts: host-gateway`";
const NETWORK_MSG = 'an address Docker assigns to its networks: it changes when the network is recreated; use the service name (or `host.docker.internal` for the host)';

describe('hardcoded-ip', () => {
  it('flags Docker-range addresses in environment values (env_file included) and extra_hosts', async () => {
    const f = await runRuleOn('hardcoded-ip', 'fail');
    expect(brief(f)).toEqual([
      `agent.env:2:1 \`METRICS_URL\` of \`agent\` hard-codes 172.17.0.1, ${GATEWAY_MSG}`,
      `compose.yaml:5:16 \`IB_HOST\` of \`backend\` hard-codes 172.17.0.1, ${GATEWAY_MSG}`,
      `compose.yaml:11:9 \`DATABASE_URL\` of \`worker\` hard-codes 172.18.0.5, ${NETWORK_MSG}`,
      `compose.yaml:12:9 \`CACHE_HOST\` of \`worker\` hard-codes 172.20.0.10, ${NETWORK_MSG}`,
      "compose.yaml:15:9 `extra_hosts` of `worker` maps `host.docker.internal` to 172.17.0.1, the default bridge's gateway: use the special value `host-gateway`, which Docker resolves on every host",
    ]);
    // the password in DATABASE_URL is never echoed
    expect(f.some((x) => x.message.includes('s3cret'))).toBe(false);
  });

  it('fixes 172.17.0.1 with host.docker.internal plus an extra_hosts host-gateway entry', async () => {
    const f = await runRuleOn('hardcoded-ip', 'fail');
    expect(f[1]!.fix?.edits).toEqual([
      { kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'backend', 'environment', 'IB_HOST'], value: 'host.docker.internal' },
      { kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'backend', 'extra_hosts'], value: ['host.docker.internal:host-gateway'] },
    ]);
    expect(f[0]!.fix?.edits).toEqual([
      { kind: 'text', file: 'agent.env', start: 36, end: 46, text: 'host.docker.internal' },
      { kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'agent', 'extra_hosts'], value: ['host.docker.internal:host-gateway'] },
    ]);
    expect(f[4]!.fix?.edits).toEqual([{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'worker', 'extra_hosts', 0], value: 'host.docker.internal:host-gateway' }]);
    expect(f[2]!.fix).toBeUndefined();
  });

  it('passes service names, host-gateway, CIDRs, no-proxy lists, LAN addresses and static addresses the project assigns', async () => {
    expect(await runRuleOn('hardcoded-ip', 'pass')).toEqual([]);
  });
});
