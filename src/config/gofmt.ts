/**
 * How Go writes numbers and compares strings, for the `config` printers.
 *
 * - `fmt.Sprint` of a scalar (compose-go turns numbers found in string fields into text this way:
 *   `types/mapping.go mappingValue`, `types/labels.go labelValue`, `types/options.go`);
 * - `strconv.FormatFloat(f, 'g', -1, 32|64)`, which go-yaml uses for floats;
 * - the float form of `encoding/json`;
 * - byte-wise string order (`sort.Strings`, JSON map keys) and go-yaml's "natural" map-key order.
 *
 * A JS number cannot tell a Go int from a float64 holding an integral value: integral numbers are
 * printed as ints everywhere (Go would print the float64 `1e6` as `1e+06`).
 */

import { goStringCompare } from '../load/formats/misc.js';

/** Shortest decimal digits and decimal exponent of a finite, non-zero |f|: f = 0.d1d2… × 10^(exp+1). */
interface Digits {
  digits: string;
  /** exponent of the first digit: `1.5e3` → 3 */
  exp: number;
}

function splitExponential(s: string): Digits {
  const [mant = '0', e = '0'] = s.split('e');
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

/** Shortest digits that read back to the same float64 (JS's own shortest round trip). */
function digits64(abs: number): Digits {
  return splitExponential(abs.toExponential());
}

/** Shortest digits that read back to the same float32. */
function digits32(abs: number): Digits {
  const f = Math.fround(abs);
  for (let p = 1; p <= 9; p++) {
    const s = f.toExponential(p - 1);
    if (Math.fround(Number(s)) === f) return splitExponential(s);
  }
  return splitExponential(f.toExponential(8));
}

function fmtE(d: Digits): string {
  const m = d.digits.length > 1 ? `${d.digits[0]}.${d.digits.slice(1)}` : d.digits;
  const e = Math.abs(d.exp);
  return `${m}e${d.exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : String(e)}`;
}

function fmtF(d: Digits): string {
  if (d.exp < 0) return `0.${'0'.repeat(-d.exp - 1)}${d.digits}`;
  const intLen = d.exp + 1;
  if (d.digits.length <= intLen) return d.digits + '0'.repeat(intLen - d.digits.length);
  return `${d.digits.slice(0, intLen)}.${d.digits.slice(intLen)}`;
}

/**
 * `strconv.FormatFloat(f, 'g', -1, bits)`: shortest digits, written `%e` when the exponent is
 * below -4 or at least 6 (`1e+06`, `1.5e-05`), else `%f`. Infinities and NaN come out as Go
 * spells them (`+Inf`, `-Inf`, `NaN`).
 */
export function formatFloatG(f: number, bits: 32 | 64 = 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const d = bits === 32 ? digits32(Math.abs(f)) : digits64(Math.abs(f));
  const sign = f < 0 ? '-' : '';
  return sign + (d.exp < -4 || d.exp >= 6 ? fmtE(d) : fmtF(d));
}

/** go-yaml's float scalar: FormatFloat 'g', with `.inf`, `-.inf`, `.nan`. */
export function yamlFloat(f: number, bits: 32 | 64): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  return formatFloatG(f, bits);
}

/**
 * encoding/json's float: `%f` with the shortest digits, or `%e` (exponent without a leading zero,
 * `1e-7`) below 1e-6 or from 1e21 on.
 */
export function jsonFloat(f: number, bits: 32 | 64): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloatG(f, bits)}`);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const abs = Math.abs(f);
  const a = bits === 32 ? Math.fround(abs) : abs;
  const d = bits === 32 ? digits32(abs) : digits64(abs);
  const sign = f < 0 ? '-' : '';
  if (a < 1e-6 || a >= 1e21) {
    const s = fmtE(d);
    return sign + s.replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  return sign + fmtF(d);
}

/**
 * Whether a JS number from the YAML layer stands for a Go int: an integral value within 2^53.
 * Larger integral values are taken for float64s (`1e21`), which is what YAML files hold there.
 */
export function isGoInt(v: number): boolean {
  return Number.isSafeInteger(v);
}

/** A Go integer's decimal text (`strconv.FormatInt`). */
export function formatInt(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isSafeInteger(n)) return Object.is(n, -0) ? '0' : String(n);
  return BigInt(Math.trunc(n)).toString();
}

/**
 * `fmt.Sprint(v)` for a scalar as Go holds it after YAML decoding: strings as they are,
 * `true`/`false`, `<nil>`, integral numbers as ints, other numbers as float64 (`%v` = `%g`).
 */
export function goSprint(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return isGoInt(v) ? formatInt(v) : formatFloatG(v, 64);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.keys(v as object)
      .sort(compareBytes)
      .map((k) => `${k}:${goSprint((v as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(v);
}

/** Go's string order (`sort.Strings`, `strings.Compare`): by UTF-8 bytes, i.e. by code points. */
export const compareBytes = goStringCompare;

/** go-yaml v4's order of string map keys (`keyList.Less`). */
export { goNaturalLess as naturalLess, goNaturalCompare as compareNatural } from '../load/formats/order.js';
