/**
 * Helpers for the maintainability and build rules: compose files as written (raw, per file),
 * environment entries with their positions, which compose files are loaded together, wrapper
 * scripts' working directories, Dockerfiles to audit, shell commands inside RUN, build contexts.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DockerfileInfo, DockerInstruction } from '../../audit/dockerfile.js';
import type { IgnoreInfo } from '../../audit/dockerignore.js';
import type { ComposeUnit, RepoModel } from '../../audit/types.js';
import type { ComposeInvocation, WrapperScript } from '../../discover/types.js';
import { findDefaultFiles } from '../../load/environment.js';
import { keyOriginOf, originOf, type Origin } from '../../load/origin.js';
import { isMapping } from '../../load/paths.js';
import type { Mapping, Value } from '../../load/types.js';
import { buildOf, services, type ServiceRef } from '../util.js';

// ---------------------------------------------------------------------------------------------
// Small things

/** Every service, default units (what `docker compose` runs without -f) first. */
export function servicesInOrder(repo: RepoModel): ServiceRef[] {
  const all = services(repo);
  return [...all.filter((r) => r.unit.kind === 'default'), ...all.filter((r) => r.unit.kind !== 'default')];
}

/** Key names whose values are secrets: never echo them. */
export function isSecretKey(key: string): boolean {
  return /pass(word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth|(^|_)key$|salt|cookie|session|dsn|conn(ection)?[_-]?str/i.test(key);
}

/** `` `a`, `b`, `c` and 2 more `` */
export function listSome(items: string[], max = 5, quote = true): string {
  const q = (s: string) => (quote ? `\`${s}\`` : s);
  const shown = items.slice(0, max).map(q).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** JSON with sorted keys, for structural comparison. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}

/** A directory relative to the root, `/`-separated, `.` for the root itself. */
export function relDir(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/') || '.';
}

export function originKey(o: Origin | undefined): string {
  return o ? `${o.file}:${o.line}:${o.column}` : '';
}

export function readText(abs: string, max = 2 * 1024 * 1024): string | undefined {
  try {
    const st = statSync(abs);
    if (!st.isFile() || st.size > max) return undefined;
    return readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

export function exists(abs: string): boolean {
  try {
    statSync(abs);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Compose files as written

export interface RawFile {
  abs: string;
  rel: string;
  raw: Mapping;
  /** the first unit the file was loaded in */
  unit: ComposeUnit;
}

/** Every compose file of every unit once, with its parsed, uninterpolated mapping. */
export function rawFiles(repo: RepoModel): RawFile[] {
  const seen = new Set<string>();
  const out: RawFile[] = [];
  for (const unit of repo.units) {
    for (const [abs, raw] of unit.raw) {
      if (seen.has(abs) || !raw) continue;
      seen.add(abs);
      out.push({ abs, rel: repo.rel(abs), raw, unit });
    }
  }
  return out;
}

export function rawServices(raw: Mapping | null | undefined): Record<string, Mapping> {
  const s = raw?.services;
  if (!isMapping(s)) return {};
  const out: Record<string, Mapping> = {};
  for (const [k, v] of Object.entries(s)) if (isMapping(v)) out[k] = v;
  return out;
}

export interface RawEnvEntry {
  key: string;
  /** the value as written (null: taken from the shell) */
  value: string | null;
  /** where the entry is written (the value in map form, the item in list form) */
  origin?: Origin;
  /** where the key is written */
  keyOrigin?: Origin;
  /** the list index (list form) or the key (map form) */
  at: string | number;
}

export function scalarText(v: Value | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A service's `environment:` as written in one file (map or list form). */
export function rawEnv(svc: Mapping): { form: 'map' | 'list' | 'none'; entries: RawEnvEntry[] } {
  const env = svc.environment;
  if (Array.isArray(env)) {
    const entries: RawEnvEntry[] = [];
    env.forEach((item, i) => {
      if (typeof item !== 'string' && typeof item !== 'number') return;
      const s = String(item);
      const eq = s.indexOf('=');
      const key = eq >= 0 ? s.slice(0, eq) : s;
      if (!key) return;
      const e: RawEnvEntry = { key, value: eq >= 0 ? s.slice(eq + 1) : null, at: i };
      const o = originOf(env, i);
      if (o) e.origin = e.keyOrigin = o;
      entries.push(e);
    });
    return { form: 'list', entries };
  }
  if (isMapping(env)) {
    return {
      form: 'map',
      entries: Object.entries(env).map(([key, v]) => {
        const e: RawEnvEntry = { key, value: scalarText(v), at: key };
        const o = originOf(env, key);
        if (o) e.origin = o;
        const k = keyOriginOf(env, key);
        if (k) e.keyOrigin = k;
        return e;
      }),
    };
  }
  return { form: 'none', entries: [] };
}

/** Anchor names defined in a YAML text. */
export function anchorNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/&([^\s,[\]{}]+)/g)) out.add(m[1]!);
  return out;
}

/** A name not yet used as an anchor or `x-` key in the file: `base`, `base-2`, ... */
export function freshAnchor(base: string, raw: Mapping, text: string | undefined): string {
  const used = anchorNames(text ?? '');
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!used.has(name) && !(`x-${name}` in raw)) return name;
  }
}

/** A scalar rendered for a YAML snippet (secret values masked). */
export function snippetValue(key: string, value: string | null): string {
  if (value === null) return '';
  if (isSecretKey(key) && !/^\$\{?[A-Za-z_]\w*(:?[-?][^}]*)?\}?$/.test(value)) return '"…"';
  if (value === '' || /^[\s]|[\s]$|^[-?:,[\]{}#&*!|>'"%@`]|: | #|^(true|false|yes|no|on|off|null|~|[-+]?[0-9.]+)$/i.test(value)) return JSON.stringify(value);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Which compose files belong together

/** A service written without image, build or extends: a patch meant for `-f base -f this`. */
export function isFragment(svc: Mapping): boolean {
  return svc.image === undefined && svc.build === undefined && svc.extends === undefined;
}

export interface UnitFiles {
  unit: ComposeUnit;
  /** the unit's first (base) file */
  abs: string;
  rel: string;
  raw: Mapping;
}

/** Units that loaded a base file, in report order: default units first, then by path. */
export function unitsInOrder(repo: RepoModel): UnitFiles[] {
  const out: UnitFiles[] = [];
  for (const unit of repo.units) {
    const abs = unit.files[0];
    if (!abs) continue;
    const raw = unit.raw.get(abs);
    if (!raw) continue;
    out.push({ unit, abs, rel: repo.rel(abs), raw });
  }
  return out.sort((a, b) => (a.unit.kind === b.unit.kind ? (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0) : a.unit.kind === 'default' ? -1 : 1));
}

/** The services of a unit as loaded (every profile), else as written in its base file. */
export function unitServices(u: UnitFiles): Record<string, Mapping> {
  const p = u.unit.project;
  if (p) return { ...p.services, ...p.disabledServices };
  return rawServices(u.raw);
}

/** Where the service `name` is written in the unit's files (its key), last file first. */
export function serviceKeyOrigin(u: UnitFiles, name: string): Origin | undefined {
  for (const abs of [...u.unit.files].reverse()) {
    const raw = u.unit.raw.get(abs);
    const s = raw?.services;
    if (isMapping(s) && name in s) return keyOriginOf(s, name);
  }
  return undefined;
}

/** Arguments of `-f`/`--file` options in a text line (docs). */
function fileArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:^|\s)(?:-f|--file)(?:\s+|=)("[^"]+"|'[^']+'|[^\s;&|)`]+)/g)) out.push(m[1]!.replace(/^["']|["']$/g, ''));
  for (const m of line.matchAll(/COMPOSE_FILE=("[^"]+"|'[^']+'|\S+)/g)) out.push(...m[1]!.replace(/^["']|["']$/g, '').split(/[:;]/));
  return out;
}

function sameFile(arg: string, abs: string, baseDirs: string[]): boolean {
  const a = arg.replace(/^(?:\$\([^)]*\)|\$\{[^}]*\}|\$\w+)\//, '');
  if (a.includes('$') || a.includes('`')) return false;
  // a bare name in the docs (`-f docker-compose.prod.yml`, after a `cd`) names the file wherever it is
  if (!a.includes('/')) return path.basename(abs) === a;
  return baseDirs.some((d) => path.resolve(d, a) === abs);
}

/** Markdown/text docs near the files (their directory and every parent up to the root). */
function docFiles(repo: RepoModel, dir: string): string[] {
  const out: string[] = [];
  let d = dir;
  for (let i = 0; i < 12; i++) {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      names = [];
    }
    for (const n of names) if (/^(readme|contributing|development|deploy(ment)?|install(ation)?|getting[-_]?started|usage)([._-].*)?\.(md|markdown|rst|txt|adoc)$/i.test(n) || /^readme$/i.test(n)) out.push(path.join(d, n));
    const docsDir = path.join(d, 'docs');
    try {
      for (const n of readdirSync(docsDir)) if (/\.(md|markdown|rst|adoc)$/i.test(n)) out.push(path.join(docsDir, n));
    } catch {
      /* no docs directory */
    }
    if (d === repo.root || !d.startsWith(repo.root)) break;
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  return out;
}

const docCache = new WeakMap<RepoModel, Map<string, string[][]>>();

/** Every `-f` list written on one line of the docs near `dir`. */
function docInvocations(repo: RepoModel, dir: string): string[][] {
  let cache = docCache.get(repo);
  if (!cache) docCache.set(repo, (cache = new Map()));
  const hit = cache.get(dir);
  if (hit) return hit;
  const out: string[][] = [];
  for (const f of docFiles(repo, dir)) {
    const text = readText(f, 1024 * 1024);
    if (!text) continue;
    for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
      if (!/compose/i.test(line) || !/(-f|--file|COMPOSE_FILE)/.test(line)) continue;
      const args = fileArgs(line);
      if (args.length >= 2) out.push(args);
    }
  }
  cache.set(dir, out);
  return out;
}

/**
 * Are the two compose files meant to be loaded together (`-f a -f b`)? True when a wrapper script,
 * the docs beside them, a `.env` COMPOSE_FILE, or an `include:` / `extends.file` says so.
 */
export function loadedTogether(repo: RepoModel, a: UnitFiles, b: UnitFiles): boolean {
  const aFiles = new Set(a.unit.files);
  const bFiles = new Set(b.unit.files);
  const hasBoth = (files: string[]) => files.some((f) => aFiles.has(f)) && files.some((f) => bFiles.has(f));
  // wrapper scripts
  for (const w of repo.files.wrappers) {
    for (const inv of w.invocations) {
      const files = invocationFiles(repo, w, inv).map((r) => r.abs).filter((x): x is string => !!x);
      if (hasBoth(files)) return true;
    }
  }
  // COMPOSE_FILE in a .env
  for (const e of repo.files.envFiles) {
    const cf = e.composeSettings?.COMPOSE_FILE;
    if (!cf) continue;
    const sep = e.composeSettings?.COMPOSE_PATH_SEPARATOR ?? (cf.includes(';') ? ';' : ':');
    const dir = path.join(repo.root, e.dir);
    if (hasBoth(cf.split(sep).map((f) => path.resolve(dir, f.trim())))) return true;
  }
  // include / extends.file between them
  const refers = (from: UnitFiles, to: Set<string>) => {
    for (const abs of from.unit.files) {
      const raw = from.unit.raw.get(abs);
      if (!raw) continue;
      const dir = path.dirname(abs);
      const inc = raw.include;
      if (Array.isArray(inc)) {
        for (const i of inc) {
          const paths = typeof i === 'string' ? [i] : isMapping(i) ? (Array.isArray(i.path) ? i.path : [i.path]) : [];
          for (const p of paths) if (typeof p === 'string' && to.has(path.resolve(dir, p))) return true;
        }
      }
      for (const svc of Object.values(rawServices(raw))) {
        const ext = svc.extends;
        if (isMapping(ext) && typeof ext.file === 'string' && to.has(path.resolve(dir, ext.file))) return true;
      }
    }
    return false;
  };
  if (refers(a, bFiles) || refers(b, aFiles)) return true;
  // docs
  const dirs = [...new Set([path.dirname(a.abs), path.dirname(b.abs)])];
  for (const dir of dirs) {
    for (const args of docInvocations(repo, dir)) {
      const bases = [dir, repo.root];
      const hasA = args.some((x) => [...aFiles].some((f) => sameFile(x, f, bases)));
      const hasB = args.some((x) => [...bFiles].some((f) => sameFile(x, f, bases)));
      if (hasA && hasB) return true;
    }
  }
  return false;
}

/** Two units are related when they sit in the same directory or build a shared service from the same context. */
export function relatedUnits(a: UnitFiles, b: UnitFiles, shared: string[]): boolean {
  return a.unit.dir === b.unit.dir || builtInBoth(a, b, shared).length > 0;
}

export interface UnitPair {
  first: UnitFiles;
  second: UnitFiles;
  /** service names defined (as full definitions) in both */
  shared: string[];
  /** those of them both files build from the same local context: the project's own code, defined twice */
  built: string[];
}

/** Shared services both units build from the same local context. */
export function builtInBoth(a: UnitFiles, b: UnitFiles, shared: string[]): string[] {
  const sa = unitServices(a);
  const sb = unitServices(b);
  return shared.filter((n) => {
    const x = sa[n]?.build;
    const y = sb[n]?.build;
    return isMapping(x) && isMapping(y) && typeof x.context === 'string' && x.context === y.context && !/^[a-z]+:\/\//i.test(x.context);
  });
}

/**
 * Pairs of standalone/default compose units that both define some services in full and are not
 * meant to be loaded together (see `built` for whether they define the project's own services).
 */
export function overlappingUnits(repo: RepoModel): UnitPair[] {
  const units = unitsInOrder(repo);
  const out: UnitPair[] = [];
  for (let i = 0; i < units.length; i++) {
    for (let j = i + 1; j < units.length; j++) {
      const a = units[i]!;
      const b = units[j]!;
      const ra = unitRawServices(a);
      const rb = unitRawServices(b);
      // full definitions on both sides
      const shared = Object.keys(rb).filter((n) => ra[n] && !isFragment(ra[n]!) && !isFragment(rb[n]!));
      if (!shared.length) continue;
      if (!relatedUnits(a, b, shared)) continue;
      if (loadedTogether(repo, a, b)) continue;
      out.push({ first: a, second: b, shared, built: builtInBoth(a, b, shared) });
    }
  }
  return out;
}

/** The services written across a unit's files (later files patch earlier ones: a fragment counts as defined when the base defines it). */
export function unitRawServices(u: UnitFiles): Record<string, Mapping> {
  const out: Record<string, Mapping> = {};
  for (const abs of u.unit.files) {
    for (const [n, s] of Object.entries(rawServices(u.unit.raw.get(abs)))) out[n] = out[n] ? { ...out[n], ...s } : s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Wrapper scripts

/** Strip a leading "this directory" variable ($(CURDIR)/, ${PWD}/, "$(dirname "$0")"/ ...). */
function stripHere(arg: string): string {
  return arg.replace(/\\/g, '/').replace(/^(?:\$\([^()]*(?:\([^()]*\)[^()]*)*\)|\$\{[^}]*\}|\$[A-Za-z_]\w*|`[^`]*`)\//, '');
}

/**
 * The directory (relative to the script's) a shell script is in when it reaches `line`, following
 * `cd` lines above it (best effort); null when a `cd` goes somewhere unknown.
 */
export function shellCwdAt(text: string, line: number): string | null {
  const lines = text.split(/\r?\n/);
  let cwd: string | null = '.';
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) {
    const l = lines[i]!;
    const m = /^\s*(?:builtin\s+)?(cd|pushd)(?:\s+(.*))?$/.exec(l);
    if (!m) continue;
    let rest = (m[2] ?? '').trim();
    // up to the end of the first command
    const end = rest.search(/\s*(?:&&|\|\||;|\s#)/);
    if (end >= 0) rest = rest.slice(0, end).trim();
    if (/^(-P|-L)\s+/.test(rest)) rest = rest.replace(/^(-P|-L)\s+/, '');
    if (!rest || rest === '~' || rest === '-') {
      cwd = null;
      continue;
    }
    if (/dirname|\$0\b|BASH_SOURCE|\$\{?(SCRIPT_?DIR|SCRIPT_?PATH|PROJECT_?ROOT|ROOT_?DIR|HERE|BASEDIR|BASE_DIR|DIR)\}?(?![A-Za-z0-9_])/i.test(rest)) {
      // `cd "$(dirname "$0")"`, `cd "$SCRIPT_DIR/.."`: the script's directory, then a tail
      if (/\$\{?(PROJECT_?ROOT|ROOT_?DIR)\}?/i.test(rest)) {
        cwd = null;
        continue;
      }
      const tail = /(?:\)|\}|\b(?:DIR|HERE|BASEDIR|BASE_DIR))["']?(\/[^"'\s]*)?["']?$/.exec(rest);
      const t = tail?.[1] ?? '';
      cwd = t ? path.posix.normalize(path.posix.join('.', t.slice(1))) : '.';
      continue;
    }
    const target = rest.replace(/^["']|["']$/g, '');
    if (target.includes('$') || target.includes('`') || path.posix.isAbsolute(target) || target.startsWith('~')) {
      cwd = null;
      continue;
    }
    if (cwd !== null) cwd = path.posix.normalize(path.posix.join(cwd, target));
  }
  return cwd;
}

const wrapperTexts = new WeakMap<RepoModel, Map<string, string | undefined>>();

export function wrapperText(repo: RepoModel, w: WrapperScript): string | undefined {
  let m = wrapperTexts.get(repo);
  if (!m) wrapperTexts.set(repo, (m = new Map()));
  if (!m.has(w.path)) m.set(w.path, readText(path.join(repo.root, w.path)));
  return m.get(w.path);
}

/** The absolute directory an invocation runs in (null: unknown). */
export function invocationDir(repo: RepoModel, w: WrapperScript, inv: ComposeInvocation): string | null {
  const scriptDir = path.join(repo.root, w.dir);
  let base: string | null = '.';
  if (w.kind === 'shell') {
    const text = wrapperText(repo, w);
    base = text === undefined ? '.' : shellCwdAt(text, inv.line);
  }
  if (base === null) return null;
  return path.resolve(scriptDir, base, inv.cwd ?? '.');
}

export interface ResolvedFileArg {
  arg: string;
  /** the absolute file it names when it exists (null: missing; undefined: cannot tell) */
  abs: string | null | undefined;
  /** where it was looked for */
  tried?: string;
}

/** Resolve an invocation's `-f` files: from its working directory (following `cd`), then as discovery did. */
export function invocationFiles(repo: RepoModel, w: WrapperScript, inv: ComposeInvocation): ResolvedFileArg[] {
  const dir = invocationDir(repo, w, inv);
  return inv.files.map((arg, k) => {
    const disc = inv.resolvedFiles[k];
    if (disc) return { arg, abs: path.join(repo.root, disc) };
    const a = stripHere(arg);
    if (!a || a.includes('$') || a.includes('`') || a.includes('*')) return { arg, abs: undefined };
    if (path.isAbsolute(a)) return { arg, abs: exists(a) ? a : undefined };
    if (dir === null) return { arg, abs: undefined };
    const candidates = [path.resolve(dir, a), path.resolve(path.join(repo.root, w.dir), a), path.resolve(repo.root, a)];
    const hit = candidates.find((c) => exists(c));
    return hit ? { arg, abs: hit } : { arg, abs: null, tried: candidates[0]! };
  });
}

/** The default compose files `docker compose` would pick in a directory (or its parents, within the root). */
export function defaultFilesFor(repo: RepoModel, dir: string): string[] {
  const found = findDefaultFiles(dir).files;
  return found.filter((f) => !path.relative(repo.root, f).startsWith('..'));
}

export interface Defined {
  services: Set<string>;
  profiles: Set<string>;
  /** false when some file could not be read or includes files we do not follow */
  complete: boolean;
}

/** Services and profiles a set of compose files defines. */
export function definedBy(repo: RepoModel, files: string[]): Defined {
  const out: Defined = { services: new Set(), profiles: new Set(), complete: true };
  const add = (name: string, svc: Value | undefined) => {
    out.services.add(name);
    if (isMapping(svc) && Array.isArray(svc.profiles)) for (const p of svc.profiles) out.profiles.add(String(p));
  };
  for (const abs of files) {
    const unit = repo.units.find((u) => u.files[0] === abs && u.project);
    if (unit?.project) {
      for (const [n, s] of Object.entries({ ...unit.project.services, ...unit.project.disabledServices })) add(n, s);
      continue;
    }
    let raw: Mapping | null | undefined;
    for (const u of repo.units) if (u.raw.has(abs)) raw = u.raw.get(abs);
    if (raw === undefined) {
      try {
        raw = repo.documents(abs)[0] ?? null;
      } catch {
        raw = null;
      }
    }
    if (!raw) {
      out.complete = false;
      continue;
    }
    if (raw.include !== undefined) out.complete = false;
    for (const [n, s] of Object.entries(rawServices(raw))) add(n, s);
  }
  return out;
}

/** Column (1-based) of the compose command in its line. */
export function invocationColumn(repo: RepoModel, w: WrapperScript, inv: ComposeInvocation): number {
  const text = wrapperText(repo, w);
  const line = text?.split(/\r?\n/)[inv.line - 1];
  if (!line) return 1;
  const needles = [inv.via, inv.cli === 'v1' ? 'docker-compose' : 'docker', 'docker'].filter((x): x is string => !!x);
  for (const n of needles) {
    const i = line.indexOf(n);
    if (i >= 0) return i + 1;
  }
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Env files

export interface EnvKey {
  key: string;
  line: number;
  column: number;
  /** written as a comment (`# KEY=...`) */
  commented: boolean;
}

/** Keys of a .env-style file, including commented-out assignments (`# KEY=value`). */
export function envFileKeys(text: string): EnvKey[] {
  const out: EnvKey[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /^(\s*(#\s*)?(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(l);
    if (!m) return;
    out.push({ key: m[3]!, line: i + 1, column: m[1]!.length + 1, commented: !!m[2] });
  });
  return out;
}

/** Is `rel` (root-relative) ignored by a `.gitignore` in the root or on its way (simple patterns only)? */
export function gitIgnored(repo: RepoModel, rel: string): boolean {
  const parts = rel.split('/');
  const name = parts[parts.length - 1]!;
  let ignored = false;
  for (let depth = 0; depth < parts.length; depth++) {
    const dir = parts.slice(0, depth).join('/');
    const text = readText(path.join(repo.root, dir, '.gitignore'), 512 * 1024);
    if (!text) continue;
    const sub = parts.slice(depth).join('/');
    for (let line of text.split(/\r?\n/)) {
      line = line.trim();
      if (!line || line.startsWith('#')) continue;
      const neg = line.startsWith('!');
      if (neg) line = line.slice(1);
      line = line.replace(/\/+$/, '');
      const anchored = line.includes('/');
      const pat = line.replace(/^\//, '').replace(/^\*\*\//, '');
      const re = new RegExp(`^${pat.replace(/[.+^${}()|[\]\\]/g, '\\$&').split('**').map((part) => part.replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('.*')}$`);
      const hit = anchored && !line.startsWith('**/') ? re.test(sub) : re.test(name);
      if (hit) ignored = !neg;
    }
  }
  return ignored;
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles

export interface AuditedDockerfile {
  abs: string;
  rel: string;
  info: DockerfileInfo;
  /** services that build with it, in order */
  refs: ServiceRef[];
  /** build targets services pick */
  targets: Set<string>;
}

/** Every Dockerfile a service builds with, and every one discovery found, once each, sorted by path. */
export function dockerfilesToAudit(repo: RepoModel): AuditedDockerfile[] {
  const byAbs = new Map<string, AuditedDockerfile>();
  const add = (abs: string): AuditedDockerfile | undefined => {
    let d = byAbs.get(abs);
    if (d) return d;
    const info = repo.dockerfile(abs);
    if (!info) return undefined;
    d = { abs, rel: repo.rel(abs), info, refs: [], targets: new Set() };
    byAbs.set(abs, d);
    return d;
  };
  for (const ref of services(repo)) {
    const b = buildOf(repo, ref);
    if (!b?.dockerfile || !b.dockerfileExists) continue;
    const d = add(b.dockerfile);
    if (!d) continue;
    if (!d.refs.some((r) => r.name === ref.name && r.unit === ref.unit)) d.refs.push(ref);
    if (b.target) d.targets.add(b.target.toLowerCase());
  }
  for (const f of repo.files.dockerfiles) add(path.join(repo.root, f.path));
  return [...byAbs.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Stages whose content ends up in an image someone runs: the last stage, build targets, and what they are built FROM. */
export function shippedStages(info: DockerfileInfo, targets: Set<string>): Set<number> {
  const out = new Set<number>();
  const visit = (i: number) => {
    if (out.has(i)) return;
    out.add(i);
    const st = info.stages[i];
    if (!st) return;
    const parent = info.stages.find((s) => s.index < i && s.name !== undefined && s.name.toLowerCase() === st.image.toLowerCase());
    if (parent) visit(parent.index);
  };
  if (info.stages.length) visit(info.stages.length - 1);
  for (const t of targets) {
    const st = info.stages.find((s) => s.name?.toLowerCase() === t);
    if (st) visit(st.index);
  }
  return out;
}

/** The shell text of a RUN (JSON form joined). */
export function runText(ins: DockerInstruction): string {
  const t = ins.args.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) return v.map(String).join(' ');
    } catch {
      /* shell form after all */
    }
  }
  return t;
}

const PREFIX_WORDS = new Set(['sudo', 'env', 'exec', 'time', 'nohup', 'command', 'then', 'do', 'else', '{', '!', 'xargs', 'if', 'while', 'until']);

/** Simple commands of a shell text: split at `&&`, `||`, `;`, `|`, newlines, parentheses; leading assignments and sudo/env dropped. */
export function shellCommands(text: string): string[][] {
  const out: string[][] = [];
  for (const part of text.split(/&&|\|\||;|\||\n|\(|\)|`|\$\(/)) {
    const words = part
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w.replace(/^["']|["']$/g, ''));
    while (words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!) || PREFIX_WORDS.has(words[0]!))) words.shift();
    if (words.length) out.push(words);
  }
  return out;
}

/** The program name of a command's first word (`/usr/bin/apt-get` -> `apt-get`). */
export function program(words: string[]): string {
  return (words[0] ?? '').split('/').pop()!.toLowerCase();
}

/** Has the RUN a `--mount=type=cache` (optionally at one of the targets)? */
export function cacheMounts(ins: DockerInstruction): { target?: string }[] {
  const out: { target?: string }[] = [];
  const mounts = [...ins.mounts];
  // dockerfile-ast keeps only the last --mount in flags; read them from the text too
  for (const m of ins.args.matchAll(/--mount=(\S+)/g)) mounts.push(m[1]!);
  for (const m of mounts) {
    const fields = Object.fromEntries(
      m.split(',').map((kv) => {
        const eq = kv.indexOf('=');
        return eq >= 0 ? [kv.slice(0, eq).trim().toLowerCase(), kv.slice(eq + 1).trim()] : [kv.trim().toLowerCase(), 'true'];
      }),
    ) as Record<string, string>;
    if (fields.type === 'cache') {
      const t = fields.target ?? fields.dst ?? fields.destination;
      out.push(t ? { target: t } : {});
    }
  }
  return out;
}

/** Offset (0-based) in `text` of a 1-based line/column. */
export function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off + column - 1;
}

/** COPY/ADD sources read from the build context (not --from, not URLs), normalised (`.` for the whole context). */
export function contextSources(info: DockerfileInfo): { src: string; dest: string; line: number; column: number; keyword: string }[] {
  const out: { src: string; dest: string; line: number; column: number; keyword: string }[] = [];
  for (const c of info.copies) {
    if (c.from !== undefined) continue;
    for (const s of c.sources) {
      if (/^[a-z]+:\/\//i.test(s) || s.startsWith('git@')) continue;
      let n = s.replace(/\\/g, '/').replace(/^\/+/, '');
      n = path.posix.normalize(n).replace(/\/+$/, '');
      if (n === '' || n === './') n = '.';
      out.push({ src: n, dest: c.dest, line: c.line, column: c.column, keyword: c.keyword });
    }
  }
  return out;
}

function globRe(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
}

/** Does a COPY source take in the context path `rel`? `exact` when it names it (or something inside it) rather than an ancestor. */
export function sourceCovers(src: string, rel: string): 'ancestor' | 'exact' | false {
  if (src === '.' || src === '*' || src === './*') return 'ancestor';
  const sParts = src.split('/');
  const rParts = rel.split('/');
  const n = Math.min(sParts.length, rParts.length);
  for (let i = 0; i < n; i++) {
    const s = sParts[i]!;
    const r = rParts[i]!;
    if (/[*?[]/.test(s) ? !globRe(s).test(r) : s !== r) return false;
  }
  if (sParts.length < rParts.length) {
    // a glob such as `*` matching the item's parent copies the item only if it is a directory: assume it is
    return 'ancestor';
  }
  return 'exact';
}

// ---------------------------------------------------------------------------------------------
// Build contexts

export type HeavyKind = 'git' | 'node_modules' | 'venv' | 'pycache' | 'output' | 'data';

export interface HeavyItem {
  rel: string;
  kind: HeavyKind;
  /** a directory (a `.git` file is a worktree or submodule pointer) */
  dir: boolean;
  bytes: number;
  files: number;
}

export interface ContextWalk {
  bytes: number;
  files: number;
  capped: boolean;
  heavy: HeavyItem[];
  /** data-like files outside heavy folders (csv, parquet, ...) */
  dataFiles: { rel: string; bytes: number }[];
}

const DATA_EXT = /\.(csv|tsv|parquet|feather|arrow|h5|hdf5|npy|npz|pkl|pickle|avro|orc|jsonl|ndjson|xlsx?|zip|tar|tgz|gz|bz2|xz|7z|sqlite3?|db|dump|bak|iso|mp4|mov|ckpt|pt|pth|onnx|safetensors|bin)$/i;

function heavyKindOf(name: string, abs: string): HeavyKind | undefined {
  if (name === '.git') return 'git';
  if (name === 'node_modules' || name === 'bower_components') return 'node_modules';
  if (name === '.venv' || name === 'venv' || name === '.tox' || name === '.nox') return 'venv';
  if ((name === 'env' || name === '.env') && exists(path.join(abs, 'pyvenv.cfg'))) return 'venv';
  if (name === '__pycache__' || name === '.pytest_cache' || name === '.mypy_cache' || name === '.ruff_cache') return 'pycache';
  if (name === 'dist' || name === 'build' || name === 'target' || name === '.next' || name === '.nuxt' || name === 'coverage' || name === '.gradle') return 'output';
  if (/^(data|datasets?|dumps?|backups?)$/i.test(name)) return 'data';
  return undefined;
}

/**
 * Walk a build context as the legacy builder would send it (files the `.dockerignore` does not
 * exclude), without following symbolic links, stopping after `maxEntries` entries or `maxMs`.
 */
export function walkContext(root: string, ig: IgnoreInfo, opts: { maxEntries?: number; maxMs?: number } = {}): ContextWalk {
  const maxEntries = opts.maxEntries ?? 50_000;
  const deadline = Date.now() + (opts.maxMs ?? 5_000);
  const hasNegation = ig.patterns.some((p) => p.startsWith('!'));
  const out: ContextWalk = { bytes: 0, files: 0, capped: false, heavy: [], dataFiles: [] };
  let entries = 0;
  // stack of [relDir, heavy item it belongs to]
  const stack: [string, HeavyItem | undefined][] = [['', undefined]];
  while (stack.length) {
    const [relDir, owner] = stack.pop()!;
    const absDir = relDir ? path.join(root, relDir) : root;
    let names: string[];
    try {
      names = readdirSync(absDir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (++entries > maxEntries || (entries % 512 === 0 && Date.now() > deadline)) {
        out.capped = true;
        return out;
      }
      const rel = relDir ? `${relDir}/${name}` : name;
      const abs = path.join(absDir, name);
      let st;
      try {
        st = lstatSync(abs);
      } catch {
        continue;
      }
      const ignored = ig.ignores(rel);
      if (st.isDirectory()) {
        if (ignored && !hasNegation) continue;
        let own = owner;
        if (!own && !ignored) {
          let kind = heavyKindOf(name, abs);
          // nested dist/ or data/ folders are usually vendored assets or fixtures: only top-level ones count
          if ((kind === 'output' || kind === 'data') && relDir !== '') kind = undefined;
          if (kind) {
            own = { rel, kind, dir: true, bytes: 0, files: 0 };
            out.heavy.push(own);
          }
        }
        stack.push([rel, own]);
        continue;
      }
      if (ignored) continue;
      const size = st.isFile() ? st.size : 0;
      out.bytes += size;
      out.files++;
      if (owner) {
        owner.bytes += size;
        owner.files++;
      } else if (name === '.git') {
        out.heavy.push({ rel, kind: 'git', dir: false, bytes: size, files: 1 });
      } else if (DATA_EXT.test(name)) {
        out.dataFiles.push({ rel, bytes: size });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Where each service is written in its file

export interface ServiceSpan {
  name: string;
  svc: Mapping;
  /** the line of the service's key */
  start: number;
  /** the last line that can belong to it */
  end: number;
}

/** The line span of each service of a raw file, in file order (an entry whose origin lies outside came through an anchor). */
export function serviceSpans(raw: Mapping): ServiceSpan[] {
  const s = raw.services;
  if (!isMapping(s)) return [];
  const servicesLine = keyOriginOf(raw, 'services')?.line ?? 0;
  const topLines = Object.keys(raw)
    .map((k) => keyOriginOf(raw, k)?.line ?? 0)
    .filter((l) => l > servicesLine)
    .sort((a, b) => a - b);
  const blockEnd = (topLines[0] ?? Number.MAX_SAFE_INTEGER) - 1;
  const list = Object.entries(s)
    .filter((e): e is [string, Mapping] => isMapping(e[1]))
    .map(([name, svc]) => ({ name, svc, start: keyOriginOf(s, name)?.line ?? 0, end: blockEnd }))
    .sort((a, b) => a.start - b.start);
  for (let i = 0; i + 1 < list.length; i++) list[i]!.end = list[i + 1]!.start - 1;
  return list;
}

/** Is a position inside the service's own text (not brought in through an anchor)? */
export function inSpan(span: ServiceSpan, o: Origin | undefined, file: string): boolean {
  return !!o && o.file === file && o.line >= span.start && o.line <= span.end;
}

// ---------------------------------------------------------------------------------------------
// Package managers in RUN commands

export interface PackageStep {
  /** what the step is, as shown: `pip install`, `apt-get install`, ... */
  label: string;
  /** cache mounts that would keep its downloads between builds */
  mounts: string[];
  /** the command opts out of caching on purpose (`pip --no-cache-dir`, `apk --no-cache`) */
  deliberate: boolean;
}

const has = (words: string[], ...flags: string[]) => words.some((w) => flags.includes(w) || flags.some((f) => f.endsWith('=') && w.startsWith(f)));

/** Recognise a command that downloads packages or dependencies. */
export function packageStep(words: string[]): PackageStep | undefined {
  const prog = program(words);
  const sub = words[1];
  const step = (label: string, mounts: string[], deliberate = false): PackageStep => ({ label, mounts, deliberate });
  // python -m pip install
  if (/^python[0-9.]*$/.test(prog) && sub === '-m' && /^pip[0-9.]*$/.test(words[2] ?? '')) return packageStep(words.slice(2));
  if (/^pip[0-9.]*$/.test(prog) && (sub === 'install' || sub === 'wheel' || sub === 'download')) {
    return step(`pip ${sub}`, ['type=cache,target=/root/.cache/pip'], has(words, '--no-cache-dir'));
  }
  if (prog === 'uv') {
    const rest = words.slice(1).filter((w) => !w.startsWith('-'));
    const cmd = rest[0] === 'pip' ? `pip ${rest[1] ?? ''}` : rest[0] ?? '';
    if (['pip install', 'pip sync', 'sync', 'add', 'tool install'].includes(cmd) || (rest[0] === 'tool' && rest[1] === 'install')) {
      return step(`uv ${cmd}`, ['type=cache,target=/root/.cache/uv'], has(words, '--no-cache', '-n'));
    }
  }
  if (prog === 'poetry' && sub === 'install') return step('poetry install', ['type=cache,target=/root/.cache/pypoetry'], has(words, '--no-cache'));
  if (prog === 'pipenv' && (sub === 'install' || sub === 'sync')) return step(`pipenv ${sub}`, ['type=cache,target=/root/.cache/pipenv']);
  if ((prog === 'conda' || prog === 'mamba' || prog === 'micromamba') && (sub === 'install' || sub === 'create' || (sub === 'env' && words[2] === 'create'))) return step(`${prog} ${sub}`, ['type=cache,target=/opt/conda/pkgs']);
  if (prog === 'npm' && ['ci', 'install', 'i', 'add'].includes(sub ?? '')) return step(`npm ${sub}`, ['type=cache,target=/root/.npm'], has(words, '--cache=/dev/null'));
  if (prog === 'yarn' && (sub === undefined || sub === 'install' || sub.startsWith('--'))) return step('yarn install', ['type=cache,target=/usr/local/share/.cache/yarn']);
  if (prog === 'pnpm' && ['install', 'i', 'fetch', 'add'].includes(sub ?? '')) return step(`pnpm ${sub}`, ['type=cache,id=pnpm,target=/root/.local/share/pnpm/store']);
  if (prog === 'bun' && (sub === 'install' || sub === 'i')) return step('bun install', ['type=cache,target=/root/.bun/install/cache']);
  if ((prog === 'apt-get' || prog === 'apt') && (words.includes('install') || words.includes('build-dep'))) {
    return step(`${prog} install`, ['type=cache,target=/var/cache/apt,sharing=locked', 'type=cache,target=/var/lib/apt,sharing=locked']);
  }
  if (prog === 'apk' && words.includes('add')) return step('apk add', ['type=cache,target=/var/cache/apk'], has(words, '--no-cache'));
  if ((prog === 'dnf' || prog === 'yum' || prog === 'microdnf' || prog === 'tdnf') && words.includes('install')) return step(`${prog} install`, [`type=cache,target=/var/cache/${prog === 'yum' ? 'yum' : 'dnf'}`]);
  if (prog === 'go' && (sub === 'build' || sub === 'install' || (sub === 'mod' && words[2] === 'download') || sub === 'get')) {
    return step(sub === 'mod' ? 'go mod download' : `go ${sub}`, sub === 'mod' ? ['type=cache,target=/go/pkg/mod'] : ['type=cache,target=/go/pkg/mod', 'type=cache,target=/root/.cache/go-build']);
  }
  if (prog === 'cargo' && ['build', 'install', 'fetch'].includes(sub ?? '')) return step(`cargo ${sub}`, ['type=cache,target=/usr/local/cargo/registry']);
  if ((prog === 'mvn' || prog === 'mvnw') && words.length > 1 && !has(words, '--version', '-v')) return step('mvn', ['type=cache,target=/root/.m2']);
  if ((prog === 'gradle' || prog === 'gradlew') && words.length > 1 && !has(words, '--version', '-v')) return step('gradle', ['type=cache,target=/root/.gradle']);
  if (prog === 'bundle' && (sub === 'install' || sub === undefined)) return step('bundle install', ['type=cache,target=/usr/local/bundle/cache']);
  if (prog === 'composer' && ['install', 'update', 'require'].includes(sub ?? '')) return step(`composer ${sub}`, ['type=cache,target=/root/.composer/cache'], has(words, '--no-cache'));
  if (prog === 'dotnet' && (sub === 'restore' || sub === 'publish' || sub === 'build')) return step(`dotnet ${sub}`, ['type=cache,target=/root/.nuget/packages']);
  return undefined;
}

/** Hide credentials in URLs and the values of obvious secret flags of a command shown in a snippet. */
export function maskCredentials(text: string): string {
  return text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1…@').replace(/(--(?:password|passwd|token|secret|api-key|auth)(?:=|\s+))(?!\$)\S+/gi, '$1…');
}

// ---------------------------------------------------------------------------------------------
// Variables as written (for files that do not load)

export interface RawUse {
  name: string;
  operator: '' | ':-' | '-' | ':?' | '?' | ':+' | '+';
  required: boolean;
  /** inside another variable's default or alternative word */
  nested: boolean;
  /** dotted path of the value */
  path: string;
  origin?: Origin;
}

/** The `${VAR}` / `$VAR` uses in one string (`$$` is a literal dollar). */
export function scanInterpolation(s: string, onUse: (u: Omit<RawUse, 'path' | 'origin'>) => void, nested = false): void {
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '$') {
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      i += 2;
      continue;
    }
    if (next === '{') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 2));
      if (!m) {
        i += 2;
        continue;
      }
      const name = m[0];
      let j = i + 2 + name.length;
      const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(s.slice(j))?.[0] ?? '';
      j += op.length;
      // the word up to the matching brace
      let depth = 1;
      const start = j;
      while (j < s.length && depth > 0) {
        if (s[j] === '$' && s[j + 1] === '{') {
          depth++;
          j += 2;
          continue;
        }
        if (s[j] === '}') depth--;
        if (depth > 0) j++;
      }
      onUse({ name, operator: op as RawUse['operator'], required: op === ':?' || op === '?', nested });
      if (op === ':-' || op === '-' || op === ':+' || op === '+') scanInterpolation(s.slice(start, j), onUse, true);
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (m) {
      onUse({ name: m[0], operator: '', required: false, nested });
      i += 1 + m[0].length;
      continue;
    }
    i++;
  }
}

/** Every variable use in a raw (uninterpolated) compose mapping, with positions. */
export function rawVariableUses(raw: Mapping): RawUse[] {
  const out: RawUse[] = [];
  const walk = (node: Value, p: string) => {
    if (node === null || typeof node !== 'object') return;
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (const k of keys) {
      const v = (node as Record<string | number, Value>)[k]!;
      const path = p ? `${p}.${k}` : String(k);
      if (typeof v === 'string') {
        if (!v.includes('$')) continue;
        const origin = originOf(node, k);
        scanInterpolation(v, (u) => out.push({ ...u, path, ...(origin ? { origin } : {}) }));
      } else walk(v, path);
    }
  };
  walk(raw, '');
  return out;
}
