import { describe, expect, it } from 'vitest';
import { originOf, mergeTagsOf } from '../../src/load/origin.js';
import { LIMITS, parseYamlDocuments, resolvePlain } from '../../src/load/yaml.js';

const parse = (text: string) => parseYamlDocuments(text, 'f.yml')[0]!.value as any;

describe('plain scalars resolve as go-yaml does (reference §4)', () => {
  it.each([
    ['true', true], ['True', true], ['TRUE', true], ['false', false], ['FALSE', false],
    ['yes', 'yes'], ['no', 'no'], ['on', 'on'], ['off', 'off'], ['y', 'y'], ['n', 'n'],
    ['~', null], ['null', null], ['NULL', null], ['', null],
    ['0755', 493], ['0o17', 15], ['0x1F', 31], ['0b101', 5], ['1_000', 1000], ['+12', 12], ['-7', -7],
    ['1.0', 1], ['1e3', 1000], ['.5', 0.5], ['.inf', Infinity], ['-.inf', -Infinity],
    ['0999', 999], ['1.2.3', '1.2.3'], ['8080:80', '8080:80'], ['2024-01-02', '2024-01-02'],
  ])('%j -> %j', (text, want) => {
    expect(resolvePlain(text)).toEqual(want);
  });

  it('.nan is NaN', () => expect(resolvePlain('.nan')).toBeNaN());

  it('quoted scalars stay strings', () => {
    expect(parse('a: "1"\nb: \'true\'\nc: !!str 5\n')).toEqual({ a: '1', b: 'true', c: '5' });
  });
});

describe('merge keys and anchors', () => {
  it('merges shallowly; keys in the mapping win, then earlier sources', () => {
    const v = parse('x: &x {a: 1, n: {p: 1, q: 2}}\ny: &y {a: 2, b: 2}\nz:\n  <<: [*x, *y]\n  n: {p: 9}\n');
    expect(v.z).toEqual({ n: { p: 9 }, a: 1, b: 2 });
  });

  it('keeps the anchor definition as the position of merged and aliased values', () => {
    const v = parse('x-env: &env\n  FOO: bar\nservices:\n  a:\n    environment:\n      <<: *env\n      OWN: 1\n    labels: *env\n');
    expect(originOf(v.services.a.environment, 'FOO')).toEqual({ file: 'f.yml', line: 2, column: 8 });
    expect(originOf(v.services.a.environment, 'OWN')).toEqual({ file: 'f.yml', line: 7, column: 12 });
    expect(originOf(v.services.a.labels, 'FOO')).toEqual({ file: 'f.yml', line: 2, column: 8 });
  });

  it('a quoted "<<" is an ordinary key', () => {
    expect(parse('a:\n  "<<": 1\n')).toEqual({ a: { '<<': 1 } });
  });

  it('expands aliases into independent copies', () => {
    const v = parse('a: &a {k: [1]}\nb: *a\n');
    v.b.k.push(2);
    expect(v.a.k).toEqual([1]);
  });
});

describe('errors', () => {
  it('rejects duplicate keys as compose does', () => {
    expect(() => parse('a: 1\nb: 2\na: 3\n')).toThrow('mapping key "a" already defined at line 1');
  });

  it('refuses an alias bomb quickly', () => {
    let s = 'a: &a [x,x,x,x,x,x,x,x,x,x]\n';
    const n = 'abcdefghijk';
    for (let i = 1; i < 10; i++) s += `${n[i]}: &${n[i]} [${Array(10).fill(`*${n[i - 1]}`).join(',')}]\n`;
    const t = Date.now();
    expect(() => parse(s)).toThrow(/maximum node visit limit/);
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('refuses nesting deeper than the cap', () => {
    const depth = LIMITS.maxDepth + 5;
    expect(() => parse(`a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`)).toThrow(/nesting/);
  });

  it('requires a mapping at the top level', () => {
    expect(() => parse('[1, 2]\n')).toThrow('top-level object must be a mapping');
  });

  it('gives no mapping for an empty document', () => {
    expect(parseYamlDocuments('# nothing\n', 'f.yml').every((d) => d.value === null)).toBe(true);
    expect(parseYamlDocuments('---\n~\n', 'f.yml').every((d) => d.value === null)).toBe(true);
  });
});

describe('!reset and !override', () => {
  it('are recorded on their container, also through an alias', () => {
    const v = parse('x: &r !reset []\nservices:\n  a:\n    ports: !override ["80:80"]\n    dns: *r\n');
    const tags = mergeTagsOf(v.services.a)!;
    expect(tags.get('ports')).toBe('override');
    expect(tags.get('dns')).toBe('reset');
  });
});

describe('documents', () => {
  it('parses several --- documents', () => {
    const docs = parseYamlDocuments('services: {a: {image: x}}\n---\nservices: {b: {image: y}}\n', 'f.yml');
    expect(docs.map((d) => Object.keys((d.value as any).services))).toEqual([['a'], ['b']]);
  });
});
