import path from 'node:path';
import { defineRule, type ComposeUnit } from '../audit/types.js';
import { formatOrigin, type Origin } from '../load/origin.js';
import { isRemoteContext } from '../load/paths.js';
import { allServices, insideRoot } from './lib/correctness.js';
import { at, isDirectory, isMapping } from './util.js';

export default defineRule({
  meta: {
    id: 'build-context-missing',
    title: 'A build context directory does not exist',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'low',
    rationale:
      'Compose sends the build context to the builder before anything else; when the directory is not there, `docker compose build` (and `up` for a service that needs building) stops at once with "unable to prepare context: path not found".',
    fixable: false,
    docs: {
      what:
        'Finds services whose `build.context` (or a local `build.additional_contexts` entry) names a directory that does not exist. Remote contexts (git URLs, `https://…`, `docker-image://`, `service:`) are not checked, nor are paths outside the audited directory (a sibling checkout may provide them).',
      why: 'The build cannot start without its context, so the service never gets an image.',
      bad: 'services:\n  frontend:\n    build: ./frontend   # there is no frontend/ directory\n',
      good: 'services:\n  frontend:\n    build: ./web        # the directory that holds the frontend\n',
      fix: 'Point `build.context` at the directory that holds the sources (paths are relative to the compose file), or add the missing directory.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    // one finding per place: a build shared through an anchor names every service using it
    const found = new Map<string, { origin: Origin | undefined; unit: ComposeUnit; services: string[]; rel: string }>();
    for (const ref of allServices(repo)) {
      const b = ref.svc.build;
      if (!isMapping(b)) continue;
      const raw = typeof b.context === 'string' ? b.context : '.';
      if (!isRemoteContext(raw)) {
        const abs = path.resolve(ref.project.projectDir, raw);
        const rel = insideRoot(repo, abs);
        if (rel && !isDirectory(abs)) {
          const origin = at(ref, 'build', 'context');
          const key = `${formatOrigin(origin)}|${abs}`;
          const f = found.get(key) ?? { origin, unit: ref.unit, services: [], rel };
          f.services.push(ref.name);
          found.set(key, f);
        }
      }
      const add = b.additional_contexts;
      const entries: [string, string, (string | number)[]][] = [];
      if (isMapping(add)) for (const [k, v] of Object.entries(add)) if (typeof v === 'string') entries.push([k, v, [k]]);
      if (Array.isArray(add)) {
        add.forEach((e, i) => {
          if (typeof e !== 'string' || !e.includes('=')) return;
          entries.push([e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1), [i]]);
        });
      }
      for (const [name, v, key] of entries) {
        if (isRemoteContext(v) || v.includes('://')) continue;
        const abs = path.resolve(ref.project.projectDir, v);
        const rel = insideRoot(repo, abs);
        if (!rel || isDirectory(abs)) continue;
        ctx.report({
          message: `additional build context \`${name}\` of service \`${ref.name}\` points at \`${rel}\`, which does not exist`,
          origin: at(ref, 'build', 'additional_contexts', ...key),
          unit: ref.unit,
          service: ref.name,
        });
      }
    }
    for (const f of found.values()) {
      ctx.report({
        message: `build context \`${f.rel}\` does not exist: \`docker compose build\` fails for ${f.services.length > 1 ? 'services' : 'service'} ${f.services.map((s) => `\`${s}\``).join(', ')}`,
        origin: f.origin,
        unit: f.unit,
        service: f.services[0]!,
      });
    }
  },
});
