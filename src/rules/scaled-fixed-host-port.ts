import { defineRule } from '../audit/types.js';
import { allServices, hostPorts, mergeRuns, scaledRuns, showBinding, wrapperScales } from './lib/correctness.js';

export default defineRule({
  meta: {
    id: 'scaled-fixed-host-port',
    title: 'A scaled service publishes a fixed host port',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'low',
    rationale:
      'Every replica of a service gets the same port mapping. With a fixed host port only the first replica can bind it; the others fail with "port is already allocated", so `--scale worker=3` or `deploy.replicas: 3` silently yields one worker.',
    seed: '000 §3',
    fixable: false,
    docs: {
      what:
        'Finds services that run more than one replica — `scale`, `deploy.replicas`, or a wrapper script calling `docker compose up --scale svc=N` — and publish a fixed host port, or a host port range with fewer ports than replicas. A range at least as wide as the replica count is fine.',
      why: 'All replicas but one fail to start, and nothing in `docker compose up` output makes the lost capacity obvious.',
      bad: 'services:\n  worker:\n    image: example/worker:1.4\n    ports: ["5003:5003"]\n    deploy:\n      replicas: 3\n',
      good: 'services:\n  worker:\n    image: example/worker:1.4\n    ports: ["5003-5005:5003"]   # or publish no host port and reach the workers over the network\n    deploy:\n      replicas: 3\n',
      fix: 'Publish a host port range with one port per replica, let Docker choose (`"5003"` publishes the container port on a random host port), or drop the host port when other containers reach the service over the compose network. Distinct services with explicit ports (worker-1: 5003, worker-2: 5004) also work.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    const scales = wrapperScales(repo);
    for (const ref of allServices(repo)) {
      if (ref.svc.network_mode === 'host') continue;
      const runs = scaledRuns(repo, ref, scales);
      if (!runs.length) continue;
      const ports = hostPorts(ref);
      for (const h of ports) {
        const width = h.last - h.first + 1;
        const failing = runs.filter((r) => r.count > width);
        if (failing.length) {
          const run = mergeRuns(failing);
          const what = width === 1 ? `fixed host port ${showBinding(h, h.first)}` : `host port range ${h.first}-${h.last}/${h.protocol} (${width} ports)`;
          ctx.report({
            message: `service \`${ref.name}\` runs ${failing.some((r) => r.count !== run.count) ? 'up to ' : ''}${run.count} replicas (${run.how}) but publishes ${what}: only ${width === 1 ? 'one replica' : `${width} replicas`} can bind it, the others fail with "port is already allocated"`,
            origin: h.port.origin,
            unit: ref.unit,
            service: ref.name,
          });
        }
      }
    }
  },
});
