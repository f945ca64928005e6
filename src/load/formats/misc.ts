/**
 * Small pure conversions of the canonical stage (reference §8.1) and of the Go types' decoders.
 *
 * Each function takes plain data as the YAML layer produced it and returns new plain data; none
 * of them looks at the file system or the environment. Errors are thrown as `LoadError` (code
 * `format`) with the wording compose-go uses, without a location: the caller adds the origin.
 *
 * Facts from compose-go (cg @ e70e961): `types/hostList.go`, `types/labels.go`, `types/mapping.go`,
 * `types/device.go`, `types/types.go` (UlimitsConfig, FileMode), `types/healthcheck.go`,
 * `transform/{device,gpus,devices,dependson,secrets,services,ssh,envfile,build,extends,external,mapping}.go`.
 */
import { LoadError } from '../errors.js';

type Obj = { [key: string]: unknown };

function fail(message: string): never {
  throw new LoadError(message, { code: 'format' });
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Assign without tripping over `__proto__` (which a plain assignment would treat as the prototype). */
function put<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** The Go type name `%T` would print for a value, for error messages. */
function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

// ---------------------------------------------------------------------------------------------
// Go's fmt.Sprint for scalars
// ---------------------------------------------------------------------------------------------

/**
 * `fmt.Sprint(f)` for a float64: the shortest digits that read back to `f`, printed as `%e` when
 * the decimal exponent is < -4 or >= 6 (`1e+06`, `1.5e-05`), otherwise as `%f` (`1000`, `0.0001`).
 */
export function goFormatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const sign = f < 0 ? '-' : '';
  const [mant = '0', expStr = '0'] = Math.abs(f).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return sign + digits + '0'.repeat(intLen - digits.length);
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/**
 * `fmt.Sprint(v)` for a YAML scalar as Go holds it: strings as they are, `true`/`false`, `<nil>`
 * for null. A JS number that is an integer is printed as a Go int (YAML `1000000` → `"1000000"`),
 * any other number as a Go float64 (see goFormatFloat). JS cannot tell the YAML float `1e6` from
 * the int `1000000`; both print as an int here (Go would print the float as `1e+06`).
 */
export function goSprint(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
    return goFormatFloat(v);
  }
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Byte-wise string order (Go's sort.Strings)
// ---------------------------------------------------------------------------------------------

/** Compare as Go compares strings: by UTF-8 bytes (code point order), not UTF-16 units. */
export function goStringCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

// ---------------------------------------------------------------------------------------------
// extra_hosts (types/hostList.go)
// ---------------------------------------------------------------------------------------------

/**
 * `extra_hosts` in list form (`host=ip`, `host:ip`, `host=ip1,ip2`) or map form
 * (`host: ip`, `host: [ip1, ip2]`, `host: null`) → the printed form: a list of `host=ip`, one per
 * address, sorted byte-wise. `=` is tried before `:`, so `host:::1` is host `host`, IP `::1`.
 * Brackets around an address are removed (`[::1]` → `::1`). A host that is empty or contains `:`
 * or `=` is an error (`bad host name '…'`), as is an entry with neither separator.
 */
export function parseExtraHosts(v: unknown): string[] {
  const list = new Map<string, string[]>();
  const add = (host: string, ips: string[]): void => {
    const had = list.get(host);
    if (had) had.push(...ips);
    else list.set(host, [...ips]);
  };
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = goSprint(e);
      let found = false;
      for (const sep of ['=', ':']) {
        const i = s.indexOf(sep);
        if (i >= 0) {
          add(s.slice(0, i), s.slice(i + 1).split(','));
          found = true;
          break;
        }
      }
      if (!found) fail(`invalid additional host, missing IP: ${s}`);
    }
  } else if (isObj(v)) {
    for (const [host, e] of Object.entries(v)) {
      if (e === null || e === undefined) add(host, ['']);
      else if (typeof e === 'string') add(host, [e]);
      else if (Array.isArray(e)) add(host, e.map(goSprint));
      else fail('unexpected value type map[string]interface {} for extra_hosts entry');
    }
  } else {
    fail(`unexpected value type ${goTypeName(v)} for extra_hosts`);
  }
  const out: string[] = [];
  for (const [host, ips] of list) {
    if (host === '' || host.includes(':') || host.includes('=')) fail(`bad host name '${host}'`);
    for (const ip of ips) {
      const clean = ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
      out.push(`${host}=${clean}`);
    }
  }
  return out.sort(goStringCompare);
}

// ---------------------------------------------------------------------------------------------
// devices (transform/device.go)
// ---------------------------------------------------------------------------------------------

export interface DeviceMapping {
  source: string;
  target: string;
  permissions: string;
}

/**
 * `"src[:dst[:perms]]"` → `{source, target, permissions}`; target defaults to the source (also
 * when written empty, `a::rw`), permissions to `rwm`. More than three parts is an error.
 * A mapping (long form) is returned as a shallow copy.
 */
export function parseDevice(s: string | Obj): DeviceMapping | Obj {
  if (isObj(s)) return { ...s };
  if (typeof s !== 'string') fail(`invalid type ${goTypeName(s)} for service volume mount`);
  const parts = s.split(':');
  if (parts.length > 3) fail(`confusing device mapping, please use long syntax: ${s}`);
  const source = parts[0] ?? '';
  const target = parts[1] ? parts[1] : source;
  const permissions = parts.length === 3 ? (parts[2] ?? '') : 'rwm';
  return { source, target, permissions };
}

// ---------------------------------------------------------------------------------------------
// key=value lists (types/labels.go, types/mapping.go)
// ---------------------------------------------------------------------------------------------

/**
 * labels, annotations, sysctls, build.labels, deploy.labels, … (Go `Labels` / `Mapping`):
 * a list of `k=v` (split at the first `=`; bare `k` → `""`) or a map (null → `""`, numbers and
 * booleans printed with fmt.Sprint) → a map of strings. In a list a later key wins.
 */
export function parseKeyValueList(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = goSprint(e);
      const i = s.indexOf('=');
      if (i < 0) put(out, s, '');
      else put(out, s.slice(0, i), s.slice(i + 1));
    }
    return out;
  }
  if (isObj(v)) {
    for (const [k, e] of Object.entries(v)) put(out, k, e === null || e === undefined ? '' : goSprint(e));
    return out;
  }
  fail(`unexpected value type ${goTypeName(v)} for mapping`);
}

/**
 * The strict variant used for `build.additional_contexts` (transform/mapping.go): every list item
 * must contain `=`, else `<path>: invalid value <item>, expected key=value`.
 */
export function parseKeyValueListStrict(v: unknown, path = ''): Record<string, string> | Obj {
  if (isObj(v)) return { ...v };
  if (!Array.isArray(v)) fail(`${path}: invalid type ${goTypeName(v)}`);
  const out: Record<string, string> = {};
  for (const e of v) {
    const s = goSprint(e);
    const i = s.indexOf('=');
    if (i < 0) fail(`${path}: invalid value ${s}, expected key=value`);
    put(out, s.slice(0, i), s.slice(i + 1));
  }
  return out;
}

/** The last UTF-8 byte of a string, as Go's `k[len(k)-1]` sees it. */
function lastUtf8Byte(s: string): number {
  const last = Array.from(s).pop() ?? '';
  const bytes = Buffer.from(last, 'utf8');
  return bytes[bytes.length - 1] ?? 0;
}

/** unicode.IsSpace for a rune below 256 (Go checks the last *byte* cast to a rune). */
function isGoSpaceLatin1(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
}

/**
 * `environment` (and `build.args`, hook environments; Go `MappingWithEquals`): a list of `K=V`
 * (`K=` → `""`, bare `K` → null = "unresolved") or a map (null stays null, other scalars are
 * printed with fmt.Sprint) → a map. In list form a key whose last character is whitespace is an
 * error, `environment variable <K> is declared with a trailing space`. compose-go tests the last
 * UTF-8 *byte* of the key, so a key ending in e.g. `à` (C3 A0) is rejected too; this is copied.
 */
export function parseEnvironment(v: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = goSprint(e);
      const i = s.indexOf('=');
      const k = i < 0 ? s : s.slice(0, i);
      if (k !== '' && isGoSpaceLatin1(lastUtf8Byte(k))) fail(`environment variable ${k} is declared with a trailing space`);
      put(out, k, i < 0 ? null : s.slice(i + 1));
    }
    return out;
  }
  if (isObj(v)) {
    for (const [k, e] of Object.entries(v)) put(out, k, e === null || e === undefined ? null : goSprint(e));
    return out;
  }
  fail(`unexpected value type ${goTypeName(v)} for mapping`);
}

/**
 * `driver_opts`, `logging.options`, `ipam.options`, … (Go `Options`): a map whose values are
 * printed with fmt.Sprint, null → `""`.
 */
export function parseOptions(v: unknown): Record<string, string> {
  if (!isObj(v)) fail(`invalid type ${goTypeName(v)} for options`);
  const out: Record<string, string> = {};
  for (const [k, e] of Object.entries(v)) put(out, k, e === null || e === undefined ? '' : goSprint(e));
  return out;
}

// ---------------------------------------------------------------------------------------------
// ulimits (types/types.go UlimitsConfig)
// ---------------------------------------------------------------------------------------------

export type Ulimit = number | { soft: number; hard: number };

function toInt(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number.parseInt(v.trim(), 10);
  fail(`unexpected value type ${goTypeName(v)} for ${what}`);
}

/**
 * One `ulimits.<name>` entry → its printed form: a non-zero integer stays a single number;
 * `{soft, hard}` becomes `{soft, hard}` with a missing side as 0. `0` prints as
 * `{soft: 0, hard: 0}` because Go prints the single form only when it is non-zero.
 * Numeric strings (left by interpolation before the cast) are accepted.
 */
export function parseUlimit(v: unknown): Ulimit {
  if (isObj(v)) {
    const soft = v.soft === undefined || v.soft === null ? 0 : toInt(v.soft, 'ulimit');
    const hard = v.hard === undefined || v.hard === null ? 0 : toInt(v.hard, 'ulimit');
    return { soft, hard };
  }
  const single = toInt(v, 'ulimit');
  return single !== 0 ? single : { soft: 0, hard: 0 };
}

// ---------------------------------------------------------------------------------------------
// gpus and device requests (transform/gpus.go, transform/devices.go, types/device.go)
// ---------------------------------------------------------------------------------------------

/**
 * `gpus`: any string (`all`) → `[{count: 'all'}]`; a list keeps its items and gives `count: 'all'`
 * to each item that has neither `count` nor `device_ids` (also applied to
 * `deploy.resources.reservations.devices` items, see normalizeDeviceRequest).
 * This is the model form; the printed `count` is an int64 where `all` is -1 (parseDeviceCount).
 */
export function normalizeGpus(v: unknown): Obj[] {
  if (typeof v === 'string') return [{ count: 'all' }];
  if (!Array.isArray(v)) fail(`invalid type ${goTypeName(v)} for gpus`);
  return v.map((e) => normalizeDeviceRequest(e));
}

/** A device request without `count` and without `device_ids` gets `count: 'all'`. */
export function normalizeDeviceRequest(v: unknown): Obj {
  if (!isObj(v)) fail(`invalid type ${goTypeName(v)} for device request`);
  const out: Obj = { ...v };
  if (!('count' in out) && !('device_ids' in out)) out.count = 'all';
  return out;
}

/**
 * A device request's `count` as Go binds and prints it (`DeviceCount`, int64): `all` (any case) →
 * -1, an int as is, a numeric string parsed; anything else is an error. `config` prints -1 for
 * `all` and leaves out a count of 0 (omitempty).
 */
export function parseDeviceCount(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    if (v.toLowerCase() === 'all') return -1;
    if (/^[+-]?\d+$/.test(v)) return Number.parseInt(v, 10);
    fail(`invalid value ${JSON.stringify(v)}, the only value allowed is 'all' or a number`);
  }
  fail(`invalid type ${goTypeName(v)} for device count`);
}

// ---------------------------------------------------------------------------------------------
// depends_on, secrets/configs, networks, healthcheck, build, extends, env_file, ssh, external
// ---------------------------------------------------------------------------------------------

export interface DependsOnEntry {
  condition: string;
  restart?: boolean;
  required: boolean;
  [key: string]: unknown;
}

/**
 * `depends_on`: a list of names → a map of `{condition: service_started, required: true}`; in a
 * map each entry missing `condition`/`required` gets those defaults (transform/dependson.go).
 * `restart` is kept only as given (Go prints it only when true).
 */
export function normalizeDependsOn(v: unknown): Record<string, DependsOnEntry> {
  const out: Record<string, DependsOnEntry> = {};
  if (Array.isArray(v)) {
    for (const name of v) put(out, goSprint(name), { condition: 'service_started', required: true });
    return out;
  }
  if (isObj(v)) {
    for (const [name, e] of Object.entries(v)) {
      if (!isObj(e)) fail(`depends_on.${name}: unsupported value`);
      const d: Obj = { ...e };
      if (!('condition' in d)) d.condition = 'service_started';
      if (!('required' in d)) d.required = true;
      put(out, name, d as DependsOnEntry);
    }
    return out;
  }
  fail(`invalid type ${goTypeName(v)} for depend_on`);
}

/** Service `secrets`/`configs` item and `build.secrets` item: a string → `{source}`. */
export function normalizeFileMount(v: unknown): Obj {
  if (typeof v === 'string') return { source: v };
  if (isObj(v)) return { ...v };
  fail(`unsupported type ${goTypeName(v)}`);
}

/** A service secret without `target` gets `/run/secrets/<source>` (configs get no default). */
export function defaultSecretTarget(v: Obj): Obj {
  const out: Obj = { ...v };
  if (!('target' in out)) out.target = `/run/secrets/${goSprint(out.source)}`;
  return out;
}

/**
 * File mode of a secret/config mount as Go binds it (`FileMode`): a string is read as octal
 * (`"0440"` → 288), an int is taken as is (YAML `0440` is already 288).
 */
export function parseFileMode(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    if (/^[+-]?[0-7]+$/.test(v)) return Number.parseInt(v, 8);
    fail(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  fail(`unexpected value type ${goTypeName(v)} for mode`);
}

/** The printed file mode: `0` followed by the octal digits, `288` → `"0440"` (`0%o`). */
export function formatFileMode(mode: number): string {
  return mode < 0 ? `0-${(-mode).toString(8)}` : `0${mode.toString(8)}`;
}

/** Service `networks`/`models`: a list of names → a map of name → null; a map is copied. */
export function listToNullMap(v: unknown): Obj {
  if (Array.isArray(v)) {
    const out: Obj = {};
    for (const name of v) put(out, goSprint(name), null);
    return out;
  }
  if (isObj(v)) return { ...v };
  return v as Obj;
}

/** `healthcheck.test`: a string → `['CMD-SHELL', s]`; a list is kept. */
export function normalizeHealthcheckTest(v: unknown): string[] {
  if (typeof v === 'string') return ['CMD-SHELL', v];
  if (Array.isArray(v)) return v.map(goSprint);
  fail(`unexpected value type ${goTypeName(v)} for healthcheck.test`);
}

/** `dns`, `dns_search`, `tmpfs`, `label_file`, develop `watch.ignore/include`: a string → `[s]`. */
export function stringOrList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map(goSprint);
  fail(`invalid type ${goTypeName(v)} for string list`);
}

/** `build`: a string → `{context: s}`; `context` defaults to `.` (transform/build.go). */
export function normalizeBuild(v: unknown): Obj {
  let out: Obj;
  if (typeof v === 'string') out = { context: v };
  else if (isObj(v)) out = { ...v };
  else fail(`invalid type ${goTypeName(v)} for build`);
  if (!('context' in out)) out.context = '.';
  return out;
}

/** `extends`: a string → `{service: s}`. */
export function normalizeExtends(v: unknown): Obj {
  if (typeof v === 'string') return { service: v };
  if (isObj(v)) return { ...v };
  fail(`invalid type ${goTypeName(v)} for extends`);
}

export interface EnvFileEntry {
  path: string;
  required: boolean;
  format?: string;
  [key: string]: unknown;
}

/** `env_file`: a string or a list of strings/mappings → `[{path, required: true (default), format?}]`. */
export function normalizeEnvFile(v: unknown): EnvFileEntry[] {
  const one = (e: unknown): EnvFileEntry => {
    if (typeof e === 'string') return { path: e, required: true };
    if (isObj(e)) {
      const o: Obj = { ...e };
      if (!('required' in o)) o.required = true;
      return o as EnvFileEntry;
    }
    fail(`invalid type ${goTypeName(e)} for env_file`);
  };
  if (typeof v === 'string') return [one(v)];
  if (Array.isArray(v)) return v.map(one);
  fail(`invalid type ${goTypeName(v)} for env_file`);
}

/**
 * `build.ssh` in list form → a map: `id=path` → `{id: path}`, the bare word `default` → null;
 * any other bare word is an error, `invalid ssh key "<word>"`. A map is copied.
 */
export function normalizeSsh(v: unknown): Record<string, string | null> | Obj {
  if (isObj(v)) return { ...v };
  if (!Array.isArray(v)) fail(`invalid type ${goTypeName(v)} for ssh`);
  const out: Record<string, string | null> = {};
  for (const e of v) {
    if (typeof e !== 'string') fail(`invalid ssh key type ${goTypeName(e)}`);
    const i = e.indexOf('=');
    if (i < 0) {
      if (e !== 'default') fail(`invalid ssh key ${JSON.stringify(e)}`);
      put(out, e, null);
    } else {
      put(out, e.slice(0, i), e.slice(i + 1));
    }
  }
  return out;
}

/**
 * Legacy `external: {name: x}` on a top-level network/volume/secret/config → `external: true`
 * plus `name: x` (when `name` is not set) and a deprecation warning; `name` and `external.name`
 * that differ are an error. `path` is used in the messages (e.g. `volumes.data`).
 */
export function normalizeExternal(resource: Obj, path: string): { resource: Obj; warning?: string } {
  const out: Obj = { ...resource };
  const ext = out.external;
  if (!isObj(ext)) return { resource: out };
  out.external = true;
  if (!('name' in ext)) return { resource: out };
  const warning = `${path}: external.name is deprecated. Please set name and external: true`;
  if ('name' in out) {
    if (out.name !== ext.name) fail(`${path}: name and external.name conflict; only use name`);
    return { resource: out, warning };
  }
  out.name = ext.name;
  return { resource: out, warning };
}

/** `expose` items: numbers become strings (`StringOrNumberList`). */
export function normalizeExpose(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map(goSprint);
  fail(`invalid type ${goTypeName(v)} for string list`);
}
