/**
 * Rendering JS values as YAML text for insertion into an existing file: scalars (plain when that
 * reads back as the same string under YAML 1.2, YAML 1.1 and go-yaml, quoted otherwise), flow
 * collections, and block collections at a given column.
 */
import { resolvePlain } from '../load/yaml.js';

/** A reference to an anchor (`*name`), as a value to write. */
export class AliasRef {
  constructor(readonly name: string) {}
}

export interface RenderStyle {
  eol: string;
  /** spaces per nesting level of block mappings */
  indentUnit: number;
  /** block sequences under a key are indented (`key:\n  - a`) rather than level with it (`key:\n- a`) */
  seqIndent: boolean;
  /** the quote used when a string must be quoted */
  quote: '"' | "'";
}

/** How a string is quoted: `plain` when it can be, else the style's quote; or always a given quote. */
export interface QuoteHint {
  quote?: '"' | "'";
  /** quote even when plain would do (the user quotes everything around here) */
  always?: boolean;
}

export const DEFAULT_STYLE: RenderStyle = { eol: '\n', indentUnit: 2, seqIndent: true, quote: '"' };

// YAML 1.1 booleans and null words: plain they are not strings to older tools (PyYAML, go-yaml v2)
const YAML11_WORDS = /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|<<|=)$/;
// YAML 1.1 numbers (as PyYAML resolves them: underscores, sexagesimal 1:30) and timestamps
const YAML11_NUMBERISH = new RegExp(
  [
    '[-+]?0b[0-1_]+',
    '[-+]?0[0-7_]+',
    '[-+]?(?:0|[1-9][0-9_]*)',
    '[-+]?0x[0-9a-fA-F_]+',
    '[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+',
    '[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?',
    '[-+]?\\.[0-9_]+(?:[eE][-+]?[0-9]+)?',
    '[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*',
    '[-+]?\\.(?:inf|Inf|INF)',
    '\\.(?:nan|NaN|NAN)',
    '\\d{4}-\\d\\d?-\\d\\d?(?:[Tt ].*)?',
  ]
    .map((r) => `(?:${r})`)
    .join('|')
    .replace(/^/, '^(?:')
    .concat(')$'),
);
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NON_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

/** Can `s` be written as a plain scalar (in block context, or inside a flow collection) and read back as the same string? */
export function isPlainSafe(s: string, flow = false): boolean {
  if (s === '' || s.trim() !== s) return false;
  if (/[\n\r\t]/.test(s) || NON_PRINTABLE.test(s)) return false;
  const c = s[0]!;
  if ('[]{},#&*!|>\'"%@`'.includes(c)) return false;
  if ((c === '-' || c === '?' || c === ':') && (s.length === 1 || s[1] === ' ' || c !== '-')) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  if (flow && /[,[\]{}]/.test(s)) return false;
  if (flow && s.includes(':')) return false;
  if (s === '---' || s === '...' || s.startsWith('--- ') || s.startsWith('... ')) return false;
  if (YAML11_WORDS.test(s) || YAML11_NUMBERISH.test(s)) return false;
  return resolvePlain(s) === s;
}

function escapeDouble(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function quoteString(s: string, quote: '"' | "'"): string {
  if (quote === "'" && !/[\n\r\t]/.test(s) && !NON_PRINTABLE.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return escapeDouble(s);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof AliasRef);
}

/** A non-empty mapping or sequence (written as a block in block context). */
export function isNonEmptyCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return isRecord(v) && Object.keys(v).length > 0;
}

/** A value written on one line: a scalar, an alias, an empty collection, or (with `flow`) any collection in flow style. */
export function renderInline(v: unknown, style: RenderStyle, flow = false, hint: QuoteHint = {}): string {
  if (v instanceof AliasRef) return `*${v.name}`;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (v === Infinity) return '.inf';
    if (v === -Infinity) return '-.inf';
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') {
    if (hint.quote && (hint.always || !isPlainSafe(v, flow))) return quoteString(v, hint.quote);
    if (hint.always) return quoteString(v, style.quote);
    return isPlainSafe(v, flow) ? v : quoteString(v, hint.quote ?? style.quote);
  }
  if (Array.isArray(v)) return `[${v.map((x) => renderInline(x, style, true, hint)).join(', ')}]`;
  if (isRecord(v)) {
    const entries = Object.keys(v).map((k) => `${renderKey(k, true)}: ${renderInline(v[k], style, true, hint)}`);
    return `{${entries.join(', ')}}`;
  }
  return renderInline(String(v), style, flow, hint);
}

/** A mapping key: plain when safe, else double-quoted. `<<` is quoted (it is only a merge key when we mean one). */
export function renderKey(k: string, flow = false): string {
  if (k !== '<<' && isPlainSafe(k, flow)) return k;
  // keys may look like numbers or booleans in data (ports, "80"): quote them so they stay strings
  return quoteString(k, '"');
}

function pad(n: number): string {
  return ' '.repeat(n);
}

/**
 * Lines of one mapping entry `key: value` starting at column `col` (the first line carries the
 * indentation). `comment` goes after the value (or after the colon for a block value).
 */
export function renderEntryLines(key: string, value: unknown, col: number, style: RenderStyle, opts: { rawKey?: boolean; comment?: string; hint?: QuoteHint } = {}): string[] {
  const k = opts.rawKey ? key : renderKey(key);
  const c = opts.comment ? ` # ${opts.comment}` : '';
  if (isNonEmptyCollection(value)) {
    return [`${pad(col)}${k}:${c}`, ...renderBlockLines(value, col, style, opts.hint)];
  }
  return [`${pad(col)}${k}: ${renderInline(value, style, false, opts.hint)}${c}`];
}

/** The lines of a non-empty collection written as a block value of a key at column `keyCol`. */
export function renderBlockLines(value: unknown, keyCol: number, style: RenderStyle, hint?: QuoteHint): string[] {
  if (Array.isArray(value)) return renderSeqLines(value, keyCol + (style.seqIndent ? style.indentUnit : 0), style, hint);
  return renderMapLines(value as Record<string, unknown>, keyCol + style.indentUnit, style, hint);
}

/** A block mapping whose keys start at column `col`. */
export function renderMapLines(value: Record<string, unknown>, col: number, style: RenderStyle, hint?: QuoteHint): string[] {
  return Object.keys(value).flatMap((k) => renderEntryLines(k, value[k], col, style, hint ? { hint } : {}));
}

/** A block sequence whose dashes stand at column `col`. */
export function renderSeqLines(value: unknown[], col: number, style: RenderStyle, hint?: QuoteHint): string[] {
  return value.flatMap((item) => {
    if (isRecord(item) && Object.keys(item).length > 0) {
      const lines = renderMapLines(item, col + 2, style, hint);
      return [`${pad(col)}- ${lines[0]!.trimStart()}`, ...lines.slice(1)];
    }
    // a sequence inside a sequence is written in flow style
    return [`${pad(col)}- ${renderInline(item, style, Array.isArray(item), hint)}`];
  });
}
