/**
 * The YAML writer against go-yaml itself. Expected values in QUOTING were produced by running
 * the real go.yaml.in/yaml/v4 encoder (`yaml.NewEncoder` + `SetIndent(2)`, as compose-go uses
 * it) on `map[string]any{"v": s}`: v4.0.0-rc.6 for the `v5` column, v4.0.0-rc.4 for `legacy`.
 * The text after `v: ` is kept.
 */
import { describe, expect, it } from 'vitest';
import { compareNatural, formatFloatG, jsonFloat } from '../../src/config/gofmt.js';
import { printYamlValue } from '../../src/config/print.js';
import { resolvesAsNonString } from '../../src/config/yaml-emit.js';

/** [string, rc.6 output, rc.4 output] */
const QUOTING: [string, string, string][] = [
  ["8080", "\"8080\"\n", "\"8080\"\n"],
  ["no", "'no'\n", "\"no\"\n"],
  ["Yes", "'Yes'\n", "\"Yes\"\n"],
  ["on", "'on'\n", "\"on\"\n"],
  ["OFF", "'OFF'\n", "\"OFF\"\n"],
  ["y", "'y'\n", "\"y\"\n"],
  ["true", "\"true\"\n", "\"true\"\n"],
  ["False", "\"False\"\n", "\"False\"\n"],
  ["null", "\"null\"\n", "\"null\"\n"],
  ["~", "\"~\"\n", "\"~\"\n"],
  ["", "\"\"\n", "\"\"\n"],
  [" ", "' '\n", "' '\n"],
  ["<<", "'<<'\n", "\"<<\"\n"],
  ["1:20", "'1:20'\n", "\"1:20\"\n"],
  ["12:30:45", "'12:30:45'\n", "\"12:30:45\"\n"],
  ["80:80", "80:80\n", "80:80\n"],
  ["0755", "\"0755\"\n", "\"0755\"\n"],
  ["08", "\"08\"\n", "\"08\"\n"],
  ["0x1F", "\"0x1F\"\n", "\"0x1F\"\n"],
  ["0o17", "\"0o17\"\n", "\"0o17\"\n"],
  ["0b101", "\"0b101\"\n", "\"0b101\"\n"],
  ["1_000", "\"1_000\"\n", "\"1_000\"\n"],
  ["1.5", "\"1.5\"\n", "\"1.5\"\n"],
  [".5", "\".5\"\n", "\".5\"\n"],
  ["1.", "\"1.\"\n", "\"1.\"\n"],
  ["1e3", "\"1e3\"\n", "\"1e3\"\n"],
  ["1e400", "1e400\n", "1e400\n"],
  ["+1", "\"+1\"\n", "\"+1\"\n"],
  ["-1", "\"-1\"\n", "\"-1\"\n"],
  ["-", "'-'\n", "'-'\n"],
  ["- x", "'- x'\n", "'- x'\n"],
  ["-x", "-x\n", "-x\n"],
  ["---", "'---'\n", "'---'\n"],
  ["...", "'...'\n", "'...'\n"],
  [": x", "': x'\n", "': x'\n"],
  ["a: b", "'a: b'\n", "'a: b'\n"],
  ["a:b", "a:b\n", "a:b\n"],
  ["a #b", "'a #b'\n", "'a #b'\n"],
  ["a#b", "a#b\n", "a#b\n"],
  ["#a", "'#a'\n", "'#a'\n"],
  [" x", "' x'\n", "' x'\n"],
  ["x ", "'x '\n", "'x '\n"],
  ["it's", "it's\n", "it's\n"],
  ["'x", "'''x'\n", "'''x'\n"],
  ["\"x", "'\"x'\n", "'\"x'\n"],
  ["@x", "'@x'\n", "'@x'\n"],
  ["`x", "'`x'\n", "'`x'\n"],
  ["%x", "'%x'\n", "'%x'\n"],
  ["!x", "'!x'\n", "'!x'\n"],
  ["&x", "'&x'\n", "'&x'\n"],
  ["*x", "'*x'\n", "'*x'\n"],
  ["|x", "'|x'\n", "'|x'\n"],
  [">x", "'>x'\n", "'>x'\n"],
  ["[x", "'[x'\n", "'[x'\n"],
  ["{x", "'{x'\n", "'{x'\n"],
  [",x", "',x'\n", "',x'\n"],
  ["?x", "?x\n", "?x\n"],
  ["? x", "'? x'\n", "'? x'\n"],
  [".inf", "\".inf\"\n", "\".inf\"\n"],
  ["-0", "\"-0\"\n", "\"-0\"\n"],
  ["2024-01-15", "\"2024-01-15\"\n", "\"2024-01-15\"\n"],
  ["2024-02-30", "2024-02-30\n", "2024-02-30\n"],
  ["2024-01-15T10:00:00Z", "\"2024-01-15T10:00:00Z\"\n", "\"2024-01-15T10:00:00Z\"\n"],
  ["2024-01-15 10:00:00", "\"2024-01-15 10:00:00\"\n", "\"2024-01-15 10:00:00\"\n"],
  ["2001:db8::1", "2001:db8::1\n", "2001:db8::1\n"],
  ["x\ty", "\"x\\ty\"\n", "\"x\\ty\"\n"],
  ["é", "é\n", "é\n"],
  ["\ud83d\ude00", "\"\\U0001F600\"\n", "\"\\U0001F600\"\n"],
  ["\u00a0x", "\u00a0x\n", "\u00a0x\n"],
  ["\u001b[0m", "\"\\e[0m\"\n", "\"\\e[0m\"\n"],
  ["a\rb", "\"a\\rb\"\n", "\"a\\rb\"\n"],
  ["a\u2028b", "'a\u2028  b'\n", "'a\u2028  b'\n"],
  ["\ufeffab", "\"\\uFEFF\\x61\\x62\"\n", "\"\\uFEFF\\x61\\x62\"\n"],
  ["${VAR}", "${VAR}\n", "${VAR}\n"],
  ["sh -c \"x\"", "sh -c \"x\"\n", "sh -c \"x\"\n"],
  ["a\nb", "|-\n  a\n  b\n", "|-\n  a\n  b\n"],
  ["a\n", "|\n  a\n", "|\n  a\n"],
  ["a\n\n", "|+\n  a\n\n", "|+\n  a\n\n"],
  ["\n", "\"\\n\"\n", "\"\\n\"\n"],
  [" a\nb", "|2-\n   a\n  b\n", "|2-\n   a\n  b\n"],
  ["a \nb", "\"a \\nb\"\n", "\"a \\nb\"\n"],
];

describe('scalar quoting matches go-yaml', () => {
  it.each(QUOTING)('%j', (s, v5, legacy) => {
    expect(printYamlValue({ v: s }, { escapeDollar: false })).toBe(`v: ${v5}`);
    expect(printYamlValue({ v: s }, { flavor: 'legacy', escapeDollar: false })).toBe(`v: ${legacy}`);
  });

  it('applies the same rules to keys; a multi-line key becomes an explicit key', () => {
    expect(printYamlValue({ '8080': 'a', no: 'b', 'a: b': 'c', 'x\ny': 'd' })).toBe(`"8080": a\n'a: b': c\n'no': b\n? |-\n  x\n  y\n: d\n`);
  });

  it('writes a key longer than 128 bytes as an explicit key', () => {
    const k = 'k'.repeat(129);
    expect(printYamlValue({ [k]: 'v' })).toBe(`? ${k}\n: v\n`);
  });
});

describe('plain scalar resolution (go-yaml resolve)', () => {
  it.each([
    ['123', true], ['-0', true], ['0x_1F', true], ['9223372036854775808', true], ['18446744073709551616', true],
    ['2024-1-5', true], ['2024-01-15t10:00:00+02:00', true], ['2024-13-01', false], ['1e400', false],
    ['.e3', false], ['.5_0', true], ['.5e_3', false], ['0x', false], ['abc', false], ['+', false], ['_1', false], ['1.2.3', false],
  ] as const)('%s → %s', (s, nonString) => {
    expect(resolvesAsNonString(s)).toBe(nonString);
  });
});

describe('go-yaml natural key order', () => {
  it('compares digit runs as numbers and letters after other characters (order from go-yaml rc.6)', () => {
    const keys = ['s10', 's9', 'S1', 's_1', 'a', 'a1', 'a01', 'a_', 'ab', 'a1b', 'a1_', 'B', '1', '10', '2', '-x', 'x-'];
    expect([...keys].sort(compareNatural)).toEqual(['-x', '1', '2', '10', 'B', 'S1', 'a', 'a_', 'a1', 'a1b', 'a1_', 'a01', 'ab', 's_1', 's9', 's10', 'x-']);
  });
});

describe('Go float formatting', () => {
  it.each([
    [0.5, 64, '0.5', '0.5'],
    [1e6, 64, '1e+06', '1000000'],
    [123456, 64, '123456', '123456'],
    [1.5e-5, 64, '1.5e-05', '0.000015'],
    [1e-7, 64, '1e-07', '1e-7'],
    [1e21, 64, '1e+21', '1e+21'],
    [0.1, 32, '0.1', '0.1'],
    [0.3, 32, '0.3', '0.3'],
    [16777217, 32, '1.6777216e+07', '16777216'],
  ] as const)('%d (float%d): g=%s json=%s', (f, bits, g, json) => {
    expect(formatFloatG(f, bits)).toBe(g);
    expect(jsonFloat(f, bits)).toBe(json);
  });
});
