/**
 * Helpers shared by the correctness rules: the project of a unit (also when only a missing env
 * file stopped it loading), profile combinations, replicas (from the model and from wrapper
 * scripts' `--scale`), published host ports, paths inside the audited root, env templates,
 * .gitignore matching, variables set by wrapper scripts, endpoint hosts in environment values.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ignore } from '@balena/dockerignore';
import type { ComposeUnit, RepoModel } from '../../audit/types.js';
import type { LoadError } from '../../load/errors.js';
import type { Origin } from '../../load/origin.js';
import type { LoadedProject } from '../../load/project.js';
import type { Mapping, Value, VariableUse } from '../../load/types.js';
import { at, isMapping, publishedPorts, type PublishedPort, type ServiceRef } from '../util.js';

// ---------------------------------------------------------------------------------------------
// Projects

/** The loaded project of a unit (the repo model also loads units Compose would refuse, in a degraded way). */
export function projectOf(_repo: RepoModel, unit: ComposeUnit): LoadedProject | undefined {
  return unit.project;
}

function profilesOf(svc: Mapping): string[] {
  return Array.isArray(svc.profiles) ? svc.profiles.map(String) : [];
}

/** Every service of a unit (enabled or not). */
export function unitServices(repo: RepoModel, unit: ComposeUnit): ServiceRef[] {
  const project = projectOf(repo, unit);
  if (!project) return [];
  return Object.entries({ ...project.services, ...project.disabledServices }).map(([name, svc]) => ({ name, svc, unit, project, profiles: profilesOf(svc) }));
}

/** Every service of every unit that loaded (or only lacks an env file). */
export function allServices(repo: RepoModel): ServiceRef[] {
  return repo.units.flatMap((u) => unitServices(repo, u));
}

// ---------------------------------------------------------------------------------------------
// Paths

/** Root-relative path with `/`, `.` for the root itself; undefined when outside the root. */
export function insideRoot(repo: RepoModel, abs: string): string | undefined {
  const r = path.relative(repo.root, abs);
  if (r.startsWith('..') || path.isAbsolute(r)) return undefined;
  return r === '' ? '.' : r.split(path.sep).join('/');
}

/** A path for messages: root-relative when inside the root, else as is. */
export function shown(repo: RepoModel, abs: string): string {
  return insideRoot(repo, abs) ?? abs;
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Absolute paths in error messages become root-relative. */
export function relativizeText(repo: RepoModel, text: string): string {
  const root = repo.root.endsWith(path.sep) ? repo.root : repo.root + path.sep;
  return text.split(root).join('');
}

const FILE_NAMES = new Set(['caddyfile', 'dockerfile', 'makefile', 'procfile', 'gemfile', '.htpasswd', '.htaccess', '.env', '.npmrc', '.pgpass', 'known_hosts', 'authorized_keys', 'id_rsa', 'id_ed25519']);

/** Does this path name a file rather than a directory (by its last segment)? */
export function looksLikeFile(p: string): boolean {
  const base = p.replace(/[\\/]+$/, '').split(/[\\/]/).pop()?.toLowerCase() ?? '';
  if (!base || base === '.' || base === '..') return false;
  if (FILE_NAMES.has(base)) return true;
  const m = /^[^.].*\.([a-z0-9]{1,6})$/.exec(base);
  if (!m) return false;
  // conf.d, sites-enabled.d, foo.git: directories by convention
  return !['d', 'git'].includes(m[1]!);
}

// ---------------------------------------------------------------------------------------------
// .gitignore (a path git ignores is expected to be generated or created locally)

const makeMatcher = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;
const gitignoreCache = new Map<string, { dir: string; ig: Ignore } | null>();

function gitignoreIn(dir: string): { dir: string; ig: Ignore } | null {
  if (!gitignoreCache.has(dir)) {
    let entry: { dir: string; ig: Ignore } | null = null;
    try {
      const text = readFileSync(path.join(dir, '.gitignore'), 'utf8');
      const patterns: string[] = [];
      for (const raw of text.split(/\r?\n/)) {
        let line = raw.replace(/\s+$/, '');
        if (!line || line.startsWith('#')) continue;
        let neg = '';
        if (line.startsWith('!')) {
          neg = '!';
          line = line.slice(1);
        }
        // a trailing `/` (directories only) is treated like a plain pattern: over-ignoring only makes rules quieter
        line = line.replace(/\/+$/, '');
        if (!line) continue;
        // no slash (but a trailing one): matches at any depth; otherwise anchored to this directory
        const anchored = line.includes('/');
        line = line.replace(/^\/+/, '');
        const pat = anchored ? line : `**/${line}`;
        patterns.push(neg + pat);
      }
      entry = { dir, ig: makeMatcher().add(patterns) };
    } catch {
      entry = null;
    }
    gitignoreCache.set(dir, entry);
  }
  return gitignoreCache.get(dir)!;
}

/** Is this path (inside the root) ignored by a `.gitignore` between the root and it? */
export function gitignored(repo: RepoModel, abs: string): boolean {
  const rel = insideRoot(repo, abs);
  if (!rel || rel === '.') return false;
  const parts = rel.split('/');
  let ignored = false;
  for (let i = 0; i < parts.length; i++) {
    const dir = path.join(repo.root, ...parts.slice(0, i));
    const gi = gitignoreIn(dir);
    if (!gi) continue;
    const sub = parts.slice(i).join('/');
    try {
      if (gi.ig.ignores(sub)) ignored = true;
    } catch {
      /* a pattern the matcher cannot read */
    }
  }
  return ignored;
}

// ---------------------------------------------------------------------------------------------
// Env files and templates

function stripTemplate(name: string, suffix: string | undefined): string {
  if (!suffix) return name;
  for (const sep of ['.', '-', '_']) if (name.toLowerCase().endsWith(sep + suffix.toLowerCase())) return name.slice(0, -(suffix.length + 1));
  if (name.toLowerCase().startsWith(suffix.toLowerCase() + '.')) return name.slice(suffix.length);
  return name;
}

/** The template (`.env.example`, …) in the same directory that a missing env file would be copied from. */
export function templateFor(repo: RepoModel, abs: string): string | undefined {
  const rel = insideRoot(repo, abs);
  if (!rel) return undefined;
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel);
  const t = repo.files.envFiles.find((e) => e.template && e.dir === dir && stripTemplate(path.posix.basename(e.path), e.templateSuffix) === base);
  return t?.path;
}

/** Names assigned in a dotenv-style file (values are never kept). */
export function dotenvKeys(abs: string): Set<string> {
  const out = new Set<string>();
  let text = '';
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    return out;
  }
  for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*[=:]/gm)) out.add(m[1]!);
  return out;
}

/**
 * Env files of a project directory that a `.env` would be made from: templates (`.env.example`,
 * `env.sample`, …) and variants (`.env.docker`, `.env.dev`) that a README or `--env-file` uses.
 */
export function envTemplates(repo: RepoModel, projectDir: string): string[] {
  const dir = insideRoot(repo, projectDir);
  if (!dir) return [];
  return repo.files.envFiles
    .filter((e) => {
      if (e.dir !== dir) return false;
      const base = path.posix.basename(e.path);
      if (base === '.env') return false;
      const name = e.template ? stripTemplate(base, e.templateSuffix) : base;
      return e.template ? /^\.?env(\.|$)/i.test(name) : /^\.env\./i.test(name);
    })
    .sort((a, b) => Number(b.template) - Number(a.template))
    .map((e) => e.path);
}

// ---------------------------------------------------------------------------------------------
// Wrapper scripts

const wrapperVarCache = new WeakMap<RepoModel, Set<string>>();

/** Variables a wrapper script assigns or exports, and those of env files passed with `--env-file`. */
export function wrapperVariables(repo: RepoModel): Set<string> {
  const cached = wrapperVarCache.get(repo);
  if (cached) return cached;
  const out = new Set<string>();
  wrapperVarCache.set(repo, out);
  for (const w of repo.files.wrappers) {
    let text = '';
    try {
      text = readFileSync(path.join(repo.root, w.path), 'utf8');
    } catch {
      continue;
    }
    if (w.kind === 'make') {
      for (const m of text.matchAll(/^[ \t]*(?:(?:export|override)[ \t]+)*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:::=|:=|\?=|\+=|!=|=)/gm)) out.add(m[1]!);
      for (const m of text.matchAll(/^[ \t]*export[ \t]+([A-Za-z_][A-Za-z0-9_ \t]*)$/gm)) for (const n of m[1]!.trim().split(/\s+/)) out.add(n);
    }
    for (const m of text.matchAll(/(?:^|[\s;&|(`])(?:(?:export|local|readonly|declare(?:[ \t]+-\w+)*)[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/gm)) out.add(m[1]!);
    for (const m of text.matchAll(/\bexport[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:$|;)/gm)) out.add(m[1]!);
    for (const inv of w.invocations) {
      for (const m of inv.command.matchAll(/--env-file(?:=|\s+)(['"]?)([^\s'"]+)\1/g)) {
        const f = m[2]!;
        for (const base of [repo.root, path.join(repo.root, w.dir), path.join(repo.root, w.dir, inv.cwd ?? '.'), path.join(repo.root, inv.cwd ?? '.')]) {
          const abs = path.resolve(base, f);
          if (isFile(abs)) {
            for (const k of dotenvKeys(abs)) out.add(k);
            break;
          }
        }
      }
    }
  }
  return out;
}

export interface WrapperScale {
  /** root-relative script path */
  script: string;
  line: number;
  service: string;
  replicas: number;
  /** the flag as written, e.g. `--scale worker=3` */
  flag: string;
  unit: ComposeUnit;
}

/** `up --scale svc=N` calls in wrapper scripts, matched to the compose units they run. */
export function wrapperScales(repo: RepoModel): WrapperScale[] {
  const out: WrapperScale[] = [];
  const byFile = new Map<string, ComposeUnit[]>();
  for (const u of repo.units) for (const f of u.files) byFile.set(f, [...(byFile.get(f) ?? []), u]);
  for (const w of repo.files.wrappers) {
    for (const inv of w.invocations) {
      const scales = [...inv.command.matchAll(/--scale(?:=|\s+)(['"]?)([A-Za-z0-9][A-Za-z0-9._-]*)=(\d+)\1/g)];
      if (!scales.length) continue;
      const bases = [
        path.join(repo.root, w.dir, inv.cwd ?? '.'),
        path.join(repo.root, inv.cwd ?? '.'),
        path.join(repo.root, w.dir),
        repo.root,
      ];
      const units = new Set<ComposeUnit>();
      if (inv.files.length) {
        inv.files.forEach((f, i) => {
          const resolved = inv.resolvedFiles[i];
          const candidates = resolved ? [path.join(repo.root, resolved)] : [];
          for (const part of f.split(/[:;]/).filter(Boolean)) for (const b of bases) candidates.push(path.resolve(b, part));
          let hit = candidates.map((c) => byFile.get(c)).find((us) => us);
          if (!hit) {
            // a `cd dir` on an earlier line is not followed by discovery: fall back to a unique file of that name
            const name = path.basename(f);
            const same = [...byFile.keys()].filter((k) => path.basename(k) === name);
            if (same.length === 1) hit = byFile.get(same[0]!);
          }
          hit?.forEach((u) => units.add(u));
        });
      } else {
        for (const b of bases) {
          const u = repo.units.find((x) => x.kind === 'default' && x.dir === b);
          if (u) {
            units.add(u);
            break;
          }
        }
      }
      for (const m of scales) {
        const replicas = Number(m[3]);
        for (const unit of units) out.push({ script: w.path, line: inv.line, service: m[2]!, replicas, flag: `--scale ${m[2]}=${m[3]}`, unit });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Replicas

function num(v: Value | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return undefined;
}

export interface Replicas {
  count: number;
  /** how it is set, for messages: "`scale: 3`", "`deploy.replicas: 3`", "`--scale api=3` in scripts/dev.sh:4" */
  how: string;
  origin?: Origin;
}

/** The replica count a service is declared with (scale, else deploy.replicas); undefined when not set. */
export function declaredReplicas(ref: ServiceRef): Replicas | undefined {
  const scale = num(ref.svc.scale);
  if (scale !== undefined) {
    const r: Replicas = { count: scale, how: `\`scale: ${scale}\`` };
    const o = at(ref, 'scale');
    if (o) r.origin = o;
    return r;
  }
  const deploy = ref.svc.deploy;
  if (isMapping(deploy)) {
    const n = num(deploy.replicas);
    if (n !== undefined) {
      const r: Replicas = { count: n, how: `\`deploy.replicas: ${n}\`` };
      const o = at(ref, 'deploy', 'replicas');
      if (o) r.origin = o;
      return r;
    }
  }
  return undefined;
}

/** Several runs as one: the largest count, every way it is set. */
export function mergeRuns(runs: Replicas[]): Replicas {
  if (runs.length === 1) return runs[0]!;
  const count = Math.max(...runs.map((r) => r.count));
  return { count, how: runs.map((r) => r.how).join(', ') };
}

/** Every way a service is run with more than one replica: its own declaration and wrapper `--scale` flags. */
export function scaledRuns(repo: RepoModel, ref: ServiceRef, scales: WrapperScale[]): Replicas[] {
  const out: Replicas[] = [];
  const own = declaredReplicas(ref);
  if (own && own.count > 1) out.push(own);
  for (const s of scales) {
    if (s.unit !== ref.unit || s.service !== ref.name || s.replicas <= 1) continue;
    out.push({ count: s.replicas, how: `\`${s.flag}\` in ${s.script}:${s.line}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Profiles

/** COMPOSE_PROFILES set in the unit's `.env`: active in every run. */
export function baseProfiles(repo: RepoModel, unit: ComposeUnit): string[] {
  const rel = insideRoot(repo, path.join(unit.dir, '.env'));
  const e = repo.files.envFiles.find((f) => f.path === rel);
  const v = e?.composeSettings?.COMPOSE_PROFILES;
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export interface Combo {
  profiles: string[];
  /** the one profile added to the base set, if any */
  extra?: string;
}

/**
 * The profile combinations judged: the base profiles alone (a plain `docker compose up`), then the
 * base plus ONE other profile at a time. Services only in mutually exclusive profiles never run
 * together in these combinations.
 */
export function profileCombos(repo: RepoModel, unit: ComposeUnit, services: ServiceRef[]): Combo[] {
  const base = baseProfiles(repo, unit);
  const all = [...new Set(services.flatMap((s) => s.profiles))].sort();
  return [{ profiles: base }, ...all.filter((p) => !base.includes(p)).map((p) => ({ profiles: [...base, p], extra: p }))];
}

export function enabledIn(ref: ServiceRef, combo: Combo): boolean {
  return !ref.profiles.length || ref.profiles.some((p) => combo.profiles.includes(p));
}

// ---------------------------------------------------------------------------------------------
// Published ports

export interface HostPort {
  ref: ServiceRef;
  port: PublishedPort;
  /** normalised host IP ('' = every interface) */
  ip: string;
  first: number;
  last: number;
  protocol: string;
}

export function hostPorts(ref: ServiceRef): HostPort[] {
  const out: HostPort[] = [];
  for (const p of publishedPorts(ref)) {
    if (!p.published) continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(p.published.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = m[2] ? Number(m[2]) : first;
    if (!first || last < first) continue;
    out.push({ ref, port: p, ip: normalizeIp(p.hostIp), first, last, protocol: (p.protocol || 'tcp').toLowerCase() });
  }
  return out;
}

export function normalizeIp(ip: string): string {
  let s = ip.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  return s;
}

/** Do two host IPs of port bindings collide? ('' binds every interface of both families.) */
export function ipsOverlap(a: string, b: string): boolean {
  if (a === '' || b === '') return true;
  const v6a = a.includes(':');
  const v6b = b.includes(':');
  if (v6a !== v6b) return false;
  const any = v6a ? '::' : '0.0.0.0';
  return a === any || b === any || a.toLowerCase() === b.toLowerCase();
}

export function showBinding(h: HostPort, port: number): string {
  const ip = h.ip === '' || h.ip === '0.0.0.0' ? '' : h.ip.includes(':') ? `[${h.ip}]:` : `${h.ip}:`;
  return `${ip}${port}/${h.protocol}`;
}

// ---------------------------------------------------------------------------------------------
// Load problems: which rule reports which consistency problem

export type ProblemOwner = 'reference-undefined' | 'dependency-cycle' | 'scaled-container-name' | 'schema-invalid';

/** Consistency problems other rules report more specifically are left out of schema-invalid. */
export function problemOwner(p: LoadError): ProblemOwner {
  const m = p.message;
  if (/^dependency cycle detected/.test(m)) return 'dependency-cycle';
  if (/can't set container_name and (scale|deploy\.replicas)/.test(m)) return 'scaled-container-name';
  if (/ refers to undefined (network|volume|secret|config|build secret|model) /.test(m)) return 'reference-undefined';
  if (/ depends on undefined service /.test(m)) return 'reference-undefined';
  if (/^service ".*" not found for network_mode 'service:/.test(m)) return 'reference-undefined';
  if (/ declares unknown service ".*" as additional contexts /.test(m)) return 'reference-undefined';
  return 'schema-invalid';
}

/**
 * A unit that is a fragment meant to be layered on another file with `-f a -f b`: some service
 * has neither image nor build here, and another compose unit of the repository defines it
 * completely. References from a fragment may point at what the other file defines.
 */
export function isFragment(repo: RepoModel, unit: ComposeUnit): boolean {
  const services = unitServices(repo, unit);
  const incomplete = services.filter((s) => !s.svc.image && !s.svc.build && !s.svc.provider);
  if (!incomplete.length) return false;
  return incomplete.some((s) => definedElsewhere(repo, unit, 'services', s.name, (v) => isMapping(v) && (!!v.image || !!v.build)));
}

/** Units run together with this one by some wrapper invocation (`-f a -f b`). */
export function partnerUnits(repo: RepoModel, unit: ComposeUnit): ComposeUnit[] {
  const out = new Set<ComposeUnit>();
  const mine = new Set(unit.files.map((f) => insideRoot(repo, f)));
  for (const w of repo.files.wrappers) {
    for (const inv of w.invocations) {
      const files = inv.resolvedFiles.filter((f): f is string => !!f);
      if (files.length < 2 || !files.some((f) => mine.has(f))) continue;
      for (const u of repo.units) if (u !== unit && u.files.some((f) => files.includes(insideRoot(repo, f) ?? ''))) out.add(u);
    }
  }
  return [...out];
}

/** Is `name` defined under the top-level `kind` of another unit (optionally passing `test`)? */
export function definedElsewhere(repo: RepoModel, unit: ComposeUnit, kind: 'services' | 'networks' | 'volumes' | 'secrets' | 'configs' | 'models', name: string, test?: (v: Value) => boolean, among?: ComposeUnit[]): boolean {
  for (const u of among ?? repo.units) {
    if (u === unit) continue;
    const p = projectOf(repo, u);
    if (p) {
      const group = kind === 'services' ? { ...p.services, ...p.disabledServices } : (p[kind] as Mapping);
      if (name in group && (!test || test(group[name]!))) return true;
      continue;
    }
    for (const raw of u.raw.values()) {
      const g = raw?.[kind];
      if (isMapping(g) && name in g && (!test || test(g[name]!))) return true;
    }
  }
  return false;
}

/** The units whose definitions a unit's references may rely on: wrapper partners, or every unit for a fragment. */
export function referenceScope(repo: RepoModel, unit: ComposeUnit): ComposeUnit[] {
  if (isFragment(repo, unit)) return repo.units.filter((u) => u !== unit);
  return partnerUnits(repo, unit);
}

// ---------------------------------------------------------------------------------------------
// Variables

/** Exported by every interactive shell, so `${PWD}` and friends are set when compose runs. */
export const SHELL_VARIABLES = new Set(['PWD', 'OLDPWD', 'HOME', 'USER', 'LOGNAME', 'PATH', 'SHELL', 'HOSTNAME', 'TERM', 'LANG', 'TMPDIR', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'DISPLAY', 'SSH_AUTH_SOCK']);

export interface TrackedUse extends VariableUse {
  evaluated?: boolean;
  set?: boolean;
}

/** Uses of unset variables at an origin (file + line) in a project. */
export function unsetUsesAt(project: LoadedProject, o: Origin | undefined): TrackedUse[] {
  if (!o) return [];
  return (project.variables as TrackedUse[]).filter((u) => u.evaluated !== false && u.set === false && u.origin?.file === o.file && u.origin.line === o.line);
}

/** Any variable use at an origin (file + line). */
const usesByLine = new WeakMap<LoadedProject, Map<string, TrackedUse[]>>();

export function usesAt(project: LoadedProject, o: Origin | undefined): TrackedUse[] {
  if (!o) return [];
  let index = usesByLine.get(project);
  if (!index) {
    index = new Map();
    for (const u of project.variables as TrackedUse[]) {
      if (!u.origin) continue;
      const k = `${u.origin.file}:${u.origin.line}`;
      const list = index.get(k);
      if (list) list.push(u);
      else index.set(k, [u]);
    }
    usesByLine.set(project, index);
  }
  return index.get(`${o.file}:${o.line}`) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Endpoints in environment values

const ENDPOINT_KEY = /(?:^|_)(URLS?|URIS?|HOSTS?|ADDRS?|ADDRESS(?:ES)?|ENDPOINTS?|BROKERS?|SERVERS?|DSN|CONNECT|CONNECTION|CONN|NODES|SEEDS|PEERS)$/i;
const HOST_KEY = /(?:^|_)HOSTS?$/i;
/** keys whose value is this container's own public name or a bind address, not a peer */
const SELF_KEYS = /^(VIRTUAL_HOST|LETSENCRYPT_HOST|HOSTNAME|.*_HOSTNAME|.*_(BIND|LISTEN)_(HOST|ADDR|ADDRESS)|.*_ALLOWED_HOSTS|ALLOWED_HOSTS|NO_PROXY|.*_NO_PROXY|.*_TRUSTED_HOSTS?|.*_LISTENERS?)$/i;
/** keys whose URL a browser or an outside caller uses (CORS origins, redirects, public base URLs, client bundles): not resolved on the compose network */
const BROWSER_KEYS = /(^|_)(ORIGINS?|CORS|REDIRECTS?|CALLBACKS?|PUBLIC|EXTERNAL|BROWSER|SITE|HOMEPAGE|WEBHOOKS?)(_|$)|(^|_)(BASE|ROOT|SITE|APP|FRONTEND|CLIENT)_URL$|^(NEXT_PUBLIC|VITE|REACT_APP|NUXT_PUBLIC|EXPO_PUBLIC|VUE_APP|PUBLIC)_/i;
const NO_HOST_SCHEMES = new Set(['file', 'unix', 'npipe', 'sqlite', 'sqlite3', 'jar', 'data', 'mailto', 'urn', 'about', 'chrome', 'vscode', 'blob']);
const NOT_HOSTS = new Set(['localhost', 'true', 'false', 'yes', 'no', 'on', 'off', 'none', 'null', 'all', 'any', 'auto', 'default', 'disabled', 'enabled', 'host-gateway']);

export interface EndpointHost {
  host: string;
  /** how it was found: a URL or a host[:port] word */
  kind: 'url' | 'hostport' | 'host';
}

function hostOk(h: string): boolean {
  return /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/i.test(h) && !/^\d+$/.test(h);
}

/** Hosts named by an environment value (single-label names only: names with a dot are external). */
export function endpointHosts(key: string, value: string): EndpointHost[] {
  if (value.includes('$') || SELF_KEYS.test(key) || BROWSER_KEYS.test(key)) return [];
  const out: EndpointHost[] = [];
  const urls = [...value.matchAll(/(?:^|[\s,;='"(])(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\/([^\s,;'"/?#]*)/gi)];
  if (urls.length) {
    for (const m of urls) {
      if (NO_HOST_SCHEMES.has(m[1]!.toLowerCase())) continue;
      let authority = m[2]!;
      const atSign = authority.lastIndexOf('@');
      if (atSign >= 0) authority = authority.slice(atSign + 1);
      for (const part of authority.split(',')) {
        if (part.startsWith('[')) continue;
        const host = part.split(':')[0]!;
        if (host && hostOk(host)) out.push({ host, kind: 'url' });
      }
    }
    return out;
  }
  if (!ENDPOINT_KEY.test(key)) return [];
  for (const word of value.split(/[\s,;]+/).filter(Boolean)) {
    const hp = /^([A-Za-z0-9_.-]+)(?::\d{1,5})+$/.exec(word);
    if (hp) {
      if (hostOk(hp[1]!)) out.push({ host: hp[1]!, kind: 'hostport' });
      continue;
    }
    if (HOST_KEY.test(key) && hostOk(word) && /^[a-z]/i.test(word)) out.push({ host: word, kind: 'host' });
  }
  return out;
}

export function notAHost(h: string): boolean {
  return NOT_HOSTS.has(h.toLowerCase());
}

/** The networks a service is attached to, by created name (key and aliases kept); undefined when it uses a network_mode. */
export function serviceNetworks(ref: ServiceRef, byName: Map<string, ServiceRef>, seen = new Set<string>()): Map<string, { key: string; aliases: string[] }> | undefined {
  const mode = ref.svc.network_mode;
  if (typeof mode === 'string' && mode) {
    if (mode.startsWith('service:') && !seen.has(ref.name)) {
      const other = byName.get(mode.slice('service:'.length));
      if (other) return serviceNetworks(other, byName, new Set([...seen, ref.name]));
    }
    return undefined;
  }
  const nets = ref.svc.networks;
  const out = new Map<string, { key: string; aliases: string[] }>();
  if (!isMapping(nets)) return out;
  for (const [k, cfg] of Object.entries(nets)) {
    const def = ref.project.networks[k];
    const name = isMapping(def) && typeof def.name === 'string' ? def.name : k;
    const aliases = isMapping(cfg) && Array.isArray(cfg.aliases) ? cfg.aliases.map((a) => String(a).toLowerCase()) : [];
    out.set(name, { key: k, aliases });
  }
  return out;
}

