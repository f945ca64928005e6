import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineRule, type ComposeUnit, type RepoModel, type ReportInput } from '../audit/types.js';
import type { LoadError } from '../load/errors.js';
import { keyOriginOf } from '../load/origin.js';
import { InvalidTemplateError, MissingRequiredError } from '../load/interpolate.js';
import { definedElsewhere, dotenvKeys, envTemplates, insideRoot, isFile, problemOwner, projectOf, relativizeText, wrapperVariables } from './lib/correctness.js';
import { isMapping } from './util.js';

/** `:?` or `?`, as written at the error's line. */
function requiredOperator(repo: RepoModel, e: LoadError, name: string): string {
  if (!e.origin) return ':?';
  try {
    const line = readFileSync(path.join(repo.root, e.origin.file), 'utf8').split(/\r?\n/)[e.origin.line - 1] ?? '';
    const m = new RegExp(`\\$\\{${name}(:?)\\?`).exec(line);
    return m ? `${m[1]}?` : ':?';
  } catch {
    return ':?';
  }
}

/** The message of a load error, without secrets, absolute paths or line breaks. */
function messageOf(repo: RepoModel, e: LoadError): string {
  const cause = (e as { cause?: unknown }).cause;
  if (e.code === 'interpolation' && cause instanceof MissingRequiredError) {
    const where = /^error while interpolating (\S+):/.exec(e.message)?.[1];
    const reason = cause.reason ? ` ("${cause.reason}")` : '';
    const op = requiredOperator(repo, e, cause.variable);
    return `required variable \`${cause.variable}\` is not set${where ? ` (\`\${${cause.variable}${op}…}\` in ${where})` : ''}${reason}: Compose refuses to load the file until it is set in \`.env\` or the environment, so the rest of this unit was audited with a placeholder value`;
  }
  if ((e.code === 'interpolation' || e.code === 'dotenv') && (cause instanceof InvalidTemplateError || /invalid interpolation format|Invalid template/.test(e.message))) {
    const where = /invalid interpolation format for (.+?)\.\n/.exec(e.message)?.[1];
    // the template itself may hold a secret: never echo it
    return `invalid interpolation format${where ? ` in ${where}` : ''}: a \`$\` starts no variable (write \`$$\` for a literal dollar sign); Compose refuses to load the file`;
  }
  // an env file's value may be a secret: never echo it
  const safe = e.message.replace(/(unterminated quoted value).*$/s, '$1');
  const text = relativizeText(repo, safe)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' — ');
  return text.replace(/\.$/, '');
}

/**
 * A `${VAR:?}` that only fails because the audit runs without `.env`: the env template defines it
 * (copying it is the documented setup) or a wrapper script sets it. The unit is still shown as not
 * loaded in the inventory.
 */
function providedElsewhere(repo: RepoModel, unit: ComposeUnit, e: LoadError): boolean {
  const cause = (e as { cause?: unknown }).cause;
  if (!(cause instanceof MissingRequiredError)) return false;
  if (wrapperVariables(repo).has(cause.variable)) return true;
  if (isFile(path.join(unit.dir, '.env'))) return false;
  return envTemplates(repo, unit.dir).some((t) => dotenvKeys(path.join(repo.root, t)).has(cause.variable));
}

function where(repo: RepoModel, unit: ComposeUnit, e: LoadError): Pick<ReportInput, 'origin' | 'file' | 'line' | 'column'> {
  if (e.origin && e.origin.line > 0) return { origin: e.origin };
  return { file: insideRoot(repo, unit.files[0] ?? repo.root) ?? unit.label.split(' + ')[0]!, line: 1, column: 1 };
}

export default defineRule({
  meta: {
    id: 'schema-invalid',
    title: 'The compose file does not load',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'low',
    rationale:
      'A file that Compose refuses to load stops every command on the project: nothing starts, nothing builds, and the file cannot be audited any further. The error has to be fixed before anything else matters.',
    fixable: false,
    docs: {
      what:
        'Reports every compose unit that `docker compose` would refuse to load (invalid YAML, schema violations, bad interpolation, a `${VAR:?}` that is not set, unreadable includes, …) at the place of the error, and every consistency problem of a unit that loads (for example a service with neither `image` nor `build`). Undefined references, dependency cycles and `container_name` with replicas have their own rules (`reference-undefined`, `dependency-cycle`, `scaled-container-name`), and a missing `env_file` is `env-file-missing`.',
      why: 'Compose validates the whole model before it does anything, so one error blocks `up`, `build`, `pull` and `config` alike.',
      bad: 'services:\n  api:\n    image: example/api:1.4\n    ports: 8080:80   # must be a list\n',
      good: 'services:\n  api:\n    image: example/api:1.4\n    ports:\n      - "8080:80"\n',
      fix: 'Fix the file at the reported position; `docker compose config` shows the same error. For a required variable, set it in `.env` (or give it a default).',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    for (const unit of repo.units) {
      const e = unit.error;
      // a missing env_file is env-file-missing's (and the unit is judged without it)
      if (e && e.code !== 'env-file' && !providedElsewhere(repo, unit, e)) ctx.report({ message: messageOf(repo, e), unit, ...where(repo, unit, e) });
      const project = projectOf(repo, unit);
      if (!project) continue;
      for (const p of project.problems) {
        if (problemOwner(p) !== 'schema-invalid') continue;
        // an overlay fragment (used with `-f base -f this`) completes a service another file defines
        const partial = /^service "(.+)" has neither an image nor a build context specified/.exec(p.message);
        if (partial && definedElsewhere(repo, unit, 'services', partial[1]!, (v) => isMapping(v) && (!!v.image || !!v.build))) continue;
        const service = /^service "([^"]+)"|^services\.([^.:]+)[.:]/.exec(p.message);
        const name = service?.[1] ?? service?.[2];
        // a problem about the service as a whole: point at its key
        const serviceKey = partial ? keyOriginOf(project.model.services, partial[1]!) : undefined;
        const input: ReportInput = { message: messageOf(repo, p), unit, ...(serviceKey ? { origin: serviceKey } : where(repo, unit, p)) };
        if (name) input.service = name;
        ctx.report(input);
      }
    }
  },
});
