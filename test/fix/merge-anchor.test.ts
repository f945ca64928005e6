import { describe, expect, it } from 'vitest';
import type { Edit } from '../../src/audit/types.js';
import { applyEdits } from '../../src/fix/apply.js';
import { applyChecked, changedLines, crlf, FILE, loaded, mergeAnchor, y } from './helpers.js';

const LOGGING = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };
const svc = (n: string, ...rest: string[]) => ['services', n, ...rest];

describe('yaml-merge-anchor: alias targets (log rotation)', () => {
  const src = y(
    'version: "3.8"',
    'name: shop',
    '',
    '# the services',
    'services:',
    '  api:',
    '    image: example/api # pinned elsewhere',
    '  worker:',
    '    image: example/worker',
    '    logging:',
    '      driver: json-file',
    '  db:',
    '    image: postgres:16',
    '    logging: {driver: json-file}',
  );

  it('adds the anchor before services (and its comment), and points every target at it', () => {
    const r = applyChecked(src, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging'), svc('worker', 'logging'), svc('db', 'logging')])]);
    expect(r.text).toBe(
      y(
        'version: "3.8"',
        'name: shop',
        '',
        'x-default-logging: &default-logging',
        '  driver: json-file',
        '  options:',
        '    max-size: 10m',
        '    max-file: "3"',
        '',
        '# the services',
        'services:',
        '  api:',
        '    image: example/api # pinned elsewhere',
        '    logging: *default-logging',
        '  worker:',
        '    image: example/worker',
        '    logging: *default-logging',
        '  db:',
        '    image: postgres:16',
        '    logging: *default-logging',
      ),
    );
    const v = loaded(r.text) as { services: Record<string, { logging: unknown }> };
    for (const s of ['api', 'worker', 'db']) expect(v.services[s]!.logging).toEqual(LOGGING);
    expect(changedLines(src, r.text).removed).toEqual([10, 11, 14]);
  });

  it('reuses an anchor that already holds the same value', () => {
    const once = applyEdits(src, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging')])], FILE).text;
    const r = applyChecked(once, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging'), svc('db', 'logging')])]);
    expect(r.text).toBe(once.replace('    logging: {driver: json-file}', '    logging: *default-logging'));
    expect(r.text.match(/&default-logging/g)).toHaveLength(1);
  });

  it('is already applied when everything is in place', () => {
    const once = applyEdits(src, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging')])], FILE).text;
    const r = applyEdits(once, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging')])], FILE);
    expect(r.text).toBe(once);
    expect(r.skipped.map((s) => s.why)).toEqual(['already applied']);
  });

  it('refuses when the anchor exists with another value', () => {
    const other = y('x-l: &default-logging', '  driver: local', 'services:', '  api:', '    image: x');
    const r = applyChecked(other, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging')])]);
    expect(r.text).toBe(other);
    expect(r.skipped[0]!.why).toMatch(/already exists \(line 1\) with a different value/);
  });

  it('uses the key the edit names, or the first free variant of it', () => {
    const s1 = y('services:', '  api:', '    image: x');
    const e = { ...mergeAnchor('default-logging', LOGGING, [svc('api', 'logging')]), key: 'x-logging' } as Edit;
    expect(applyChecked(s1, [e]).text.split('\n')[0]).toBe('x-logging: &default-logging');
    const s2 = y('x-logging: {}', 'services:', '  api:', '    image: x');
    expect(applyChecked(s2, [e]).text.split('\n')[2]).toBe('x-logging-2: &default-logging');
  });

  it('picks a free x- key name', () => {
    const other = y('x-default-logging: 1', 'services:', '  api:', '    image: x');
    const r = applyChecked(other, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging')])]);
    expect(r.text.split('\n')[2]).toBe('x-default-logging-2: &default-logging');
  });

  it('keeps the file header above the anchor, CRLF and 4-space indentation', () => {
    const four = crlf(y('# header', 'services:', '    api:', '        image: x'));
    const r = applyChecked(four, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging')])]);
    expect(r.text).toBe(
      crlf(y('# header', '', 'x-default-logging: &default-logging', '    driver: json-file', '    options:', '        max-size: 10m', '        max-file: "3"', '', 'services:', '    api:', '        image: x', '        logging: *default-logging')),
    );
  });

  it('skips a target that cannot take the alias, applies the others, and notes it', () => {
    const s2 = y('x-l: &l', '  driver: local', 'services:', '  api:', '    image: x', '  db: *l');
    const r = applyChecked(s2, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging'), svc('db', 'logging')])]);
    expect(r.applied).toHaveLength(1);
    expect(r.notes.map((n) => n.note)).toEqual(['services.db.logging: services.db is an alias (*l): editing through it would change every use of the anchor']);
    expect(r.text).toContain('    logging: *default-logging\n  db: *l');
  });

  it('leaves the file alone when no target can take it', () => {
    const s2 = y('services:', '  api: 5');
    const r = applyChecked(s2, [mergeAnchor('default-logging', LOGGING, [svc('api', 'logging')])]);
    expect(r.text).toBe(s2);
    expect(r.skipped[0]!.why).toBe('services.api.logging: services.api is not a mapping');
  });
});

describe('yaml-merge-anchor: merge targets (environment dedupe)', () => {
  const ENV = { REDIS_URL: 'redis://redis:6379/0', MLFLOW_TRACKING_URI: 'http://mlflow:5000', SUPABASE_URL: '${SUPABASE_URL}' };
  const KEYS = Object.keys(ENV);
  const src = y(
    'services:',
    '  api:',
    '    environment:',
    '      # shared',
    '      REDIS_URL: redis://redis:6379/0',
    '      MLFLOW_TRACKING_URI: http://mlflow:5000 # tracking',
    '      SUPABASE_URL: ${SUPABASE_URL}',
    '      WORKERS: 4',
    '  worker:',
    '    environment:',
    '      REDIS_URL: redis://redis:6379/0',
    '      MLFLOW_TRACKING_URI: http://mlflow:5000',
    '      SUPABASE_URL: ${SUPABASE_URL}',
  );

  it('adds `<<: *anchor` first and removes the shared keys', () => {
    const r = applyChecked(src, [mergeAnchor('common-env', ENV, [svc('api', 'environment'), svc('worker', 'environment')], KEYS)], { lostComments: 1 });
    expect(r.text).toBe(
      y(
        'x-common-env: &common-env',
        '  REDIS_URL: redis://redis:6379/0',
        '  MLFLOW_TRACKING_URI: http://mlflow:5000',
        '  SUPABASE_URL: ${SUPABASE_URL}',
        '',
        'services:',
        '  api:',
        '    environment:',
        '      # shared',
        '      <<: *common-env',
        '      WORKERS: 4',
        '  worker:',
        '    environment:',
        '      <<: *common-env',
      ),
    );
    expect(loaded(r.text)).toEqual({ ...(loaded(src) as object), 'x-common-env': ENV });
  });

  it('keeps a key whose value differs (it overrides the merged one)', () => {
    const s2 = src.replace('      SUPABASE_URL: ${SUPABASE_URL}\n      WORKERS', '      SUPABASE_URL: http://local\n      WORKERS');
    const r = applyChecked(s2, [mergeAnchor('common-env', ENV, [svc('api', 'environment'), svc('worker', 'environment')], KEYS)], { lostComments: 1 });
    expect(r.text).toContain('      <<: *common-env\n      SUPABASE_URL: http://local\n      WORKERS: 4');
    expect(loaded(r.text)).toEqual({ ...(loaded(s2) as object), 'x-common-env': ENV });
  });

  it('skips a target that lacks one of the keys (merging would add it)', () => {
    const s2 = src + y('  cron:', '    environment:', '      REDIS_URL: redis://redis:6379/0');
    const r = applyChecked(s2, [mergeAnchor('common-env', ENV, [svc('api', 'environment'), svc('worker', 'environment'), svc('cron', 'environment')], KEYS)], { lostComments: 1 });
    expect(r.notes.map((n) => n.note)).toEqual(['services.cron.environment: merging &common-env would add MLFLOW_TRACKING_URI, SUPABASE_URL']);
    expect(r.text).toContain('  cron:\n    environment:\n      REDIS_URL: redis://redis:6379/0\n');
  });

  it('rewrites a KEY=VALUE list as a mapping (indented under its key, quoting values that need it)', () => {
    const s2 = y('services:', '  api:', '    environment:', '      A: "1"', '      B: two', '  worker:', '    environment:', '    - A=1 # one', '    - B=two', '    - DEBUG', '    - PORT=8080');
    // `# one` goes with its entry, A=1, which the anchor now provides
    const r = applyChecked(s2, [mergeAnchor('common-env', { A: '1', B: 'two' }, [svc('api', 'environment'), svc('worker', 'environment')], ['A', 'B'])], { lostComments: 1 });
    expect(r.text).toBe(y('x-common-env: &common-env', '  A: "1"', '  B: two', '', 'services:', '  api:', '    environment:', '      <<: *common-env', '  worker:', '    environment:', '      <<: *common-env', '      DEBUG:', '      PORT: "8080"'));
  });

  it('with listToMap: false, skips a list-form target', () => {
    const s2 = y('services:', '  api:', '    environment:', '      A: "1"', '  worker:', '    environment:', '      - A=1');
    const r = applyChecked(s2, [mergeAnchor('common-env', { A: '1' }, [svc('api', 'environment'), svc('worker', 'environment')], ['A'])], { listToMap: false });
    expect(r.notes.map((n) => n.note)).toEqual(['services.worker.environment: is a list (KEY=VALUE): a merge key needs a mapping']);
    expect(r.text).toContain('    environment:\n      - A=1\n');
  });

  it('adds the anchor in front of an existing merge', () => {
    const s2 = y('x-base: &base', '  TZ: UTC', 'services:', '  api:', '    environment:', '      <<: *base', '      A: "1"', '  b:', '    environment: {<<: *base, A: "1"}');
    const r = applyChecked(s2, [mergeAnchor('common-env', { A: '1' }, [svc('api', 'environment'), svc('b', 'environment')], ['A'])]);
    expect(r.text).toContain('    environment:\n      <<: [*common-env, *base]\n  b:\n    environment: {<<: [*common-env, *base]}\n');
  });

  it('merges into a flow mapping', () => {
    const s2 = y('services:', '  a:', '    environment: {A: "1", B: "2"}', '  b:', '    environment: {B: "2", A: "1", C: x}');
    const r = applyChecked(s2, [mergeAnchor('ab', { A: '1', B: '2' }, [svc('a', 'environment'), svc('b', 'environment')], ['A', 'B'])]);
    expect(r.text).toBe(y('x-ab: &ab', '  A: "1"', '  B: "2"', '', 'services:', '  a:', '    environment: {<<: *ab}', '  b:', '    environment: {<<: *ab, C: x}'));
  });

  it('a whole block (duplicate-block): every key removed, the merge stays', () => {
    const s2 = y('services:', '  a:', '    healthcheck:', '      test: [CMD, true]', '      interval: 10s', '  b:', '    healthcheck:', '      test: [CMD, true]', '      interval: 10s');
    const value = { test: ['CMD', 'true'], interval: '10s' };
    const r = applyChecked(s2, [mergeAnchor('default-healthcheck', value, [svc('a', 'healthcheck'), svc('b', 'healthcheck')], ['test', 'interval'])]);
    expect(r.text).toBe(
      y('x-default-healthcheck: &default-healthcheck', '  test:', '    - CMD', '    - "true"', '  interval: 10s', '', 'services:', '  a:', '    healthcheck:', '      <<: *default-healthcheck', '  b:', '    healthcheck:', '      <<: *default-healthcheck'),
    );
  });

  it('a merge value must be a mapping', () => {
    const r = applyChecked(src, [mergeAnchor('x', ['a'], [svc('api', 'environment')], ['a'])]);
    expect(r.skipped[0]!.why).toMatch(/needs a mapping/);
  });
});
