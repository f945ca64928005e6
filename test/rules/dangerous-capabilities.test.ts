import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('dangerous-capabilities', () => {
  it('flags each dangerous setting at the setting', async () => {
    const f = await runRuleOn('dangerous-capabilities', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:5:9 service `app` adds capability SYS_ADMIN: mount, namespace and other administrative operations, the usual container-escape route',
      'compose.yaml:7:9 service `app` adds capability SYS_PTRACE: tracing and reading the memory of other processes',
      'compose.yaml:9:10 service `app` uses `pid: host`, so it sees and can signal every process of the host',
      'compose.yaml:12:9 service `app` sets `security_opt: seccomp:unconfined`, which turns the seccomp system-call filter off',
      'compose.yaml:13:9 service `app` sets `security_opt: apparmor=unconfined`, which turns AppArmor confinement off',
      'compose.yaml:16:9 service `app` gets host device `/dev/mem`: raw host memory or I/O ports',
      "compose.yaml:19:19 service `router` uses `network_mode: host`, so it shares the host's network stack (every port it opens is on the host, and host-local services are reachable)",
      "compose.yaml:20:15 service `router` adds capability NET_ADMIN: reconfiguring the host's network (interfaces, routes, firewall), since the service uses the host network",
      "compose.yaml:23:10 service `shm` uses `ipc: host`, so it shares the host's shared memory and semaphores",
      "compose.yaml:24:18 service `shm` uses `userns_mode: host`, so it turns off user-namespace remapping, so its root is the host's root",
    ]);
  });

  it('passes narrow capabilities, NET_ADMIN in a private network namespace and node-exporter', async () => {
    expect(brief(await runRuleOn('dangerous-capabilities', 'pass'))).toEqual([]);
  });
});
