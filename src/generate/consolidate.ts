/**
 * Consolidation of overlapping standalone compose files into one (seed 000's main change).
 *
 * Design. Every source file X gets a profile p(X) named after it (`docker-compose.dev.yml` → `dev`,
 * `docker-compose.yml` → `base`). A service is compared across the files that define it on the
 * model `docker compose config` prints (loaded, normalized, with every own profile active):
 *
 * - identical in every source → written once, without a profile (its own profiles, if any, kept);
 * - identical in the sources that have it, missing elsewhere → written once with their profiles;
 * - different → one *variant* per distinct definition. Two services cannot share a name in one
 *   file, so the variant of the first source that has the service keeps the name and the others
 *   become `<service>-<profile>`, each carrying a network alias `<service>` so the host name keeps
 *   resolving; what the variants share is written once in an `x-<service>-base` anchor merged
 *   with `<<:`. References to a renamed variant (depends_on, links, network_mode, volumes_from,
 *   ipc, pid, extends) are rewritten in that source's services, which may in turn make those
 *   services variants (computed to a fixed point).
 * - A service's own profiles Q in a subset of sources S become `<p>-<q>` for p in p(S), q in Q
 *   (profiles are OR-ed; "source AND own profile" needs a combined name).
 *
 * Proof: for each source X and each activation of its own profiles (none, each one, all),
 * `config` of the output with p(X) (plus the mapped own profiles) equals `config` of X, both
 * loaded by the real loader with the same project name, after: the project name dropped, top-level
 * `x-*` keys dropped (inert), `profiles` dropped, renamed variants read back under their source
 * name (and the alias added for them removed). Anything else — a variable, a path, a port — must be
 * equal, so the proof fails on anything the generator got wrong.
 */
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { Alias, Document, isScalar, isSeq, Pair, Scalar, visit, YAMLMap, type Node as YamlNode } from 'yaml';
import { renderConfig } from '../commands/config.js';
import { LoadError } from '../load/errors.js';
import { isBindSource, isMapping, splitVolumeSource } from '../load/paths.js';
import { loadProject, type LoadedProject } from '../load/project.js';
import type { Mapping, Value } from '../load/types.js';
import { parseYamlDocuments, readTextFile, resolvePlain } from '../load/yaml.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface ConsolidateOptions {
  /** source compose files, absolute, base first */
  files: string[];
  /** the file to write, absolute */
  output: string;
  /** the directory commands run in (default: process.cwd()) */
  cwd?: string;
  /** files the compose files reference must lie inside it (loader default otherwise) */
  root?: string;
  /** the process environment for interpolation (default: process.env) */
  env?: Record<string, string | undefined>;
  /** profile names by source file (absolute path), overriding the derived ones */
  profileNames?: Record<string, string>;
}

export type ConflictKind = 'resource' | 'port' | 'container-name' | 'alias' | 'include' | 'profile-name' | 'name';

export interface Conflict {
  kind: ConflictKind;
  message: string;
  /** `services.backend`, `networks.default`, …: where the comment goes */
  at?: string;
}

export interface SourceInfo {
  /** absolute path */
  file: string;
  /** as shown to the user (relative to the working directory) */
  display: string;
  /** relative to the output's directory (header) */
  fromOutput: string;
  profile: string;
  /** the source's own profiles */
  ownProfiles: string[];
  /** source service name → output service name */
  names: Record<string, string>;
}

export interface Variant {
  /** output service name */
  name: string;
  /** indexes of the sources holding this definition */
  sources: number[];
}

export interface ServicePlan {
  name: string;
  variants: Variant[];
}

export interface ConsolidatePlan {
  sources: SourceInfo[];
  services: ServicePlan[];
  conflicts: Conflict[];
  notes: string[];
  /** the project name every load uses */
  projectName: string;
  output: string;
  /** renders the output text (proof lines, when given, go into the header) */
  render(proof?: ProofResult[]): string;
}

export interface Activation {
  /** profiles given to the source */
  sourceProfiles: string[];
  /** profiles given to the output */
  outputProfiles: string[];
  ok: boolean;
  differences: string[];
}

export interface ProofResult {
  source: string;
  profile: string;
  ok: boolean;
  activations: Activation[];
}

// ---------------------------------------------------------------------------------------------
// small value helpers

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function clone<T extends Value | Json | undefined>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: clone(x as Value), enumerable: true, writable: true, configurable: true });
  return out as T;
}

/** Canonical JSON: keys sorted, so equal values give equal strings. */
export function canon(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v === undefined ? null : v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return canon(a) === canon(b);
}

/** Paths where two JSON values differ (at most `limit`). */
export function differences(a: unknown, b: unknown, at = '', limit = 12, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  const show = (v: unknown) => {
    const s = v === undefined ? '(absent)' : JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  };
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(k in b)) out.push(`${at ? `${at}.` : ''}${k}: only in the source`);
      else if (!(k in a)) out.push(`${at ? `${at}.` : ''}${k}: only in the output`);
      else differences(a[k], b[k], at ? `${at}.${k}` : k, limit, out);
      if (out.length >= limit) break;
    }
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => differences(x, b[i], `${at}[${i}]`, limit, out));
    return out;
  }
  if (canon(a) !== canon(b)) out.push(`${at || '(root)'}: source ${show(a)}, output ${show(b)}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// profile names

const PROFILE_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** `docker-compose.dev.yml` → `dev`, `compose.prod.yaml` → `prod`, `docker-compose.yml` → `base`. */
export function profileForFile(file: string): string {
  let stem = path.basename(file).replace(/\.(ya?ml)$/i, '');
  stem = stem.replace(/^(docker[-_.]?compose|compose)/i, '').replace(/^[-_.]+/, '');
  stem = stem.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[-_.]+|[-_.]+$/g, '').toLowerCase();
  return stem || 'base';
}

// ---------------------------------------------------------------------------------------------
// service references

const REF_PREFIX = 'service:';

/** Rename the services a service refers to (raw or normalized shapes alike), in place. */
export function renameRefs(svc: Mapping, rename: (n: string) => string): void {
  const d = svc.depends_on;
  if (Array.isArray(d)) svc.depends_on = d.map((x) => (typeof x === 'string' ? rename(x) : x));
  else if (isMapping(d)) {
    const out: Mapping = {};
    for (const [k, v] of Object.entries(d)) out[rename(k)] = v;
    svc.depends_on = out;
  }
  if (Array.isArray(svc.links)) {
    svc.links = svc.links.map((l) => {
      if (typeof l !== 'string') return l;
      const i = l.indexOf(':');
      return i < 0 ? rename(l) : `${rename(l.slice(0, i))}${l.slice(i)}`;
    });
  }
  for (const k of ['network_mode', 'ipc', 'pid'] as const) {
    const v = svc[k];
    if (typeof v === 'string' && v.startsWith(REF_PREFIX)) svc[k] = REF_PREFIX + rename(v.slice(REF_PREFIX.length));
  }
  if (Array.isArray(svc.volumes_from)) {
    svc.volumes_from = svc.volumes_from.map((v) => {
      if (typeof v !== 'string' || v.startsWith('container:')) return v;
      const i = v.indexOf(':');
      return i < 0 ? rename(v) : `${rename(v.slice(0, i))}${v.slice(i)}`;
    });
  }
  if (isMapping(svc.extends) && typeof svc.extends.service === 'string' && svc.extends.file === undefined) svc.extends.service = rename(svc.extends.service);
  if (isMapping(svc.build) && isMapping(svc.build.additional_contexts)) {
    const add = svc.build.additional_contexts;
    for (const [k, v] of Object.entries(add)) if (typeof v === 'string' && v.startsWith(REF_PREFIX)) add[k] = REF_PREFIX + rename(v.slice(REF_PREFIX.length));
  }
}

// ---------------------------------------------------------------------------------------------
// relative paths, from a source's directory to the output's

function rebasePath(p: string, from: string, to: string): string {
  if (from === to || p === '' || p.startsWith('$') || p.startsWith('~') || path.isAbsolute(p) || /^[a-zA-Z]:[\\/]/.test(p)) return p;
  let rel = path.relative(to, path.resolve(from, p)) || '.';
  if (!rel.startsWith('.')) rel = `./${rel}`;
  if (p.endsWith('/') && !rel.endsWith('/')) rel += '/';
  return rel;
}

function isRemote(ctx: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ctx) || ctx.startsWith('git@') || ctx.startsWith('github.com/') || ctx.includes(':') && /^[a-z-]+:/.test(ctx);
}

/** Rewrite a raw service's relative paths so they name the same files from `to`. */
export function rebaseService(svc: Mapping, from: string, to: string): void {
  if (from === to) return;
  const rb = (p: string) => rebasePath(p, from, to);
  if (typeof svc.build === 'string' && !isRemote(svc.build)) svc.build = rb(svc.build);
  else if (isMapping(svc.build)) {
    const b = svc.build;
    if (typeof b.context === 'string' && !isRemote(b.context)) b.context = rb(b.context);
    if (isMapping(b.additional_contexts)) {
      for (const [k, v] of Object.entries(b.additional_contexts)) if (typeof v === 'string' && !isRemote(v)) b.additional_contexts[k] = rb(v);
    }
  }
  const fileList = (v: Value | undefined): Value | undefined => {
    if (typeof v === 'string') return rb(v);
    if (Array.isArray(v)) return v.map((e) => (typeof e === 'string' ? rb(e) : isMapping(e) && typeof e.path === 'string' ? { ...e, path: rb(e.path) } : e));
    return v;
  };
  if (svc.env_file !== undefined) svc.env_file = fileList(svc.env_file)!;
  if (svc.label_file !== undefined) svc.label_file = fileList(svc.label_file)!;
  if (isMapping(svc.extends) && typeof svc.extends.file === 'string') svc.extends.file = rb(svc.extends.file);
  if (Array.isArray(svc.volumes)) {
    svc.volumes = svc.volumes.map((v) => {
      if (typeof v === 'string') {
        const parts = splitVolumeSource(v);
        if (!parts || !isBindSource(parts.source)) return v;
        return rb(parts.source) + parts.rest;
      }
      if (isMapping(v) && v.type === 'bind' && typeof v.source === 'string') return { ...v, source: rb(v.source) };
      return v;
    });
  }
  if (isMapping(svc.develop) && Array.isArray(svc.develop.watch)) {
    for (const w of svc.develop.watch) if (isMapping(w) && typeof w.path === 'string') w.path = rb(w.path);
  }
}

// ---------------------------------------------------------------------------------------------
// YAML rendering

const YAML11_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
// port mappings and other digit-colon strings: YAML 1.1 tools read some of them as base-60 numbers
const COLON_NUMBERS = /^[-+]?[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?$/;
/** flow sequences under these keys are written with quoted strings, as compose files usually are */
const QUOTED_FLOW_KEYS = new Set(['command', 'entrypoint', 'test']);
/** Sequences written in flow style (`[a, b]`) when short. */
const FLOW_KEYS = new Set(['profiles', 'networks', 'command', 'entrypoint', 'test', 'depends_on', 'cap_add', 'cap_drop', 'dns', 'aliases', 'targets']);

/** Does this string need quotes to read back as the same string (go-yaml, YAML 1.1 tools)? */
export function needsQuotes(s: string): boolean {
  return resolvePlain(s) !== s || YAML11_WORDS.test(s) || COLON_NUMBERS.test(s);
}

/** Quote ambiguous strings, write short scalar sequences under FLOW_KEYS in flow style. */
function styleNodes(doc: Document): void {
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && needsQuotes(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
    Pair(_, pair) {
      const k = pair.key;
      const v = pair.value;
      if (isScalar(k) && typeof k.value === 'string' && FLOW_KEYS.has(k.value) && isSeq(v)) {
        const items = v.items;
        const text = items.map((i) => (isScalar(i) ? String(i.value) : '')).join(', ');
        if (items.every((i) => isScalar(i) && !String(i.value).includes('\n')) && text.length <= 90) {
          v.flow = true;
          if (QUOTED_FLOW_KEYS.has(k.value)) for (const i of items) if (isScalar(i) && typeof i.value === 'string') i.type = Scalar.QUOTE_DOUBLE;
        }
      }
    },
  });
}

function toNode(doc: Document, v: Value | undefined): YamlNode {
  return doc.createNode(v === undefined ? null : v) as YamlNode;
}

function commentLines(lines: string[]): string {
  return lines.map((l) => (l ? ` ${l}` : '')).join('\n');
}

// ---------------------------------------------------------------------------------------------
// the plan

interface Source {
  info: SourceInfo;
  dir: string;
  raw: Mapping;
  project: LoadedProject;
  /** config JSON, every own profile active */
  config: Record<string, Json>;
}

function loadOpts(o: ConsolidateOptions, file: string, profiles: string[], projectName: string | undefined) {
  const cwd = o.cwd ?? process.cwd();
  return {
    workingDir: cwd,
    files: [file],
    profiles,
    ...(projectName !== undefined ? { projectName } : {}),
    ...(o.root !== undefined ? { root: o.root } : {}),
    ...(o.env !== undefined ? { env: o.env } : {}),
    displayBase: cwd,
  };
}

function configJson(project: LoadedProject): Record<string, Json> {
  return JSON.parse(renderConfig(project, { format: 'json' })) as Record<string, Json>;
}

function relFrom(dir: string, file: string): string {
  const r = path.relative(dir, file);
  return r && !path.isAbsolute(r) ? r : file;
}

function shownPath(cwd: string, file: string): string {
  const r = path.relative(cwd, file);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file;
}

const RESOURCE_KINDS = ['networks', 'volumes', 'secrets', 'configs', 'models'] as const;

export function planConsolidation(o: ConsolidateOptions): ConsolidatePlan {
  const cwd = o.cwd ?? process.cwd();
  if (o.files.length < 2) throw new LoadError('consolidate needs at least two compose files', { code: 'usage' });
  const outDir = path.dirname(o.output);
  if (!statSync(outDir, { throwIfNoEntry: false })?.isDirectory()) throw new LoadError(`${shownPath(cwd, outDir)}: no such directory`, { code: 'usage', hint: 'create the output directory first' });
  const seen = new Set<string>();
  for (const f of o.files) {
    if (seen.has(f)) throw new LoadError(`${shownPath(cwd, f)} is given twice`, { code: 'usage' });
    seen.add(f);
  }
  const conflicts: Conflict[] = [];
  const notes: string[] = [];

  // project name: the first source's, used for every load ("up to the project name")
  const first = loadProject(loadOpts(o, o.files[0]!, ['*'], undefined));
  const projectName = first.name;

  // sources
  const usedProfiles = new Set<string>();
  const sources: Source[] = o.files.map((file) => {
    const project = loadProject(loadOpts(o, file, ['*'], projectName));
    const docs = parseYamlDocuments(readTextFile(file, shownPath(cwd, file)), shownPath(cwd, file));
    if (docs.length > 1) notes.push(`${shownPath(cwd, file)} holds ${docs.length} YAML documents: they are merged as compose merges them`);
    const raw: Mapping = {};
    for (const d of docs) if (d.value) for (const [k, v] of Object.entries(d.value)) raw[k] = clone(v);
    let profile = o.profileNames?.[file] ?? profileForFile(file);
    if (!PROFILE_RE.test(profile)) throw new LoadError(`invalid profile name "${profile}" for ${shownPath(cwd, file)}`, { code: 'usage' });
    if (usedProfiles.has(profile)) {
      let n = 2;
      while (usedProfiles.has(`${profile}-${n}`)) n++;
      notes.push(`${shownPath(cwd, file)}: profile ${profile} is taken by an earlier file; using ${profile}-${n}`);
      profile = `${profile}-${n}`;
    }
    usedProfiles.add(profile);
    return {
      info: { file, display: shownPath(cwd, file), fromOutput: relFrom(outDir, file), profile, ownProfiles: [...project.allProfiles], names: {} },
      dir: project.projectDir,
      raw,
      project,
      config: configJson(project),
    };
  });
  const all = sources.map((_, i) => i);
  const svcConfig = (s: Source, name: string): Mapping | undefined => {
    const services = s.config.services as Record<string, Mapping> | undefined;
    return services?.[name];
  };
  const rawServices = (s: Source): Record<string, Mapping> => (isMapping(s.raw.services) ? (s.raw.services as Record<string, Mapping>) : {});

  for (const s of sources) {
    if (s.raw.include !== undefined) conflicts.push({ kind: 'include', message: `${s.info.display} uses include:, which consolidate does not inline: its services are left out` });
    if (s.raw.version !== undefined) notes.push(`${s.info.display}: the obsolete version: key is dropped`);
    const ext = Object.keys(s.raw).filter((k) => k.startsWith('x-'));
    if (ext.length) notes.push(`${s.info.display}: ${ext.join(', ')} not copied (anchors are expanded where they were used)`);
    if (s.dir !== outDir && existsSync(path.join(s.dir, '.env')) && !existsSync(path.join(outDir, '.env'))) {
      notes.push(`${shownPath(cwd, path.join(s.dir, '.env'))} is not read by the output (compose reads .env from the output's directory): the proof loads the output as compose would`);
    }
    if (s.project.name !== projectName && s !== sources[0]) notes.push(`${s.info.display}: project name ${s.project.name} becomes ${projectName} (container, network and volume names follow it)`);
  }

  // service names, in order of first appearance
  const order: string[] = [];
  for (const s of sources) for (const n of Object.keys(rawServices(s))) if (!order.includes(n)) order.push(n);
  const allNames = new Set(order);

  // variants, to a fixed point of the renames
  let names: Record<string, string>[] = sources.map(() => Object.fromEntries(order.map((n) => [n, n])));
  let plans: ServicePlan[] = [];
  for (let round = 0; round < 50; round++) {
    plans = [];
    const taken = new Set(allNames);
    const next: Record<string, string>[] = sources.map(() => ({}));
    for (const name of order) {
      const groups: { key: string; sources: number[] }[] = [];
      for (const i of all) {
        const cfg = svcConfig(sources[i]!, name);
        if (!cfg) continue;
        const c = clone(cfg as Value) as Mapping;
        renameRefs(c, (n) => names[i]![n] ?? n);
        const key = canon(c);
        const g = groups.find((x) => x.key === key);
        if (g) g.sources.push(i);
        else groups.push({ key, sources: [i] });
      }
      const variants: Variant[] = groups.map((g, gi) => {
        let vname = name;
        if (gi > 0) {
          vname = `${name}-${sources[g.sources[0]!]!.info.profile}`;
          let n = 2;
          while (taken.has(vname)) vname = `${name}-${sources[g.sources[0]!]!.info.profile}-${n++}`;
          taken.add(vname);
        }
        for (const i of g.sources) next[i]![name] = vname;
        return { name: vname, sources: g.sources };
      });
      plans.push({ name, variants });
    }
    const stable = canon(next) === canon(names);
    names = next;
    if (stable) break;
  }
  sources.forEach((s, i) => (s.info.names = names[i]!));

  // profile names of the output
  const outProfilesOf = (name: string, v: Variant, plan: ServicePlan): string[] | undefined => {
    const own = svcConfig(sources[v.sources[0]!]!, name)?.profiles;
    const q = Array.isArray(own) ? own.map(String) : [];
    if (plan.variants.length === 1 && v.sources.length === sources.length) return q.length ? q : undefined;
    const ps = v.sources.map((i) => sources[i]!.info.profile);
    return q.length ? ps.flatMap((p) => q.map((x) => `${p}-${x}`)) : ps;
  };
  const kept = new Set<string>();
  const combined = new Set<string>();
  for (const plan of plans) {
    for (const v of plan.variants) {
      const ps = outProfilesOf(plan.name, v, plan) ?? [];
      const whole = plan.variants.length === 1 && v.sources.length === sources.length;
      const own = svcConfig(sources[v.sources[0]!]!, plan.name)?.profiles;
      if (whole) for (const p of ps) kept.add(p);
      else if (Array.isArray(own) && own.length) for (const p of ps) combined.add(p);
    }
  }
  for (const s of sources) {
    if (kept.has(s.info.profile) || combined.has(s.info.profile)) {
      conflicts.push({ kind: 'profile-name', message: `profile ${s.info.profile} (for ${s.info.display}) is also a profile of services: activating it would start both; name the file's profile differently` });
    }
  }

  // conflicts between variants: host ports, container names, aliases
  for (const plan of plans) {
    if (plan.variants.length < 2) continue;
    const ports = new Map<string, string[]>();
    const cnames = new Map<string, string[]>();
    for (const v of plan.variants) {
      const cfg = svcConfig(sources[v.sources[0]!]!, plan.name)!;
      const label = `${v.name} [${v.sources.map((i) => sources[i]!.info.profile).join(', ')}]`;
      if (Array.isArray(cfg.ports)) {
        for (const p of cfg.ports) {
          if (!isMapping(p) || p.published === undefined || p.published === '' || p.published === null) continue;
          const key = `${p.host_ip ? `${String(p.host_ip)}:` : ''}${String(p.published)}/${String(p.protocol ?? 'tcp')}`;
          const list = ports.get(key) ?? [];
          if (!list.includes(label)) list.push(label);
          ports.set(key, list);
        }
      }
      if (typeof cfg.container_name === 'string') cnames.set(cfg.container_name, [...(cnames.get(cfg.container_name) ?? []), label]);
      if (v.name !== plan.name && typeof cfg.network_mode === 'string') {
        conflicts.push({ kind: 'alias', message: `${v.name} uses network_mode ${cfg.network_mode}: it cannot carry the network alias ${plan.name}, so the host name ${plan.name} does not reach it`, at: `services.${v.name}` });
      }
    }
    for (const [port, who] of ports) {
      if (who.length > 1) conflicts.push({ kind: 'port', message: `host port ${port.replace(/\/tcp$/, '')} is published by ${who.join(' and ')}: these profiles cannot run together`, at: `services.${plan.name}` });
    }
    for (const [cn, who] of cnames) {
      if (who.length > 1) conflicts.push({ kind: 'container-name', message: `container_name ${cn} is set by ${who.join(' and ')}: these profiles cannot run together`, at: `services.${plan.name}` });
    }
  }

  // top-level resources
  const resources: Record<string, { name: string; raw: Value; from: number; conflict?: string }[]> = {};
  for (const kind of RESOURCE_KINDS) {
    const list: { name: string; raw: Value; from: number; conflict?: string }[] = [];
    for (const [i, s] of sources.entries()) {
      const group = s.raw[kind];
      if (!isMapping(group)) continue;
      for (const [name, def] of Object.entries(group)) {
        const have = list.find((x) => x.name === name);
        const loaded = (s.project[kind] as Mapping)[name];
        if (!have) {
          let raw = clone(def);
          if ((kind === 'secrets' || kind === 'configs') && isMapping(raw) && typeof raw.file === 'string') raw = { ...raw, file: rebasePath(raw.file, s.dir, outDir) };
          list.push({ name, raw, from: i });
          continue;
        }
        const theirs = (sources[have.from]!.project[kind] as Mapping)[name];
        if (!deepEqual(loaded, theirs)) {
          const msg = `${kind}.${name} differs between ${sources[have.from]!.info.display} and ${s.info.display}: the first definition is written`;
          if (!have.conflict) have.conflict = msg;
          conflicts.push({ kind: 'resource', message: msg, at: `${kind}.${name}` });
        }
      }
    }
    resources[kind] = list;
  }

  // raw service definitions of the output
  interface OutService {
    name: string;
    base?: string;
    value: Mapping;
  }
  const outServices: OutService[] = [];
  const anchors: { key: string; anchor: string; value: Mapping }[] = [];
  const topKeys = new Set(sources.flatMap((s) => Object.keys(s.raw)));
  for (const plan of plans) {
    const values = plan.variants.map((v) => {
      const src = sources[v.sources[0]!]!;
      const value = clone((rawServices(src)[plan.name] ?? {}) as Value) as Mapping;
      const v2 = isMapping(value) ? value : {};
      rebaseService(v2, src.dir, outDir);
      renameRefs(v2, (n) => src.info.names[n] ?? n);
      if (v.name !== plan.name) addAlias(v2, plan.name);
      const profiles = outProfilesOf(plan.name, v, plan);
      delete v2.profiles;
      return { v, value: v2, profiles };
    });
    let common: Mapping = {};
    let baseAnchor: string | undefined;
    if (values.length > 1) {
      const firstVal = values[0]!.value;
      for (const [k, x] of Object.entries(firstVal)) if (values.every((o) => k in o.value && deepEqual(o.value[k], x))) common[k] = x;
      if (Object.keys(common).length) {
        let key = `x-${plan.name}-base`;
        let n = 2;
        while (topKeys.has(key)) key = `x-${plan.name}-base-${n++}`;
        topKeys.add(key);
        baseAnchor = key.slice(2);
        anchors.push({ key, anchor: baseAnchor, value: common });
      } else common = {};
    }
    for (const { v, value, profiles } of values) {
      const own: Mapping = {};
      if (profiles) own.profiles = profiles;
      for (const [k, x] of Object.entries(value)) if (!(k in common)) own[k] = x;
      outServices.push({ name: v.name, ...(baseAnchor ? { base: baseAnchor } : {}), value: own });
    }
  }

  const render = (proof?: ProofResult[]): string => {
    const doc = new Document({});
    const root = doc.contents as YAMLMap;
    const header: string[] = [];
    header.push(`Generated by \`shipshape consolidate\` from ${sources.length} compose files:`);
    const w = Math.max(...sources.map((s) => s.info.fromOutput.length));
    for (const s of sources) header.push(`  ${s.info.fromOutput.padEnd(w)}  → profile ${s.info.profile}`);
    header.push('');
    header.push('Profiles: run one source\'s profile at a time, e.g.');
    header.push(`  docker compose -f ${path.basename(o.output)} --profile ${sources[0]!.info.profile} up`);
    const shared = plans.filter((p) => p.variants.length === 1 && p.variants[0]!.sources.length === sources.length).map((p) => p.name);
    const wp = Math.max(6, ...sources.map((s) => s.info.profile.length));
    header.push(`  ${'(none)'.padEnd(wp)}  ${shared.length ? shared.join(', ') : '-'} (identical in every source)`);
    for (const s of sources) {
      const mine = outServices.filter((x) => {
        const plan = plans.find((p) => p.variants.some((v) => v.name === x.name))!;
        const v = plan.variants.find((vv) => vv.name === x.name)!;
        return v.sources.includes(sources.indexOf(s)) && !(plan.variants.length === 1 && v.sources.length === sources.length);
      });
      header.push(`  ${s.info.profile.padEnd(wp)}  ${mine.length ? mine.map((x) => x.name).join(', ') : '-'} (= ${s.info.fromOutput})`);
    }
    const variantPlans = plans.filter((p) => p.variants.length > 1);
    if (variantPlans.length) {
      header.push('');
      header.push('Variants (one service, defined differently by the sources; shared keys in x-<service>-base):');
      for (const p of variantPlans) {
        header.push(
          `  ${p.name}: ${p.variants.map((v) => `${v.name} [${v.sources.map((i) => sources[i]!.info.profile).join(', ')}]${v.name !== p.name ? ` (network alias ${p.name})` : ''}`).join(', ')}`,
        );
      }
    }
    if (conflicts.length) {
      header.push('');
      header.push(`CONFLICTS (${conflicts.length}), written as they are; resolve them by hand:`);
      for (const c of conflicts) header.push(`  - ${c.message}`);
    }
    if (proof) {
      header.push('');
      header.push('Proof (docker compose config, up to the project name, profiles and the renames above):');
      for (const r of proof) header.push(`  ${r.source} ≡ --profile ${r.profile} ${r.ok ? '✓' : '✗'}`);
    }

    const nameRaw = sources[0]!.raw.name;
    if (typeof nameRaw === 'string') root.set('name', nameRaw);
    for (const a of anchors) {
      const node = toNode(doc, a.value);
      node.anchor = a.anchor;
      const key = new Scalar(a.key);
      root.items.push(new Pair(key, node));
    }
    const anchorNodes = new Map(anchors.map((a) => [a.anchor, root.items.find((p) => isScalar(p.key) && p.key.value === a.key)!.value as YamlNode]));
    const services = new YAMLMap();
    const comments = (at: string) => conflicts.filter((c) => c.at === at).map((c) => `CONFLICT: ${c.message}`);
    for (const s of outServices) {
      const m = new YAMLMap();
      if (s.base) m.items.push(new Pair(new Scalar('<<'), new Alias(anchorNodes.get(s.base)!.anchor!)));
      for (const [k, x] of Object.entries(s.value)) m.items.push(new Pair(new Scalar(k), toNode(doc, x)));
      const key = new Scalar(s.name);
      const plan = plans.find((p) => p.variants.some((v) => v.name === s.name));
      const cs = plan && plan.variants[0]!.name === s.name ? comments(`services.${plan.name}`) : [];
      cs.push(...comments(`services.${s.name}`).filter((c) => !cs.includes(c)));
      if (cs.length) key.commentBefore = commentLines(cs);
      services.items.push(new Pair(key, m));
    }
    root.items.push(new Pair(new Scalar('services'), services));
    for (const kind of RESOURCE_KINDS) {
      const list = resources[kind]!;
      if (!list.length) continue;
      const m = new YAMLMap();
      for (const r of list) {
        const key = new Scalar(r.name);
        const cs = comments(`${kind}.${r.name}`);
        if (cs.length) key.commentBefore = commentLines([...new Set(cs)]);
        m.items.push(new Pair(key, toNode(doc, r.raw)));
      }
      root.items.push(new Pair(new Scalar(kind), m));
    }
    styleNodes(doc);
    // blank line between top-level entries and between services
    root.items.forEach((p, i) => {
      if (i > 0 && isScalar(p.key)) p.key.spaceBefore = true;
    });
    services.items.forEach((p, i) => {
      if (i > 0 && isScalar(p.key)) p.key.spaceBefore = true;
    });
    const head = header.map((l) => (l ? `# ${l}` : '#')).join('\n');
    return `${head}\n\n${doc.toString({ nullStr: '', lineWidth: 0, flowCollectionPadding: false, indentSeq: true })}`;
  };

  return {
    sources: sources.map((s) => s.info),
    services: plans,
    conflicts,
    notes,
    projectName,
    output: o.output,
    render,
  };
}

/** Give a renamed variant the old name as a network alias on every network it joins. */
function addAlias(svc: Mapping, alias: string): void {
  if (svc.network_mode !== undefined) return;
  const nets = svc.networks;
  const withAlias = (def: Value | undefined): Mapping => {
    const d: Mapping = isMapping(def) ? { ...def } : {};
    const list = Array.isArray(d.aliases) ? [...d.aliases] : [];
    if (!list.includes(alias)) list.push(alias);
    d.aliases = list;
    return d;
  };
  if (nets === undefined || nets === null) svc.networks = { default: withAlias(undefined) };
  else if (Array.isArray(nets)) svc.networks = Object.fromEntries(nets.map((n) => [String(n), withAlias(undefined)]));
  else if (isMapping(nets)) svc.networks = Object.fromEntries(Object.entries(nets).map(([n, d]) => [n, withAlias(d)]));
}

// ---------------------------------------------------------------------------------------------
// the proof

function stripForProof(cfg: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(cfg)) if (k !== 'name' && !k.startsWith('x-')) out[k] = clone(v);
  const services = out.services;
  if (services && typeof services === 'object' && !Array.isArray(services)) {
    for (const s of Object.values(services)) if (s && typeof s === 'object' && !Array.isArray(s)) delete s.profiles;
  }
  return out;
}

/** The output's config read back under one source's service names (aliases added for renames removed). */
function backToSource(cfg: Record<string, Json>, names: Record<string, string>): Record<string, Json> {
  const out = stripForProof(cfg);
  const inverse = new Map(Object.entries(names).map(([src, o]) => [o, src]));
  const services = out.services as Record<string, Mapping> | undefined;
  if (!services) return out;
  const renamed: Record<string, Json> = {};
  for (const [n, svc] of Object.entries(services)) {
    const src = inverse.get(n) ?? n;
    renameRefs(svc, (x) => inverse.get(x) ?? x);
    if (src !== n && isMapping(svc.networks)) {
      for (const [net, def] of Object.entries(svc.networks)) {
        if (!isMapping(def) || !Array.isArray(def.aliases)) continue;
        const rest = def.aliases.filter((a) => a !== src);
        const d: Mapping = { ...def };
        if (rest.length) d.aliases = rest;
        else delete d.aliases;
        svc.networks[net] = Object.keys(d).length ? d : null;
      }
    }
    renamed[src] = svc as Json;
  }
  const sorted: Record<string, Json> = {};
  for (const k of Object.keys(renamed).sort()) sorted[k] = renamed[k]!;
  out.services = sorted;
  return out;
}

/**
 * Prove the output: load it (from a temporary file beside the output, so relative paths and .env
 * resolve as they will) with each source's profile and compare with the source.
 */
export function proveConsolidation(plan: ConsolidatePlan, text: string, o: ConsolidateOptions): ProofResult[] {
  const tmp = path.join(path.dirname(plan.output), `.shipshape-consolidate-${process.pid}-${Date.now().toString(36)}-${path.basename(plan.output)}`);
  writeFileAtomic(tmp, text);
  try {
    return plan.sources.map((s) => {
      const sets: { src: string[]; out: string[] }[] = [{ src: [], out: [s.profile] }];
      for (const q of s.ownProfiles) sets.push({ src: [q], out: [s.profile, q, `${s.profile}-${q}`] });
      if (s.ownProfiles.length > 1) sets.push({ src: ['*'], out: [s.profile, ...s.ownProfiles, ...s.ownProfiles.map((q) => `${s.profile}-${q}`)] });
      const activations = sets.map(({ src, out }): Activation => {
        const a = stripForProof(configJson(loadProject(loadOpts(o, s.file, src, plan.projectName))));
        let b: Record<string, Json>;
        try {
          b = backToSource(configJson(loadProject(loadOpts(o, tmp, out, plan.projectName))), s.names);
        } catch (e) {
          const msg = e instanceof LoadError ? e.message : String((e as Error).message ?? e);
          return { sourceProfiles: src, outputProfiles: out, ok: false, differences: [`the output does not load: ${msg.split(path.basename(tmp)).join(path.basename(plan.output))}`] };
        }
        const diff = differences(a, b);
        return { sourceProfiles: src, outputProfiles: out, ok: diff.length === 0, differences: diff };
      });
      return { source: s.display, profile: s.profile, ok: activations.every((a) => a.ok), activations };
    });
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/** Plan, render, prove; the text carries the proof in its header. */
export function consolidate(o: ConsolidateOptions): { plan: ConsolidatePlan; text: string; proof: ProofResult[] } {
  const plan = planConsolidation(o);
  const draft = plan.render();
  const proof = proveConsolidation(plan, draft, o);
  const text = plan.render(proof);
  return { plan, text, proof };
}

/** Read a file if it exists (for "replaces" messages). */
export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

