import { describe, expect, it } from 'vitest';
import { applyChecked, changedLines, crlf, del, expectOnlyLinesChanged, loaded, y } from './helpers.js';

describe('yaml-delete', () => {
  it('removes a top-level key and the blank line it leaves at the top', () => {
    const src = y('version: "3.8"', '', 'services:', '  api:', '    image: x');
    const r = applyChecked(src, [del(['version'])]);
    expect(r.text).toBe(y('services:', '  api:', '    image: x'));
  });

  it('keeps the comment lines above the deleted key', () => {
    const src = y('# compose file format', 'version: "3.8" # obsolete', '', 'services:', '  api:', '    image: x');
    const r = applyChecked(src, [del(['version'])], { lostComments: 1 });
    expect(r.text).toBe(y('# compose file format', '', 'services:', '  api:', '    image: x'));
    expect(changedLines(src, r.text)).toEqual({ removed: [2], added: [] });
  });

  it('does not leave two blank lines where there was one', () => {
    const src = y('name: app', '', 'version: "3"', '', 'services:', '  api:', '    image: x');
    const r = applyChecked(src, [del(['version'])]);
    expect(r.text).toBe(y('name: app', '', 'services:', '  api:', '    image: x'));
  });

  it('removes an entry with a block value, all its lines', () => {
    const src = y('services:', '  api:', '    image: x', '    deploy:', '      # limits', '      resources:', '        limits: {memory: 1g}', '    init: true');
    const r = applyChecked(src, [del(['services', 'api', 'deploy'])], { lostComments: 1 });
    expect(r.text).toBe(y('services:', '  api:', '    image: x', '    init: true'));
    expectOnlyLinesChanged(src, r.text, [4, 5, 6, 7]);
  });

  it('keeps a comment that follows the deleted entry', () => {
    const src = y('services:', '  api:', '    image: x', '    container_name: api', '    # ports: []', '  db:', '    image: y');
    const r = applyChecked(src, [del(['services', 'api', 'container_name'])]);
    expect(r.text).toBe(y('services:', '  api:', '    image: x', '    # ports: []', '  db:', '    image: y'));
  });

  it('writes {} when the parent mapping becomes empty (null would change its meaning)', () => {
    const src = y('services:', '  api:', '    environment:', '      OLD: 1', '    image: x');
    const r = applyChecked(src, [del(['services', 'api', 'environment', 'OLD'])]);
    expect(r.text).toBe(y('services:', '  api:', '    environment: {}', '    image: x'));
    expect(loaded(r.text)).toEqual({ services: { api: { environment: {}, image: 'x' } } });
  });

  it('writes [] when the parent sequence becomes empty', () => {
    const src = y('a:', '  - x', 'b: 1');
    const r = applyChecked(src, [del(['a', 0])]);
    expect(r.text).toBe(y('a: []', 'b: 1'));
  });

  it('removes a block sequence item', () => {
    const src = y('ports:', '  - "80:80" # web', '  - "443:443"', '  - 5432:5432');
    const r = applyChecked(src, [del(['ports', 1])], { byPosition: true });
    expect(r.text).toBe(y('ports:', '  - "80:80" # web', '  - 5432:5432'));
  });

  it('removes a multi-line sequence item', () => {
    const src = y('ports:', '  - target: 80', '    published: 8080', '  - target: 443');
    const r = applyChecked(src, [del(['ports', 0])], { byPosition: true });
    expect(r.text).toBe(y('ports:', '  - target: 443'));
  });

  it('removes the first key of a mapping in a sequence item', () => {
    const src = y('ports:', '  - name: web', '    target: 80');
    const r = applyChecked(src, [del(['ports', 0, 'name'])]);
    expect(r.text).toBe(y('ports:', '  - target: 80'));
  });

  it('removes flow entries', () => {
    const src = y('a: {x: 1, y: 2, z: 3}', 'b: [1, 2, 3]', 'c: {only: 1}', 'd: [1]');
    const r = applyChecked(src, [del(['a', 'x']), del(['a', 'z']), del(['b', 1]), del(['c', 'only']), del(['d', 0])], { byPosition: true });
    expect(r.text).toBe(y('a: {y: 2}', 'b: [1, 3]', 'c: {}', 'd: []'));
  });

  it('paths of later edits name the items of the original document', () => {
    const src = y('ports:', '  - "1:1"', '  - "2:2"', '  - "3:3"', '  - "4:4"');
    const r = applyChecked(src, [del(['ports', 1]), del(['ports', 1]), del(['ports', 3]), { kind: 'yaml-set', file: 'compose.yaml', path: ['ports', 2], value: '127.0.0.1:3:3' }], { byPosition: true });
    expect(r.text).toBe(y('ports:', '  - "1:1"', '  - "127.0.0.1:3:3"'));
    expect(r.skipped.map((s) => s.why)).toEqual(['already applied']);
  });

  it('deleting a key that is gone is already applied', () => {
    const src = y('services:', '  api:', '    image: x');
    const r = applyChecked(src, [del(['version']), del(['services', 'db', 'image']), del(['services', 'api', 'ports', 3])]);
    expect(r.text).toBe(src);
    expect(r.skipped.map((s) => s.why)).toEqual(['already applied', 'already applied', 'already applied']);
  });

  it('refuses to delete an entry whose anchor is used elsewhere', () => {
    const src = y('x-env: &env', '  A: 1', 'services:', '  api:', '    environment: *env');
    const r = applyChecked(src, [del(['x-env'])]);
    expect(r.text).toBe(src);
    expect(r.skipped[0]!.why).toMatch(/&env/);
  });

  it('refuses to delete the only top-level key', () => {
    const src = y('version: "3"');
    const r = applyChecked(src, [del(['version'])]);
    expect(r.text).toBe(src);
    expect(r.skipped[0]!.why).toMatch(/only top-level key/);
  });

  it('removes the last line of a file without a final line break', () => {
    const src = 'services:\n  api:\n    image: x\n    init: true';
    const r = applyChecked(src, [del(['services', 'api', 'init'])]);
    expect(r.text).toBe('services:\n  api:\n    image: x');
  });

  it('keeps CRLF line endings and the rest byte for byte', () => {
    const src = crlf(y('version: "3"', '', 'services:', '  api:', '    image: x   # trailing spaces kept', '    container_name: api', '    init: true'));
    const r = applyChecked(src, [del(['version']), del(['services', 'api', 'container_name'])]);
    expect(r.text).toBe(crlf(y('services:', '  api:', '    image: x   # trailing spaces kept', '    init: true')));
  });
});

describe('yaml-delete: comments around an emptied mapping', () => {
  it('keeps comment lines under a mapping that becomes empty, and the key-line comment', () => {
    const src = y('services:', '  api:', '    environment: # runtime', '      # set by the platform', '      OLD: 1', '    image: x');
    const r = applyChecked(src, [del(['services', 'api', 'environment', 'OLD'])]);
    expect(r.text).toBe(y('services:', '  api:', '    environment: {} # runtime', '      # set by the platform', '    image: x'));
    expect(loaded(r.text)).toEqual({ services: { api: { environment: {}, image: 'x' } } });
  });

  it('writes `- {}` for the only key of a sequence item mapping', () => {
    const src = y('a:', '  - k: 1', 'b: 1');
    const r = applyChecked(src, [del(['a', 0, 'k'])]);
    expect(r.text).toBe(y('a:', '  - {}', 'b: 1'));
  });
});

describe('yaml-delete: anchors and merges', () => {
  it('removes a key from an anchor definition: every alias of it changes too (what editing a definition means)', () => {
    const src = y('x-env: &env', '  OLD_FLAG: "1"', '  TZ: UTC', 'services:', '  api:', '    environment: *env');
    const r = applyChecked(src, [del(['x-env', 'OLD_FLAG'])]);
    expect(r.text).toBe(y('x-env: &env', '  TZ: UTC', 'services:', '  api:', '    environment: *env'));
    expect(loaded(r.text)).toEqual({ 'x-env': { TZ: 'UTC' }, services: { api: { environment: { TZ: 'UTC' } } } });
  });

  it('refuses to delete a key that only a merge provides', () => {
    const src = y('x-base: &base', '  init: true', 'services:', '  api:', '    <<: *base', '    image: x');
    const r = applyChecked(src, [del(['services', 'api', 'init'])]);
    expect(r.text).toBe(src);
    expect(r.skipped[0]!.why).toBe('services.api.init comes from a merged anchor (<<), not from this mapping: it cannot be removed here');
  });
});
