import { defineRule, type ComposeUnit } from '../audit/types.js';
import { originOf, type Origin } from '../load/origin.js';
import { insideRoot, isFile, projectOf, relativizeText, templateFor, unitServices } from './lib/correctness.js';
import { isMapping } from './util.js';

function before(a: Origin | undefined, b: Origin | undefined): boolean {
  if (!a || !b) return !!a && !b;
  return a.file !== b.file ? a.file < b.file : a.line < b.line || (a.line === b.line && a.column < b.column);
}

interface Missing {
  file: string;
  origin: Origin | undefined;
  services: string[];
  /** every service using it has profiles: only runs with those profiles fail */
  profiled: boolean;
  unit: ComposeUnit;
}

export default defineRule({
  meta: {
    id: 'env-file-missing',
    title: 'A required env_file does not exist',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'trivial',
    rationale:
      'Compose reads every `env_file` of the project before it does anything: one missing file makes `up`, `run` and `config` fail with "env file … not found", for every service, not only the one that names it. A fresh clone usually lacks the git-ignored `.env` that the README says to copy from `.env.example`.',
    fixable: false,
    docs: {
      what:
        'Finds `env_file` entries (required, the default) whose file does not exist — one finding per file and compose unit, at its first mention, naming the services that use it — and names the template (`.env.example`, …) to copy when there is one. Entries with `required: false` are optional by design and are not reported. Env files outside the audited directory are not checked.',
      why: 'The whole project refuses to load until the file exists.',
      bad: 'services:\n  app:\n    image: fireflyiii/core:version-6\n    env_file: .env   # only .env.example is committed\n',
      good: 'services:\n  app:\n    image: fireflyiii/core:version-6\n    env_file:\n      - path: .env\n        required: false   # or: cp .env.example .env\n',
      fix: 'Create the file (copy the template and fill it in), correct the path (relative to the compose file), or mark the entry `required: false` when the service can run without it.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    for (const unit of repo.units) {
      const project = projectOf(repo, unit);
      if (!project) {
        // the unit failed on an env file and could not be loaded without it either: report the error itself
        const e = unit.error;
        if (e?.code === 'env-file') {
          ctx.report({ message: relativizeText(repo, e.message), unit, ...(e.origin ? { origin: e.origin } : { file: insideRoot(repo, unit.files[0]!) ?? unit.label, line: 1, column: 1 }) });
        }
        continue;
      }
      const found = new Map<string, Missing>();
      for (const ref of unitServices(repo, unit)) {
        const list = ref.svc.env_file;
        if (!Array.isArray(list)) continue;
        for (const ef of list) {
          if (!isMapping(ef) || typeof ef.path !== 'string' || ef.required === false) continue;
          const rel = insideRoot(repo, ef.path);
          if (!rel || isFile(ef.path)) continue;
          const origin = originOf(ef, 'path') ?? originOf(list, list.indexOf(ef));
          // one finding per missing file and unit, at its first mention
          const key = ef.path;
          const m = found.get(key) ?? { file: ef.path, origin, services: [], profiled: true, unit };
          if (!ref.profiles.length) m.profiled = false;
          if (before(origin, m.origin)) m.origin = origin;
          if (!m.services.includes(ref.name)) m.services.push(ref.name);
          found.set(key, m);
        }
      }
      for (const m of found.values()) {
        const rel = insideRoot(repo, m.file)!;
        const template = templateFor(repo, m.file);
        const names = m.services.map((s) => `\`${s}\``);
        const who = names.length > 4 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
        const advice = template ? `copy \`${template}\` to \`${rel}\` and fill it in` : 'create it or mark the entry `required: false`';
        ctx.report({
          message: `env file \`${rel}\` (${m.services.length > 1 ? 'services' : 'service'} ${who}) does not exist: Compose refuses to load the project${m.profiled ? ' when their profiles are active' : ''} until it does; ${advice}`,
          origin: m.origin,
          unit: m.unit,
          service: m.services[0]!,
        });
      }
    }
  },
});
