import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineRule, type Edit, type Fix, type RepoModel } from '../audit/types.js';
import { keyOriginOf, originOf, type Origin } from '../load/origin.js';
import { knownImage } from './images.js';
import { bindSpecToLoopback, isTestFile, rawDocuments, rawTextAt } from './lib/security.js';
import { isAllInterfaces, isMapping, publishedPorts, services, type ServiceRef } from './util.js';

/** Container ports that are unmistakably a database or cache, for images shipshape does not know. */
const UNMISTAKABLE: Record<number, string> = {
  5432: 'PostgreSQL',
  3306: 'MySQL',
  1433: 'SQL Server',
  27017: 'MongoDB',
  6379: 'Redis',
  11211: 'Memcached',
};
/**
 * Well-known internal ports that other software also uses (APISIX serves 9092, many apps 9090):
 * for unknown images they count only when the service or image is named like the product.
 */
const BY_NAME: Record<number, [RegExp, string]> = {
  9092: [/kafka|redpanda/i, 'Kafka'],
  29092: [/kafka|redpanda/i, 'Kafka'],
  2181: [/zookeeper|(^|[-_/])zoo?k?\d*($|[-_])/i, 'ZooKeeper'],
  5672: [/rabbit|amqp|activemq|artemis/i, 'AMQP'],
  15672: [/rabbit/i, 'RabbitMQ management'],
  4317: [/otel|opentelemetry|collector|jaeger|tempo|alloy|signoz/i, 'OTLP gRPC'],
  4318: [/otel|opentelemetry|collector|jaeger|tempo|alloy|signoz/i, 'OTLP HTTP'],
  9200: [/elastic|opensearch|(^|[-_/])es\d*($|[-_])/i, 'Elasticsearch'],
  9300: [/elastic|opensearch|(^|[-_/])es\d*($|[-_])/i, 'Elasticsearch transport'],
  8200: [/vault|openbao/i, 'Vault'],
  9042: [/cassandra|scylla/i, 'Cassandra'],
  2379: [/etcd/i, 'etcd'],
  9090: [/prometheus/i, 'Prometheus'],
  9093: [/alertmanager/i, 'Alertmanager'],
};

const KIND_LABEL: Record<string, string> = {
  database: 'database',
  cache: 'cache',
  broker: 'message broker',
  search: 'search engine',
  metrics: 'metrics',
  tracing: 'trace collector',
  logging: 'log collector',
  'admin-ui': 'admin UI',
  secrets: 'secrets store',
  storage: 'object storage',
  coordination: 'coordination service',
};

/** "the PostgreSQL database port 5432", or undefined when the port is not an internal one. */
function internalPort(ref: ServiceRef, target: number): string | undefined {
  const known = knownImage(ref);
  if (known) {
    if (!known.internalPorts?.includes(target)) return undefined;
    // a proper name ("PostgreSQL database") reads better than the kind; generic purposes use the kind
    const purpose = known.purpose.split(' / ')[0]!;
    const label = /^[A-Z]/.test(purpose) ? purpose : (KIND_LABEL[known.kind] ?? purpose);
    return `the ${label} port ${target}`;
  }
  const wk = UNMISTAKABLE[target];
  if (wk) return `the ${wk} port ${target}`;
  const byName = BY_NAME[target];
  const image = typeof ref.svc.image === 'string' ? ref.svc.image : '';
  if (byName && (byName[0].test(ref.name) || byName[0].test(image))) return `the ${byName[1]} port ${target}`;
  return undefined;
}

function sameOrigin(a: Origin | undefined, b: Origin): boolean {
  return !!a && a.line === b.line && a.column === b.column;
}

/** Offset of a 1-based line/column in a text. */
function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return -1;
    off = nl + 1;
  }
  return off + column - 1;
}

/**
 * The edit that binds the port entry written at `origin` to 127.0.0.1, in the file it is written
 * in. The entry is looked up in that file's `services.<any>.ports` lists by its position, so the
 * index is the one of the written list (not of the merged model, where overrides append and
 * ranges expand): short syntax gets a new string, long syntax a `host_ip`. An entry written
 * elsewhere (an anchor in an `x-` block) gets a text edit of the scalar at its position.
 */
function loopbackEdit(repo: RepoModel, origin: Origin): Edit | undefined {
  const file = origin.file;
  for (const doc of rawDocuments(repo, file)) {
    const svcs = doc.services;
    if (!isMapping(svcs)) continue;
    for (const [name, svc] of Object.entries(svcs)) {
      if (!isMapping(svc) || !Array.isArray(svc.ports)) continue;
      // the list must be written in this service (not reached through an alias or a `<<` merge):
      // its key after the service's key, its items after its key
      const svcKey = keyOriginOf(svcs, name);
      const portsKey = keyOriginOf(svc, 'ports');
      if (!svcKey || !portsKey || portsKey.line <= svcKey.line) continue;
      const ports = svc.ports;
      for (let i = 0; i < ports.length; i++) {
        if (!sameOrigin(originOf(ports, i), origin) || origin.line < portsKey.line) continue;
        const item = ports[i];
        if (typeof item === 'string' || typeof item === 'number') {
          const spec = bindSpecToLoopback(String(item));
          return spec ? { kind: 'yaml-set', file, path: ['services', name, 'ports', i], value: spec } : undefined;
        }
        if (isMapping(item)) return { kind: 'yaml-set', file, path: ['services', name, 'ports', i, 'host_ip'], value: '127.0.0.1' };
        return undefined;
      }
    }
  }
  // not a list item under services: rewrite the scalar where it is written
  const raw = rawTextAt(repo, origin);
  if (raw === undefined) return undefined;
  const spec = bindSpecToLoopback(raw);
  if (!spec) return undefined;
  let text: string;
  try {
    text = readFileSync(path.resolve(repo.root, file), 'utf8');
  } catch {
    return undefined;
  }
  const start = offsetOf(text, origin.line, origin.column);
  if (start < 0) return undefined;
  const q = text[start];
  let end: number;
  if (q === '"' || q === "'") {
    end = text.indexOf(q, start + 1);
    if (end < 0) return undefined;
    end += 1;
  } else {
    if (text.slice(start, start + raw.length) !== raw) return undefined;
    end = start + raw.length;
  }
  return { kind: 'text', file, start, end, text: `"${spec}"` };
}

export default defineRule({
  meta: {
    id: 'public-internal-port',
    title: 'An internal service port is published on all interfaces',
    category: 'security',
    severity: 'warning',
    priority: 'P2',
    effort: 'trivial',
    rationale:
      'Databases, caches, brokers, metrics endpoints, trace collectors, admin UIs and Vault are meant to be reached by the other containers over the compose network. Publishing their port as `"5432:5432"` binds it on every interface of the host, past most host firewalls (Docker writes its own iptables rules), to the LAN or the internet.',
    seed: '004 §Port Allocation',
    fixable: true,
    docs: {
      what:
        'Finds published ports of databases, caches, brokers, metrics, tracing and log collectors, admin UIs, object storage and Vault (by image, from shipshape\'s image table; for images it does not know, by an unmistakable database or cache port — 5432, 3306, 1433, 27017, 6379, 11211 — or by a well-known port such as 9092, 2181, 5672, 4317, 9200, 8200 or 9090 when the service or image is named after the product) that are bound to all interfaces: no host IP, `0.0.0.0` or `::`. Ports bound to `127.0.0.1` or another specific address are fine, and test and CI compose files (`test/`, `e2e/`, `.github/`, `*.ci.yml`…) are not judged: they run on throwaway machines.',
      why: 'Docker publishes ports through its own iptables rules, so `ufw` and similar host firewalls do not stop them. An exposed PostgreSQL or Redis is found by internet scanners within hours; an exposed Prometheus or admin UI leaks the whole topology. Seed 004 keeps 5432, 9090 and 4317 internal.',
      bad: 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n',
      good: 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "127.0.0.1:5432:5432"   # reachable from this host only\n',
      fix: 'Bind the port to the loopback interface (`"127.0.0.1:5432:5432"`), or remove `ports:` entirely when only other containers need it (they use `db:5432` on the compose network). `shipshape fix --rule public-internal-port --write` rewrites the entry in the file it is written in. Swarm stack files get no automatic fix: the ingress routing mesh ignores a host IP.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const ref of services(repo)) {
      const seen = new Set<string>();
      for (const p of publishedPorts(ref)) {
        if (!isAllInterfaces(p.hostIp) || !p.origin || isTestFile(p.origin.file)) continue;
        const what = internalPort(ref, p.target);
        if (!what) continue;
        const id = `${p.origin.file}:${p.origin.line}:${p.origin.column}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const raw = rawTextAt(repo, p.origin);
        const shown = raw ?? `${p.hostIp ? `${p.hostIp}:` : ''}${p.published ?? ''}:${p.target}`;
        const message = `service \`${ref.name}\` publishes ${what} on all interfaces (\`${shown}\`): bind it to 127.0.0.1 or leave it unpublished`;
        const swarm = /(^|[._-])(stack|swarm)([._-]|$)/i.test(path.posix.basename(p.origin.file).replace(/\.ya?ml$/i, ''));
        const edit = swarm ? undefined : loopbackEdit(repo, p.origin);
        const newSpec = edit && edit.kind === 'yaml-set' && typeof edit.value === 'string' ? edit.value : edit?.kind === 'text' ? edit.text.replace(/^"|"$/g, '') : undefined;
        const fix: Fix | undefined = edit ? { description: `bind port ${p.target} to 127.0.0.1`, safety: 'safe', edits: [edit] } : undefined;
        const longForm = edit?.kind === 'yaml-set' && edit.path[edit.path.length - 1] === 'host_ip';
        const snippet = longForm
          ? `ports:\n  - target: ${p.target}\n    published: "${p.published ?? ''}"\n    host_ip: 127.0.0.1`
          : `ports:\n  - "${newSpec ?? `127.0.0.1:${p.published ?? ''}:${p.target}`}"`;
        ctx.report({ origin: p.origin, unit: ref.unit, service: ref.name, message, snippet, ...(fix ? { fix } : {}) });
      }
    }
  },
});
