import { defineRule } from '../audit/types.js';
import { formatOrigin, type Origin } from '../load/origin.js';
import { declaredReplicas, enabledIn, hostPorts, ipsOverlap, profileCombos, showBinding, unitServices, type Combo, type HostPort } from './lib/correctness.js';

function before(a: Origin | undefined, b: Origin | undefined): boolean {
  if (!a || !b) return false;
  if (a.file !== b.file) return a.file < b.file;
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** The host port two bindings both claim, if any (fixed single ports only: a range lets Docker pick a free one). */
function clash(a: HostPort, b: HostPort): number | undefined {
  if (a.first !== a.last || b.first !== b.last) return undefined;
  if (a.protocol !== b.protocol || a.first !== b.first) return undefined;
  return ipsOverlap(a.ip, b.ip) ? a.first : undefined;
}

export default defineRule({
  meta: {
    id: 'host-port-conflict',
    title: 'Two services publish the same host port',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'low',
    rationale:
      'Only one container can bind a host port. When two services that start together publish the same port, the second one fails with "port is already allocated" — often only after an override file, an anchor or a `${PORT:-8080}` default made two mappings equal.',
    fixable: false,
    docs: {
      what:
        'Compares the published host ports of the services of each compose unit, as loaded (anchors, merges, overrides and interpolation defaults applied), per IP, port and protocol: `0.0.0.0`, `::` and an empty host IP overlap with a specific address of their family, `tcp` and `udp` never clash, and host port ranges (Docker picks a free port in them) are left alone. Services clash only when they can run together: the services without profiles plus those of ONE profile at a time (on top of `COMPOSE_PROFILES` from `.env`); services that only appear in two different profiles are alternatives and do not clash. A service that publishes a fixed port and runs several replicas is `scaled-fixed-host-port`.',
      why: 'The second container of the pair never starts, and `depends_on` chains behind it stall.',
      bad: 'services:\n  api:\n    image: example/api:1.4\n    ports: ["8080:8000"]\n  admin:\n    image: example/admin:2.0\n    ports: ["${ADMIN_PORT:-8080}:80"]\n',
      good: 'services:\n  api:\n    image: example/api:1.4\n    ports: ["8080:8000"]\n  admin:\n    image: example/admin:2.0\n    ports: ["${ADMIN_PORT:-8081}:80"]\n',
      fix: 'Give one of the services another host port, bind it to another address (`127.0.0.2:8080:80`), or put the alternatives in different profiles.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    for (const unit of repo.units) {
      const refs = unitServices(repo, unit).filter((r) => {
        if (r.svc.network_mode === 'host') return false; // published ports are discarded
        const reps = declaredReplicas(r);
        return !reps || reps.count > 0;
      });
      const combos = profileCombos(repo, unit, refs);
      const order = new Map(refs.map((r, i) => [r, i]));
      // every binding, in file order (a binding shared through an anchor: in service order)
      const all = refs
        .flatMap((r) => hostPorts(r))
        .sort((a, b) => (before(a.port.origin, b.port.origin) ? -1 : before(b.port.origin, a.port.origin) ? 1 : order.get(a.ref)! - order.get(b.ref)! || a.port.index - b.port.index));
      all.forEach((second, k) => {
        const claimants: { first: HostPort; combo: Combo }[] = [];
        for (const first of all.slice(0, k)) {
          const same = first.ref === second.ref;
          // an identical mapping repeated (e.g. by a merge) is one binding
          if (same && first.port.target === second.port.target) continue;
          if (clash(first, second) === undefined) continue;
          const combo = combos.find((c) => enabledIn(first.ref, c) && enabledIn(second.ref, c));
          if (!combo || claimants.some((c) => c.first.ref === first.ref)) continue;
          claimants.push({ first, combo });
        }
        if (!claimants.length) return;
        const binding = showBinding(second, second.first);
        const self = claimants.find((c) => c.first.ref === second.ref);
        if (self && claimants.length === 1) {
          ctx.report({
            message: `service \`${second.ref.name}\` publishes host port ${binding} twice (also at ${formatOrigin(self.first.port.origin)}): the container fails to start with "port is already allocated"`,
            origin: second.port.origin,
            unit,
            service: second.ref.name,
          });
          return;
        }
        const who = claimants
          .map(({ first, combo }) => {
            const where = [formatOrigin(first.port.origin), combo.extra && (first.ref.profiles.length || second.ref.profiles.length) ? `when profile \`${combo.extra}\` is active` : ''].filter(Boolean).join(', ');
            const name = first.ref === second.ref ? 'itself' : `service \`${first.ref.name}\``;
            return `${name}${where ? ` (${where})` : ''}`;
          })
          .join(' and ');
        ctx.report({
          message: `host port ${binding} of service \`${second.ref.name}\` is also published by ${who}: only one container can bind it, the other fails with "port is already allocated"`,
          origin: second.port.origin,
          unit,
          service: second.ref.name,
        });
      });
    }
  },
});
