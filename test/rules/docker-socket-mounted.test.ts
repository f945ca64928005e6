import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('docker-socket-mounted', () => {
  it('flags engine sockets, read-only ones included, at the volume entry', async () => {
    const f = await runRuleOn('docker-socket-mounted', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:5:9 service `proxy` mounts the Docker socket `/var/run/docker.sock` read-only, which still exposes the whole API: whoever controls the container controls the host',
      'compose.yaml:10:9 service `runner` mounts the Docker socket `/run/docker.sock`: whoever controls the container controls the host',
      'compose.yaml:16:9 service `podman` mounts the container engine socket `/run/user/1000/podman/podman.sock`: whoever controls the container controls the host',
    ]);
  });

  it('passes other binds, named volumes and a TCP DOCKER_HOST', async () => {
    expect(await runRuleOn('docker-socket-mounted', 'pass')).toEqual([]);
  });
});
