/**
 * Merging of compose models (several `-f` files, `extends`, `include` conflicts) and removal of
 * duplicate sequence entries, with the behaviour of compose-go's `override` package
 * (`MergeYaml` / `EnforceUnicity`, compose-go @ e70e961). See compose-semantics.md §5.
 *
 * Works on the raw (pre-canonical) tree. Inputs are never mutated and the result never shares
 * containers with them; source positions (origin.ts) follow the value that wins.
 */
import { LoadError } from './errors.js';
import {
  cloneWithOrigins,
  copyAllOrigins,
  copyOrigin,
  keyOriginOf,
  originOf,
  selfOrigin,
  setKeyOrigin,
  setSelfOrigin,
  setValueOrigin,
  type Origin,
} from './origin.js';
import type { Mapping, Value } from './types.js';

/** A path of mapping keys (`['services', 'api', 'ports']`); keys may contain dots. */
export type MergePath = readonly string[];

// ---------------------------------------------------------------------------------------------
// small helpers

function isMapping(v: Value | undefined): v is Mapping {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

function isContainer(v: Value | undefined): v is Mapping | Value[] {
  return v !== null && v !== undefined && typeof v === 'object';
}

function hasOwn(m: Mapping, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

/** Set a key without ever touching the prototype (`__proto__` is a legal YAML key). */
function put(m: Mapping, k: string, v: Value): void {
  if (k === '__proto__') {
    Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  } else {
    m[k] = v;
  }
}

function get(m: Mapping, k: string): Value {
  return hasOwn(m, k) ? (m[k] as Value) : null;
}

function pathString(path: MergePath): string {
  return path.join('.');
}

function matches(path: MergePath, pattern: readonly string[]): boolean {
  if (path.length !== pattern.length) return false;
  for (let i = 0; i < path.length; i++) {
    const p = pattern[i];
    if (p !== '*' && p !== path[i]) return false;
  }
  return true;
}

function pattern(s: string): readonly string[] {
  return s.split('.');
}

/** Equality of two decoded values as Go's `==` on `any` sees it for scalars (containers never equal). */
function scalarEqual(a: Value | undefined, b: Value | undefined): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (isContainer(x) || isContainer(y)) return false;
  return x === y;
}

// ---------------------------------------------------------------------------------------------
// Go formatting of decoded YAML values (compose-go builds strings and keys with fmt verbs)

function intString(n: number): string {
  return Math.abs(n) < 1e21 ? String(n === 0 ? 0 : n) : BigInt(n).toString();
}

/** Go's `%v` / strconv 'g' with shortest precision for a float64. */
function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const sign = n < 0 ? '-' : '';
  const [mant = '0', expPart = '0'] = Math.abs(n).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expPart);
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** The Go type a YAML decoder gives this value, as `%T` prints it. */
function goType(v: Value | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Format a value with Go's fmt verb `%v`, `%s` or `%d` (including the `%!s(int=1)` forms). */
function goFormat(v: Value | undefined, verb: 'v' | 's' | 'd'): string {
  if (v === null || v === undefined) return verb === 'v' ? '<nil>' : `%!${verb}(<nil>)`;
  if (typeof v === 'string') return verb === 'd' ? `%!d(string=${v})` : v;
  if (typeof v === 'boolean') return verb === 'v' ? String(v) : `%!${verb}(bool=${v})`;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return verb === 's' ? `%!s(int=${intString(v)})` : intString(v);
    return verb === 'v' ? goFloat(v) : `%!${verb}(float64=${goFloat(v)})`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => goFormat(x, verb)).join(' ')}]`;
  const keys = Object.keys(v).sort(compareBytes);
  return `map[${keys.map((k) => `${goFormat(k, verb)}:${goFormat(v[k], verb)}`).join(' ')}]`;
}

/** Byte-wise (UTF-8) string order, as Go's `cmp.Compare` on strings. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function mergeError(message: string, origin: Origin | undefined): LoadError {
  return new LoadError(message, { origin, code: 'merge' });
}

// ---------------------------------------------------------------------------------------------
// sequences with positions

interface Items {
  items: Value[];
  origins: (Origin | undefined)[];
}

function itemsOf(list: Value[]): Items {
  return { items: list.slice(), origins: list.map((_, i) => originOf(list, i)) };
}

function makeList(items: Items, selfFrom?: Value): Value[] {
  const out = items.items.slice();
  items.origins.forEach((o, i) => setValueOrigin(out, i, o));
  if (isContainer(selfFrom)) setSelfOrigin(out, selfOrigin(selfFrom));
  return out;
}

/**
 * compose-go `convertIntoSequence`: a mapping becomes a sorted `K=V` list (a null value gives a
 * bare `K`, a list value gives one `K=item` per item), a list stays, a string becomes a one-item
 * list; anything else gives nothing.
 */
function toSequence(v: Value, origin: Origin | undefined): Items | null {
  if (Array.isArray(v)) return itemsOf(v);
  if (typeof v === 'string') return { items: [v], origins: [origin] };
  if (!isMapping(v)) return null;
  const pairs: { s: string; o: Origin | undefined }[] = [];
  for (const k of Object.keys(v)) {
    const val = v[k] as Value;
    if (val === null) {
      pairs.push({ s: k, o: keyOriginOf(v, k) });
    } else if (Array.isArray(val)) {
      val.forEach((item, i) => pairs.push({ s: `${k}=${goFormat(item, 'v')}`, o: originOf(val, i) }));
    } else {
      pairs.push({ s: `${k}=${goFormat(val, 'v')}`, o: originOf(v, k) });
    }
  }
  pairs.sort((a, b) => compareBytes(a.s, b.s));
  return { items: pairs.map((p) => p.s), origins: pairs.map((p) => p.o) };
}

/**
 * compose-go `convertIntoMapping`: a mapping stays, a list of names becomes name → copy of
 * `defaults` (or null); anything else gives nothing.
 */
function toMapping(v: Value, defaults: Mapping | null): Mapping | null {
  if (isMapping(v)) return v;
  if (!Array.isArray(v)) return null;
  const out: Mapping = {};
  v.forEach((item, i) => {
    const name = typeof item === 'string' ? item : goFormat(item, 'v');
    const o = originOf(v, i);
    let entry: Value = null;
    if (defaults) {
      const m: Mapping = {};
      for (const k of Object.keys(defaults)) {
        put(m, k, defaults[k] as Value);
        setValueOrigin(m, k, o);
      }
      setSelfOrigin(m, o);
      entry = m;
    }
    put(out, name, entry);
    setValueOrigin(out, name, o);
    setKeyOrigin(out, name, o);
  });
  setSelfOrigin(out, selfOrigin(v));
  return out;
}

// ---------------------------------------------------------------------------------------------
// merging

type Merger = (e: Value, o: Value, path: MergePath, eo: Origin | undefined, oo: Origin | undefined) => Value;

/** Replaced outright by the override, null included (command, entrypoint, healthcheck.test, ulimits.*). */
const replace: Merger = (_e, o) => o;

const mergeToSequence: Merger = (e, o, _path, eo, oo) => {
  const right = toSequence(e, eo);
  const left = toSequence(o, oo);
  if (!right && !left) return null;
  return makeList(
    {
      items: [...(right?.items ?? []), ...(left?.items ?? [])],
      origins: [...(right?.origins ?? []), ...(left?.origins ?? [])],
    },
    isContainer(e) ? e : o,
  );
};

/** Like mergeToSequence, but override entries already present in the base are dropped. */
const mergeExtraHosts: Merger = (e, o, _path, eo, oo) => {
  const right = toSequence(e, eo);
  const left = toSequence(o, oo);
  if (!right && !left) return null;
  const r = right ?? { items: [], origins: [] };
  const items = r.items.slice();
  const origins = r.origins.slice();
  if (left) {
    left.items.forEach((item, i) => {
      if (!r.items.some((x) => scalarEqual(x, item))) {
        items.push(item);
        origins.push(left.origins[i]);
      }
    });
  }
  return makeList({ items, origins }, isContainer(e) ? e : o);
};

/** Both sides converted to mappings (list items become keys), then merged key by key. */
function mappingMerger(defaults: Mapping | null): Merger {
  return (e, o, path) => {
    const right = toMapping(e, defaults);
    const left = toMapping(o, defaults);
    if (right && left) return mergeMappings(right, left, path);
    if (right) return right;
    if (left) return left;
    return o === null ? e : o;
  };
}

const mergeBuild: Merger = (e, o, path, eo, oo) => {
  const toBuild = (v: Value, origin: Origin | undefined): Mapping | null => {
    if (typeof v === 'string') {
      const m: Mapping = { context: v };
      setValueOrigin(m, 'context', origin);
      setSelfOrigin(m, origin);
      return m;
    }
    return isMapping(v) ? v : null;
  };
  const right = toBuild(e, eo);
  const left = toBuild(o, oo);
  if (right && left) return mergeMappings(right, left, path);
  if (right) return right;
  if (left) return left;
  return o === null ? e : o;
};

/** Options merge only when both sides name the same driver, or one names none. */
const mergeLogging: Merger = (e, o, path, eo, oo) => {
  if (!isMapping(e) || !isMapping(o)) return mergeGeneric(e, o, path, eo, oo);
  if (!hasOwn(o, 'driver') || !hasOwn(e, 'driver') || scalarEqual(o['driver'], e['driver'])) {
    return mergeMappings(e, o, path);
  }
  return o;
};

/**
 * compose-go `mergeIPAMConfig`, reproduced with its quirks: entries are matched by `subnet`; a
 * base entry whose subnet no override entry shares is dropped, and an empty override list gives
 * an empty list. Working copies are mutated so that entry identity behaves as it does in Go.
 */
const mergeIPAMConfig: Merger = (e, o, path, _eo, oo) => {
  if (!Array.isArray(e) || !Array.isArray(o)) {
    throw mergeError(`${pathString(path)}: unexpected type ${goType(e)}`, oo);
  }
  const working = (v: Value): Mapping => {
    const m = toMapping(v, null);
    const out: Mapping = {};
    if (m) {
      for (const k of Object.keys(m)) put(out, k, m[k] as Value);
      copyAllOrigins(m, out);
    }
    return out;
  };
  const overrides = o.map(working);
  const result: Mapping[] = [];
  const resultOrigins: (Origin | undefined)[] = [];
  const place = (entry: Mapping, origin: Origin | undefined): void => {
    const idx = result.findIndex((a) => scalarEqual(get(a, 'subnet'), get(entry, 'subnet')));
    if (idx >= 0) {
      result[idx] = entry;
      resultOrigins[idx] = origin;
    } else {
      result.push(entry);
      resultOrigins.push(origin);
    }
  };
  e.forEach((original, i) => {
    const right = working(original);
    const rightOrigin = originOf(e, i);
    overrides.forEach((left, j) => {
      if (!scalarEqual(get(left, 'subnet'), get(right, 'subnet'))) {
        if (!result.some((a) => scalarEqual(get(a, 'subnet'), get(left, 'subnet')))) {
          result.push(left);
          resultOrigins.push(originOf(o, j));
          return;
        }
      }
      mergeInto(right, left, path);
      place(right, rightOrigin);
    });
  });
  return makeList({ items: result, origins: resultOrigins }, e);
};

const specials: [readonly string[], Merger][] = (
  [
    ['networks.*.ipam.config', mergeIPAMConfig],
    ['networks.*.labels', mergeToSequence],
    ['volumes.*.labels', mergeToSequence],
    ['services.*.annotations', mergeToSequence],
    ['services.*.build', mergeBuild],
    ['services.*.build.args', mergeToSequence],
    ['services.*.build.additional_contexts', mergeToSequence],
    ['services.*.build.extra_hosts', mergeExtraHosts],
    ['services.*.build.labels', mergeToSequence],
    ['services.*.command', replace],
    ['services.*.depends_on', mappingMerger({ condition: 'service_started', required: true })],
    ['services.*.deploy.labels', mergeToSequence],
    ['services.*.dns', mergeToSequence],
    ['services.*.dns_opt', mergeToSequence],
    ['services.*.dns_search', mergeToSequence],
    ['services.*.entrypoint', replace],
    ['services.*.env_file', mergeToSequence],
    ['services.*.label_file', mergeToSequence],
    ['services.*.environment', mergeToSequence],
    ['services.*.extra_hosts', mergeExtraHosts],
    ['services.*.healthcheck.test', replace],
    ['services.*.labels', mergeToSequence],
    ['services.*.volumes.*.volume.labels', mergeToSequence],
    ['services.*.logging', mergeLogging],
    ['services.*.models', mappingMerger(null)],
    ['services.*.networks', mappingMerger(null)],
    ['services.*.sysctls', mergeToSequence],
    ['services.*.tmpfs', mergeToSequence],
    ['services.*.ulimits.*', replace],
  ] as [string, Merger][]
).map(([p, m]) => [pattern(p), m]);

function mergeGeneric(e: Value, o: Value, path: MergePath, _eo: Origin | undefined, oo: Origin | undefined): Value {
  if (o === null) return e;
  if (Array.isArray(e)) {
    if (!Array.isArray(o)) throw mergeError(`cannot override ${pathString(path)}`, oo);
    const a = itemsOf(e);
    const b = itemsOf(o);
    return makeList({ items: [...a.items, ...b.items], origins: [...a.origins, ...b.origins] }, e);
  }
  if (isMapping(e)) {
    if (!isMapping(o)) throw mergeError(`cannot override ${pathString(path)}`, oo);
    return mergeMappings(e, o, path);
  }
  return o;
}

function mergeValue(e: Value, o: Value, path: MergePath, eo: Origin | undefined, oo: Origin | undefined): Value {
  for (const [p, merger] of specials) {
    if (matches(path, p)) return merger(e, o, path, eo, oo);
  }
  return mergeGeneric(e, o, path, eo, oo);
}

/** Does the merged value at a key come from the override (for its position)? */
function fromOverride(e: Value, o: Value, merged: Value): boolean {
  if (o !== null && merged === o) return true;
  if (merged === null) return o === null && e !== null;
  return merged !== e && e === null;
}

/** Merge `other[k]` into `target[k]` for every key of `other`, writing into `target`. */
function mergeInto(target: Mapping, other: Mapping, path: MergePath): void {
  for (const k of Object.keys(other)) {
    const o = other[k] as Value;
    if (!hasOwn(target, k)) {
      put(target, k, o);
      copyOrigin(other, k, target, k);
      continue;
    }
    const e = target[k] as Value;
    const merged = mergeValue(e, o, [...path, k], originOf(target, k), originOf(other, k));
    put(target, k, merged);
    if (fromOverride(e, o, merged)) copyOrigin(other, k, target, k);
  }
}

/** compose-go `mergeMappings`, returning a new mapping. */
function mergeMappings(base: Mapping, other: Mapping, path: MergePath): Mapping {
  const out: Mapping = {};
  for (const k of Object.keys(base)) put(out, k, base[k] as Value);
  copyAllOrigins(base, out);
  mergeInto(out, other, path);
  return out;
}

/**
 * compose-go `MergeYaml`: merge `override` onto `base` at `path` (the keys leading to them, e.g.
 * `['services', 'api']` when merging one service for `extends`, or `[]` for whole models), with
 * the per-field rules of compose-semantics.md §5.2. Duplicates are not removed (see
 * {@link enforceUnicity}). The inputs are not modified; the result shares nothing with them.
 * Throws LoadError `cannot override <path>` when a mapping meets a sequence.
 */
export function mergeYaml(base: Value, override: Value, path: MergePath = []): Value {
  return cloneWithOrigins(mergeValue(base, override, path, undefined, undefined));
}

/**
 * Merge one model (an override file or document) onto the accumulated one, then remove
 * duplicates: compose-go `override.Merge` followed by `override.EnforceUnicity`.
 */
export function mergeModels(base: Mapping, override: Mapping): Mapping {
  return enforceUnicity(mergeMappings(base, override, []));
}

/**
 * {@link mergeModels} for a caller that owns both inputs and drops them afterwards (the loader's
 * document loop): the result may share subtrees with them, which saves copying the model twice.
 */
export function mergeOwnedModels(base: Mapping, override: Mapping): Mapping {
  return enforceUnicityInPlace(mergeMappings(base, override, []));
}

// ---------------------------------------------------------------------------------------------
// unicity

type Indexer = (entry: Value, path: MergePath) => string;

function keyValueIndexer(entry: Value, path: MergePath): string {
  if (typeof entry !== 'string') throw new Error(`${pathString(path)}: unexpected type ${goType(entry)}`);
  const eq = entry.indexOf('=');
  return eq >= 0 ? entry.slice(0, eq) : entry;
}

/** The container path of a short volume spec (compose-go `format.ParseVolume`, target only). */
function shortVolumeTarget(spec: string): string {
  const bytes = Buffer.byteLength(spec, 'utf8');
  if (bytes === 0) throw new Error('invalid empty volume spec');
  if (bytes <= 2) return spec;
  const END = '\0';
  const chars = [...spec, END];
  let source = '';
  let target = '';
  let buffer: string[] = [];
  let depth = 0;
  const populate = (ch: string): void => {
    const text = buffer.join('');
    if (buffer.length === 0) throw new Error('empty section between colons');
    if (source === '' && ch === END) target = text;
    else if (source === '') source = text;
    else if (target === '') target = text;
    else if (ch === ':') throw new Error('too many colons');
    // otherwise: options (ro, rw, nocopy, propagation, SELinux), which do not change the target
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '$' && i + 1 < chars.length - 1 && chars[i + 1] === '{') {
      depth++;
      buffer.push(ch);
      continue;
    }
    if (ch === '}' && depth > 0) {
      depth--;
      buffer.push(ch);
      continue;
    }
    if (ch === ':' && buffer.length === 1 && /^\p{L}$/u.test(buffer[0] as string)) {
      buffer.push(ch); // a Windows drive letter
    } else if ((ch === ':' || ch === END) && depth === 0) {
      try {
        populate(ch);
      } catch (err) {
        throw new Error(`invalid spec: ${spec}: ${(err as Error).message}`);
      }
      buffer = [];
    } else {
      buffer.push(ch);
    }
  }
  return target;
}

function volumeIndexer(entry: Value, path: MergePath): string {
  if (isMapping(entry)) {
    const t = get(entry, 'target');
    if (typeof t !== 'string') throw new Error(`service volume ${pathString(path)} is missing a mount target`);
    return t;
  }
  if (typeof entry === 'string') return shortVolumeTarget(entry);
  return '';
}

function deviceIndexer(entry: Value, path: MergePath): string {
  if (isMapping(entry)) {
    const t = get(entry, 'target');
    if (typeof t !== 'string') throw new Error(`service device ${pathString(path)} is missing a mount target`);
    return t;
  }
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    return (parts.length === 1 ? parts[0] : parts[1]) as string;
  }
  return '';
}

function exposeIndexer(entry: Value, path: MergePath): string {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'number' && Number.isInteger(entry)) return intString(entry);
  throw new Error(`${pathString(path)}: unsupported expose value ${goFormat(entry, 's')}`);
}

function mountIndexer(defaultDir: string): Indexer {
  return (entry, path) => {
    if (typeof entry === 'string') return `${defaultDir}/${entry}`;
    if (isMapping(entry)) {
      if (hasOwn(entry, 'target')) return goFormat(entry['target'], 'v');
      return `${defaultDir}/${goFormat(get(entry, 'source'), 's')}`;
    }
    // (sic) compose-go uses the same message for secrets and configs
    throw new Error(`${pathString(path)}: unsupported expose value ${goFormat(entry, 's')}`);
  };
}

/**
 * Long form `host_ip:published:target/protocol` built with Go verbs, so an integer `published`
 * (`%!s(int=8080)`) does not match a string one; short form is the raw string.
 */
function portIndexer(entry: Value, path: MergePath): string {
  if (typeof entry === 'number') return Number.isInteger(entry) ? intString(entry) : '';
  if (typeof entry === 'string') return entry;
  if (!isMapping(entry)) return '';
  if (!hasOwn(entry, 'target')) throw new Error(`service ports ${pathString(path)} is missing a target port`);
  const host = hasOwn(entry, 'host_ip') ? get(entry, 'host_ip') : '0.0.0.0';
  const protocol = hasOwn(entry, 'protocol') ? get(entry, 'protocol') : 'tcp';
  return `${goFormat(host, 's')}:${goFormat(get(entry, 'published'), 's')}:${goFormat(get(entry, 'target'), 'd')}/${goFormat(protocol, 's')}`;
}

function envFileIndexer(entry: Value, path: MergePath): string {
  if (typeof entry === 'string') return entry;
  if (isMapping(entry)) {
    if (hasOwn(entry, 'path')) return goFormat(entry['path'], 'v');
    throw new Error(`environment path attribute ${pathString(path)} is missing`);
  }
  return '';
}

const uniqueRules: [readonly string[], Indexer][] = (
  [
    ['networks.*.labels', keyValueIndexer],
    ['networks.*.ipam.options', keyValueIndexer],
    ['services.*.annotations', keyValueIndexer],
    ['services.*.build.args', keyValueIndexer],
    ['services.*.build.additional_contexts', keyValueIndexer],
    // (sic) compose-go spells it `platform`, so `build.platforms` keeps duplicates
    ['services.*.build.platform', keyValueIndexer],
    ['services.*.build.tags', keyValueIndexer],
    ['services.*.build.labels', keyValueIndexer],
    ['services.*.cap_add', keyValueIndexer],
    ['services.*.cap_drop', keyValueIndexer],
    ['services.*.configs', mountIndexer('')],
    ['services.*.deploy.labels', keyValueIndexer],
    ['services.*.dns', keyValueIndexer],
    ['services.*.dns_opt', keyValueIndexer],
    ['services.*.dns_search', keyValueIndexer],
    ['services.*.environment', keyValueIndexer],
    ['services.*.env_file', envFileIndexer],
    ['services.*.expose', exposeIndexer],
    ['services.*.labels', keyValueIndexer],
    ['services.*.links', keyValueIndexer],
    ['services.*.networks.*.aliases', keyValueIndexer],
    ['services.*.networks.*.link_local_ips', keyValueIndexer],
    ['services.*.ports', portIndexer],
    ['services.*.profiles', keyValueIndexer],
    ['services.*.secrets', mountIndexer('/run/secrets')],
    ['services.*.sysctls', keyValueIndexer],
    ['services.*.tmpfs', keyValueIndexer],
    ['services.*.volumes', volumeIndexer],
    ['services.*.devices', deviceIndexer],
  ] as [string, Indexer][]
).map(([p, f]) => [pattern(p), f]);

function uniqueValue(v: Value, path: MergePath): Value {
  if (isMapping(v)) {
    const out: Mapping = {};
    for (const k of Object.keys(v)) put(out, k, uniqueValue(v[k] as Value, [...path, k]));
    copyAllOrigins(v, out);
    return out;
  }
  if (!Array.isArray(v)) return v;
  const rule = uniqueRules.find(([p]) => matches(path, p));
  if (!rule) return cloneWithOrigins(v);
  return dedupe(v, path, rule[1]);
}

/**
 * The same as {@link enforceUnicity} on a model the caller owns: lists without a unique key are
 * left alone instead of copied, and only deduplicated lists are rebuilt (the loader's hot path).
 */
export function enforceUnicityInPlace(model: Mapping): Mapping {
  const walk = (v: Mapping, path: MergePath): void => {
    for (const k of Object.keys(v)) {
      const child = v[k];
      const p = [...path, k];
      if (isMapping(child)) walk(child, p);
      else if (Array.isArray(child)) {
        const rule = uniqueRules.find(([pattern]) => matches(p, pattern));
        if (rule) {
          v[k] = dedupe(child, p, rule[1]);
        }
      }
    }
  };
  walk(model, []);
  return model;
}

function dedupe(v: Value[], path: MergePath, indexer: Indexer): Value {
  const items: Value[] = [];
  const origins: (Origin | undefined)[] = [];
  const seen = new Map<string, number>();
  v.forEach((entry, i) => {
    let key: string;
    try {
      key = indexer(entry, [...path, `[${i}]`]);
    } catch (err) {
      throw new LoadError((err as Error).message, { origin: originOf(v, i), code: 'merge' });
    }
    const j = seen.get(key);
    if (j === undefined) {
      seen.set(key, items.length);
      items.push(entry);
      origins.push(originOf(v, i));
    } else {
      items[j] = entry;
      origins[j] = originOf(v, i);
    }
  });
  return makeList({ items: items.map((x) => cloneWithOrigins(x)), origins }, v);
}

/**
 * compose-go `EnforceUnicity`: in the sequences that have a unique key (§5.2/§5.3), a later entry
 * with the key of an earlier one replaces it at the earlier position. Returns a new model; the
 * input is not modified. Throws LoadError when an entry has no usable key (e.g. a long-form volume
 * without `target`, or an unparsable short volume).
 */
export function enforceUnicity(model: Mapping): Mapping {
  return uniqueValue(model, []) as Mapping;
}
