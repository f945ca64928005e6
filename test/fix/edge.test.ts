import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/fix/diff.js';
import { applyChecked, crlf, expectOnlyLinesChanged, loaded, mergeAnchor, set, y } from './helpers.js';

describe('layouts', () => {
  it('keeps aligned values aligned when only the value changes', () => {
    const src = y('a:        one', 'bb:       two');
    const r = applyChecked(src, [set(['bb'], 'three')]);
    expect(r.text).toBe(y('a:        one', 'bb:       three'));
  });

  it('replaces a scalar written on the line after its key, in place', () => {
    const src = y('command:', '  "run --fast"', 'b: 1');
    const r = applyChecked(src, [set(['command'], 'run --slow')]);
    expect(r.text).toBe(y('command:', '  "run --slow"', 'b: 1'));
  });

  it('replaces an alias by a block mapping', () => {
    const src = y('x-l: &l', '  driver: local', 's:', '  logging: *l # shared', '  image: x');
    const r = applyChecked(src, [set(['s', 'logging'], { driver: 'none' })]);
    expect(r.text).toBe(y('x-l: &l', '  driver: local', 's:', '  logging: # shared', '    driver: none', '  image: x'));
  });

  it('handles a document start marker and quoted keys', () => {
    const src = y('---', '"services":', '  "api":', '    image: x');
    const r = applyChecked(src, [set(['services', 'api', 'init'], true), mergeAnchor('l', { driver: 'local' }, [['services', 'api', 'logging']])]);
    expect(r.text).toBe(y('---', '', 'x-l: &l', '  driver: local', '', '"services":', '  "api":', '    image: x', '    init: true', '    logging: *l'));
  });

  it('a comment on a created block value goes after its key', () => {
    const src = y('s:', '  image: x');
    const r = applyChecked(src, [set(['s', 'deploy', 'resources', 'limits', 'memory'], '1g', 'set a real limit')]);
    expect(r.text).toBe(y('s:', '  image: x', '  deploy: # set a real limit', '    resources:', '      limits:', '        memory: 1g'));
  });

  it('a comment inside a flow collection goes to the end of its line', () => {
    const src = y('tmpfs: [/run, /tmp]', 'b: 1');
    const r = applyChecked(src, [set(['tmpfs', 1], '/tmp:size=64m', 'bounded')]);
    expect(r.text).toBe(y('tmpfs: [/run, "/tmp:size=64m"] # bounded', 'b: 1'));
  });

  it('a sequence of sequences', () => {
    const src = y('a:', '- - x', '  - y', '- - z');
    const r = applyChecked(src, [set(['a', 0, 1], 'w'), set(['a', 1, 1], 'v')]);
    expect(r.text).toBe(y('a:', '- - x', '  - w', '- - z', '  - v'));
  });

  it('a block scalar with keep chomping keeps its trailing blank lines', () => {
    const src = y('s:', '  script: |+', '    echo', '', 't: 1');
    const r = applyChecked(src, [set(['s', 'x'], 1)]);
    expect(r.text).toBe(y('s:', '  script: |+', '    echo', '', '  x: 1', 't: 1'));
    expect(loaded(r.text)).toEqual({ s: { script: 'echo\n\n', x: 1 }, t: 1 });
  });

  it('lists rewritten as mappings keep the comments of kept entries, in CRLF files too', () => {
    const src = crlf(y('services:', '  a:', '    environment:', '      X: "1"', '  b:', '    environment:', '      - X=1', '      - DEBUG # from the host', '  c:', '    environment: [X=1, "Y=a b"]'));
    const r = applyChecked(src, [mergeAnchor('x', { X: '1' }, [['services', 'a', 'environment'], ['services', 'b', 'environment'], ['services', 'c', 'environment']], ['X'])]);
    expect(r.text).toBe(
      crlf(y('x-x: &x', '  X: "1"', '', 'services:', '  a:', '    environment:', '      <<: *x', '  b:', '    environment:', '      <<: *x', '      DEBUG: # from the host', '  c:', '    environment: {<<: *x, Y: a b}')),
    );
    expect(loaded(r.text)).toEqual({ 'x-x': { X: '1' }, services: { a: { environment: { X: '1' } }, b: { environment: { X: '1', DEBUG: null } }, c: { environment: { X: '1', Y: 'a b' } } } });
  });

  it('the diff of a fix shows only the changed lines', () => {
    const src = y('services:', '  api:', '    image: x', '    ports:', '      - "80:80"', '  db:', '    image: y');
    const r = applyChecked(src, [set(['services', 'db', 'restart'], 'always')]);
    expectOnlyLinesChanged(src, r.text, []);
    expect(unifiedDiff(src, r.text, 'compose.yaml')).toBe(['--- a/compose.yaml', '+++ b/compose.yaml', '@@ -5,3 +5,4 @@', '       - "80:80"', '   db:', '     image: y', '+    restart: always', ''].join('\n'));
  });
});
