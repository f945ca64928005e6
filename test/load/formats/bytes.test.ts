import { describe, expect, it } from 'vitest';
import { LoadError } from '../../../src/load/errors.js';
import { formatBytes, goParseFloat, parseBytes, ramInBytes } from '../../../src/load/formats/bytes.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;
const PiB = 1024 * TiB;

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('ramInBytes (docker/go-units v0.5.0)', () => {
  // go-units size_test.go TestRAMInBytes
  it.each<[string, number]>([
    ['32', 32],
    ['32b', 32],
    ['32B', 32],
    ['32k', 32 * KiB],
    ['32K', 32 * KiB],
    ['32kb', 32 * KiB],
    ['32Kb', 32 * KiB],
    ['32Kib', 32 * KiB],
    ['32KIB', 32 * KiB],
    ['32Mb', 32 * MiB],
    ['32Gb', 32 * GiB],
    ['32Tb', 32 * TiB],
    ['32Pb', 32 * PiB],
    ['32PB', 32 * PiB],
    ['32P', 32 * PiB],
    ['32.3', 32],
    ['32.3 mb', Math.trunc(32.3 * MiB)],
    ['0.3MB', Math.trunc(0.3 * MiB)],
  ])('TestRAMInBytes %j', (input, want) => {
    expect(ramInBytes(input)).toBe(want);
  });

  // go-units size_test.go TestRAMInBytes error cases, with the messages go-units gives
  it.each([
    ['', "invalid size: ''"],
    ['hello', "invalid size: 'hello'"],
    ['-32', "invalid size: '-32'"],
    [' 32 ', 'strconv.ParseFloat: parsing " 32": invalid syntax'],
    ['32m b', 'strconv.ParseFloat: parsing "32m": invalid syntax'],
    ['32bm', "invalid suffix: 'bm'"],
  ])('TestRAMInBytes error %j', (input, message) => {
    expect(errorOf(() => ramInBytes(input))).toBe(message);
  });

  // more cases, checked against go-units v0.5.0 built with Go 1.19
  it.each<[string, number]>([
    ['512m', 536870912],
    ['1g', 1073741824],
    ['1.5g', 1610612736],
    ['0.3 K', 307],
    ['.3kB', 307],
    ['1e3', 1000],
    ['1e3k', 1024000],
    ['1_000k', 1024000],
    ['0x1p4', 16],
    ['5.', 5],
    ['-0', 0],
    ['8388608p', -(2 ** 63)],
  ])('%j', (input, want) => {
    expect(ramInBytes(input)).toBe(want);
  });

  it.each([
    ['32kbb', "invalid suffix: 'kbb'"],
    ['32kib2', 'strconv.ParseFloat: parsing "32kib2": invalid syntax'],
    ['32x', "invalid suffix: 'x'"],
    ['32mib', 33554432],
    ['32mab', "invalid suffix: 'mab'"],
    ['32KIBB', "invalid suffix: 'KIBB'"],
    ['1e400', 'strconv.ParseFloat: parsing "1e400": value out of range'],
    ['-1k', "invalid size: '-1k'"],
    ['0x10', 'strconv.ParseFloat: parsing "0x10": invalid syntax'],
  ])('%j', (input, want) => {
    if (typeof want === 'number') expect(ramInBytes(input)).toBe(want);
    else expect(errorOf(() => ramInBytes(input))).toBe(want);
  });
});

describe('parseBytes (compose-go types/bytes.go UnitBytes)', () => {
  // compose-go types/bytes_test.go TestUnitBytesUnmarshalJSON / …YAML
  it.each<[string | number, number]>([
    [655360, 655360],
    ['655360', 655360],
    [-1, -1],
    ['-1', -1],
    ['1g', 1073741824],
    ['512m', 536870912],
    [0, 0],
  ])('TestUnitBytesUnmarshal %j', (input, want) => {
    expect(parseBytes(input)).toBe(want);
  });

  it('TestUnitBytesUnmarshalJSON_Invalid', () => {
    expect(errorOf(() => parseBytes('invalid'))).toBe("invalid size: 'invalid'");
  });

  it('a plain integer string is read before the units (so a negative one is allowed)', () => {
    expect(parseBytes('-32')).toBe(-32);
    expect(parseBytes('+5')).toBe(5);
    expect(parseBytes('007')).toBe(7);
  });

  it('a non-integer number gives 0, as compose-go ignores floats for this type', () => {
    expect(parseBytes(1.5)).toBe(0);
  });

  it('round trips through its printed form', () => {
    for (const s of ['512m', '1g', '2.5g', '64k', '1p', '300']) {
      const n = parseBytes(s);
      expect(parseBytes(formatBytes(n))).toBe(n);
    }
    expect(formatBytes(parseBytes('512m'))).toBe('536870912');
  });
});

describe('goParseFloat', () => {
  it.each<[string, number]>([
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['+5', 5],
    ['1E3', 1000],
    ['1_0.5', 10.5],
    ['0x1_0p0', 16],
    ['0x.8p1', 1],
    ['00012', 12],
  ])('%j', (input, want) => {
    expect(goParseFloat(input)).toBe(want);
  });
  it.each(['0b101', '1__0', '_1', '1_', '', '.', 'e5', '1e'])('rejects %j', (input) => {
    expect(errorOf(() => goParseFloat(input))).toBe(`strconv.ParseFloat: parsing ${JSON.stringify(input)}: invalid syntax`);
  });
});
