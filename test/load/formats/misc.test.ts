import { describe, expect, it } from 'vitest';
import { LoadError } from '../../../src/load/errors.js';
import {
  defaultSecretTarget,
  formatFileMode,
  goFormatFloat,
  goSprint,
  goStringCompare,
  listToNullMap,
  normalizeBuild,
  normalizeDependsOn,
  normalizeDeviceRequest,
  normalizeEnvFile,
  normalizeExpose,
  normalizeExtends,
  normalizeExternal,
  normalizeFileMount,
  normalizeGpus,
  normalizeHealthcheckTest,
  normalizeSsh,
  parseDevice,
  parseDeviceCount,
  parseEnvironment,
  parseExtraHosts,
  parseFileMode,
  parseKeyValueList,
  parseKeyValueListStrict,
  parseOptions,
  parseUlimit,
  stringOrList,
} from '../../../src/load/formats/misc.js';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseExtraHosts', () => {
  // compose-go types/hostList_test.go testHostsList, run with both separators ("=" and ":")
  const cases: Array<[string, string[], string[]]> = [
    ['IPv4', ['myhost{}192.168.0.1'], ['myhost=192.168.0.1']],
    ['Weird but permitted, IPv4 with brackets', ['myhost{}[192.168.0.1]'], ['myhost=192.168.0.1']],
    ['Host and domain', ['host.invalid{}10.0.2.1'], ['host.invalid=10.0.2.1']],
    ['IPv6', ['anipv6host{}2003:ab34:e::1'], ['anipv6host=2003:ab34:e::1']],
    ['IPv6, brackets', ['anipv6host{}[2003:ab34:e::1]'], ['anipv6host=2003:ab34:e::1']],
    ['IPv6 localhost', ['ipv6local{}::1'], ['ipv6local=::1']],
    ['IPv6 localhost, brackets', ['ipv6local{}[::1]'], ['ipv6local=::1']],
    ['host-gateway special case', ['host.docker.internal{}host-gateway'], ['host.docker.internal=host-gateway']],
    [
      'multiple inputs',
      ['myhost{}192.168.0.1', 'anipv6host{}[2003:ab34:e::1]', 'host.docker.internal{}host-gateway'],
      ['anipv6host=2003:ab34:e::1', 'host.docker.internal=host-gateway', 'myhost=192.168.0.1'],
    ],
  ];
  for (const sep of ['=', ':']) {
    it.each(cases)(`testHostsList(${sep}) %s`, (_doc, input, want) => {
      expect(parseExtraHosts(input.map((s) => s.replace('{}', sep)))).toEqual(want);
    });
  }
  it.each([['::::1'], ['=::1']])('testHostsList bad host %j', (input) => {
    expect(errorOf(() => parseExtraHosts([input]))).toMatch(/^bad host name/);
  });
  it('testHostsList both ipv4 and ipv6 / list of values', () => {
    expect(parseExtraHosts(['foo:127.0.0.2', 'foo:ff02::1'])).toEqual(['foo=127.0.0.2', 'foo=ff02::1']);
    expect(parseExtraHosts(['foo=127.0.0.2,127.0.0.3'])).toEqual(['foo=127.0.0.2', 'foo=127.0.0.3']);
  });
  it('map form, sorted output, missing IP', () => {
    expect(parseExtraHosts({ zeta: '10.0.0.1', alpha: ['::1', '[::2]'], empty: null })).toEqual([
      'alpha=::1',
      'alpha=::2',
      'empty=',
      'zeta=10.0.0.1',
    ]);
    expect(errorOf(() => parseExtraHosts(['nohost']))).toBe('invalid additional host, missing IP: nohost');
    expect(errorOf(() => parseExtraHosts('a=b'))).toBe('unexpected value type string for extra_hosts');
  });
});

describe('parseKeyValueList (labels, annotations, sysctls)', () => {
  // compose-go types/types_test.go TestNewMapping (Mapping: bare key → "")
  it('TestNewMapping', () => {
    expect(parseKeyValueList(['FOO=BAR', 'ZOT=', 'QIX'])).toEqual({ FOO: 'BAR', ZOT: '', QIX: '' });
  });
  it('splits at the first "=", later keys win, map values are printed like Go', () => {
    expect(parseKeyValueList(['a=b=c', 'a=d', 'e'])).toEqual({ a: 'd', e: '' });
    expect(parseKeyValueList({ n: 1, f: 1.5, big: 1e21, t: true, z: null, s: 'x' })).toEqual({
      n: '1',
      f: '1.5',
      big: '1e+21',
      t: 'true',
      z: '',
      s: 'x',
    });
    expect(parseKeyValueList(['__proto__=x'])).toEqual(JSON.parse('{"__proto__":"x"}'));
  });
  it('strict form for build.additional_contexts (transform/mapping.go)', () => {
    expect(parseKeyValueListStrict(['a=./a', 'b=docker-image://x'], 'services.s.build.additional_contexts')).toEqual({
      a: './a',
      b: 'docker-image://x',
    });
    expect(errorOf(() => parseKeyValueListStrict(['nope'], 'services.s.build.additional_contexts'))).toBe(
      'services.s.build.additional_contexts: invalid value nope, expected key=value',
    );
  });
  it('options (driver_opts, logging.options)', () => {
    expect(parseOptions({ 'max-size': '10m', 'max-file': 3, x: null })).toEqual({ 'max-size': '10m', 'max-file': '3', x: '' });
  });
});

describe('parseEnvironment', () => {
  // compose-go types/types_test.go TestNewMapping (MappingWithEquals: bare key → nil)
  it('TestNewMapping (MappingWithEquals)', () => {
    expect(parseEnvironment(['FOO=BAR', 'ZOT=', 'QIX'])).toEqual({ FOO: 'BAR', ZOT: '', QIX: null });
  });
  it('map form', () => {
    expect(parseEnvironment({ A: 'x', B: null, C: 1, D: false, E: 0.5 })).toEqual({ A: 'x', B: null, C: '1', D: 'false', E: '0.5' });
  });
  // types/mapping.go MappingWithEquals.DecodeMapstructure
  it.each(['A =1', 'A\t=1', 'A '])('whitespace before "=" is an error: %j', (entry) => {
    expect(errorOf(() => parseEnvironment([entry]))).toBe(`environment variable ${entry.split('=')[0]} is declared with a trailing space`);
  });
  it('whitespace elsewhere is kept, and the last-byte quirk is copied', () => {
    expect(parseEnvironment([' A=1 ', 'B= 2'])).toEqual({ ' A': '1 ', B: ' 2' });
    expect(errorOf(() => parseEnvironment(['à=1']))).toBe('environment variable à is declared with a trailing space');
    expect(parseEnvironment(['é=1'])).toEqual({ é: '1' });
  });
});

describe('parseDevice (transform/device.go)', () => {
  it.each<[string, { source: string; target: string; permissions: string }]>([
    ['/dev/sda', { source: '/dev/sda', target: '/dev/sda', permissions: 'rwm' }],
    ['/dev/sda:/dev/xvda', { source: '/dev/sda', target: '/dev/xvda', permissions: 'rwm' }],
    ['/dev/sda:/dev/xvda:r', { source: '/dev/sda', target: '/dev/xvda', permissions: 'r' }],
    ['/dev/sda::rw', { source: '/dev/sda', target: '/dev/sda', permissions: 'rw' }],
  ])('%s', (input, want) => {
    expect(parseDevice(input)).toEqual(want);
  });
  it('errors on more than three parts, copies the long form', () => {
    expect(errorOf(() => parseDevice('a:b:c:d'))).toBe('confusing device mapping, please use long syntax: a:b:c:d');
    expect(parseDevice({ source: '/dev/a', target: '/dev/b' })).toEqual({ source: '/dev/a', target: '/dev/b' });
  });
});

describe('parseUlimit (UlimitsConfig)', () => {
  it.each<[unknown, unknown]>([
    [65535, 65535],
    ['1024', 1024],
    [{ soft: 1024, hard: 2048 }, { soft: 1024, hard: 2048 }],
    [{ soft: 10 }, { soft: 10, hard: 0 }],
    [{ soft: '10', hard: '20' }, { soft: 10, hard: 20 }],
    [0, { soft: 0, hard: 0 }],
  ])('%j', (input, want) => {
    expect(parseUlimit(input)).toEqual(want);
  });
  it('rejects other types', () => {
    expect(errorOf(() => parseUlimit('lots'))).toBe('unexpected value type string for ulimit');
  });
});

describe('gpus and device requests', () => {
  // compose-go loader/tests/gpus_test.go, transform/gpus.go, transform/devices.go
  it('normalizeGpus', () => {
    expect(normalizeGpus('all')).toEqual([{ count: 'all' }]);
    expect(normalizeGpus([{ driver: 'nvidia' }, { count: 2 }, { device_ids: ['0'] }])).toEqual([
      { driver: 'nvidia', count: 'all' },
      { count: 2 },
      { device_ids: ['0'] },
    ]);
    expect(normalizeDeviceRequest({ capabilities: ['gpu'] })).toEqual({ capabilities: ['gpu'], count: 'all' });
  });
  // compose-go loader/tests/devices_test.go: count "all" binds as DeviceCount(-1)
  it.each<[unknown, number]>([
    ['all', -1],
    ['ALL', -1],
    [2, 2],
    ['3', 3],
  ])('parseDeviceCount %j', (input, want) => {
    expect(parseDeviceCount(input)).toBe(want);
  });
  it('parseDeviceCount error', () => {
    expect(errorOf(() => parseDeviceCount('some'))).toBe(`invalid value "some", the only value allowed is 'all' or a number`);
  });
});

describe('shape conversions of transform/*.go', () => {
  it('normalizeDependsOn (transform/dependson.go)', () => {
    expect(normalizeDependsOn(['db', 'cache'])).toEqual({
      db: { condition: 'service_started', required: true },
      cache: { condition: 'service_started', required: true },
    });
    expect(normalizeDependsOn({ db: { condition: 'service_healthy' }, x: { required: false, restart: true } })).toEqual({
      db: { condition: 'service_healthy', required: true },
      x: { condition: 'service_started', required: false, restart: true },
    });
  });
  it('secrets / configs (transform/secrets.go)', () => {
    expect(normalizeFileMount('token')).toEqual({ source: 'token' });
    expect(defaultSecretTarget({ source: 'token' })).toEqual({ source: 'token', target: '/run/secrets/token' });
    expect(defaultSecretTarget({ source: 'token', target: '/x' })).toEqual({ source: 'token', target: '/x' });
  });
  it('file modes print as octal strings', () => {
    expect(parseFileMode('0440')).toBe(0o440);
    expect(parseFileMode(0o440)).toBe(288);
    expect(formatFileMode(288)).toBe('0440');
    expect(formatFileMode(0)).toBe('00');
    expect(errorOf(() => parseFileMode('0x1'))).toBe('strconv.ParseInt: parsing "0x1": invalid syntax');
  });
  it('networks / models lists, healthcheck.test, string-or-list, expose', () => {
    expect(listToNullMap(['front', 'back'])).toEqual({ front: null, back: null });
    expect(normalizeHealthcheckTest('curl -f http://localhost')).toEqual(['CMD-SHELL', 'curl -f http://localhost']);
    expect(normalizeHealthcheckTest(['CMD', 'true'])).toEqual(['CMD', 'true']);
    expect(stringOrList('8.8.8.8')).toEqual(['8.8.8.8']);
    expect(normalizeExpose([3000, '4000-4010'])).toEqual(['3000', '4000-4010']);
  });
  it('build, extends, env_file (transform/build.go, extends.go, envfile.go)', () => {
    expect(normalizeBuild('./app')).toEqual({ context: './app' });
    expect(normalizeBuild({ dockerfile: 'x' })).toEqual({ dockerfile: 'x', context: '.' });
    expect(normalizeExtends('base')).toEqual({ service: 'base' });
    expect(normalizeEnvFile('.env')).toEqual([{ path: '.env', required: true }]);
    expect(normalizeEnvFile(['a.env', { path: 'b.env', required: false }])).toEqual([
      { path: 'a.env', required: true },
      { path: 'b.env', required: false },
    ]);
  });
  // compose-go transform/ssh_test.go
  it('normalizeSsh', () => {
    expect(normalizeSsh(['default', 'key=/path/key'])).toEqual({ default: null, key: '/path/key' });
    expect(errorOf(() => normalizeSsh(['other']))).toBe('invalid ssh key "other"');
  });
  // compose-go transform/external_test.go
  it('normalizeExternal', () => {
    expect(normalizeExternal({ external: { name: 'ext' } }, 'volumes.v')).toEqual({
      resource: { external: true, name: 'ext' },
      warning: 'volumes.v: external.name is deprecated. Please set name and external: true',
    });
    expect(normalizeExternal({ external: true }, 'volumes.v')).toEqual({ resource: { external: true } });
    expect(errorOf(() => normalizeExternal({ name: 'a', external: { name: 'b' } }, 'networks.n'))).toBe(
      'networks.n: name and external.name conflict; only use name',
    );
  });
});

describe('Go printing helpers', () => {
  // values checked against fmt.Sprint in Go 1.19
  it.each<[number, string]>([
    [1000, '1000'],
    [1e6, '1e+06'],
    [1e20, '1e+20'],
    [123456789.5, '1.234567895e+08'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [1 / 3, '0.3333333333333333'],
    [123456.5, '123456.5'],
  ])('goFormatFloat(%s) = %s', (f, want) => {
    expect(goFormatFloat(f)).toBe(want);
  });
  it('goSprint', () => {
    expect(goSprint(1000000)).toBe('1000000');
    expect(goSprint(true)).toBe('true');
    expect(goSprint(null)).toBe('<nil>');
    expect(goSprint('x')).toBe('x');
  });
  it('goStringCompare is byte order (UTF-8), unlike UTF-16 order', () => {
    const a = '\uff61'; // BMP, above the surrogates
    const b = '\u{1f600}'; // astral
    expect(goStringCompare(a, b)).toBe(-1);
    expect([b, a].sort()).toEqual([b, a]); // JS default order differs
    expect(['b', 'B', 'a', 'A'].sort(goStringCompare)).toEqual(['A', 'B', 'a', 'b']);
  });
});
