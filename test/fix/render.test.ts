import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_STYLE, isPlainSafe, renderInline, renderMapLines, renderSeqLines } from '../../src/fix/render.js';
import { resolvePlain } from '../../src/load/yaml.js';

describe('scalars', () => {
  const strings = ['unless-stopped', 'redis://redis:6379/0', '${SUPABASE_URL}', '127.0.0.1:8080:80', '10m', 'a b', 'a#b', '-x', 'x:y', 'host.docker.internal:host-gateway'];
  const needQuotes = ['', ' a', 'a ', '3', '0755', '1e3', '0x1f', '1_000', '1.5', '.5', 'yes', 'No', 'on', 'OFF', 'true', 'null', '~', '<<', '22:22', '2024-01-02', 'a: b', 'a #b', 'x:', '-', '- a', '*x', '&x', '!x', '|', '>', '@x', '`x', '%x', '"x', "'x", '{a}', '[a]', '#x', '? x', '---', 'line\nbreak', 'tab\there', '\u0007bell', '.inf', '.nan'];

  it('plain when it reads back as the same string', () => {
    for (const s of strings) expect(isPlainSafe(s), s).toBe(true);
    for (const s of needQuotes) expect(isPlainSafe(s), JSON.stringify(s)).toBe(false);
  });

  it('every rendering reads back as the same value, in block and flow context', () => {
    for (const s of [...strings, ...needQuotes, 'it\'s', 'say "hi"', '\u2028', 'back\\slash', 'é ü 中']) {
      for (const flow of [false, true]) {
        const r = renderInline(s, DEFAULT_STYLE, flow);
        expect(parse(`k: ${r}`), `${JSON.stringify(s)} -> ${r}`).toEqual({ k: s });
        if (!r.startsWith('"') && !r.startsWith("'")) expect(resolvePlain(r)).toBe(s);
        if (flow) expect(parse(`k: [${r}]`)).toEqual({ k: [s] });
      }
    }
  });

  it('single quotes when asked, double when single quotes cannot hold the string', () => {
    expect(renderInline('3', DEFAULT_STYLE, false, { quote: "'" })).toBe("'3'");
    expect(renderInline('a\nb', DEFAULT_STYLE, false, { quote: "'" })).toBe('"a\\nb"');
    expect(renderInline('x', DEFAULT_STYLE, false, { quote: "'", always: true })).toBe("'x'");
  });

  it('numbers, booleans, null, special floats', () => {
    expect([1, -2.5, true, false, null, NaN, Infinity, -Infinity].map((v) => renderInline(v, DEFAULT_STYLE))).toEqual(['1', '-2.5', 'true', 'false', 'null', '.nan', '.inf', '-.inf']);
  });
});

describe('collections', () => {
  it('flow', () => {
    expect(renderInline({ a: [1, 'x y'], 'b c': {}, d: [] }, DEFAULT_STYLE)).toBe('{a: [1, x y], b c: {}, d: []}');
    expect(renderInline(['a,b', 'c'], DEFAULT_STYLE, true)).toBe('["a,b", c]');
  });

  it('block', () => {
    const v = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' }, list: [{ a: 1, b: 2 }, 'x', [1, 2]] };
    const lines = renderMapLines(v, 2, DEFAULT_STYLE);
    expect(lines).toEqual(['  driver: json-file', '  options:', '    max-size: 10m', '    max-file: "3"', '  list:', '    - a: 1', '      b: 2', '    - x', '    - [1, 2]']);
    expect(parse(lines.join('\n'))).toEqual(v);
    expect(renderSeqLines(['a'], 0, { ...DEFAULT_STYLE, seqIndent: false })).toEqual(['- a']);
  });
});
