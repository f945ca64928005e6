import { defineRule, type ReportInput } from '../audit/types.js';
import { keyOriginOf, originOf } from '../load/origin.js';
import { isOneShot, isOverlayService, q, rawService, serviceFile, serviceFlavor } from './lib/reliability.js';
import { isMapping, serviceOrigin, services } from './util.js';

const DEFAULT_LOGGING = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };
const ANCHOR = 'default-logging';

export default defineRule({
  meta: {
    id: 'log-rotation-missing',
    title: 'Container logs grow without bound',
    category: 'reliability',
    severity: 'warning',
    priority: 'P3',
    effort: 'trivial',
    rationale:
      'Docker\'s default `json-file` log driver keeps everything a container prints, in one file that is never rotated. A chatty service fills the disk in days or weeks, and a full disk takes down every container on the host, databases included.',
    seed: '003 §4.2',
    fixable: true,
    docs: {
      what: 'Finds long-running services that log with the `json-file` driver (no `logging:`, or `driver: json-file`) without a `max-size` option. The `local` driver rotates by default, and other drivers ship logs elsewhere; both pass. One-shot jobs (migrations, init and permission-fixing containers), files evidently for tests or development and services of overlay fragments (no `image` or `build` of their own; judged in the file that defines them) are skipped. A daemon-wide default in `/etc/docker/daemon.json` cannot be seen from the repository: if you have one, disable this rule in `.shipshape.yml`.',
      why: 'Unbounded logs are a slow-burning outage: nothing fails until the disk is full, and then everything does.',
      bad: 'services:\n  api:\n    image: example/api:1.0\n  worker:\n    image: example/worker:1.0\n',
      good: 'x-logging: &default-logging\n  driver: json-file\n  options:\n    max-size: "10m"\n    max-file: "3"\n\nservices:\n  api:\n    image: example/api:1.0\n    logging: *default-logging\n  worker:\n    image: example/worker:1.0\n    logging: *default-logging\n',
      fix: 'Define one `x-logging` anchor with `max-size`/`max-file` and point every service\'s `logging:` at it. `shipshape fix` adds the anchor (`&default-logging`, json-file, 10m × 3) once per file and `logging: *default-logging` to each service that lacks rotation; every finding of a file carries that same complete edit.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    const pending: { input: ReportInput; file?: string }[] = [];
    const targets = new Map<string, Map<string, (string | number)[]>>();
    for (const ref of services(repo)) {
      if (isOneShot(ref) || serviceFlavor(ref) !== 'main' || isOverlayService(repo, ref)) continue;
      // podman has its own log defaults (containers.conf), not Docker's json-file
      if (/(^|[/._-])podman([/._-]|$)/i.test(serviceOrigin(ref)?.file ?? '')) continue;
      const logging = ref.svc.logging;
      let driver: string | undefined;
      let options: Record<string, unknown> | undefined;
      if (isMapping(logging)) {
        if (typeof logging.driver === 'string' && logging.driver) driver = logging.driver;
        if (isMapping(logging.options)) options = logging.options;
      }
      if (driver !== undefined && driver !== 'json-file') continue;
      if (options && options['max-size'] !== undefined && options['max-size'] !== null && options['max-size'] !== '' && options['max-size'] !== '-1') continue;
      // where the edit goes: the file that writes `logging:`, else the one defining the service
      let file: string | undefined;
      const loggingAt = isMapping(logging) ? keyOriginOf(ref.svc, 'logging') : undefined;
      if (loggingAt && isMapping(rawService(repo, loggingAt.file, ref.name, ref.unit)?.logging)) file = loggingAt.file;
      else if (!loggingAt) file = serviceFile(repo, ref);
      const origin = isMapping(logging) ? (typeof logging.driver === 'string' ? originOf(logging, 'driver') : loggingAt) : serviceOrigin(ref);
      const message = isMapping(logging)
        ? `${q(ref.name)} logs with the json-file driver without \`max-size\`: its log file grows until the disk is full`
        : `${q(ref.name)} logs with Docker's default json-file driver and no \`max-size\`: its log file grows until the disk is full`;
      pending.push({ input: { message, origin, unit: ref.unit, service: ref.name, snippet: `${ref.name}:\n  logging: *${ANCHOR}` }, ...(file ? { file } : {}) });
      if (file) {
        let m = targets.get(file);
        if (!m) targets.set(file, (m = new Map()));
        m.set(ref.name, ['services', ref.name, 'logging']);
      }
    }
    for (const p of pending) {
      if (p.file) {
        const t = [...targets.get(p.file)!.values()];
        p.input.fix = {
          description: `add a shared x-logging anchor (json-file, 10m × 3) to ${p.file} and use it on ${t.length} service${t.length === 1 ? '' : 's'}`,
          safety: 'safe',
          edits: [{ kind: 'yaml-merge-anchor', file: p.file, anchor: ANCHOR, value: DEFAULT_LOGGING, targets: t }],
        };
      }
      ctx.report(p.input);
    }
  },
});
