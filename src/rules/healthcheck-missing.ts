import { defineRule, type ComposeUnit } from '../audit/types.js';
import { knownImage } from './images.js';
import { healthOf, isOneShot, isSwarmStack, isTolerantClient, q } from './lib/reliability.js';
import { isMapping, serviceOrigin, services, type ServiceRef } from './util.js';

/** A health check to suggest for a few well-known images. */
function suggestion(ref: ServiceRef): string | undefined {
  const k = knownImage(ref);
  if (!k) return undefined;
  if (/PostgreSQL/.test(k.purpose)) return 'healthcheck:\n  test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]\n  interval: 10s\n  timeout: 5s\n  retries: 5\n  start_period: 30s';
  if (/Redis/.test(k.purpose)) return 'healthcheck:\n  test: ["CMD", "redis-cli", "ping"]\n  interval: 10s\n  timeout: 3s\n  retries: 5';
  if (/MySQL/.test(k.purpose)) return 'healthcheck:\n  test: ["CMD", "mysqladmin", "ping", "-h", "127.0.0.1"]\n  interval: 10s\n  timeout: 5s\n  retries: 5\n  start_period: 30s';
  return undefined;
}

export default defineRule({
  meta: {
    id: 'healthcheck-missing',
    title: 'A service others rely on has no health check',
    category: 'reliability',
    severity: 'warning',
    priority: 'P3',
    effort: 'low',
    rationale:
      'Without a health check Docker only knows whether the process is alive, not whether it answers: `depends_on` cannot wait for readiness, `docker compose ps` shows a hung server as "Up", and `up --wait` returns too early. Services that others depend on or that publish ports are the ones whose readiness matters.',
    seed: '003 Service Health Checks',
    fixable: false,
    docs: {
      what: 'Finds long-running services that other services depend on (clients that retry by design, such as Prometheus, Grafana, reverse proxies (pulled or built here) and exporters, do not count; nor does `depends_on` in Swarm stack files), or that publish ports, with no health check: none in compose (or `disable: true` / `test: ["NONE"]`), none in the Dockerfile of a built image, and an image not known to ship one. One-shot jobs are exempt; builds whose Dockerfile cannot be read are not judged.',
      why: 'A health check is what turns "the container runs" into "the service answers". It is needed for `condition: service_healthy`, for `up --wait`, and to see a hung process.',
      bad: 'services:\n  db:\n    image: postgres:16\n  api:\n    image: example/api:1.0\n    depends_on: [db]\n',
      good: 'services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]\n      interval: 10s\n      timeout: 5s\n      retries: 5\n      start_period: 30s\n  api:\n    image: example/api:1.0\n    depends_on:\n      db:\n        condition: service_healthy\n',
      fix: 'Add a `healthcheck:` that probes the service itself (an HTTP endpoint with a tool the image has, `pg_isready`, `redis-cli ping`…), or a `HEALTHCHECK` to its Dockerfile.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    const refs = services(repo);
    // who depends on whom, per unit (clients that retry and Swarm stacks do not count)
    const dependentsOf = new Map<ComposeUnit, Map<string, { all: string[]; healthy: string[] }>>();
    for (const other of refs) {
      const deps = other.svc.depends_on;
      if (!isMapping(deps) || isSwarmStack(other) || isTolerantClient(other, repo)) continue;
      let byName = dependentsOf.get(other.unit);
      if (!byName) dependentsOf.set(other.unit, (byName = new Map()));
      for (const [target, d] of Object.entries(deps)) {
        if (!isMapping(d) || target === other.name || d.condition === 'service_completed_successfully') continue;
        let e = byName.get(target);
        if (!e) byName.set(target, (e = { all: [], healthy: [] }));
        e.all.push(other.name);
        if (d.condition === 'service_healthy') e.healthy.push(other.name);
      }
    }
    for (const ref of refs) {
      if (isOneShot(ref)) continue;
      const entry = dependentsOf.get(ref.unit)?.get(ref.name);
      const dependents = entry?.all ?? [];
      const healthyGated = entry?.healthy ?? [];
      const ports = Array.isArray(ref.svc.ports) && ref.svc.ports.length > 0;
      if (!dependents.length && !ports) continue;
      const h = healthOf(repo, ref);
      if (h.kind === 'compose' || h.kind === 'dockerfile' || h.kind === 'image' || h.kind === 'unknown') continue;
      // someone gates on it being healthy: an unknown image most likely ships a HEALTHCHECK
      if (h.kind === 'unknown-image' && healthyGated.length) continue;
      const why: string[] = [];
      if (dependents.length) why.push(`${dependents.map(q).join(', ')} ${dependents.length === 1 ? 'depends' : 'depend'} on it`);
      if (ports) why.push('it publishes ports');
      const reason = why.join(' and ');
      let message: string;
      if (h.kind === 'disabled') message = `${q(ref.name)} disables its health check although ${reason}: Compose cannot tell when it is ready or notice when it hangs`;
      else if (h.kind === 'unknown-image') message = `${q(ref.name)} has no health check (unless its image ships one) although ${reason}: Compose cannot tell when it is ready or notice when it hangs`;
      else message = `${q(ref.name)} has no health check although ${reason}: Compose cannot tell when it is ready or notice when it hangs`;
      const snippet = suggestion(ref);
      ctx.report({
        message,
        origin: h.kind === 'disabled' ? (h.origin ?? serviceOrigin(ref)) : serviceOrigin(ref),
        unit: ref.unit,
        service: ref.name,
        ...(snippet ? { snippet } : {}),
      });
    }
  },
});
