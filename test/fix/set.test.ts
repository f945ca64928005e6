import { describe, expect, it } from 'vitest';
import { applyChecked, changedLines, crlf, expectOnlyLinesChanged, loaded, set, y } from './helpers.js';

const BASE = y(
  '# stack',
  'services:',
  '  # the api',
  '  api:',
  '    image: "example/api:1.0"  # pinned',
  '    ports:',
  '      - "8080:80"',
  '',
  '  db:',
  "    image: 'postgres:16'",
  '    environment: {POSTGRES_DB: app, POSTGRES_USER: app}',
  '    # restart: always',
);

describe('yaml-set: existing keys', () => {
  it('replaces a plain scalar in place, keeping its trailing comment', () => {
    const src = y('services:', '  api:', '    restart: always # keep it up', '    image: x');
    const r = applyChecked(src, [set(['services', 'api', 'restart'], 'unless-stopped')]);
    expect(r.text).toBe(y('services:', '  api:', '    restart: unless-stopped # keep it up', '    image: x'));
    expectOnlyLinesChanged(src, r.text, [3]);
  });

  it('keeps the quoting style of the old value', () => {
    const src = y('a: "one"', "b: 'two'", 'c: three');
    const r = applyChecked(src, [set(['a'], 'uno'), set(['b'], "it's"), set(['c'], 'tres')]);
    expect(r.text).toBe(y('a: "uno"', "b: 'it''s'", 'c: tres'));
  });

  it('quotes a string that would read as something else', () => {
    const src = y('a: x', 'b: x', 'c: x', 'd: x', 'e: x', 'f: x');
    const r = applyChecked(src, [set(['a'], '3'), set(['b'], 'yes'), set(['c'], 'a: b'), set(['d'], ''), set(['e'], '22:22'), set(['f'], 'null')]);
    expect(r.text).toBe(y('a: "3"', 'b: "yes"', 'c: "a: b"', 'd: ""', 'e: "22:22"', 'f: "null"'));
    expect(loaded(r.text)).toEqual({ a: '3', b: 'yes', c: 'a: b', d: '', e: '22:22', f: 'null' });
  });

  it('writes numbers, booleans and null plainly', () => {
    const src = y('a: x', 'b: x', 'c: x');
    const r = applyChecked(src, [set(['a'], 3), set(['b'], true), set(['c'], null)]);
    expect(r.text).toBe(y('a: 3', 'b: true', 'c: null'));
  });

  it('already there: nothing changes and the edit is skipped as already applied', () => {
    const src = y('services:', '  api:', '    init: true');
    const r = applyChecked(src, [set(['services', 'api', 'init'], true)]);
    expect(r.text).toBe(src);
    expect(r.skipped.map((s) => s.why)).toEqual(['already applied']);
  });

  it('replaces a block mapping by a scalar', () => {
    const src = y('a:', '  b: 1', '  c: 2', 'd: 3');
    const r = applyChecked(src, [set(['a'], 'x')]);
    expect(r.text).toBe(y('a: x', 'd: 3'));
  });

  it('replacing a block by a scalar keeps the comment of the key line', () => {
    const src = y('a: # why', '  - 1', '  - 2', 'd: 3');
    const r = applyChecked(src, [set(['a'], 'x', 'ours')]);
    expect(r.text).toBe(y('a: x # ours # why', 'd: 3'));
  });

  it('replaces a scalar by a block mapping at the file indentation', () => {
    const src = y('services:', '    api:', '        logging: none', '        image: x');
    const r = applyChecked(src, [set(['services', 'api', 'logging'], { driver: 'json-file', options: { 'max-size': '10m' } })]);
    expect(r.text).toBe(y('services:', '    api:', '        logging:', '            driver: json-file', '            options:', '                max-size: 10m', '        image: x'));
  });

  it('replaces a block mapping by another one at its own indentation, keeping a comment on the key line', () => {
    const src = y('a: # the a', '   x: 1', '   y: 2', 'b: 1');
    const r = applyChecked(src, [set(['a'], { z: 3 })]);
    expect(r.text).toBe(y('a: # the a', '   z: 3', 'b: 1'));
  });

  it('replaces a block sequence keeping its (indentless) style', () => {
    const src = y('a:', '- x', '- y', 'b: 1');
    const r = applyChecked(src, [set(['a'], ['x', 'y', 'z'])]);
    expect(r.text).toBe(y('a:', '- x', '- y', '- z', 'b: 1'));
  });

  it('keeps a flow collection in flow style', () => {
    const src = y('a: [x, y] # list', 'b: {k: v}');
    const r = applyChecked(src, [set(['a'], ['x', 'y', 'host.docker.internal:host-gateway']), set(['b'], { k: 'w', l: 'a b' })]);
    expect(r.text).toBe(y('a: [x, y, "host.docker.internal:host-gateway"] # list', 'b: {k: w, l: a b}'));
  });

  it('sets a key inside a flow mapping', () => {
    const src = y('db:', '  environment: {POSTGRES_DB: app, POSTGRES_USER: app}');
    const r = applyChecked(src, [set(['db', 'environment', 'POSTGRES_USER'], 'admin'), set(['db', 'environment', 'PGDATA'], '/data')]);
    expect(r.text).toBe(y('db:', '  environment: {POSTGRES_DB: app, POSTGRES_USER: admin, PGDATA: /data}'));
  });

  it('keeps an anchor on the replaced scalar', () => {
    const src = y('a: &v 1', 'b: 2');
    const r = applyChecked(src, [set(['a'], 5)]);
    expect(r.text).toBe(y('a: &v 5', 'b: 2'));
  });

  it('refuses to replace a value whose anchor is used elsewhere', () => {
    const src = y('x-a: &a', '  k: v', 'b: *a');
    const r = applyChecked(src, [set(['x-a'], { k: 'w' })]);
    expect(r.text).toBe(src);
    expect(r.skipped[0]!.why).toMatch(/&a, used elsewhere/);
  });

  it('refuses to edit through an alias', () => {
    const src = y('x-l: &l', '  driver: json-file', 'services:', '  api:', '    logging: *l');
    const r = applyChecked(src, [set(['services', 'api', 'logging', 'driver'], 'local')]);
    expect(r.text).toBe(src);
    expect(r.skipped[0]!.why).toMatch(/alias/);
  });

  it('drops an explicit tag that no longer fits the value', () => {
    const src = y('a: !!str 5', 'b: 1');
    const r = applyChecked(src, [set(['a'], 6)]);
    expect(r.text).toBe(y('a: 6', 'b: 1'));
    expect(loaded(r.text)).toEqual({ a: 6, b: 1 });
  });

  it('replaces a block scalar', () => {
    const src = y('a: |', '  line one', '  line two', 'b: 1');
    const r = applyChecked(src, [set(['a'], 'one line')]);
    expect(r.text).toBe(y('a: one line', 'b: 1'));
  });

  it('does not write the same comment twice', () => {
    const src = y('tmpfs: /run:size=32m # bounded by shipshape');
    const r = applyChecked(src, [set(['tmpfs'], '/run:size=64m', 'bounded by shipshape')]);
    expect(r.text).toBe(y('tmpfs: /run:size=64m # bounded by shipshape'));
  });

  it('adds a comment after the value', () => {
    const src = y('services:', '  api:', '    tmpfs: /run', '    image: x');
    const r = applyChecked(src, [set(['services', 'api', 'tmpfs'], '/run:size=64m', 'bounded by shipshape')]);
    expect(r.text).toBe(y('services:', '  api:', '    tmpfs: /run:size=64m # bounded by shipshape', '    image: x'));
  });
});

describe('yaml-set: missing keys', () => {
  it('inserts after the last entry of the parent, at its indentation, before trailing comments', () => {
    const r = applyChecked(BASE, [set(['services', 'db', 'restart'], 'unless-stopped')]);
    expect(r.text).toBe(BASE.replace('app}\n', 'app}\n    restart: unless-stopped\n'));
    expect(changedLines(BASE, r.text)).toEqual({ removed: [], added: ['    restart: unless-stopped'] });
  });

  it('inserts after a block value, not inside it', () => {
    const r = applyChecked(BASE, [set(['services', 'api', 'restart'], 'unless-stopped')]);
    expect(r.text).toBe(BASE.replace('"8080:80"\n', '"8080:80"\n    restart: unless-stopped\n'));
    expect(changedLines(BASE, r.text).removed).toEqual([]);
  });

  it('creates missing intermediate mappings', () => {
    const src = y('services:', '  db:', '    image: postgres');
    const r = applyChecked(src, [set(['services', 'db', 'deploy', 'resources', 'limits', 'memory'], '512m')]);
    expect(r.text).toBe(y('services:', '  db:', '    image: postgres', '    deploy:', '      resources:', '        limits:', '          memory: 512m'));
    expect(loaded(r.text)).toEqual({ services: { db: { image: 'postgres', deploy: { resources: { limits: { memory: '512m' } } } } } });
  });

  it('fills an empty (null) parent', () => {
    const src = y('services:', '  api:', '  db:', '    image: x');
    const r = applyChecked(src, [set(['services', 'api', 'restart'], 'always')]);
    expect(r.text).toBe(y('services:', '  api:', '    restart: always', '  db:', '    image: x'));
  });

  it('fills an empty parent that has a comment', () => {
    const src = y('services:', '  api: # todo', '  db:', '    image: x');
    const r = applyChecked(src, [set(['services', 'api', 'init'], true)]);
    expect(r.text).toBe(y('services:', '  api: # todo', '    init: true', '  db:', '    image: x'));
  });

  it('inserts into a map inside a sequence item', () => {
    const src = y('ports:', '  - target: 80', '    published: 8080', '  - target: 443');
    const r = applyChecked(src, [set(['ports', 0, 'host_ip'], '127.0.0.1')]);
    expect(r.text).toBe(y('ports:', '  - target: 80', '    published: 8080', '    host_ip: 127.0.0.1', '  - target: 443'));
  });

  it('inserts into an empty flow mapping', () => {
    const src = y('a:', '  environment: {}', '  image: x');
    const r = applyChecked(src, [set(['a', 'environment', 'TZ'], 'UTC')]);
    expect(r.text).toBe(y('a:', '  environment: {TZ: UTC}', '  image: x'));
  });

  it('quotes a new string when the neighbours are all quoted', () => {
    const src = y('environment:', '  A: "1"', '  B: "two"');
    const r = applyChecked(src, [set(['environment', 'C'], 'three')]);
    expect(r.text).toBe(y('environment:', '  A: "1"', '  B: "two"', '  C: "three"'));
  });

  it('quotes keys that need it', () => {
    const src = y('extra_hosts:', '  a: b');
    const r = applyChecked(src, [set(['extra_hosts', '80'], 'x'), set(['extra_hosts', 'host.docker.internal'], 'host-gateway')]);
    expect(r.text).toBe(y('extra_hosts:', '  a: b', '  "80": x', '  host.docker.internal: host-gateway'));
  });

  it('works at the end of a file without a final line break', () => {
    const src = 'services:\n  api:\n    image: x';
    const r = applyChecked(src, [set(['services', 'api', 'init'], true)]);
    expect(r.text).toBe('services:\n  api:\n    image: x\n    init: true');
  });

  it('keeps CRLF line endings', () => {
    const src = crlf(BASE);
    const r = applyChecked(src, [set(['services', 'db', 'logging'], { driver: 'local' }), set(['services', 'api', 'image'], 'example/api:2.0')]);
    expect(r.text).toBe(crlf(BASE.replace('app}\n', 'app}\n    logging:\n      driver: local\n').replace('api:1.0', 'api:2.0')));
  });

  it('refuses a path through a scalar', () => {
    const src = y('a: 1');
    const r = applyChecked(src, [set(['a', 'b'], 2)]);
    expect(r.text).toBe(src);
    expect(r.skipped[0]!.why).toBe('a is not a mapping');
  });
});

describe('yaml-set: sequence items', () => {
  it('replaces a block item, keeping its quotes and comment', () => {
    const src = y('ports:', '  - "8080:80" # web', '  - "5432:5432"');
    const r = applyChecked(src, [set(['ports', 1], '127.0.0.1:5432:5432')]);
    expect(r.text).toBe(y('ports:', '  - "8080:80" # web', '  - "127.0.0.1:5432:5432"'));
    expectOnlyLinesChanged(src, r.text, [3]);
  });

  it('replaces a flow item', () => {
    const src = y('ports: ["8080:80", 5432:5432]');
    const r = applyChecked(src, [set(['ports', 1], '127.0.0.1:5432:5432')]);
    expect(r.text).toBe(y('ports: ["8080:80", "127.0.0.1:5432:5432"]'));
  });

  it('replaces a scalar item by a mapping', () => {
    const src = y('ports:', '  - 80 # web', '  - 443');
    const r = applyChecked(src, [set(['ports', 0], { target: 80, host_ip: '127.0.0.1' })]);
    expect(r.text).toBe(y('ports:', '  - target: 80 # web', '    host_ip: 127.0.0.1', '  - 443'));
  });

  it('appends when the index is the length', () => {
    const src = y('a:', '  - x', 'b: [y]');
    const r = applyChecked(src, [set(['a', 1], 'z'), set(['b', 1], 'w')]);
    expect(r.text).toBe(y('a:', '  - x', '  - z', 'b: [y, w]'));
  });

  it('refuses an index past the end', () => {
    const src = y('a:', '  - x');
    const r = applyChecked(src, [set(['a', 5], 'z')]);
    expect(r.text).toBe(src);
    expect(r.skipped[0]!.why).toMatch(/out of range/);
  });

  it('edits a mapping inside a sequence item', () => {
    const src = y('volumes:', '  - type: tmpfs', '    target: /run', '    tmpfs:', '      mode: 1777');
    const r = applyChecked(src, [set(['volumes', 0, 'tmpfs', 'size'], '64m', 'bounded')]);
    expect(r.text).toBe(y('volumes:', '  - type: tmpfs', '    target: /run', '    tmpfs:', '      mode: 1777', '      size: 64m # bounded'));
  });
});

describe('yaml-set: merged keys', () => {
  const src = y('x-base: &base', '  logging:', '    driver: local', 'services:', '  api:', '    <<: *base', '    image: x');

  it('overrides a merged key in the mapping itself', () => {
    const r = applyChecked(src, [set(['services', 'api', 'logging'], { driver: 'json-file' })]);
    expect(r.text).toBe(src + y('    logging:', '      driver: json-file'));
    expect((loaded(r.text) as { 'x-base': unknown })['x-base']).toEqual({ logging: { driver: 'local' } });
  });

  it('refuses to set inside a merged key (it would hide the merged keys beside it)', () => {
    const r = applyChecked(src, [set(['services', 'api', 'logging', 'options'], { 'max-size': '10m' })]);
    expect(r.text).toBe(src);
    expect(r.skipped[0]!.why).toMatch(/^services\.api\.logging comes from a merged anchor/);
  });
});
