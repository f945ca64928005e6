import { describe, expect, it } from 'vitest';
import { LoadError } from '../../../src/load/errors.js';
import { formatGoDuration, normalizeDuration, parseDuration } from '../../../src/load/formats/duration.js';

const NS = 1n;
const US = 1_000n;
const MS = 1_000_000n;
const S = 1_000_000_000n;
const M = 60n * S;
const H = 60n * M;

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseDuration', () => {
  // xhit/go-str2duration v2.1.0 str2duration_test.go TestParseString
  it.each<[string, bigint]>([
    ['1h', H],
    ['1m', M],
    ['1s', S],
    ['1ms', MS],
    ['1µs', US],
    ['1us', US],
    ['1ns', NS],
    ['4.000000001s', 4n * S + NS],
    ['1h0m4.000000001s', H + 4n * S + NS],
    ['1h1m0.01s', 61n * M + 10n * MS],
    ['1h1m0.123456789s', 61n * M + 123456789n],
    ['1.00002ms', MS + 20n],
    ['1.00000002s', S + 20n],
    ['693ns', 693n],
    ['10s1us693ns', 10n * S + US + 693n],
    ['1ms1ns', MS + NS],
    ['1s20ns', S + 20n],
    ['60h8ms', 60n * H + 8n * MS],
    ['96h63s', 96n * H + 63n * S],
    ['2d3s96ns', 48n * H + 3n * S + 96n],
    ['1w2d3s96ns', 168n * H + 48n * H + 3n * S + 96n],
    ['1w2d3s3µs96ns', 168n * H + 48n * H + 3n * S + 3n * US + 96n],
  ])('TestParseString %s', (input, want) => {
    expect(parseDuration(input)).toBe(want);
  });

  // Go time/time_test.go parseDurationTests (the subset str2duration shares) and compose durations
  it.each<[string, bigint]>([
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['5s', 5n * S],
    ['30s', 30n * S],
    ['1478s', 1478n * S],
    ['-5s', -5n * S],
    ['+5s', 5n * S],
    ['-0s', 0n],
    ['5.0s', 5n * S],
    ['5.6s', 5n * S + 600n * MS],
    ['5.s', 5n * S],
    ['.5s', 500n * MS],
    ['1.0s', S],
    ['1.00s', S],
    ['1.004s', S + 4n * MS],
    ['100.00100s', 100n * S + MS],
    ['3h30m', 3n * H + 30n * M],
    ['10.5s4m', 4n * M + 10n * S + 500n * MS],
    ['-2m3.4s', -(2n * M + 3n * S + 400n * MS)],
    ['1h2m3s4ms5us6ns', H + 2n * M + 3n * S + 4n * MS + 5n * US + 6n],
    ['39h9m14.425s', 39n * H + 9n * M + 14n * S + 425n * MS],
    ['52763797000ns', 52763797000n],
    ['0.3333333333333333333h', 20n * M],
    ['9007199254740993ns', (1n << 53n) + 1n],
    ['9223372036854775807ns', (1n << 63n) - 1n],
    ['9223372036854775.807us', (1n << 63n) - 1n],
    ['9223372036s854ms775us807ns', (1n << 63n) - 1n],
    ['0.100000000000000000000h', 6n * M],
    ['0.830103483285477580700h', 49n * M + 48n * S + 372539827n],
    ['1μs', US],
    ['1d', 24n * H],
    ['1w', 168n * H],
    ['1.5h', 90n * M],
  ])('%s', (input, want) => {
    expect(parseDuration(input)).toBe(want);
  });

  it.each([
    ['', 'time: invalid duration ""'],
    ['3', 'time: missing unit in duration "3"'],
    ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'],
    ['.', 'time: invalid duration "."'],
    ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'],
    ['+.s', 'time: invalid duration "+.s"'],
    ['1d2', 'time: missing unit in duration "1d2"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['9223372036854775.808us', 'time: invalid duration "9223372036854775.808us"'],
    ['1x', 'time: unknown unit "x" in duration "1x"'],
    ['1S', 'time: unknown unit "S" in duration "1S"'],
    ['1 s', 'time: unknown unit " s" in duration "1 s"'],
    ['1y', 'time: unknown unit "y" in duration "1y"'],
  ])('error %j', (input, message) => {
    expect(errorOf(() => parseDuration(input))).toBe(message);
  });

  // compose-go types/duration.go parses fmt.Sprint(value): a bare YAML number has no unit
  it('numbers are printed first, as compose-go does', () => {
    expect(parseDuration(0)).toBe(0n);
    expect(errorOf(() => parseDuration(10))).toBe('time: missing unit in duration "10"');
    expect(errorOf(() => parseDuration(1.5))).toBe('time: missing unit in duration "1.5"');
  });
});

describe('formatGoDuration (Go time.Duration.String)', () => {
  // Go time/time_test.go durationTests
  it.each<[bigint, string]>([
    [0n, '0s'],
    [1n, '1ns'],
    [1100n, '1.1µs'],
    [2200n * US, '2.2ms'],
    [3300n * MS, '3.3s'],
    [4n * M + 5n * S, '4m5s'],
    [4n * M + 5001n * MS, '4m5.001s'],
    [5n * H + 6n * M + 7001n * MS, '5h6m7.001s'],
    [8n * M + 1n, '8m0.000000001s'],
    [(1n << 63n) - 1n, '2562047h47m16.854775807s'],
    [-(1n << 63n), '-2562047h47m16.854775808s'],
  ])('durationTests %s', (ns, want) => {
    expect(formatGoDuration(ns)).toBe(want);
  });

  // reference §8.1 examples
  it.each<[bigint | number, string]>([
    [90n * S, '1m30s'],
    [M, '1m0s'],
    [2n * H, '2h0m0s'],
    [24n * H, '24h0m0s'],
    [500n * MS, '500ms'],
    [1500n * MS, '1.5s'],
    [US, '1µs'],
    [999n, '999ns'],
    [1_500_000, '1.5ms'],
    [-90n * S, '-1m30s'],
    [61n * M, '1h1m0s'],
  ])('%s → %s', (ns, want) => {
    expect(formatGoDuration(ns)).toBe(want);
  });
});

describe('round trips', () => {
  // the printed form of a duration must parse back to the same value (TestParseDuration in go-str2duration)
  it.each([
    '1h1m1s1ms1us1ns',
    '1m1s1ms1us1ns',
    '1s1ms1us1ns',
    '1ms1us1ns',
    '1us1ns',
    '1ns',
    '1h1m1s1ms1us',
    '1s1ms',
    '1h1m',
    '61m',
    '61s',
    '1us16ns',
    '1001001us',
    '1001ns',
  ])('%s', (input) => {
    const d = parseDuration(input);
    expect(parseDuration(formatGoDuration(d))).toBe(d);
  });

  it.each([
    ['90s', '1m30s'],
    ['1m', '1m0s'],
    ['2h', '2h0m0s'],
    ['1d', '24h0m0s'],
    ['1w', '168h0m0s'],
    ['500ms', '500ms'],
    ['0s', '0s'],
    ['1.5s', '1.5s'],
    ['1500ms', '1.5s'],
    ['3600s', '1h0m0s'],
    ['10m30s', '10m30s'],
    ['1h90m', '2h30m0s'],
  ])('normalizeDuration(%s) = %s', (input, want) => {
    expect(normalizeDuration(input)).toBe(want);
  });
});
