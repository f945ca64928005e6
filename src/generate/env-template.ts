/**
 * `.env` templates (`.env.example`) written from the variables the compose files use: defaults
 * come from the compose files only (`${X:-default}`), never from a real `.env`; secret-looking
 * variables are left blank. Merging into an existing template keeps its text byte for byte and
 * appends only what it lacks.
 */
import { readFileSync } from 'node:fs';
import { buildRepoModel } from '../audit/repo.js';
import type { RepoModel } from '../audit/types.js';
import { MissingRequiredError } from '../load/interpolate.js';
import type { VariableUse } from '../load/types.js';

export interface TemplateUse {
  /** compose file, relative to the repository root */
  file: string;
  line: number;
  column: number;
  /** the service the use sits in, if any */
  service?: string;
}

export interface TemplateVar {
  name: string;
  /** `${X:?message}` / `${X?message}` somewhere, or no use gives a default */
  required: boolean;
  /** the first `:?` message (uninterpolated) */
  message?: string;
  /** distinct defaults (`${X:-d}`, `${X-d}`), in order of use; never read from an env file */
  defaults: string[];
  /** only used as `${X:+alt}` / `${X+alt}`: a switch, unset is a valid choice */
  alternativeOnly: boolean;
  /** the name looks like a secret: its value is never written */
  secret: boolean;
  /** the compose file of the first use: the template groups by it */
  group: string;
  /** every distinct place (file:line) it is used, in file order */
  usedAt: TemplateUse[];
}

/** Variables the shell or Compose always sets: never template entries. */
export const AMBIENT_VARIABLES: ReadonlySet<string> = new Set([
  'COMPOSE_PROJECT_NAME',
  'PWD',
  'OLDPWD',
  'HOME',
  'USER',
  'LOGNAME',
  'PATH',
  'SHELL',
  'HOSTNAME',
  'TMPDIR',
  'TERM',
  'LANG',
]);

// words of a variable name that mark a secret (API_KEY, DB_PASSWORD, JWT_SECRET, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, ...)
const SECRET_WORD = /(?:^|_)(?:PASS(?:WORD|WD|PHRASE)?|PWD|SECRETS?|TOKENS?|(?:API|ACCESS|SECRET|PRIVATE|MASTER|ENCRYPTION|SIGNING|LICENSE|SERVICE)?KEYS?|CREDENTIALS?|CREDS|SALT|PRIVATE|COOKIE_SECRET|HMAC)(?:_|$)/;
// ...unless the name is about the secret rather than the secret itself (DB_PASSWORD_FILE, TOKEN_TTL, JWT_SECRET_NAME)
const NOT_SECRET_SUFFIX = /_(?:FILE|PATH|DIR|NAME|LENGTH|LEN|TTL|EXPIRY|EXPIRES|EXPIRE|EXPIRATION|ALGORITHM|ALG|TYPE|HEADER|ENABLED|ENABLE|REQUIRED|POLICY|LIFETIME|TIMEOUT|MIN|MAX|URL|HOST|PORT|ISSUER|AUDIENCE|ROTATION|VERSION)$/;

/** Does the name look like it holds a secret (its value must never be written to a template)? */
export function isSecretName(name: string): boolean {
  const n = name.toUpperCase();
  return SECRET_WORD.test(n) && !NOT_SECRET_SUFFIX.test(n);
}

const ASSIGNMENT = /^[ \t]*(?:#[ \t]*)?(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/;

/** Names an env file lists, including commented-out assignments (`# NAME=value` documents NAME). */
export function templateKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = ASSIGNMENT.exec(line);
    if (m) keys.add(m[1]!);
  }
  return keys;
}

const REQUIRED_USE = /\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g;

/**
 * The repository model with every unit loaded although the variables a template is for are not
 * set: `${X:?msg}` stops a load, so each required variable gets a placeholder value (values are
 * never used, only where and how variables are written).
 */
export async function buildTemplateRepo(root: string): Promise<RepoModel> {
  const placeholders: Record<string, string> = {};
  let repo = await buildRepoModel(root);
  for (let round = 0; round < 20; round++) {
    let added = false;
    const add = (name: string) => {
      if (placeholders[name] !== undefined) return;
      placeholders[name] = '1';
      added = true;
    };
    for (const unit of repo.units) {
      if (!unit.error) continue;
      const cause = (unit.error as { cause?: unknown }).cause;
      if (cause instanceof MissingRequiredError) add(cause.variable);
      for (const f of unit.files) {
        try {
          for (const m of readFileSync(f, 'utf8').matchAll(REQUIRED_USE)) add(m[1]!);
        } catch {
          /* unreadable: the unit's error says so */
        }
      }
    }
    if (!added) break;
    repo = await buildRepoModel(root, { env: { HOME: process.env.HOME, ...placeholders } });
  }
  return repo;
}

/** The service a model path is under (`services.api.environment.X` -> api). */
function serviceOfPath(p: string, names: string[]): string | undefined {
  if (!p.startsWith('services.')) return undefined;
  const rest = p.slice('services.'.length);
  return names.filter((n) => rest === n || rest.startsWith(`${n}.`)).sort((a, b) => b.length - a.length)[0];
}

interface Acc {
  v: TemplateVar;
  hasDefault: boolean;
  plainUse: boolean;
  first: { file: number; line: number; column: number };
  /** encounter order: uses in one value come left to right */
  seq: number;
}

/**
 * Every variable the compose files of every unit use (uses in env files are not theirs), merged
 * by name, ordered by the compose file of their first use, then by position.
 */
export function collectTemplateVars(repo: RepoModel): TemplateVar[] {
  const fileOrder: string[] = [];
  const indexOf = (file: string): number => {
    let i = fileOrder.indexOf(file);
    if (i < 0) i = fileOrder.push(file) - 1;
    return i;
  };
  for (const unit of repo.units) for (const f of unit.files) indexOf(repo.rel(f));
  const byName = new Map<string, Acc>();
  const seen = new Set<string>();
  for (const unit of repo.units) {
    const project = unit.project;
    if (!project) continue;
    const envFiles = new Set(project.environment.files.map((f) => repo.rel(f)));
    const serviceNames = Object.keys({ ...project.services, ...project.disabledServices });
    for (const use of project.variables as VariableUse[]) {
      const o = use.origin;
      if (!o || envFiles.has(o.file) || !/\.(ya?ml|json)$/i.test(o.file)) continue;
      if (AMBIENT_VARIABLES.has(use.name)) continue;
      const key = `${use.name}\u0000${o.file}\u0000${o.line}\u0000${o.column}\u0000${use.operator}\u0000${use.default ?? use.message ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const pos = { file: indexOf(o.file), line: o.line, column: o.column };
      let acc = byName.get(use.name);
      if (!acc) {
        acc = {
          v: { name: use.name, required: false, defaults: [], alternativeOnly: false, secret: isSecretName(use.name), group: o.file, usedAt: [] },
          hasDefault: false,
          plainUse: false,
          first: pos,
          seq: byName.size,
        };
        byName.set(use.name, acc);
      } else if (before(pos, acc.first)) {
        acc.first = pos;
        acc.v.group = o.file;
      }
      const v = acc.v;
      if (use.required) {
        v.required = true;
        if (use.message && v.message === undefined) v.message = use.message;
      }
      if (use.operator === ':-' || use.operator === '-') {
        acc.hasDefault = true;
        const d = use.default ?? '';
        if (!v.defaults.includes(d)) v.defaults.push(d);
      }
      if (use.operator === '' || use.required) acc.plainUse = true;
      if (!v.usedAt.some((u) => u.file === o.file && u.line === o.line)) {
        const u: TemplateUse = { file: o.file, line: o.line, column: o.column };
        const service = serviceOfPath(use.path, serviceNames);
        if (service) u.service = service;
        v.usedAt.push(u);
      }
    }
  }
  const out: Acc[] = [...byName.values()];
  for (const acc of out) {
    const v = acc.v;
    if (!acc.hasDefault && acc.plainUse) v.required = true;
    v.alternativeOnly = !acc.hasDefault && !acc.plainUse;
    v.usedAt.sort((a, b) => indexOf(a.file) - indexOf(b.file) || a.line - b.line || a.column - b.column);
  }
  out.sort((a, b) => a.first.file - b.first.file || a.first.line - b.first.line || a.first.column - b.first.column || a.seq - b.seq);
  return out.map((a) => a.v);
}

function before(a: { file: number; line: number; column: number }, b: { file: number; line: number; column: number }): boolean {
  return (a.file - b.file || a.line - b.line || a.column - b.column) < 0;
}

/** A value as a `.env` line needs it: bare when compose's dotenv parser reads it back unchanged, else double-quoted. */
export function envValue(value: string): string {
  if (value === '') return '';
  const bare = !/[\s"'#\\]/.test(value[0]!) && !/\s$/.test(value) && !value.includes(' #') && !value.includes('\n') && !value.includes('\r');
  if (bare) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function usedAtText(v: TemplateVar): string {
  const shown = v.usedAt.slice(0, 3).map((u) => `${u.file}:${u.line}${u.service ? ` (${u.service})` : ''}`);
  const more = v.usedAt.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** The lines of one variable: comments, then `NAME=value` (commented out when leaving it unset is the better choice). */
export function renderEntry(v: TemplateVar): string[] {
  const lines: string[] = [];
  const def = v.defaults[0];
  const disagree = v.defaults.length > 1;
  if (v.required) {
    lines.push(`# required: ${v.message ? oneLine(v.message) : 'no default in the compose files'}`);
  } else if (v.alternativeOnly) {
    lines.push('# optional: setting it switches the compose files to an alternative value');
  } else if (v.secret) {
    lines.push('# optional: the compose files have a default; set your own to override it');
  } else if (disagree) {
    lines.push(`# optional: the compose files default it to ${v.defaults.map((d) => (d === '' ? 'empty' : JSON.stringify(oneLine(d)))).join(' or ')} depending on the file; uncomment to set one value everywhere`);
  } else {
    lines.push(`# optional: defaults to ${def === '' ? 'empty' : JSON.stringify(oneLine(def!))}`);
  }
  if (v.secret) lines.push('# secret: set it in your shell or secret store, never commit it');
  if (v.usedAt.length) lines.push(`# used at: ${usedAtText(v)}`);
  if (v.required) {
    lines.push(`${v.name}=${v.secret || def === undefined ? '' : envValue(def)}`);
  } else if (v.alternativeOnly || v.secret) {
    lines.push(`# ${v.name}=`);
  } else if (disagree) {
    lines.push(`# ${v.name}=${envValue(def!)}`);
  } else {
    lines.push(`${v.name}=${envValue(def!)}`);
  }
  return lines;
}

function renderGroups(vars: TemplateVar[]): string[] {
  const groups = new Map<string, TemplateVar[]>();
  for (const v of vars) {
    const g = groups.get(v.group) ?? [];
    groups.set(v.group, g);
    g.push(v);
  }
  const lines: string[] = [];
  for (const [file, list] of groups) {
    lines.push('', `# --- ${file} ---`);
    for (const v of list) lines.push('', ...renderEntry(v));
  }
  return lines;
}

export const GENERATED_MARK = 'shipshape init-env';

/**
 * The template text. Without `existing`: a complete template. With it: `existing` byte for byte,
 * then a marked block with the variables it does not list yet (or `existing` unchanged when it
 * lists them all).
 */
export function renderEnvTemplate(vars: TemplateVar[], existing?: string): string {
  if (existing !== undefined && existing.trim() !== '') {
    const known = templateKeys(existing);
    const missing = vars.filter((v) => !known.has(v.name));
    if (!missing.length) return existing;
    const sep = existing.endsWith('\n') ? '' : '\n';
    const block = [`# ==== added by \`${GENERATED_MARK}\`: variables the compose files use that this file did not list ====`, ...renderGroups(missing)];
    return `${existing}${sep}\n${block.join('\n')}\n`;
  }
  const files = [...new Set(vars.map((v) => v.group))];
  const shownFiles = files.length > 4 ? `${files.slice(0, 4).join(', ')} and ${files.length - 4} more` : files.join(', ');
  const header = [
    `# Variables the compose files use${files.length ? ` (${shownFiles})` : ''}.`,
    `# Generated by \`${GENERATED_MARK}\`: copy it to .env and fill in the blanks.`,
    '# Values are the defaults written in the compose files, never values from a real .env.',
    '# Secrets are left blank: set them in your shell or secret store, never commit them.',
    '# A commented-out `# NAME=` is optional: uncomment it to override the default.',
    `# Re-run \`${GENERATED_MARK}\` to append variables added later; your edits are kept.`,
  ];
  return `${[...header, ...renderGroups(vars)].join('\n')}\n`;
}

/** The variables `text` (an existing template) does not list. */
export function missingFrom(vars: TemplateVar[], text: string | undefined): TemplateVar[] {
  if (text === undefined) return vars;
  const known = templateKeys(text);
  return vars.filter((v) => !known.has(v.name));
}
