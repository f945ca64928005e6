import { describe, expect, it } from 'vitest';
import type { Edit } from '../../src/audit/types.js';
import { applyEdits } from '../../src/fix/apply.js';
import { applyChecked, del, FILE, mergeAnchor, set, y } from './helpers.js';

const text = (start: number, end: number, t: string): Edit => ({ kind: 'text', file: FILE, start, end, text: t });

describe('text edits', () => {
  const src = y('services:', '  api:', '    extra_hosts:', '      - "db:172.17.0.1"', '    image: x');
  const at = src.indexOf('172.17.0.1');

  it('splices the text', () => {
    // offsets name a place in the text read: applied again to the output, a text edit is not idempotent
    const r = applyChecked(src, [text(at, at + 10, 'host-gateway')], { byPosition: true });
    expect(r.text).toBe(src.replace('172.17.0.1', 'host-gateway'));
  });

  it('maps offsets through earlier edits of the same file', () => {
    const r = applyChecked(src, [del(['services', 'api', 'image']), set(['version'], '3'), text(at, at + 10, 'host-gateway')], { byPosition: true });
    expect(r.applied).toHaveLength(3);
    expect(r.text).toBe(y('services:', '  api:', '    extra_hosts:', '      - "db:host-gateway"', 'version: "3"'));
  });

  it('skips a text edit that overlaps an earlier edit', () => {
    const r = applyEdits(src, [set(['services', 'api', 'extra_hosts', 0], 'db:host-gateway'), text(at, at + 10, 'host-gateway')], FILE);
    expect(r.skipped.map((s) => s.why)).toEqual(['overlaps an earlier edit']);
    expect(r.text).toBe(src.replace('172.17.0.1', 'host-gateway'));
  });

  it('is already applied when the text is already there, or the same edit came before', () => {
    const once = applyEdits(src, [text(at, at + 10, 'host-gateway')], FILE);
    const r = applyEdits(src, [text(at, at + 10, 'host-gateway'), text(at, at + 10, 'host-gateway')], FILE);
    expect(r.text).toBe(once.text);
    expect(r.skipped.map((s) => s.why)).toEqual(['already applied']);
    const noop = applyEdits(src, [text(0, 8, 'services')], FILE);
    expect(noop.skipped.map((s) => s.why)).toEqual(['already applied']);
  });

  it('refuses offsets outside the file, and an edit that breaks the YAML', () => {
    const r = applyEdits(src, [text(5, 2, 'x'), text(0, src.length + 1, ''), text(0, 9, 'services: [')], FILE);
    expect(r.applied).toEqual([]);
    expect(r.skipped.map((s) => s.why.replace(/\(.*/, ''))).toEqual(['offsets 5..2 are outside the file', `offsets 0..${src.length + 1} are outside the file`, 'the edit would break the YAML ']);
    expect(r.text).toBe(src);
  });

  it('edits any text file (an env file)', () => {
    const env = 'A=1\nDB_HOST=172.17.0.1\n';
    const i = env.indexOf('172');
    const r = applyEdits(env, [text(i, i + 10, 'host.docker.internal')], '.env');
    expect(r.text).toBe('A=1\nDB_HOST=host.docker.internal\n');
  });
});

describe('several edits on one file', () => {
  it('applies them in order, each seeing the previous ones', () => {
    const src = y('version: "2"', 'services:', '  api:', '    image: x', '  db:', '    image: y');
    const edits = [
      del(['version']),
      set(['services', 'api', 'restart'], 'unless-stopped'),
      set(['services', 'db', 'restart'], 'unless-stopped'),
      mergeAnchor('default-logging', { driver: 'local' }, [['services', 'api', 'logging'], ['services', 'db', 'logging']]),
      del(['services', 'db', 'image']),
    ];
    const r = applyChecked(src, edits);
    expect(r.text).toBe(y('x-default-logging: &default-logging', '  driver: local', '', 'services:', '  api:', '    image: x', '    restart: unless-stopped', '    logging: *default-logging', '  db:', '    restart: unless-stopped', '    logging: *default-logging'));
  });

  it('a failed edit leaves the text as the previous edits made it', () => {
    const src = y('services:', '  api:', '    image: x');
    const r = applyEdits(src, [set(['services', 'api', 'init'], true), set(['services', 'api', 'image', 'x'], 1), set(['services', 'api', 'restart'], 'always')], FILE);
    expect(r.skipped.map((s) => s.why)).toEqual(['services.api.image is not a mapping']);
    expect(r.text).toBe(y('services:', '  api:', '    image: x', '    init: true', '    restart: always'));
  });

  it('YAML edits on a file that does not parse are skipped with the reason', () => {
    const r = applyEdits('a: [\n', [set(['a'], 1)], FILE);
    expect(r.skipped[0]!.why).toMatch(/does not parse as YAML/);
    const multi = applyEdits('a: 1\n---\nb: 2\n', [set(['a'], 2)], FILE);
    expect(multi.skipped[0]!.why).toBe('the file holds 2 YAML documents');
  });
});
