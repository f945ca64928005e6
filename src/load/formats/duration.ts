/**
 * Durations (`healthcheck.interval/timeout/start_period/start_interval`, `stop_grace_period`,
 * deploy `delay`/`monitor`/`window`).
 *
 * compose-go `types/duration.go` parses `fmt.Sprint(value)` with xhit/go-str2duration v2
 * `ParseDuration` (Go's time.ParseDuration plus the units `d` = 24h and `w` = 7d) and prints
 * with Go's `time.Duration.String()`.
 *
 * Nanoseconds are held as **bigint**: a Go Duration is an int64 and values beyond 2^53 ns
 * (about 104 days) would not be exact as a JS number. formatGoDuration also accepts a number.
 */
import { LoadError } from '../errors.js';
import { goSprint } from './misc.js';

const MAX_INT64 = (1n << 63n) - 1n;

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
  ['d', 86_400_000_000_000n],
  ['w', 604_800_000_000_000n],
]);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Parse a duration: a possibly signed sequence of decimal numbers, each with an optional
 * fraction and a unit (`ns us µs μs ms s m h d w`, case-sensitive), e.g. `1m30s`, `1.5h`,
 * `-2d`, `.5s`. The bare string `0` (or `+0`/`-0`) is zero; any other number without a unit is
 * an error. A JS number is printed first as Go's fmt.Sprint would (`10` → `"10"` → error
 * `time: missing unit in duration "10"`), since compose-go does the same.
 *
 * Errors (LoadError, code `format`): `time: invalid duration "<s>"`,
 * `time: missing unit in duration "<s>"`, `time: unknown unit "<u>" in duration "<s>"`.
 * Overflow of int64 is `time: invalid duration`.
 */
export function parseDuration(input: string | number): bigint {
  const orig = typeof input === 'string' ? input : goSprint(input);
  const invalid = (): never => {
    throw new LoadError(`time: invalid duration "${orig}"`, { code: 'format' });
  };
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') invalid();

  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) invalid();
    // integer part
    let i = 0;
    let v = 0n;
    while (i < s.length && isDigit(s[i])) {
      if (v > MAX_INT64 / 10n) invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > MAX_INT64) invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    // fraction
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && isDigit(s[j])) {
        if (!overflow) {
          if (f > MAX_INT64 / 10n) {
            overflow = true;
          } else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
            if (y > MAX_INT64) overflow = true;
            else {
              f = y;
              scale *= 10;
            }
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) invalid();
    // unit
    let k = 0;
    while (k < s.length && !(s[k] === '.' || isDigit(s[k]))) k++;
    if (k === 0) throw new LoadError(`time: missing unit in duration "${orig}"`, { code: 'format' });
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS.get(u);
    if (unit === undefined) throw new LoadError(`time: unknown unit "${u}" in duration "${orig}"`, { code: 'format' });
    if (v > MAX_INT64 / unit) invalid();
    v *= unit;
    if (f > 0n) {
      // float64 arithmetic, as Go does, to be nanosecond-accurate for fractions of hours
      const add = Math.trunc(Number(f) * (Number(unit) / scale));
      if (add >= 2 ** 63) invalid();
      v += BigInt(add);
      if (v > MAX_INT64) invalid();
    }
    d += v;
    if (d > MAX_INT64) invalid();
  }
  return neg ? -d : d;
}

/** `v` as a decimal fraction of 10^prec without trailing zeros (`.5`, or `""`), and v / 10^prec. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) digits = digit.toString() + digits;
    v /= 10n;
  }
  return [print ? `.${digits}` : '', v];
}

/**
 * Go's `time.Duration.String()`: `0s`, `1ns`, `1.5µs`, `500ms`, `1.5s`, `1m0s`, `1m30s`,
 * `2h0m0s`, `24h0m0s`, `-1m30s`. Below one second the largest fitting unit of ns/µs/ms is used
 * with a fraction; from one second on the form is `[h][m]s` with a fractional second.
 */
export function formatGoDuration(ns: bigint | number): string {
  let d = typeof ns === 'bigint' ? ns : BigInt(Math.trunc(ns));
  const neg = d < 0n;
  if (neg) d = -d;
  const sign = neg ? '-' : '';
  if (d < 1_000_000_000n) {
    if (d === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (d < 1_000n) {
      prec = 0;
      unit = 'ns';
    } else if (d < 1_000_000n) {
      prec = 3;
      unit = '\u00b5s';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, whole] = fmtFrac(d, prec);
    return `${sign}${whole}${frac}${unit}`;
  }
  const [frac, secs] = fmtFrac(d, 9);
  let out = `${secs % 60n}${frac}s`;
  let u = secs / 60n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return sign + out;
}

/** parseDuration then formatGoDuration: the form `config` prints (`90s` → `1m30s`). */
export function normalizeDuration(input: string | number): string {
  return formatGoDuration(parseDuration(input));
}
