import { defineRule } from '../audit/types.js';
import { knownImage } from './images.js';
import { isOneShot, mounts, parseImageRef, pathCovers, q, serviceFlavor, tmpfsEntries } from './lib/reliability.js';
import { at, commandText, envEntries, services } from './util.js';

const KINDS = new Set(['database', 'broker', 'search', 'metrics']);

/** The data directory to name in messages: the one that fits the image, when there is one. */
function dataDirFor(repo: string, dirs: string[]): string | undefined {
  const bitnami = repo.startsWith('bitnami/');
  const candidates = dirs.filter((d) => d.startsWith('/bitnami/') === bitnami);
  if (candidates.length === 1) return candidates[0];
  const tokens = repo.split(/[/._-]+/).filter((t) => t.length >= 4);
  return candidates.find((d) => tokens.some((t) => d.includes(t)));
}

export default defineRule({
  meta: {
    id: 'stateful-without-volume',
    title: 'A database or broker keeps its data in the container',
    category: 'reliability',
    severity: 'warning',
    priority: 'P3',
    effort: 'low',
    rationale:
      'Without a volume on its data directory a database writes into the container\'s writable layer (or an anonymous volume nobody reattaches): `docker compose down`, a re-created container or an image upgrade starts it empty. A named volume or bind mount is what makes the data outlive the container.',
    seed: '001 Best Practices (use volumes for persistence)',
    fixable: false,
    docs: {
      what: 'Finds databases, brokers, search engines and time-series stores (well-known images) with no named volume or bind mount on, above or below their data directory. A tmpfs there counts as no volume. Files evidently for tests are skipped (an ephemeral test database is deliberate).',
      why: 'Data loss by `docker compose down` is the most expensive surprise a compose stack can hold.',
      bad: 'services:\n  db:\n    image: postgres:16\n',
      good: 'services:\n  db:\n    image: postgres:16\n    volumes:\n      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:\n',
      fix: 'Mount a named volume (or a bind mount) on the data directory and declare it under top-level `volumes:`.',
    },
  },
  check(ctx) {
    for (const ref of services(ctx.repo)) {
      const known = knownImage(ref);
      if (!known || !KINDS.has(known.kind) || !known.dataDirs?.length) continue;
      if (isOneShot(ref) || serviceFlavor(ref) === 'test') continue;
      if (Array.isArray(ref.svc.volumes_from) && ref.svc.volumes_from.length) continue;
      const dirs = known.dataDirs;
      const persistent = mounts(ref).filter((m) => m.type === 'volume' || m.type === 'bind');
      const written = [commandText(ref.svc.command), commandText(ref.svc.entrypoint), ...envEntries(ref).map((e) => e.value ?? '')].join('\n');
      const covered = persistent.some(
        (m) => dirs.some((d) => pathCovers(m.target, d) || pathCovers(d, m.target)) || new RegExp(`(^|[=\\s"'])${m.target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/|[\\s"',]|$)`, 'm').test(written),
      );
      if (covered) continue;
      const image = parseImageRef(typeof ref.svc.image === 'string' ? ref.svc.image : '');
      const dir = dataDirFor(image?.repo ?? '', dirs);
      const where = dir ? q(dir) : 'its data directory';
      const tmpfs = [...tmpfsEntries(ref).map((t) => t.value.split(':')[0]!), ...mounts(ref).filter((m) => m.type === 'tmpfs').map((m) => m.target)].find((t) => dirs.some((d) => pathCovers(t, d) || pathCovers(d, t)));
      const message = tmpfs
        ? `${q(ref.name)} (${known.purpose}) keeps its data on a tmpfs at ${q(tmpfs)}: it lives in memory and is gone on every restart`
        : `${q(ref.name)} (${known.purpose}) has no volume on ${where}: its data does not survive \`docker compose down\` or a re-created container`;
      ctx.report({ message, origin: at(ref, 'image'), unit: ref.unit, service: ref.name });
    }
  },
});
