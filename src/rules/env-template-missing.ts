import path from 'node:path';
import { defineRule, type ComposeUnit } from '../audit/types.js';
import type { EnvFile } from '../discover/types.js';
import type { Origin } from '../load/origin.js';
import { envFileKeys, gitIgnored, listSome, rawServices, rawVariableUses, readText } from './lib/maintainability.js';

/** Variables the shell always has, or that Compose sets itself. */
const AMBIENT = new Set(['HOME', 'USER', 'PWD', 'PATH', 'SHELL', 'HOSTNAME', 'LOGNAME', 'TMPDIR', 'TERM', 'LANG', 'OLDPWD']);

const HARNESS_DIR = /\/(\.github|\.gitlab|\.circleci|\.buildkite|ci|tests?|testing|e2e|integration[-_]tests?|__tests__|testdata|fixtures)\//i;

interface Need {
  name: string;
  origin: Origin;
  required: boolean;
  unit: ComposeUnit;
  service?: string;
}

/** The service a model path is under (`services.api.environment.X` -> api). */
function serviceOfPath(p: string, names: string[]): string | undefined {
  if (!p.startsWith('services.')) return undefined;
  const rest = p.slice('services.'.length);
  return names.filter((n) => rest === n || rest.startsWith(`${n}.`)).sort((a, b) => b.length - a.length)[0];
}

function posixRel(root: string, abs: string): string {
  const r = path.relative(root, abs).split(path.sep).join('/');
  return r === '' ? '.' : r;
}

function applies(template: EnvFile, dir: string): boolean {
  const t = template.dir;
  if (t === dir || t === '.') return true;
  // an ancestor of the compose directory, or a directory below it
  return dir.startsWith(`${t}/`) || t.startsWith(dir === '.' ? '' : `${dir}/`);
}

export default defineRule({
  meta: {
    id: 'env-template-missing',
    title: 'Variables the compose files need are not documented in a .env template',
    category: 'maintainability',
    severity: 'warning',
    priority: 'P4',
    effort: 'low',
    rationale:
      'A fresh clone has no `.env`. If nothing lists the variables the stack needs, the first `docker compose up` interpolates empty strings into passwords, image tags and URLs, with nothing but a warning, and the newcomer has to read every compose file to learn what to set.',
    seed: '000 §5',
    fixable: false,
    docs: {
      what: 'Finds variables that compose files interpolate without a default (`${VAR}`, `${VAR:?…}`) which no `.env` template (`.env.example`, `.env.sample`, `.env.template`, `*.env.example`, …, or another env file that git does not ignore, such as a `.env.docker` meant to be copied) in the compose directory, above it or below it documents (commented-out `# VAR=` lines count). Without any template it reports once per directory; otherwise once per undocumented variable, at its first use.',
      why: 'The template is the contract between the stack and whoever runs it: every required variable, with a safe example value and a comment. Variables with a default (`${LOG_LEVEL:-INFO}`) work without one and are not reported, nor are COMPOSE_* settings, shell basics such as HOME, variables a committed `.env` beside the files sets (one that `.gitignore` does not exclude), and compose files under CI or test directories (`.github/`, `test/`, `e2e/`, …), whose variables come from the harness.',
      bad: '# compose.yaml, and no .env.example anywhere\nservices:\n  api:\n    image: example/api:${API_TAG}\n    environment:\n      JWT_SECRET: ${JWT_SECRET}\n',
      good: '# .env.example\n# tag of example/api to run\nAPI_TAG=1.4.2\n# signing key for sessions: generate with `openssl rand -hex 32`\nJWT_SECRET=\n',
      fix: 'Add the variables to a committed `.env.example` (with comments and safe example values, never real secrets) and keep `.env` itself out of git. `shipshape init-env` writes the template from the variables the compose files use.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    // templates, and other env files git does not ignore (`.env.docker` "copy to .env", committed `.env.core`):
    // both tell a newcomer what to set. The project `.env` itself is handled per unit below.
    const templates = repo.files.envFiles.filter((e) => e.template || (path.posix.basename(e.path) !== '.env' && !gitIgnored(repo, e.path)));
    const templateKeys = new Map<string, Set<string>>();
    for (const t of templates) templateKeys.set(t.path, new Set(envFileKeys(readText(path.join(repo.root, t.path)) ?? '').map((k) => k.key)));
    // needed variables, grouped by the directory of the unit
    const byDir = new Map<string, Map<string, Need>>();
    for (const unit of repo.units) {
      const dir = posixRel(repo.root, unit.dir);
      // compose files a CI job or a test harness runs get their variables from it
      if (HARNESS_DIR.test(`/${dir}/`)) continue;
      const needs = byDir.get(dir) ?? new Map<string, Need>();
      byDir.set(dir, needs);
      // a committed .env beside the files (compose reads it) documents what it sets
      const dotenv = path.join(unit.dir, '.env');
      const dotenvText = readText(dotenv, 1024 * 1024);
      const setByDotenv = new Set(dotenvText !== undefined && !gitIgnored(repo, posixRel(repo.root, dotenv)) ? envFileKeys(dotenvText).filter((k) => !k.commented).map((k) => k.key) : []);
      const project = unit.project;
      let uses: { name: string; required: boolean; optional: boolean; path: string; origin?: Origin }[];
      let serviceNames: string[];
      if (project) {
        serviceNames = Object.keys({ ...project.services, ...project.disabledServices });
        uses = project.variables
          .filter((u) => (u as { evaluated?: boolean }).evaluated !== false)
          .map((u) => ({ name: u.name, required: u.required, optional: u.operator !== '' && !u.required, path: u.path, ...(u.origin ? { origin: u.origin } : {}) }));
      } else {
        // the unit does not load (often: a required variable is not set): read the files as written
        serviceNames = unit.files.flatMap((f) => Object.keys(rawServices(unit.raw.get(f))));
        uses = unit.files.flatMap((f) => {
          const raw = unit.raw.get(f);
          return raw ? rawVariableUses(raw).filter((u) => !u.nested).map((u) => ({ name: u.name, required: u.required, optional: u.operator !== '' && !u.required, path: u.path, ...(u.origin ? { origin: u.origin } : {}) })) : [];
        });
      }
      for (const use of uses) {
        if (!use.origin || !/\.(ya?ml|json)$/i.test(use.origin.file)) continue;
        if (use.optional) continue;
        const name = use.name;
        if (name.startsWith('COMPOSE_') || AMBIENT.has(name) || setByDotenv.has(name)) continue;
        const prev = needs.get(name);
        if (!prev) {
          const need: Need = { name, origin: use.origin, required: use.required, unit };
          const service = serviceOfPath(use.path, serviceNames);
          if (service) need.service = service;
          needs.set(name, need);
        } else if (use.required) prev.required = true;
      }
    }
    for (const [dir, needs] of byDir) {
      if (!needs.size) continue;
      const applicable = templates.filter((t) => applies(t, dir));
      if (!applicable.length) {
        const list = [...needs.values()];
        const first = list[0]!;
        ctx.report({
          message: `compose files in ${dir === '.' ? 'the root' : `${dir}/`} need ${list.length === 1 ? 'a variable' : `${list.length} variables`} without a default (${listSome(list.map((n) => n.name), 6)}) but no .env template documents ${list.length === 1 ? 'it' : 'them'}: \`shipshape init-env\` writes a .env.example`,
          origin: first.origin,
          unit: first.unit,
          ...(first.service ? { service: first.service } : {}),
        });
        continue;
      }
      const known = new Set(applicable.flatMap((t) => [...(templateKeys.get(t.path) ?? [])]));
      const names = [...applicable.filter((t) => t.template), ...applicable.filter((t) => !t.template)].map((t) => t.path);
      for (const need of needs.values()) {
        if (known.has(need.name)) continue;
        ctx.report({
          message: `\`${need.name}\` is ${need.required ? 'required' : 'used without a default'} but ${names.length === 1 ? `${names[0]} does not document it` : `none of ${listSome(names, 3, false)} documents it`}: add it to the template`,
          origin: need.origin,
          unit: need.unit,
          ...(need.service ? { service: need.service } : {}),
        });
      }
    }
  },
});
