/**
 * bindProject(): the canonical model (plain data from the loader) → the values compose-go's
 * types hold, in the form go-yaml marshals them (`docker compose config`, reference §13).
 *
 * Every value gets its Go type (schema.ts): numbers in string fields are written as Go's fmt
 * would (`1.0` → `"1"`), durations as time.Duration.String() (`90s` → `1m30s`), byte sizes as
 * decimal strings, a command string is split into words, list forms become maps, … Fields that
 * are Go zero values under `omitempty` are dropped (go-yaml's rule, including structs whose
 * fields are all zero and the IsZero methods of ShellCommand and OptOut). Struct fields come in
 * Go declaration order followed by the `x-*` extensions; map keys are inserted in go-yaml's
 * natural order (JS objects list integer-like keys first whatever the insertion order, so the
 * printers sort maps again).
 *
 * The result is the YAML view. printJson() (print.ts) reads the same tree and adds what only
 * JSON writes (non-pointer struct fields that YAML omits when empty, `"command": null`, …).
 */
import { LoadError } from '../load/errors.js';
import { formatBytes, parseBytes } from '../load/formats/bytes.js';
import { formatGoDuration, parseDuration } from '../load/formats/duration.js';
import { parsePortString } from '../load/formats/ports.js';
import { splitShellWords } from '../load/formats/shellwords.js';
import { parseVolumeString } from '../load/formats/volumes.js';
import { compareBytes, compareNatural, goSprint } from './gofmt.js';
import { STRUCTS, type Field, type GoType, type StructName } from './schema.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Assign without tripping over `__proto__`. */
function put(obj: Obj, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function fail(path: string, message: string, cause?: unknown): never {
  throw new LoadError(path ? `${path}: ${message}` : message, { code: 'format', cause });
}

/** Run a parser from src/load/formats, putting the path in front of its message. */
function at<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LoadError && e.message.startsWith(`${path}: `)) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    fail(path, msg, e);
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** An object with its keys in go-yaml map order. */
function sortedObject(entries: Iterable<[string, unknown]>): Obj {
  const list = Array.from(entries).sort((a, b) => compareNatural(a[0], b[0]));
  const out: Obj = {};
  for (const [k, v] of list) put(out, k, v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** loader/interpolate.go toBoolean (used by the `cast` decode hook for strings). */
function toBool(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const s = goSprint(v).toLowerCase();
  if (s === 'true' || s === 'y' || s === 'yes' || s === 'on') return true;
  if (s === 'false' || s === 'n' || s === 'no' || s === 'off') return false;
  fail(path, `invalid boolean: ${goSprint(v)}`);
}

function toInt(v: unknown, path: string): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(path, `invalid integer: ${goSprint(v)}`);
    return Math.trunc(v) || 0;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  const s = goSprint(v);
  if (/^[+-]?\d+$/.test(s)) return Number(s) || 0;
  fail(path, `strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
}

function toFloat(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  const s = goSprint(v).trim();
  const n = s === '' ? NaN : Number(s);
  if (Number.isNaN(n) && !/^[+-]?nan$/i.test(s)) fail(path, `strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  return n;
}

function toStr(v: unknown): string {
  return v === null || v === undefined ? '' : goSprint(v);
}

/** types.FileMode: a string is octal, an int is taken as is; printed `0%o`. */
function fileMode(v: unknown, path: string): string {
  let n: number;
  if (typeof v === 'number' && Number.isInteger(v)) n = v;
  else if (typeof v === 'string' && /^[+-]?[0-7]+$/.test(v)) n = Number.parseInt(v, 8);
  else fail(path, typeof v === 'string' ? `strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax` : `unexpected value type for mode`);
  return n < 0 ? `0-${(-n).toString(8)}` : `0${n.toString(8)}`;
}

/** types.UlimitsConfig as printed: the single value, or {soft, hard}. */
function ulimit(v: unknown, path: string): number | { soft: number; hard: number } {
  if (isObj(v)) {
    return { soft: v.soft === undefined || v.soft === null ? 0 : toInt(v.soft, join(path, 'soft')), hard: v.hard === undefined || v.hard === null ? 0 : toInt(v.hard, join(path, 'hard')) };
  }
  const single = toInt(v, path);
  return single !== 0 ? single : { soft: 0, hard: 0 };
}

/** types.DeviceCount: `all` is -1. */
function deviceCount(v: unknown, path: string): number {
  if (typeof v === 'number') return Math.trunc(v);
  const s = goSprint(v);
  if (s.toLowerCase() === 'all') return -1;
  if (/^[+-]?\d+$/.test(s)) return Number(s);
  fail(path, `invalid value ${JSON.stringify(s)}, the only value allowed is 'all' or a number`);
}

/** types.HostsList: `host=ip`, `host:ip` or a map → sorted `host=ip` list, one per address. */
function hostsList(v: unknown, path: string): string[] {
  const hosts = new Map<string, string[]>();
  const add = (host: string, ips: string[]): void => {
    const had = hosts.get(host);
    hosts.set(host, had ? had.concat(ips) : ips);
  };
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = goSprint(e);
      let done = false;
      for (const sep of ['=', ':']) {
        const i = s.indexOf(sep);
        if (i >= 0) {
          add(s.slice(0, i), s.slice(i + 1).split(','));
          done = true;
          break;
        }
      }
      if (!done) fail(path, `invalid additional host, missing IP: ${s}`);
    }
  } else if (isObj(v)) {
    for (const [host, e] of Object.entries(v)) {
      if (Array.isArray(e)) add(host, e.map(goSprint));
      else add(host, [e === null || e === undefined ? '' : goSprint(e)]);
    }
  } else if (v !== null && v !== undefined) {
    fail(path, 'unexpected value type for extra_hosts');
  }
  const out: string[] = [];
  for (const [host, ips] of hosts) {
    if (host === '' || host.includes(':') || host.includes('=')) fail(path, `bad host name '${host}'`);
    for (let ip of ips) {
      if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
      out.push(`${host}=${ip}`);
    }
  }
  return out.sort(compareBytes);
}

/** types.SSHConfig as SSHKey.MarshalYAML writes each key: `id`, or `id: path`. */
function sshKeys(v: unknown, path: string): string[] {
  const out: string[] = [];
  const add = (id: string, p: unknown): void => {
    const s = p === null || p === undefined ? '' : goSprint(p);
    out.push(s === '' ? id : `${id}: ${s}`);
  };
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = goSprint(e);
      const i = s.indexOf('=');
      if (i < 0) add(s, null);
      else add(s.slice(0, i), s.slice(i + 1));
    }
  } else if (isObj(v)) {
    for (const [id, p] of Object.entries(v)) add(id, p);
  } else if (typeof v === 'string') {
    add(v, null);
  } else if (v !== null && v !== undefined) {
    fail(path, 'invalid ssh config type');
  }
  return out;
}

/** Deep copy of an extension value, maps in go-yaml key order. */
function cloneAny(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneAny);
  if (isObj(v)) return sortedObject(Object.entries(v).map(([k, e]) => [k, cloneAny(e)]));
  if (v === undefined) return null;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Zero values (go-yaml `isZero`, used by omitempty)
// ---------------------------------------------------------------------------------------------

/** The bound form of a Go zero value of type t. */
export function zeroValue(t: GoType): unknown {
  switch (t.k) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
    case 'float32':
    case 'devcount':
      return 0;
    case 'duration':
      return '0s';
    case 'bytes':
      return '0';
    case 'optout':
      // OptOut fields default to true (transform/defaults.go fills create_host_path and
      // env_file required); an absent one is the default, which is not printed
      return true;
    case 'filemode':
      return '00';
    case 'ulimit':
      return { soft: 0, hard: 0 };
    case 'command':
    case 'any':
    case 'ptr':
      return null;
    case 'healthtest':
    case 'hosts':
    case 'ssh':
    case 'slice':
      return [];
    case 'map':
      return {};
    case 'struct':
      return {};
  }
}

/** go-yaml's isZero on a bound value of type t (undefined = absent = zero). */
export function isZero(t: GoType, v: unknown): boolean {
  if (v === undefined) return true;
  switch (t.k) {
    case 'string':
      return v === '';
    case 'bool':
      return v === false;
    case 'int':
    case 'float32':
    case 'devcount':
      return v === 0;
    case 'duration':
      return v === '0s' || v === 0;
    case 'bytes':
      return v === '0' || v === 0;
    case 'optout':
      // OptOut.IsZero(): the default `true` is the value left out
      return v === true;
    case 'filemode':
    case 'ulimit':
      return v === null;
    case 'command':
    case 'any':
    case 'ptr':
      return v === null;
    case 'healthtest':
    case 'hosts':
    case 'ssh':
    case 'slice':
      return !Array.isArray(v) || v.length === 0;
    case 'map':
      return !isObj(v) || Object.keys(v).length === 0;
    case 'struct': {
      if (!isObj(v)) return v === null;
      const desc = STRUCTS[t.name];
      for (const field of desc.fields) if (!isZero(field.type, v[field.name])) return false;
      if (desc.ext && Object.keys(v).some((k) => k.startsWith('x-'))) return false;
      return true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Binding
// ---------------------------------------------------------------------------------------------

/** Shorthands a struct accepts in place of its mapping (transform/*.go). */
function expandShorthand(name: StructName, raw: unknown, path: string): unknown {
  if (isObj(raw) || raw === null || raw === undefined) return raw;
  switch (name) {
    case 'Build':
      return { context: goSprint(raw) };
    case 'Extends':
      return { service: goSprint(raw) };
    case 'FileReference':
      return { source: goSprint(raw) };
    case 'EnvFile':
      return { path: goSprint(raw) };
    case 'DeviceMapping': {
      const parts = goSprint(raw).split(':');
      if (parts.length > 3) fail(path, `confusing device mapping, please use long syntax: ${goSprint(raw)}`);
      const [src = '', dst = '', perms = 'rwm'] = parts;
      return { source: src, target: dst === '' ? src : dst, permissions: perms };
    }
    case 'ServiceVolume':
      return at(path, () => parseVolumeString(goSprint(raw)));
    case 'Port':
      return at(path, () => parsePortString(raw as string | number))[0];
    default:
      fail(path, `unexpected value ${JSON.stringify(raw)}`);
  }
}

/** Conversions done on a struct's raw mapping before its fields are bound. */
function prepare(name: StructName, raw: Obj, path: string): Obj {
  switch (name) {
    case 'DeviceRequest': {
      // transform/devices.go deviceRequestDefaults, for gpus and device reservations only
      if (!/(^|\.)gpus\[\d+\]$|\.reservations\.devices\[\d+\]$/.test(path)) return raw;
      if ('count' in raw || 'device_ids' in raw) return raw;
      return { ...raw, count: 'all' };
    }
    case 'DependsOn': {
      const out = { ...raw };
      if (!('condition' in out)) out.condition = 'service_started';
      if (!('required' in out)) out.required = true;
      return out;
    }
    case 'Network':
    case 'Volume':
    case 'FileObject': {
      if (!isObj(raw.external)) return raw;
      const out: Obj = { ...raw, external: true };
      if (out.name === undefined && raw.external.name !== undefined) out.name = raw.external.name;
      return out;
    }
    default:
      return raw;
  }
}

function bindStruct(name: StructName, raw: unknown, path: string): Obj {
  const expanded = expandShorthand(name, raw, path);
  const src = prepare(name, isObj(expanded) ? expanded : {}, path);
  const desc = STRUCTS[name];
  const out: Obj = {};
  for (const field of desc.fields) {
    const value = bindField(field, src[field.name], join(path, field.name));
    if (value !== undefined) put(out, field.name, value);
  }
  if (desc.ext) {
    const extensions = Object.keys(src)
      .filter((k) => k.startsWith('x-'))
      .sort(compareNatural);
    for (const k of extensions) put(out, k, cloneAny(src[k]));
  }
  return out;
}

/** A struct field: its bound value, or undefined when omitempty leaves it out. */
function bindField(field: Field, raw: unknown, path: string): unknown {
  const value = raw === undefined ? zeroValue(field.type) : bindType(field.type, raw, path);
  if (field.omit && isZero(field.type, value)) return undefined;
  return value;
}

function bindMap(t: Extract<GoType, { k: 'map' }>, raw: unknown, path: string): Obj {
  if (raw === null || raw === undefined) return {};
  const entries: [string, unknown][] = [];
  const elem = t.elem;
  if (Array.isArray(raw)) {
    switch (t.parse) {
      case 'mapping':
      case 'labels':
      case 'options':
      case 'plain':
        for (const e of raw) {
          const s = goSprint(e);
          const i = s.indexOf('=');
          entries.push(i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)]);
        }
        break;
      case 'equals':
        for (const e of raw) {
          const s = goSprint(e);
          const i = s.indexOf('=');
          entries.push(i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)]);
        }
        break;
      case 'names':
        for (const e of raw) {
          const k = goSprint(e);
          entries.push([k, elem.k === 'ptr' ? null : bindType(elem, {}, join(path, k))]);
        }
        break;
      case 'multi':
        fail(path, 'invalid type for options');
    }
    return sortedObject(uniqueLast(entries));
  }
  if (!isObj(raw)) fail(path, `unexpected value type for mapping`);
  for (const [k, v] of Object.entries(raw)) {
    const p = join(path, k);
    switch (t.parse) {
      case 'mapping':
      case 'labels':
      case 'options':
        entries.push([k, v === null || v === undefined ? '' : goSprint(v)]);
        break;
      case 'equals':
        entries.push([k, v === null || v === undefined ? null : goSprint(v)]);
        break;
      case 'multi':
        entries.push([k, Array.isArray(v) ? v.map(goSprint) : [goSprint(v)]]);
        break;
      case 'names':
      case 'plain':
        entries.push([k, bindType(elem, v, p)]);
        break;
    }
  }
  return sortedObject(entries);
}

/** Later entries of a list win, as when Go fills a map. */
function uniqueLast(entries: [string, unknown][]): [string, unknown][] {
  const m = new Map<string, unknown>();
  for (const [k, v] of entries) m.set(k, v);
  return Array.from(m);
}

function bindSlice(t: Extract<GoType, { k: 'slice' }>, raw: unknown, path: string): unknown[] {
  if (raw === null || raw === undefined) return [];
  switch (t.parse) {
    case 'stringList':
    case 'strOrNum':
      if (!Array.isArray(raw)) return [goSprint(raw)];
      return raw.map(goSprint);
    case 'ports': {
      const list = Array.isArray(raw) ? raw : [raw];
      const out: unknown[] = [];
      list.forEach((e, i) => {
        const p = join(path, i);
        if (isObj(e)) out.push(bindType(t.elem, e, p));
        else for (const port of at(p, () => parsePortString(e as string | number))) out.push(bindType(t.elem, port, p));
      });
      return out;
    }
    case 'gpus':
      if (typeof raw === 'string') return [bindType(t.elem, { count: 'all' }, join(path, 0))];
      break;
    default:
      break;
  }
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((e, i) => (t.elem.k === 'string' ? goSprint(e) : bindType(t.elem, e, join(path, i))));
}

/** Bind a raw value to its Go type t (null is the Go zero value, or nil for pointers). */
function bindType(t: GoType, raw: unknown, path: string): unknown {
  if (raw === undefined) return zeroValue(t);
  if (raw === null && t.k !== 'ptr' && t.k !== 'struct' && t.k !== 'optout') return zeroValue(t);
  switch (t.k) {
    case 'string':
      return toStr(raw);
    case 'bool':
      return toBool(raw, path);
    case 'int':
      return toInt(raw, path);
    case 'float32':
      return toFloat(raw, path);
    case 'duration':
      return at(path, () => formatGoDuration(parseDuration(raw as string | number)));
    case 'bytes':
      return at(path, () => formatBytes(parseBytes(raw as string | number)));
    case 'filemode':
      return fileMode(raw, path);
    case 'ulimit':
      return ulimit(raw, path);
    case 'command':
      if (typeof raw === 'string') return at(path, () => splitShellWords(raw));
      if (Array.isArray(raw)) return raw.map(goSprint);
      return fail(path, 'unexpected value type for command');
    case 'healthtest':
      if (typeof raw === 'string') return ['CMD-SHELL', raw];
      if (Array.isArray(raw)) return raw.map(goSprint);
      return fail(path, 'unexpected value type for healthcheck.test');
    case 'hosts':
      return hostsList(raw, path);
    case 'ssh':
      return sshKeys(raw, path);
    case 'optout':
      return raw === null ? true : toBool(raw, path);
    case 'devcount':
      return deviceCount(raw, path);
    case 'any':
      return cloneAny(raw);
    case 'ptr':
      return raw === null ? null : bindType(t.elem, raw, path);
    case 'slice':
      return bindSlice(t, raw, path);
    case 'map':
      return bindMap(t, raw, path);
    case 'struct':
      return bindStruct(t.name, raw, path);
  }
}

/**
 * The project as compose-go's types hold it, ready for printYaml/printJson. `model` is the
 * loader's canonical model (top-level `name`, `services`, `networks`, `volumes`, `secrets`,
 * `configs`, `models`, `x-*`); keys the Go types do not have (`version`, `include`, …) are
 * dropped. Throws a LoadError (code `format`) naming the path of a value that cannot be bound.
 */
export function bindProject(model: Record<string, unknown>): Record<string, unknown> {
  const project = bindStruct('Project', model, '');
  // SecretConfig.MarshalYAML/JSON never write the content; ConfigObjConfig drops it when it
  // comes from an environment variable.
  for (const [key, drop] of [
    ['secrets', (_o: Obj) => true],
    ['configs', (o: Obj) => typeof o.environment === 'string' && o.environment !== ''],
  ] as const) {
    const resources = project[key];
    if (!isObj(resources)) continue;
    for (const r of Object.values(resources)) {
      if (isObj(r) && 'content' in r && drop(r)) delete r.content;
    }
  }
  return project;
}

/** Bind one value of a named struct type (a service, a network, …), for tests and tools. */
export function bindStructValue(name: StructName, raw: unknown): Record<string, unknown> {
  return bindStruct(name, raw, '');
}
