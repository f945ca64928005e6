import path from 'node:path';
import { defineRule } from '../audit/types.js';
import { formatOrigin } from '../load/origin.js';
import { dotenvKeys, envTemplates, projectOf, SHELL_VARIABLES, wrapperVariables, type TrackedUse } from './lib/correctness.js';

export default defineRule({
  meta: {
    id: 'variable-undefined',
    title: 'A variable is used without a default and is not set',
    category: 'correctness',
    severity: 'warning',
    priority: 'P1',
    effort: 'trivial',
    rationale:
      'Compose replaces an unset `${VAR}` with an empty string and only prints a warning that scrolls away: an image tag becomes `postgres:`, a port mapping loses its host port, a password becomes empty. The stack then fails, or worse, starts with the wrong value.',
    fixable: false,
    docs: {
      what:
        'Reports every use of `$VAR` / `${VAR}` (no default, no `:?`) in compose files and env files whose variable is set neither in the project\'s `.env` nor by a wrapper script (an assignment, an `export`, or an `--env-file` it passes). The audit ignores your shell environment on purpose, so the result is the same for everyone. Variables every shell exports (`PWD`, `HOME`, `USER`, …) are not reported, and when there is no `.env` at all, variables that an env template (`.env.example`, …) defines are taken as set: copying the template is the documented setup. `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and `${VAR:?message}` are never reported (the last one stops loading: see `schema-invalid`).',
      why: 'An empty substitution is almost never what the author meant, and Compose does not fail on it.',
      bad: 'services:\n  db:\n    image: postgres:${PG_VERSION}\n',
      good: 'services:\n  db:\n    image: postgres:${PG_VERSION:-16}\n',
      fix: 'Set the variable in `.env` (and document it in `.env.example`), give it a default with `${VAR:-value}`, or make it mandatory with `${VAR:?explain what to set}`.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    const fromWrappers = wrapperVariables(repo);
    for (const unit of repo.units) {
      const project = projectOf(repo, unit);
      if (!project) continue;
      const dotenv = path.join(project.projectDir, '.env');
      const hasDotenv = project.environment.files.includes(dotenv);
      const templates = envTemplates(repo, project.projectDir);
      const templateKeys = new Map<string, string>();
      for (const t of templates) for (const k of dotenvKeys(path.join(repo.root, t))) if (!templateKeys.has(k)) templateKeys.set(k, t);
      const seen = new Set<string>();
      for (const u of project.variables as TrackedUse[]) {
        if (u.operator !== '' || u.evaluated === false || u.set !== false || !u.origin) continue;
        if (SHELL_VARIABLES.has(u.name) || fromWrappers.has(u.name)) continue;
        const template = templateKeys.get(u.name);
        if (template && !hasDotenv) continue;
        const key = `${u.name}|${formatOrigin(u.origin)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const where = u.path ? ` in \`${u.path}\`` : '';
        const hint = template ? ` (only \`${template}\` has it)` : '';
        const service = /^services\.([^.]+)\./.exec(u.path)?.[1];
        ctx.report({
          message: `variable \`${u.name}\` is not set${hasDotenv ? ' in `.env`' : ' (there is no `.env`)'}${hint}: Compose substitutes an empty string${where}`,
          origin: u.origin,
          unit,
          ...(service && (project.services[service] || project.disabledServices[service]) ? { service } : {}),
        });
      }
    }
  },
});
