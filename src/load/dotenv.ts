/**
 * `.env` files as compose-go reads them (`dotenv/parser.go`, `dotenv/godotenv.go`, `dotenv/env.go`),
 * quirks included: a line counter that drifts where compose-go's does, a value after a closing quote
 * that starts a new statement, and a bare word at the end of the file stored under the key "".
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { LoadError } from './errors.js';
import { goQuote, InvalidTemplateError, MissingRequiredError, substitute } from './interpolate.js';
import type { Origin } from './origin.js';
import type { Lookup, VariableUse } from './types.js';

export interface DotenvResult {
  values: Map<string, string>;
  /** where each key is written */
  origins: Map<string, Origin>;
}

export interface ParseDotenvOptions {
  /** the file name put in origins */
  file: string;
  /** the shell environment: wins over keys of the file when interpolating and fills bare `KEY` lines */
  lookup: Lookup;
  /** receives one use per variable in a value (path = the key) */
  uses?: VariableUse[];
  /** receives compose's "variable is not set" warnings */
  warnings?: string[];
}

/** Parse one env file's text. Throws LoadError (`line N: …`, or an interpolation error). */
export function parseDotenv(text: string, opts: ParseDotenvOptions): DotenvResult {
  const out: DotenvResult = { values: new Map(), origins: new Map() };
  parseInto(text, opts, out);
  return out;
}

export interface ReadEnvFilesOptions {
  uses?: VariableUse[];
  warnings?: string[];
  /** relative paths are resolved from here (default: process.cwd()) */
  cwd?: string;
}

/**
 * Read several env files as `--env-file` does: a later file wins, and each file sees the lookup
 * (the shell) first, then every key set so far by earlier files and earlier lines.
 */
export function readEnvFiles(paths: string[], lookup: Lookup, opts: ReadEnvFilesOptions = {}): DotenvResult {
  const out: DotenvResult = { values: new Map(), origins: new Map() };
  for (const p of paths) {
    const file = resolvePath(opts.cwd ?? process.cwd(), p);
    const text = readEnvText(file);
    try {
      parseInto(text, { file, lookup, uses: opts.uses, warnings: opts.warnings }, out);
    } catch (err) {
      if (!(err instanceof LoadError)) throw err;
      throw new LoadError(`failed to read ${file}: ${err.message}`, { origin: err.origin, code: 'dotenv', cause: err });
    }
  }
  return out;
}

function readEnvText(file: string): string {
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new LoadError(`${file} is a directory`, { code: 'dotenv' });
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof LoadError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LoadError(`couldn't find env file: ${file}`, { code: 'dotenv', cause: err });
    }
    throw new LoadError(`failed to read ${file}: ${(err as Error).message}`, { code: 'dotenv', cause: err });
  }
  const origin = { file, line: 1, column: 1 };
  if (bytes.includes(0)) {
    throw new LoadError(`failed to read ${file}: binary file (it contains a NUL byte)`, { origin, code: 'dotenv' });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new LoadError(`failed to read ${file}: not valid UTF-8 text`, { origin, code: 'dotenv', cause: err });
  }
}

// ---------------------------------------------------------------------------------------------

/** unicode.IsSpace */
const UNICODE_SPACE = /^[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;
/** the parser's own isSpace: blanks that are not a line break */
const BLANK = /^[\t\v\f\r \x85\xa0]$/u;
const KEY_CHAR = /^[\p{L}\p{N}_.\-[\]]$/u;
/** Go's `^export\s+`, where `\s` is ASCII `[\t\n\f\r ]` */
const EXPORT = /^export[\t\n\f\r ]+/;
const ESCAPES = /\\(?:[abcfnrtv$"\\]|0[0-9]{0,3})/g;
const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

interface Scanner {
  src: string;
  pos: number;
  /** compose-go's line counter, reproduced for its messages (positions use `at`) */
  line: number;
  lineStarts: number[];
}

function parseInto(text: string, opts: ParseDotenvOptions, out: DotenvResult): void {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const sc: Scanner = { src, pos: 0, line: 1, lineStarts: lineStarts(src) };
  const origin = (offset: number): Origin => at(sc, offset, opts.file);
  const lookup: Lookup = (name) => opts.lookup(name) ?? out.values.get(name);
  while (skipToStatement(sc)) {
    const { key, inherited, keyOffset } = readKey(sc, origin);
    if (key.includes(' ')) throw new LoadError(`line ${sc.line}: key cannot contain a space`, { origin: origin(keyOffset), code: 'dotenv' });
    let value: string | undefined;
    if (inherited) {
      value = lookup(key);
    } else {
      const valueOffset = sc.pos;
      const expand = (raw: string): string => expandValue(raw, key, lookup, opts, origin(valueOffset));
      value = readValue(sc, expand, origin);
    }
    if (value === undefined) continue;
    out.values.set(key, value);
    out.origins.set(key, origin(keyOffset));
  }
}

/** Skip blank space and comment lines; false at the end of the text. */
function skipToStatement(sc: Scanner): boolean {
  for (;;) {
    while (sc.pos < sc.src.length) {
      const ch = charAt(sc.src, sc.pos);
      if (ch === '\n') sc.line++;
      if (!UNICODE_SPACE.test(ch)) break;
      sc.pos += ch.length;
    }
    if (sc.pos >= sc.src.length) return false;
    if (sc.src[sc.pos] !== '#') return true;
    const eol = sc.src.indexOf('\n', sc.pos);
    if (eol === -1) return false;
    sc.pos = eol;
  }
}

function readKey(sc: Scanner, origin: (offset: number) => Origin): { key: string; inherited: boolean; keyOffset: number } {
  const exported = EXPORT.exec(sc.src.slice(sc.pos, sc.pos + 64));
  if (exported) sc.pos = skipBlanks(sc.src, sc.pos + 'export'.length);
  if (sc.pos >= sc.src.length) throw new LoadError('zero length string', { origin: origin(sc.pos), code: 'dotenv' });
  const start = sc.pos;
  let key = '';
  let next = start;
  let inherited = false;
  for (let i = start; i < sc.src.length; ) {
    const ch = charAt(sc.src, i);
    if (ch === '=' || ch === ':' || ch === '\n') {
      key = sc.src.slice(start, i);
      next = i + 1;
      inherited = ch === '\n';
      break;
    }
    if (!BLANK.test(ch) && !KEY_CHAR.test(ch)) {
      const firstLine = sc.src.slice(start).split('\n', 1)[0] ?? '';
      throw new LoadError(`line ${sc.line}: unexpected character ${goQuote(ch)} in variable name ${goQuote(firstLine)}`, {
        origin: origin(i),
        code: 'dotenv',
      });
    }
    i += ch.length;
  }
  // compose-go counts the consumed line break only when the raw key has no space
  if (inherited && !key.includes(' ')) sc.line++;
  sc.pos = skipBlanks(sc.src, next);
  return { key: trimEndUnicodeSpace(key), inherited, keyOffset: start };
}

function readValue(sc: Scanner, expand: (raw: string) => string, origin: (offset: number) => Origin): string {
  const quote = sc.src[sc.pos];
  if (quote !== '"' && quote !== "'") {
    const eol = sc.src.indexOf('\n', sc.pos);
    const end = eol === -1 ? sc.src.length : eol;
    const raw = sc.src.slice(sc.pos, end);
    sc.pos = eol === -1 ? end : eol + 1;
    sc.line++;
    const comment = raw.indexOf(' #');
    return expand(trimEndUnicodeSpace(comment === -1 ? raw : raw.slice(0, comment)));
  }
  let chars = '';
  let escaping = false;
  for (let i = sc.pos + 1; i < sc.src.length; i++) {
    const c = sc.src[i] as string;
    if (c === '\n') sc.line++;
    if (c === quote) {
      if (escaping) {
        escaping = false;
        chars += c;
        continue;
      }
      sc.pos = i + 1;
      return quote === '"' ? expand(expandEscapes(chars)) : chars;
    }
    if (c === '\\' && !escaping) {
      escaping = true;
      continue;
    }
    if (escaping) chars += '\\';
    escaping = false;
    chars += c;
  }
  const eol = sc.src.indexOf('\n', sc.pos);
  const shown = sc.src.slice(sc.pos, eol === -1 ? undefined : eol);
  throw new LoadError(`line ${sc.line}: unterminated quoted value ${shown}`, { origin: origin(sc.pos), code: 'dotenv' });
}

/** Shell escapes of double-quoted values; `\$` becomes `$$` so interpolation leaves a `$`. */
function expandEscapes(value: string): string {
  return value.replace(ESCAPES, (match) => {
    const c = match.slice(1);
    if (c === '$') return '$$';
    if (c.startsWith('0')) return octalEscape(match);
    return SIMPLE_ESCAPES[c] ?? match;
  });
}

/** `\0NNN` is Go's `\NNN`: exactly three octal digits up to 0377, else the text is kept. */
function octalEscape(match: string): string {
  const digits = match.slice(2);
  if (!/^[0-7]{3}$/.test(digits)) return match;
  const code = parseInt(digits, 8);
  return code > 0o377 ? match : String.fromCharCode(code);
}

function expandValue(raw: string, key: string, lookup: Lookup, opts: ParseDotenvOptions, origin: Origin): string {
  try {
    return substitute(raw, lookup, { path: key, origin, uses: opts.uses, warnings: opts.warnings });
  } catch (err) {
    if (err instanceof InvalidTemplateError || err instanceof MissingRequiredError) {
      throw new LoadError(err.message, { origin, code: 'dotenv', cause: err });
    }
    throw err;
  }
}

function charAt(s: string, i: number): string {
  return String.fromCodePoint(s.codePointAt(i) ?? 0);
}

function skipBlanks(s: string, from: number): number {
  let i = from;
  while (i < s.length && BLANK.test(charAt(s, i))) i += charAt(s, i).length;
  return i;
}

function trimEndUnicodeSpace(s: string): string {
  let end = s.length;
  while (end > 0 && UNICODE_SPACE.test(s[end - 1] as string)) end--;
  return s.slice(0, end);
}

function lineStarts(src: string): number[] {
  const starts = [0];
  for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The true 1-based position of `offset` (compose-go's counter can drift, positions do not). */
function at(sc: Scanner, offset: number, file: string): Origin {
  let lo = 0;
  let hi = sc.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((sc.lineStarts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: offset - (sc.lineStarts[lo] as number) + 1 };
}
