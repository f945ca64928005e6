/**
 * Variable interpolation as compose-go does it (`template/template.go`, `interpolation/interpolation.go`,
 * `loader/interpolate.go`), including its quirks: the operator is the one right after the name, the word
 * ends at the brace found by compose-go's brace counter, and words are only interpolated when used.
 */
import { LoadError } from './errors.js';
import { originOf, type Origin } from './origin.js';
import type { Lookup, VariableUse } from './types.js';

export type Operator = VariableUse['operator'];

/** A VariableUse as recorded here: tells whether the use was actually evaluated. */
export interface TrackedVariableUse extends VariableUse {
  /** false when the use sits in a default, alternative or message word that was not needed */
  evaluated: boolean;
  /** for evaluated uses: whether the lookup had the variable (even empty) */
  set?: boolean;
}

export interface InterpolateContext {
  /** path recorded in uses, e.g. `services.api.ports.0` */
  path?: string;
  /** path used in error messages (compose-go writes list items as `[]`); defaults to `path` */
  displayPath?: string;
  origin?: Origin;
  /** receives one TrackedVariableUse per variable use */
  uses?: VariableUse[];
  /** receives `The "X" variable is not set. Defaulting to a blank string.` for each unset plain use */
  warnings?: string[];
}

/** `${` with no valid body; `template` is the (sub)template compose-go reports. */
export class InvalidTemplateError extends Error {
  constructor(readonly template: string) {
    super(`Invalid template: ${goQuote(template)}`);
    this.name = 'InvalidTemplateError';
  }
}

export class MissingRequiredError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`required variable ${variable} is missing a value${reason === '' ? '' : `: ${reason}`}`);
    this.name = 'MissingRequiredError';
  }
}

const NAME = '[_a-z][_a-z0-9]*';
// groups: 1 escaped `$`, 2 unbraced name, 3 braced name, 4 operator, 5 invalid `${`.
// `[^\n]` stands for Go's `.`; the `u` flag makes `i` fold like Go (ſ, K match s, k).
const PATTERN = new RegExp(`\\$(?:(\\$)|(${NAME})|\\{(?:(${NAME})(?:(:?[-+?])[^\\n]*)?\\}|()))`, 'giu');

interface Env {
  lookup: Lookup;
  path: string;
  origin: Origin | undefined;
  uses: VariableUse[] | undefined;
  warnings: string[] | undefined;
}

/**
 * Substitute variables in `template`; throws InvalidTemplateError or MissingRequiredError.
 * This is compose-go's `template.Substitute` (env files use it with their own error wording).
 */
export function substitute(template: string, lookup: Lookup, ctx: InterpolateContext = {}): string {
  return substituteIn(template, envOf(lookup, ctx));
}

/** Interpolate one string value; errors are LoadErrors worded as docker compose words them. */
export function interpolateString(template: string, lookup: Lookup, ctx: InterpolateContext = {}): string {
  try {
    return substitute(template, lookup, ctx);
  } catch (err) {
    throw toLoadError(err, ctx.displayPath ?? ctx.path, ctx.origin);
  }
}

function envOf(lookup: Lookup, ctx: InterpolateContext): Env {
  return { lookup, path: ctx.path ?? '', origin: ctx.origin, uses: ctx.uses, warnings: ctx.warnings };
}

function toLoadError(err: unknown, path: string | undefined, origin: Origin | undefined): unknown {
  const at = path === undefined || path === '' ? '' : ` ${path}`;
  if (err instanceof InvalidTemplateError) {
    const where = at === '' ? '' : ` for${at}`;
    return new LoadError(
      `invalid interpolation format${where}.\nYou may need to escape any $ with another $.\n${err.template}`,
      { origin, code: 'interpolation', cause: err },
    );
  }
  if (err instanceof MissingRequiredError) {
    return new LoadError(`error while interpolating${at}: ${err.message}`, { origin, code: 'interpolation', cause: err });
  }
  return err;
}

function substituteIn(template: string, env: Env): string {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(PATTERN)) {
    out += template.slice(last, m.index) + replaceMatch(m, template, env);
    last = m.index + m[0].length;
  }
  return out + template.slice(last);
}

function replaceMatch(m: RegExpMatchArray, template: string, env: Env): string {
  const [whole, escaped, named, braced, op] = m;
  if (escaped !== undefined) return '$';
  if (named !== undefined) return plainValue(named, env);
  if (braced === undefined) throw new InvalidTemplateError(template);
  if (op === undefined) return plainValue(braced, env);
  const { word, rest } = splitWord(whole, braced.length + op.length);
  return applyOperator(braced, op as Operator, word, env) + substituteIn(rest, env);
}

/**
 * The greedy match runs to the last `}` of the line; compose-go cuts it at the brace its counter
 * finds (which skips the character after each `{`), and interpolates what follows separately.
 */
function splitWord(whole: string, headLength: number): { word: string; rest: string } {
  const close = closingBraceIndex(whole);
  const end = close > -1 ? close : whole.length - 1;
  return { word: whole.slice(2 + headLength, end), rest: close > -1 ? whole.slice(close + 1) : '' };
}

function closingBraceIndex(s: string): number {
  let open = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '}') {
      open--;
      if (open === 0) return i;
    }
    if (s[i] === '{') {
      open++;
      i++;
    }
  }
  return -1;
}

function plainValue(name: string, env: Env): string {
  const value = env.lookup(name);
  record(env, { name, operator: '', required: false, evaluated: true, set: value !== undefined });
  if (value !== undefined) return value;
  env.warnings?.push(`The "${name}" variable is not set. Defaulting to a blank string.`);
  return '';
}

function applyOperator(name: string, op: Operator, word: string, env: Env): string {
  const value = env.lookup(name);
  const set = value !== undefined;
  const required = op === ':?' || op === '?';
  record(env, {
    name,
    operator: op,
    ...(required ? { message: word } : { default: word }),
    required,
    evaluated: true,
    set,
  });
  const strict = op.startsWith(':');
  const missing = !set || (strict && value === '');
  const useWord = op.endsWith('+') ? !missing : missing;
  if (!useWord) {
    collectUses(word, env);
    return value ?? '';
  }
  const text = substituteIn(word, env);
  if (required) throw new MissingRequiredError(name, text);
  return text;
}

function record(env: Env, use: Omit<TrackedVariableUse, 'path' | 'origin'>): void {
  if (!env.uses) return;
  const full: TrackedVariableUse = { ...use, path: env.path };
  if (env.origin) full.origin = env.origin;
  env.uses.push(full);
}

/** Record the uses inside a word that is not evaluated, without looking anything up. */
function collectUses(template: string, env: Env): void {
  if (!env.uses) return;
  for (const m of template.matchAll(PATTERN)) {
    const [whole, , named, braced, op] = m;
    const name = named ?? braced;
    if (name === undefined) continue;
    if (op === undefined) {
      record(env, { name, operator: '', required: false, evaluated: false });
      continue;
    }
    const { word, rest } = splitWord(whole, name.length + op.length);
    const required = op === ':?' || op === '?';
    record(env, {
      name,
      operator: op as Operator,
      ...(required ? { message: word } : { default: word }),
      required,
      evaluated: false,
    });
    collectUses(word, env);
    collectUses(rest, env);
  }
}

// ---------------------------------------------------------------------------------------------
// Trees

export interface InterpolateTreeOptions {
  /** used as the origin (line 0 = unknown) when the tree carries no positions */
  file?: string;
  uses?: VariableUse[];
  warnings?: string[];
  /** prepended to every path, e.g. when interpolating a subtree */
  pathPrefix?: string;
}

type Segment = string | number;
type Container = Record<string | number, unknown>;

/** Interpolate every string value (never a mapping key) of a plain tree, in place. */
export function interpolateTree(root: unknown, lookup: Lookup, opts: InterpolateTreeOptions = {}): void {
  const seen = new WeakSet<object>();
  const fallback: Origin | undefined = opts.file === undefined ? undefined : { file: opts.file, line: 0, column: 0 };
  const visit = (node: unknown, segs: Segment[]): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    // a shared subtree (e.g. from a YAML alias) must not be interpolated twice
    seen.add(node);
    for (const key of childKeys(node)) {
      const value = (node as Container)[key];
      const here = [...segs, key];
      if (typeof value === 'string') {
        const result = interpolateString(value, lookup, {
          path: joinPath(opts.pathPrefix, here, false),
          displayPath: joinPath(opts.pathPrefix, here, true),
          origin: originOf(node, key) ?? fallback,
          uses: opts.uses,
          warnings: opts.warnings,
        });
        if (result !== value) setChild(node, key, result);
      } else {
        visit(value, here);
      }
    }
  };
  visit(root, []);
}

function childKeys(node: object): Segment[] {
  return Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
}

/** Assign without going through setters, so an own `__proto__` key stays a plain value. */
function setChild(node: object, key: Segment, value: unknown): void {
  if (Array.isArray(node)) node[key as number] = value;
  else Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

/** `services.api.ports.0`, or with `display` compose-go's `services.api.ports.[]`. */
function joinPath(prefix: string | undefined, segs: Segment[], display: boolean): string {
  const parts = segs.map((s) => (display && typeof s === 'number' ? '[]' : String(s)));
  if (prefix) parts.unshift(prefix);
  return parts.join('.');
}

// ---------------------------------------------------------------------------------------------
// Casts after interpolation (`loader/interpolate.go`)

type CastResult = { value: number | boolean; warning?: string } | { error: string };
type Caster = (value: string) => CastResult;

const toInt: Caster = (s) => castInt(s, 'Atoi');
const toInt64: Caster = (s) => castInt(s, 'ParseInt');
const toFloat: Caster = (s) => castFloat(s, 64);
const toFloat32: Caster = (s) => castFloat(s, 32);

const SERVICE_CASTS: Array<[string, Caster]> = [
  ['cpu_count', toInt64],
  ['cpu_percent', toFloat],
  ['cpu_period', toInt64],
  ['cpu_quota', toInt64],
  ['cpu_rt_period', toInt64],
  ['cpu_rt_runtime', toInt64],
  ['cpus', toFloat32],
  ['cpu_shares', toInt64],
  ['init', toBoolean],
  ['depends_on.*.required', toBoolean],
  ['depends_on.*.restart', toBoolean],
  ['deploy.replicas', toInt],
  ['deploy.update_config.parallelism', toInt],
  ['deploy.update_config.max_failure_ratio', toFloat],
  ['deploy.rollback_config.parallelism', toInt],
  ['deploy.rollback_config.max_failure_ratio', toFloat],
  ['deploy.restart_policy.max_attempts', toInt],
  ['deploy.placement.max_replicas_per_node', toInt],
  ['healthcheck.retries', toInt],
  ['healthcheck.disable', toBoolean],
  ['oom_kill_disable', toBoolean],
  ['oom_score_adj', toInt64],
  ['pids_limit', toInt64],
  ['ports.[].target', toInt],
  ['privileged', toBoolean],
  ['read_only', toBoolean],
  ['scale', toInt],
  ['stdin_open', toBoolean],
  ['tty', toBoolean],
  ['ulimits.*', toInt],
  ['ulimits.*.hard', toInt],
  ['ulimits.*.soft', toInt],
  ['volumes.[].read_only', toBoolean],
  ['volumes.[].volume.nocopy', toBoolean],
];

const RESOURCE_CASTS: Array<[string, Caster]> = [
  ['networks.*.external', toBoolean],
  ['networks.*.internal', toBoolean],
  ['networks.*.attachable', toBoolean],
  ['networks.*.enable_ipv4', toBoolean],
  ['networks.*.enable_ipv6', toBoolean],
  ['volumes.*.external', toBoolean],
  ['secrets.*.external', toBoolean],
  ['configs.*.external', toBoolean],
];

/** The paths compose-go casts, `*` matching any key or list item and `[]` any list item. */
export const CAST_PATHS: ReadonlyArray<readonly [pattern: string, caster: Caster]> = [
  ...SERVICE_CASTS.map(([p, c]): [string, Caster] => [`services.*.${p}`, c]),
  ...RESOURCE_CASTS,
];

/**
 * Cast the string values found at CAST_PATHS to int, float or bool, in place (non-string values
 * are left alone). Run it on a whole compose document, after interpolateTree.
 */
export function castInterpolated(root: unknown, opts: { warnings?: string[]; file?: string } = {}): void {
  const fallback: Origin | undefined = opts.file === undefined ? undefined : { file: opts.file, line: 0, column: 0 };
  for (const [pattern, caster] of CAST_PATHS) {
    visitPattern(root, pattern.split('.'), [], (container, key, segs) => {
      const raw = (container as Container)[key];
      if (typeof raw !== 'string') return;
      const result = caster(raw);
      if ('error' in result) {
        throw new LoadError(
          `error while interpolating ${joinPath(undefined, segs, true)}: failed to cast to expected type: ${result.error}`,
          { origin: originOf(container, key) ?? fallback, code: 'interpolation' },
        );
      }
      if (result.warning) opts.warnings?.push(result.warning);
      setChild(container, key, result.value);
    });
  }
}

function visitPattern(
  node: unknown,
  parts: string[],
  segs: Segment[],
  fn: (container: object, key: Segment, segs: Segment[]) => void,
): void {
  if (node === null || typeof node !== 'object') return;
  const [head, ...tail] = parts;
  if (head === undefined) return;
  for (const key of matchingKeys(node, head)) {
    const here = [...segs, key];
    if (tail.length === 0) fn(node, key, here);
    else visitPattern((node as Container)[key], tail, here, fn);
  }
}

function matchingKeys(node: object, part: string): Segment[] {
  if (Array.isArray(node)) return part === '*' || part === '[]' ? node.map((_, i) => i) : [];
  if (part === '*') return Object.keys(node);
  return Object.prototype.hasOwnProperty.call(node, part) ? [part] : [];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.Atoi / ParseInt(s, 10, 64) on a 64-bit machine. */
function castInt(s: string, func: 'Atoi' | 'ParseInt'): CastResult {
  if (!/^[+-]?[0-9]+$/.test(s)) return { error: numError(func, s, 'invalid syntax') };
  const n = BigInt(s);
  if (n < INT64_MIN || n > INT64_MAX) return { error: numError(func, s, 'value out of range') };
  return { value: Number(n) };
}

/** Go's strconv.ParseFloat(s, bits): decimal or hex (`0x1p-2`) literals, `_` between digits, inf, nan. */
function castFloat(s: string, bits: 32 | 64): CastResult {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return { value: s.startsWith('-') ? -Infinity : Infinity };
  if (/^nan$/i.test(s)) return { value: NaN };
  const parsed = parseFloatLiteral(s);
  if (parsed === undefined) return { error: numError('ParseFloat', s, 'invalid syntax') };
  if (!Number.isFinite(bits === 32 ? Math.fround(parsed) : parsed)) {
    return { error: numError('ParseFloat', s, 'value out of range') };
  }
  return { value: parsed };
}

/** A finite literal's value (Infinity when it overflows), or undefined when it is no literal. */
function parseFloatLiteral(s: string): number | undefined {
  if (!underscoresOk(s)) return undefined;
  const plain = s.replaceAll('_', '');
  const hex = /^([+-]?)0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)p([+-]?[0-9]+)$/i.exec(plain);
  if (hex) return hexFloat(hex[1] === '-', hex[2] ?? '', Number(hex[3]));
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?$/i.test(plain)) return undefined;
  return Number(plain);
}

function hexFloat(negative: boolean, mantissa: string, exp: number): number {
  const [whole = '', frac = ''] = mantissa.split('.');
  let value = 0;
  for (const d of whole + frac) value = value * 16 + parseInt(d, 16);
  const result = value * 2 ** (exp - 4 * frac.length);
  return negative ? -result : result;
}

/** Go's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function underscoresOk(input: string): boolean {
  let s = input.replace(/^[+-]/, '');
  let saw = '^';
  let hex = false;
  if (/^0[box]/i.test(s)) {
    hex = /^0x/i.test(s);
    saw = '0';
    s = s.slice(2);
  }
  for (const c of s) {
    if (/[0-9]/.test(c) || (hex && /[a-f]/i.test(c))) saw = '0';
    else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

function numError(func: string, s: string, reason: string): string {
  return `strconv.${func}: parsing ${goQuote(s)}: ${reason}`;
}

/** compose-go's toBoolean: YAML 1.1 words are accepted with a warning. */
function toBoolean(s: string): CastResult {
  switch (s.toLowerCase()) {
    case 'true':
      return { value: true };
    case 'false':
      return { value: false };
    case 'y':
    case 'yes':
    case 'on':
      return { value: true, warning: `${goQuote(s)} for boolean is not supported by YAML 1.2, please use \`true\`` };
    case 'n':
    case 'no':
    case 'off':
      return { value: false, warning: `${goQuote(s)} for boolean is not supported by YAML 1.2, please use \`false\`` };
    default:
      return { error: `invalid boolean: ${s}` };
  }
}

// ---------------------------------------------------------------------------------------------

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Go's strconv.Quote (used by `%q` and `%#v` in compose-go's messages). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else out += SHORT_ESCAPES[ch] ?? codeEscape(ch.codePointAt(0) ?? 0);
  }
  return `${out}"`;
}

function codeEscape(cp: number): string {
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd';
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}
