import { defineRule } from '../audit/types.js';
import { at, isMapping, services } from './util.js';

/** Container engine API sockets: whoever can talk to one controls the host. */
const SOCKET = /(^|\/)(docker|podman|containerd|crio|cri-dockerd)\.sock$/;

export default defineRule({
  meta: {
    id: 'docker-socket-mounted',
    title: 'The Docker socket is mounted into a container',
    category: 'security',
    severity: 'warning',
    priority: 'P2',
    effort: 'medium',
    rationale:
      'The Docker API socket is root on the host: anything that can reach it can start a privileged container that mounts `/`. Mounting it read-only changes nothing, because `:ro` only stops the socket file from being replaced, not API calls from being made.',
    fixable: false,
    docs: {
      what: 'Finds bind mounts of `/var/run/docker.sock` (or any `docker.sock`, `podman.sock`, `containerd.sock`) into a service, read-only ones included.',
      why: 'A compromised container with the socket can run `docker run -v /:/host --privileged …` and own the host. Reverse proxies, CI runners and dashboards that "only read" container labels get the full API nonetheless.',
      bad: 'services:\n  proxy:\n    image: nginxproxy/nginx-proxy:1.6\n    volumes:\n      - /var/run/docker.sock:/tmp/docker.sock:ro\n',
      good: 'services:\n  socket-proxy:\n    image: tecnativa/docker-socket-proxy:0.3\n    environment:\n      CONTAINERS: 1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro  # shipshape-ignore docker-socket-mounted only the filtering proxy holds the socket\n  proxy:\n    image: nginxproxy/nginx-proxy:1.6\n    environment:\n      DOCKER_HOST: tcp://socket-proxy:2375\n',
      fix: 'Give the service a filtering socket proxy that only allows the API calls it needs (e.g. read-only container listing), or a rootless engine; keep the real socket in one small, audited container and suppress the finding there with a reason.',
    },
  },
  check(ctx) {
    for (const ref of services(ctx.repo)) {
      const vols = ref.svc.volumes;
      if (!Array.isArray(vols)) continue;
      vols.forEach((v, i) => {
        if (!isMapping(v) || v.type !== 'bind' || typeof v.source !== 'string') return;
        const source = v.source.replace(/\/+$/, '');
        if (!SOCKET.test(source)) return;
        const what = source.endsWith('/docker.sock') || source === 'docker.sock' ? 'the Docker socket' : 'the container engine socket';
        const ro = v.read_only === true || v.read_only === 'true';
        ctx.report({
          origin: at(ref, 'volumes', i),
          unit: ref.unit,
          service: ref.name,
          message: ro
            ? `service \`${ref.name}\` mounts ${what} \`${source}\` read-only, which still exposes the whole API: whoever controls the container controls the host`
            : `service \`${ref.name}\` mounts ${what} \`${source}\`: whoever controls the container controls the host`,
        });
      });
    }
  },
});
