import { defineRule } from '../audit/types.js';
import { formatOrigin } from '../load/origin.js';
import { endpointHosts, notAHost, projectOf, serviceNetworks, unitServices, usesAt } from './lib/correctness.js';
import { envEntries, isMapping, type ServiceRef } from './util.js';

interface Target {
  ref: ServiceRef;
  /** reachable only on these networks (a network alias) */
  network?: string;
  /** resolves without a shared network check (hostname, external link) */
  loose?: boolean;
}

const BUILTIN_HOSTS = new Set(['localhost', 'host.docker.internal', 'gateway.docker.internal', 'host-gateway', 'kubernetes.docker.internal']);

function extraHostNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((e) => String(e).split(/[:=]/)[0]!.trim().toLowerCase());
  if (isMapping(v)) return Object.keys(v).map((k) => k.toLowerCase());
  return [];
}

function names(refs: ServiceRef[], byName: Map<string, ServiceRef>): Map<string, Target[]> {
  const out = new Map<string, Target[]>();
  const add = (n: unknown, t: Target) => {
    if (typeof n !== 'string' || !n) return;
    const k = n.toLowerCase();
    out.set(k, [...(out.get(k) ?? []), t]);
  };
  for (const ref of refs) {
    add(ref.name, { ref });
    add(ref.svc.container_name, { ref });
    add(ref.svc.hostname, { ref, loose: true });
    const nets = serviceNetworks(ref, byName);
    for (const [net, { aliases }] of nets ?? []) for (const a of aliases) add(a, { ref, network: net });
    if (Array.isArray(ref.svc.links)) {
      for (const l of ref.svc.links) {
        const [svc, alias] = String(l).split(':');
        const target = byName.get(svc ?? '');
        if (target && alias) add(alias, { ref: target, loose: true });
      }
    }
    if (Array.isArray(ref.svc.external_links)) {
      for (const l of ref.svc.external_links) {
        const parts = String(l).split(':');
        add(parts[parts.length - 1], { ref, loose: true });
      }
    }
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'service-url-unreachable',
    title: 'An environment value points at a host that does not resolve',
    category: 'correctness',
    severity: 'warning',
    priority: 'P1',
    effort: 'low',
    rationale:
      'Services find each other by service name on a shared network. A URL that names a service that does not exist (renamed, removed, or never added — `OTLP_ENDPOINT=http://jaeger:4317` without a jaeger service) or one on another network fails only at runtime, as connection errors and retries that look like a flaky dependency.',
    fixable: false,
    docs: {
      what:
        'Reads environment values that are URLs (`scheme://host[:port]`), or `host:port` / bare host values under keys that name an endpoint (`…_URL`, `…_HOST`, `…_ADDR`, `…_ENDPOINT`, `…_BROKERS`, `…_SERVERS`, `…_DSN`, …), and reports single-label hosts that are no service, `container_name`, `hostname`, network alias or link alias of the project, and service names that share no network with the service that uses them. Hosts with a dot (FQDNs), IP addresses, `localhost`, `host.docker.internal`, the service\'s own `extra_hosts` and the `knownHosts` of the configuration are external; values holding `${…}` are skipped, and so are hosts that are services of another compose file of the repository (a file run alongside, or a shared external network), URLs a browser uses (CORS origins, redirects, public or base URLs, `NEXT_PUBLIC_*`/`VITE_*` client settings), bind addresses and a service\'s own advertised names, and services with `network_mode: host`.',
      why: 'The mistake only shows at runtime, as timeouts in a service that is otherwise healthy.',
      bad: 'services:\n  backend:\n    image: example/backend:1.4\n    environment:\n      OTLP_ENDPOINT: http://jaeger:4317   # no jaeger service\n',
      good: 'services:\n  backend:\n    image: example/backend:1.4\n    environment:\n      OTLP_ENDPOINT: http://jaeger:4317\n  jaeger:\n    image: jaegertracing/all-in-one:1.57\n',
      fix: 'Correct the host to the service name, add the missing service, attach both services to a common network, or — for a host outside the stack — use its FQDN or list it under `knownHosts` in `.shipshape.yml`.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    const known = new Set(repo.config.knownHosts.map((h) => h.toLowerCase()));
    const perUnit = new Map(repo.units.map((u) => [u, unitServices(repo, u)]));
    // which units define each name (computed once: an audit may have hundreds of units)
    const unitsByName = new Map<string, Set<unknown>>();
    for (const [u, rs] of perUnit) {
      for (const k of names(rs, new Map(rs.map((r) => [r.name, r]))).keys()) {
        const set = unitsByName.get(k) ?? new Set<unknown>();
        set.add(u);
        unitsByName.set(k, set);
      }
    }
    for (const unit of repo.units) {
      const refs = perUnit.get(unit)!;
      const project = projectOf(repo, unit);
      if (!project || !refs.length) continue;
      const byName = new Map(refs.map((r) => [r.name, r]));
      const hosts = names(refs, byName);
      const definedElsewhere = (h: string) => [...(unitsByName.get(h) ?? [])].some((u) => u !== unit);
      const seen = new Set<string>();
      for (const ref of refs) {
        // with host networking, names resolve through the host's resolver
        if (ref.svc.network_mode === 'host') continue;
        const own = new Set(extraHostNames(ref.svc.extra_hosts));
        const mine = serviceNetworks(ref, byName);
        for (const env of envEntries(ref)) {
          if (env.value === null || !env.value) continue;
          // a value that came through interpolation depends on who runs it
          if (usesAt(project, env.origin).length) continue;
          for (const { host } of endpointHosts(env.key, env.value)) {
            const h = host.toLowerCase();
            if (notAHost(h) || BUILTIN_HOSTS.has(h) || known.has(h) || own.has(h)) continue;
            const key = `${formatOrigin(env.origin)}|${env.key}|${h}|${ref.name}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const targets = hosts.get(h);
            if (!targets) {
              if (definedElsewhere(h)) continue;
              ctx.report({
                message: `\`${env.key}\` of service \`${ref.name}\` points at host \`${host}\`, which is no service, container name or network alias of this project: the name will not resolve (a host outside the stack belongs in \`knownHosts\`)`,
                origin: env.origin,
                unit,
                service: ref.name,
              });
              continue;
            }
            if (!mine || targets.some((t) => t.ref === ref || t.loose)) continue;
            const reachable = targets.some((t) => {
              const theirs = serviceNetworks(t.ref, byName);
              if (!theirs) return true;
              if (t.network) return mine.has(t.network);
              return [...theirs.keys()].some((n) => mine.has(n));
            });
            if (reachable) continue;
            const t = targets[0]!.ref;
            const list = (m: ReturnType<typeof serviceNetworks>) => [...(m ?? new Map()).values()].map((x: { key: string }) => `\`${x.key}\``).join(', ') || 'none';
            ctx.report({
              message: `\`${env.key}\` of service \`${ref.name}\` points at \`${host}\`, but service \`${t.name}\` (networks ${list(serviceNetworks(t, byName))}) shares no network with \`${ref.name}\` (networks ${list(mine)}): the name will not resolve`,
              origin: env.origin,
              unit,
              service: ref.name,
            });
          }
        }
      }
    }
  },
});
