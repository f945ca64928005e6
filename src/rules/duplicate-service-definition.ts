import { defineRule } from '../audit/types.js';
import { isMapping } from '../load/paths.js';
import type { Mapping, Value } from '../load/types.js';
import { canonical, listSome, overlappingUnits, serviceKeyOrigin, unitServices } from './lib/maintainability.js';

function portList(v: Value | undefined): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((p) => {
    if (!isMapping(p)) return String(p);
    const host = p.published !== undefined && p.published !== null && p.published !== '' ? `${p.host_ip ? `${String(p.host_ip)}:` : ''}${String(p.published)}:` : '';
    const proto = p.protocol && p.protocol !== 'tcp' ? `/${String(p.protocol)}` : '';
    return `${host}${String(p.target)}${proto}`;
  });
}

function volumeTargets(v: Value | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(v)) return out;
  for (const m of v) {
    if (isMapping(m) && typeof m.target === 'string') out.set(m.target, canonical(m));
    else if (typeof m === 'string') out.set(m.split(':')[1] ?? m, m);
  }
  return out;
}

function keysOf(v: Value | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (isMapping(v)) for (const [k, x] of Object.entries(v)) out.set(k, canonical(x));
  else if (Array.isArray(v)) for (const x of v) out.set(String(x), '');
  return out;
}

function setDiff(label: string, a: Map<string, string>, b: Map<string, string>, changedWord: string): string | undefined {
  const added = [...b.keys()].filter((k) => !a.has(k));
  const dropped = [...a.keys()].filter((k) => !b.has(k));
  const changed = [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k));
  const parts: string[] = [];
  if (added.length) parts.push(`adds ${listSome(added, 4)}`);
  if (dropped.length) parts.push(`drops ${listSome(dropped, 4)}`);
  if (changed.length) parts.push(`${listSome(changed, 4)} ${changedWord}`);
  return parts.length ? `${label} ${parts.join(', ')}` : undefined;
}

/** What differs between two definitions of a service, field by field (values of environment entries never shown). */
function driftSummary(a: Mapping, b: Mapping): string[] {
  const out: string[] = [];
  const adds: string[] = [];
  const drops: string[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (canonical(x) === canonical(y)) continue;
    if (x === undefined) {
      adds.push(k);
      continue;
    }
    if (y === undefined) {
      drops.push(k);
      continue;
    }
    switch (k) {
      case 'image':
        out.push(`image \`${String(y)}\` instead of \`${String(x)}\``);
        break;
      case 'ports': {
        const pa = portList(x);
        const pb = portList(y);
        const added = pb.filter((p) => !pa.includes(p));
        const dropped = pa.filter((p) => !pb.includes(p));
        const parts = [added.length ? `adds ${listSome(added, 4)}` : '', dropped.length ? `drops ${listSome(dropped, 4)}` : ''].filter(Boolean);
        out.push(parts.length ? `ports ${parts.join(', ')}` : 'ports differ');
        break;
      }
      case 'environment':
        out.push(setDiff('environment', keysOf(x), keysOf(y), 'value differs') ?? 'environment differs');
        break;
      case 'volumes':
        out.push(setDiff('volumes', volumeTargets(x), volumeTargets(y), 'mounted differently') ?? 'volumes differ');
        break;
      case 'depends_on':
      case 'networks':
      case 'labels':
      case 'secrets':
      case 'configs':
        out.push(setDiff(`\`${k}\``, keysOf(x), keysOf(y), 'differs') ?? `\`${k}\` differs`);
        break;
      default:
        out.push(`\`${k}\` differs`);
    }
  }
  if (adds.length) out.push(`adds ${listSome(adds, 6)}`);
  if (drops.length) out.push(`drops ${listSome(drops, 6)}`);
  return out;
}

export default defineRule({
  meta: {
    id: 'duplicate-service-definition',
    title: 'A service is defined in several standalone compose files',
    category: 'maintainability',
    severity: 'info',
    priority: 'P4',
    effort: 'medium',
    rationale:
      'A service written out in full in two files is two services that happen to share a name: each copy gets its own fixes, its own image tag, its own environment. Knowing exactly how the copies differ is the first step to deciding which one is right and keeping only that.',
    seed: '000 §1',
    fixable: false,
    docs: {
      what: 'Finds a service defined in full (with its own `image` or `build`) in more than one standalone compose file of the same stack (two files that both build at least one of the shared services from the same local context: the project\'s own code, not a catalogue of alternative third-party stacks), and says field by field how each extra copy differs from the first: image and tag, ports, environment keys added, dropped or changed (values are compared but never shown), volumes, and any other key.',
      why: 'Copies of one service drift. The summary shows which differences are deliberate and which are forgotten fixes. Files meant to be layered with `-f` (as a wrapper script, the docs or COMPOSE_FILE load them) and services that only patch a base definition are not reported.',
      bad: '# docker-compose.yml\nservices:\n  jaeger:\n    image: jaegertracing/all-in-one:1.57\n    ports: ["16686:16686", "4317:4317"]\n\n# docker-compose.dev.yml\nservices:\n  jaeger:\n    image: jaegertracing/all-in-one:1.52\n    ports: ["16686:16686"]\n',
      good: '# docker-compose.yml: the one definition\nservices:\n  jaeger:\n    image: jaegertracing/all-in-one:1.57\n    ports: ["16686:16686", "4317:4317"]\n\n# docker-compose.dev.yml: only what differs, loaded with -f docker-compose.yml -f docker-compose.dev.yml\nservices:\n  backend:\n    environment: [DEBUG=1]\n',
      fix: 'Decide which definition is right, keep it in one file, and remove the copies; where a variant really needs different settings, state only those in an override file loaded with `-f`, or use `extends:`.',
    },
  },
  check(ctx) {
    const reported = new Set<string>();
    for (const { first, second, shared, built } of overlappingUnits(ctx.repo)) {
      if (!built.length) continue;
      const sa = unitServices(first);
      const sb = unitServices(second);
      for (const name of shared) {
        const key = `${second.rel}\u0000${name}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const a = sa[name];
        const b = sb[name];
        if (!a || !b) continue;
        const drift = driftSummary(a, b);
        const origin = serviceKeyOrigin(second, name);
        const message = drift.length
          ? `service \`${name}\` is also defined in ${first.rel}, differently: ${drift.slice(0, 8).join('; ')}${drift.length > 8 ? `; and ${drift.length - 8} more differences` : ''}`
          : `service \`${name}\` is also defined in ${first.rel}, identically: keep one definition`;
        ctx.report({ message, ...(origin ? { origin } : { file: second.rel }), unit: second.unit, service: name });
      }
    }
  },
});
