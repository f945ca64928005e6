/**
 * `shipshape init-env [DIR]`: write (or complete) a `.env` template from the variables the compose
 * files use. Defaults come from the compose files only; secrets stay blank; an existing template
 * keeps its text and gets the missing variables appended; `--check` only reports.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT, reportError } from '../cli/output.js';
import { envTemplateSuffix } from '../discover/classify.js';
import { buildTemplateRepo, collectTemplateVars, missingFrom, renderEnvTemplate, type TemplateVar } from '../generate/env-template.js';
import { LoadError } from '../load/errors.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface InitEnvFlags {
  /** the template's file name, relative to DIR (default `.env.example`) */
  output?: string;
  /** also append to a file that is not named as a template (`.env`, `.env.core`) */
  force?: boolean;
  /** only report missing variables (exit 1 when some are); never write */
  check?: boolean;
  json?: boolean;
}

function readIfExists(file: string): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (st.isDirectory()) throw new LoadError(`${file} is a directory`, { code: 'usage', hint: 'pass a file name with --output' });
  return readFileSync(file, 'utf8');
}

function shown(abs: string): string {
  const r = path.relative(process.cwd(), abs);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : abs;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describe(v: TemplateVar): string {
  const tags = [v.required ? 'required' : 'optional', ...(v.secret ? ['secret'] : [])];
  const at = v.usedAt[0];
  return `${v.name} (${tags.join(', ')}${at ? `, ${at.file}:${at.line}` : ''})`;
}

function counts(vars: TemplateVar[]): string {
  return `${plural(vars.length, 'variable')} (${vars.filter((v) => v.required).length} required, ${vars.filter((v) => v.secret).length} secret)`;
}

function jsonVar(v: TemplateVar) {
  return {
    name: v.name,
    required: v.required,
    secret: v.secret,
    ...(v.message !== undefined ? { message: v.message } : {}),
    // a secret's default is not echoed either
    ...(!v.secret && v.defaults.length ? { default: v.defaults[0] } : {}),
    usedAt: v.usedAt.map((u) => `${u.file}:${u.line}`),
  };
}

export async function initEnvCommand(dir: string | undefined, flags: InitEnvFlags): Promise<number> {
  try {
    const root = path.resolve(dir ?? '.');
    if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new LoadError(`${dir ?? '.'}: no such directory`, { code: 'usage' });
    const repo = await buildTemplateRepo(root);
    if (!repo.units.length) {
      throw new LoadError(`no compose files found in ${shown(root)}`, { code: 'no-file', hint: 'run in a directory with compose.yaml or docker-compose.yml' });
    }
    const broken = repo.units.filter((u) => u.error);
    if (broken.length === repo.units.length) throw broken[0]!.error!;
    for (const unit of broken) process.stderr.write(`warning: ${unit.label} does not load (${unit.error!.message}): its variables are left out\n`);
    const vars = collectTemplateVars(repo);
    const out = path.resolve(root, flags.output ?? '.env.example');
    const name = shown(out);
    const existing = readIfExists(out);
    const missing = missingFrom(vars, existing);
    const emit = (data: Record<string, unknown>, text: string) => {
      process.stdout.write(flags.json ? `${JSON.stringify({ file: name, ...data }, null, 2)}\n` : text);
    };

    if (flags.check) {
      const ok = missing.length === 0;
      const text = ok
        ? `${name}: up to date (${plural(vars.length, 'variable')})\n`
        : `${name}: ${existing === undefined ? 'does not exist; ' : ''}missing ${plural(missing.length, 'variable')} the compose files use:\n${missing.map((v) => `  ${describe(v)}\n`).join('')}run \`shipshape init-env${dir ? ` ${dir}` : ''}${flags.output ? ` --output ${flags.output}` : ''}\` to add ${missing.length === 1 ? 'it' : 'them'}\n`;
      emit({ action: 'check', ok, exists: existing !== undefined, variables: vars.length, missing: missing.map(jsonVar) }, text);
      return ok ? EXIT.ok : EXIT.findings;
    }

    if (!vars.length) {
      emit({ action: 'none', variables: 0 }, `no variables used in the compose files: nothing to write\n`);
      return EXIT.ok;
    }
    if (existing !== undefined && !missing.length) {
      emit({ action: 'unchanged', variables: vars.length, added: [] }, `${name} is up to date: ${counts(vars)}\n`);
      return EXIT.ok;
    }
    const isTemplate = envTemplateSuffix(path.basename(out)) !== undefined;
    if (existing !== undefined && !isTemplate && !flags.force) {
      throw new LoadError(`refusing to write to ${name}: it is not named as a template and may hold real values`, {
        code: 'usage',
        hint: `use a template name (--output ${path.basename(out)}.example), or pass --force to append the ${plural(missing.length, 'missing variable')} to it (its contents are kept)`,
      });
    }
    const text = renderEnvTemplate(vars, existing);
    writeFileAtomic(out, text);
    if (existing === undefined || existing.trim() === '') {
      emit({ action: 'created', variables: vars.length, required: vars.filter((v) => v.required).length, secret: vars.filter((v) => v.secret).length, added: vars.map(jsonVar) }, `wrote ${name}: ${counts(vars)}\n`);
    } else {
      emit(
        { action: 'updated', variables: vars.length, added: missing.map(jsonVar) },
        `updated ${name}: added ${counts(missing)} at the end:\n${missing.map((v) => `  ${describe(v)}\n`).join('')}`,
      );
    }
    return EXIT.ok;
  } catch (e) {
    return reportError(e);
  }
}
