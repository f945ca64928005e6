/**
 * Byte sizes (`mem_limit`, `mem_reservation`, `memswap_limit`, `shm_size`, deploy `memory`,
 * `tmpfs.size`, blkio rates, …).
 *
 * compose-go `types/bytes.go UnitBytes`: an int as is; a string first as a plain int64
 * (`"-1"`), else through docker/go-units v0.5.0 `RAMInBytes` (binary units). `config` prints the
 * value as a decimal string (`"536870912"`).
 *
 * Values are JS numbers: exact up to 2^53 bytes (8 PiB); larger ones are rounded.
 */
import { LoadError } from '../errors.js';

const BINARY: Readonly<Record<string, number>> = {
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

const INT64_MIN = -(2 ** 63);

function fail(message: string): never {
  throw new LoadError(message, { code: 'format' });
}

/** Go's strconv.Quote for the ASCII-ish inputs met here. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** Go's underscoreOK: each `_` sits between two digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes((s[1] ?? '').toLowerCase())) {
    i = 2;
    saw = '0';
    hex = (s[1] ?? '').toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/**
 * Go's strconv.ParseFloat(s, 64) for the inputs RAMInBytes hands it: decimal (`1`, `1.5`, `.5`,
 * `5.`, `1e3`, `1_000`) and hexadecimal with a `p` exponent (`0x1p4`). Throws Go's messages.
 */
export function goParseFloat(s: string): number {
  const syntax = (): never => fail(`strconv.ParseFloat: parsing ${quote(s)}: invalid syntax`);
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  let value: number;
  const dec = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;
  const hex = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/;
  if (dec.test(s) && /[0-9]/.test(s.replace(/[eE].*$/, ''))) {
    if (s.includes('_') && !underscoreOK(s)) syntax();
    value = Number(s.replace(/_/g, ''));
  } else {
    const m = hex.exec(s);
    if (!m) syntax();
    const [, sign = '', intPart = '', fracPart = '', expPart = '0'] = m as RegExpExecArray;
    if (intPart.replace(/_/g, '') === '' && fracPart.replace(/_/g, '') === '') syntax();
    if (s.includes('_') && !underscoreOK(s)) syntax();
    const digits = (intPart + fracPart).replace(/_/g, '') || '0';
    const mant = Number(BigInt(`0x${digits}`));
    const exp = Number(expPart.replace(/_/g, '')) - 4 * fracPart.replace(/_/g, '').length;
    value = mant * 2 ** exp;
    if (sign === '-') value = -value;
  }
  if (!Number.isFinite(value)) fail(`strconv.ParseFloat: parsing ${quote(s)}: value out of range`);
  return value;
}

/** Go's int64(f) on amd64: truncation, and the "integer indefinite" value when out of range. */
function toInt64(f: number): number {
  if (Number.isNaN(f) || f >= 2 ** 63 || f < INT64_MIN) return INT64_MIN;
  const t = Math.trunc(f);
  return t === 0 ? 0 : t;
}

/**
 * docker/go-units `RAMInBytes`: a number (decimal, may be fractional), an optional space, and
 * an optional unit `b`, `k`, `m`, `g`, `t`, `p` (case-insensitive; binary multiples, 1k = 1024)
 * followed by an optional `b` or `ib` (`32`, `32b`, `32K`, `32kb`, `32KiB`, `1.5g`, `0.3 K`).
 * The result is truncated to an integer. Errors: `invalid size: '<s>'` (no digit, or negative),
 * `invalid suffix: '<sfx>'`, or ParseFloat's own message.
 */
export function ramInBytes(sizeStr: string): number {
  let sep = -1;
  for (let i = sizeStr.length - 1; i >= 0; i--) {
    if ('0123456789. '.includes(sizeStr[i] as string)) {
      sep = i;
      break;
    }
  }
  if (sep === -1) fail(`invalid size: '${sizeStr}'`);
  const num = sizeStr[sep] === ' ' ? sizeStr.slice(0, sep) : sizeStr.slice(0, sep + 1);
  let sfx = sizeStr.slice(sep + 1);
  let size = goParseFloat(num);
  if (size < 0) fail(`invalid size: '${sizeStr}'`);
  if (sfx.length === 0) return toInt64(size);
  const badSuffix = (): never => fail(`invalid suffix: '${sfx}'`);
  if (Buffer.byteLength(sfx, 'utf8') > 3) badSuffix();
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') {
    if (sfx.length > 1) badSuffix();
    return toInt64(size);
  }
  const mul = BINARY[sfx[0] as string];
  if (mul === undefined) badSuffix();
  size *= mul as number;
  if (sfx.length === 2 && sfx[1] !== 'b') badSuffix();
  if (sfx.length === 3 && sfx.slice(1) !== 'ib') badSuffix();
  return toInt64(size);
}

/**
 * A byte size as compose-go binds it (`UnitBytes`): an integer number as is; a string that is a
 * plain int64 (`"655360"`, `"-1"`) as that integer, otherwise through ramInBytes (`"512m"` →
 * 536870912). A non-integer number gives 0: Go's decoder ignores floats for this type, and a
 * zero size is then left out of the output.
 */
export function parseBytes(v: string | number): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : 0;
  if (typeof v !== 'string') fail(`unexpected value type for byte size`);
  if (/^[+-]?\d+$/.test(v)) {
    const n = BigInt(v);
    if (n >= -(1n << 63n) && n < 1n << 63n) return Number(n);
  }
  return ramInBytes(v);
}

/** The printed form of a byte size: its decimal digits, as a string (`%d`). */
export function formatBytes(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}
