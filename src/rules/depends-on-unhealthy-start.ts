import { defineRule, type Fix } from '../audit/types.js';
import { keyOriginOf, originOf, type Origin } from '../load/origin.js';
import type { Mapping } from '../load/types.js';
import { hasHealthcheck, healthOf, isOneShot, isSwarmStack, isTolerantClient, q, rawService, type HealthSource } from './lib/reliability.js';
import { isMapping, services, type ServiceRef } from './util.js';

function sameOrigin(a: Origin | undefined, b: Origin | undefined): boolean {
  return !!a && !!b && a.file === b.file && a.line === b.line && a.column === b.column;
}

/** Origins of depends_on entries Compose adds for links, volumes_from and network_mode: service:. */
function implicitOrigins(svc: Mapping): Origin[] {
  const out: Origin[] = [];
  for (const key of ['links', 'volumes_from'] as const) {
    const list = svc[key];
    if (Array.isArray(list)) list.forEach((_, i) => {
      const o = originOf(list, i);
      if (o) out.push(o);
    });
  }
  for (const ns of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
    const o = originOf(svc, ns);
    if (o && typeof svc[ns] === 'string' && (svc[ns] as string).startsWith('service:')) out.push(o);
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'depends-on-unhealthy-start',
    title: '`depends_on` waits only for the container to start, not to be ready',
    category: 'reliability',
    severity: 'warning',
    priority: 'P3',
    effort: 'low',
    rationale:
      '`condition: service_started` (and the short list form `depends_on: [db]`) only orders container creation: the dependent starts while its dependency is still booting, so the first connections fail and the service crashes or runs half-configured. Gating on `service_healthy` makes `docker compose up` wait until the dependency answers its health check.',
    seed: '003 §3.1',
    fixable: true,
    docs: {
      what: 'Finds `depends_on` entries with `condition: service_started` (written, or implied by the list form) on a long-running service. Dependencies that are one-shot jobs (migrations, init containers, anything others gate with `service_completed_successfully`) are not reported, nor are dependents that retry by design (Prometheus, Grafana, reverse proxies — pulled, or built here on an nginx/Traefik/Caddy/… base or, when the Dockerfile cannot be read, named `nginx`/`proxy` —, admin UIs, exporters) and Swarm stack files (`docker stack deploy` ignores `depends_on`).',
      why: 'A started container is not a ready one: a database needs seconds to accept connections, an API needs to load. Without a readiness gate the dependent races its dependency on every `up`.',
      bad: 'services:\n  worker:\n    image: example/worker:1.0\n    depends_on: [api]\n  api:\n    image: example/api:1.0\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n',
      good: 'services:\n  worker:\n    image: example/worker:1.0\n    depends_on:\n      api:\n        condition: service_healthy\n  api:\n    image: example/api:1.0\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n',
      fix: 'Use `condition: service_healthy`. When the dependency has a health check (in compose, in its Dockerfile, or in its image) `shipshape fix` rewrites the entry, turning the list form into the long form: every entry whose target has a health check becomes `service_healthy`, the others (one-shot jobs, services without a check) keep `service_started`, so all findings on one list carry the same edit. Without a health check, add one to the dependency first.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    const healthCache = new Map<ServiceRef, HealthSource>();
    const refs = services(repo);
    const byUnit = new Map<unknown, Map<string, ServiceRef>>();
    for (const r of refs) {
      let m = byUnit.get(r.unit);
      if (!m) byUnit.set(r.unit, (m = new Map()));
      m.set(r.name, r);
    }
    for (const ref of refs) {
      const deps = ref.svc.depends_on;
      if (!isMapping(deps)) continue;
      // `docker stack deploy` ignores depends_on; scrapers, dashboards, proxies and exporters retry on their own
      if (isSwarmStack(ref) || isTolerantClient(ref, repo)) continue;
      const implicit = implicitOrigins(ref.svc);
      const refsByName = byUnit.get(ref.unit)!;
      const healthOfName = (name: string): HealthSource | undefined => {
        const t = refsByName.get(name);
        if (!t) return undefined;
        let h = healthCache.get(t);
        if (!h) healthCache.set(t, (h = healthOf(repo, t)));
        return h;
      };
      /** a target whose entry can become service_healthy */
      const upgradable = (name: string): boolean => {
        const t = refsByName.get(name);
        const h = healthOfName(name);
        return !!t && !!h && !isOneShot(t) && hasHealthcheck(h);
      };
      for (const [target, entry] of Object.entries(deps)) {
        if (!isMapping(entry) || entry.condition !== 'service_started') continue;
        const tref = refsByName.get(target);
        if (!tref) continue;
        if (isOneShot(tref)) continue;
        const entryOrigin = originOf(deps, target);
        if (implicit.some((o) => sameOrigin(o, entryOrigin))) continue;
        // where the entry is written, and in which form
        const file = entryOrigin?.file;
        const raw = file ? rawService(repo, file, ref.name, ref.unit) : undefined;
        const rawDeps = raw?.depends_on;
        let origin = entryOrigin ?? keyOriginOf(deps, target);
        let fix: Fix | undefined;
        const h = healthOfName(target)!;
        const healthy = hasHealthcheck(h);
        if (Array.isArray(rawDeps) && rawDeps.map(String).includes(target)) {
          if (healthy) {
            const value: Mapping = {};
            for (const n of rawDeps.map(String)) value[n] = { condition: upgradable(n) ? 'service_healthy' : 'service_started' };
            fix = {
              description: `rewrite depends_on of ${ref.name} in long form, waiting for healthy dependencies`,
              safety: 'safe',
              edits: [{ kind: 'yaml-set', file: file!, path: ['services', ref.name, 'depends_on'], value }],
            };
          }
        } else if (isMapping(rawDeps) && target in rawDeps) {
          const rawEntry = rawDeps[target];
          if (isMapping(rawEntry) && 'condition' in rawEntry) origin = originOf(rawEntry, 'condition') ?? origin;
          else origin = keyOriginOf(rawDeps, target) ?? origin;
          if (healthy) {
            fix = {
              description: `wait for ${target} to be healthy`,
              safety: 'safe',
              edits: [{ kind: 'yaml-set', file: file!, path: ['services', ref.name, 'depends_on', target, 'condition'], value: 'service_healthy' }],
            };
          }
        }
        let advice: string;
        if (healthy) advice = `${q(target)} has a health check, so use \`condition: service_healthy\``;
        else if (h.kind === 'unknown-image' || h.kind === 'unknown') advice = `add a health check to ${q(target)} (unless its image ships one), then use \`condition: service_healthy\``;
        else advice = `add a health check to ${q(target)}, then use \`condition: service_healthy\``;
        ctx.report({
          message: `${q(ref.name)} starts as soon as ${q(target)} has started, not when it is ready: ${advice}`,
          origin,
          unit: ref.unit,
          service: ref.name,
          ...(fix ? { fix, snippet: `depends_on:\n  ${target}:\n    condition: service_healthy` } : {}),
        });
      }
    }
  },
});
