import { describe, expect, it } from 'vitest';
import {
  DEPENDS_ON_ORDER,
  KEY_ORDERS,
  PORT_ORDER,
  SERVICE_ORDER,
  SERVICE_VOLUME_ORDER,
  goNaturalCompare,
  goNaturalLess,
  naturalKeys,
  orderKeys,
  orderedKeys,
  sortKeysNatural,
} from '../../../src/load/formats/order.js';

/** Fisher–Yates with a fixed seed, so the shuffles are reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('goNaturalCompare', () => {
  // go-yaml yaml_test.go TestSortedOutput (the string keys, in the order go-yaml writes them)
  const goYamlOrder = [
    '', '.1', '.2', '.a', '1', '2', 'a!10', 'a/0001', 'a/002', 'a/3', 'a/10', 'a/11', 'a/0012', 'a/100',
    'a~10', 'ab/1', 'b/1', 'b/01', 'b/2', 'b/02', 'b/3', 'b/03', 'b1', 'b01', 'b3', 'c2.10', 'c10.2', 'd1',
    'd7', 'd7abc', 'd12', 'd12a', 'e2b', 'e4b', 'e21a',
  ];

  it('TestSortedOutput: every adjacent pair is in order', () => {
    for (let i = 0; i + 1 < goYamlOrder.length; i++) {
      const a = goYamlOrder[i] as string;
      const b = goYamlOrder[i + 1] as string;
      expect(goNaturalLess(a, b), `${a} < ${b}`).toBe(true);
      expect(goNaturalLess(b, a), `not ${b} < ${a}`).toBe(false);
    }
  });

  it.each([1, 2, 3, 42, 1234])('TestSortedOutput: a shuffle (seed %i) sorts back', (seed) => {
    expect(shuffled(goYamlOrder, seed).sort(goNaturalCompare)).toEqual(goYamlOrder);
  });

  // pairs checked against keyList.Less of go.yaml.in/yaml/v4 v4.0.0-rc.4, built with Go 1.19
  it.each<[string, string]>([
    ['s9', 's10'], // digit runs compare as numbers
    ['web2', 'web10'],
    ['B', 'a'], // upper case before lower case (code points)
    ['Web', 'web'],
    ['S1', 's9'],
    ['a_', 'ab'], // a non-letter comes before a letter …
    ['a-b', 'ab'],
    ['a1b', 'a1_'], // … except right after a digit, where the letter comes first
    ['web1', 'web01'], // same number: fewer leading zeros first
    ['b1', 'b01'],
    ['a9', 'a10000000000000000000000'], // the digit run wraps like Go's int64 (10^22 → 1864712049423024128)
    ['web', 'web-1'], // a prefix comes first
    ['web-1', 'web1'],
    ['web-1', 'web_1'],
    ['web_1', 'web1'],
    ['x-Bar', 'x-foo'],
    ['1', 'a'],
    ['3', '٣'], // ARABIC-INDIC DIGIT THREE is a digit whose value Go takes as cp - '0'
    ['e', 'é'],
    ['z', 'é'],
    ['ß', 'é'], // both letters: code points (U+00DF < U+00E9)
  ])('%j < %j', (a, b) => {
    expect(goNaturalLess(a, b)).toBe(true);
    expect(goNaturalLess(b, a)).toBe(false);
    expect(goNaturalCompare(a, b)).toBe(-1);
    expect(goNaturalCompare(b, a)).toBe(1);
  });

  it('equal strings compare equal', () => {
    expect(goNaturalCompare('web', 'web')).toBe(0);
    expect(goNaturalLess('web', 'web')).toBe(false);
  });

  it('sorts typical service and environment names', () => {
    expect(['worker10', 'worker2', 'api', 'Api', 'db-replica', 'db', 'db_1', 'db1'].sort(goNaturalCompare)).toEqual([
      'Api',
      'api',
      'db',
      'db-replica',
      'db_1',
      'db1',
      'worker2',
      'worker10',
    ]);
    // "_" (a non-letter, no digits) against "2": the digit run is compared with 0, so DB_* comes first
    expect(['PATH', 'HOME', 'DB_URL', 'DB_HOST', 'DB2', 'DB10', 'db'].sort(goNaturalCompare)).toEqual([
      'DB_HOST',
      'DB_URL',
      'DB2',
      'DB10',
      'HOME',
      'PATH',
      'db',
    ]);
  });
});

describe('orderKeys / orderedKeys', () => {
  it('puts known keys in table order, then other keys, then x-* sorted', () => {
    const port = { 'x-b': 1, protocol: 'tcp', published: '8080', target: 80, mode: 'ingress', 'x-a': 2, odd: true };
    expect(Object.keys(orderKeys(port, PORT_ORDER))).toEqual(['mode', 'target', 'published', 'protocol', 'odd', 'x-a', 'x-b']);
    expect(orderedKeys(port, PORT_ORDER)).toEqual(['mode', 'target', 'published', 'protocol', 'odd', 'x-a', 'x-b']);
  });

  it('orders a service like ServiceConfig', () => {
    const svc = { volumes: [], image: 'nginx', networks: {}, environment: {}, command: [], ports: [], build: {}, 'x-z': 1 };
    expect(orderedKeys(svc, SERVICE_ORDER)).toEqual(['build', 'command', 'environment', 'image', 'networks', 'ports', 'volumes', 'x-z']);
  });

  it('depends_on and volume entries', () => {
    expect(orderedKeys({ required: true, condition: 'service_started', restart: true }, DEPENDS_ON_ORDER)).toEqual([
      'condition',
      'restart',
      'required',
    ]);
    expect(orderedKeys({ volume: {}, target: '/d', source: 'data', type: 'volume', read_only: true }, SERVICE_VOLUME_ORDER)).toEqual([
      'type',
      'source',
      'target',
      'read_only',
      'volume',
    ]);
  });

  it('naturalKeys and sortKeysNatural', () => {
    expect(naturalKeys({ web10: 1, web2: 1, Web: 1 })).toEqual(['Web', 'web2', 'web10']);
    expect(Object.keys(sortKeysNatural({ b: 1, a: 2, 'a-1': 3 }))).toEqual(['a', 'a-1', 'b']);
  });

  it('does not mutate its input', () => {
    const input = { b: 1, a: 2 };
    orderKeys(input, ['a']);
    expect(Object.keys(input)).toEqual(['b', 'a']);
  });
});

describe('key order tables', () => {
  it('match reference §13 for the tables it lists', () => {
    expect(KEY_ORDERS.port).toEqual(['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol']);
    expect(KEY_ORDERS.serviceVolume).toEqual(['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image']);
    expect(KEY_ORDERS.volumeBind).toEqual(['selinux', 'propagation', 'create_host_path', 'recursive']);
    expect(KEY_ORDERS.dependsOn).toEqual(['condition', 'restart', 'required']);
    expect(KEY_ORDERS.healthcheck).toEqual(['test', 'timeout', 'interval', 'retries', 'start_period', 'start_interval', 'disable']);
    expect(KEY_ORDERS.deploy).toEqual([
      'mode', 'replicas', 'labels', 'update_config', 'rollback_config', 'resources', 'restart_policy', 'placement', 'endpoint_mode',
    ]);
    expect(KEY_ORDERS.network).toEqual([
      'name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels', 'enable_ipv4', 'enable_ipv6',
    ]);
    expect(KEY_ORDERS.volume).toEqual(['name', 'driver', 'driver_opts', 'external', 'labels']);
    expect(KEY_ORDERS.fileObject).toEqual([
      'name', 'file', 'environment', 'content', 'external', 'labels', 'driver', 'driver_opts', 'template_driver',
    ]);
    expect(KEY_ORDERS.project).toEqual(['name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models']);
    expect(KEY_ORDERS.build[0]).toBe('context');
    expect(KEY_ORDERS.build.at(-1)).toBe('privileged');
    expect(SERVICE_ORDER[0]).toBe('profiles');
    expect(SERVICE_ORDER.at(-1)).toBe('pre_stop');
  });

  it('tables have no duplicates', () => {
    for (const [name, table] of Object.entries(KEY_ORDERS)) {
      expect(new Set(table).size, name).toBe(table.length);
    }
    expect(SERVICE_ORDER.length).toBe(97); // ServiceConfig fields less `name` and `CustomLabels`
  });
});
