import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('host-port-conflict', () => {
  it('judges the loaded model: anchors, interpolation defaults, host IPs, IPv6, protocols', async () => {
    const f = await runRuleOn('host-port-conflict', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:3:7 host port 8080/tcp of service `admin` is also published by service `web` (compose.yaml:3:7): only one container can bind it, the other fails with "port is already allocated"',
      'compose.yaml:15:9 host port 8080/tcp of service `api` is also published by service `web` (compose.yaml:3:7) and service `admin` (compose.yaml:3:7): only one container can bind it, the other fails with "port is already allocated"',
      'compose.yaml:22:9 host port 9090/tcp of service `metrics` is also published by service `api` (compose.yaml:16:9): only one container can bind it, the other fails with "port is already allocated"',
      'compose.yaml:30:9 host port [::]:7000/tcp of service `v6` is also published by service `api` (compose.yaml:17:9): only one container can bind it, the other fails with "port is already allocated"',
      'compose.yaml:43:9 service `dup` publishes host port 6000/tcp twice (also at compose.yaml:42:9): the container fails to start with "port is already allocated"',
    ]);
    expect(f.map((x) => x.service)).toEqual(['admin', 'api', 'metrics', 'v6', 'dup']);
  });

  it('does not clash udp with tcp, IPv4 0.0.0.0 with IPv6 [::1], ranges, or a service scaled to 0', async () => {
    const text = brief(await runRuleOn('host-port-conflict', 'fail')).join('\n');
    expect(text).not.toMatch(/`dns`|`v4`|`ranged`|`off`|5353/);
  });

  it('clashes a profile service with an always-on one, never two services of different profiles', async () => {
    expect(brief(await runRuleOn('host-port-conflict', 'profiles'))).toEqual([
      'compose.yaml:15:9 host port 3000/tcp of service `dashboard` is also published by service `debug-ui` (compose.yaml:6:9, when profile `debug` is active) and service `grafana` (compose.yaml:11:9, when profile `monitoring` is active): only one container can bind it, the other fails with "port is already allocated"',
    ]);
  });

  it('passes alternatives in exclusive profiles, distinct IPs, tcp+udp on one number and ephemeral ports', async () => {
    expect(await runRuleOn('host-port-conflict', 'pass')).toEqual([]);
  });
});
