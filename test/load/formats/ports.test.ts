import { describe, expect, it } from 'vitest';
import { LoadError } from '../../../src/load/errors.js';
import { normalizeLongPort, parsePortString, type PortConfig } from '../../../src/load/formats/ports.js';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const tcp = (target: number, published?: string, host_ip?: string): PortConfig => ({
  mode: 'ingress',
  ...(host_ip ? { host_ip } : {}),
  target,
  ...(published !== undefined ? { published } : {}),
  protocol: 'tcp',
});
const udp = (target: number, published?: string): PortConfig => ({ ...tcp(target, published), protocol: 'udp' });

describe('parsePortString', () => {
  // compose-go types/types_test.go TestParsePortConfig (successful cases)
  it.each<[string, PortConfig[]]>([
    ['80', [tcp(80)]],
    ['80:8080', [tcp(8080, '80')]],
    ['80-90:8080', [tcp(8080, '80-90')]],
    ['8080:80/tcp', [tcp(80, '8080')]],
    ['80:8080/udp', [udp(8080, '80')]],
    ['80-81:8080-8081/tcp', [tcp(8080, '80'), tcp(8081, '81')]],
    ['80-82:8080-8082/udp', [udp(8080, '80'), udp(8081, '81'), udp(8082, '82')]],
    ['80-82:8080/udp', [udp(8080, '80-82')]],
    ['80-80:8080/tcp', [tcp(8080, '80')]],
    ['1.1.1.1:80:80', [tcp(80, '80', '1.1.1.1')]],
  ])('TestParsePortConfig %s', (spec, want) => {
    expect(parsePortString(spec)).toEqual(want);
  });

  // compose-go types/types_test.go TestParsePortConfig (error cases). docker compose v5 links
  // go-connections v0.7.0, whose messages are lower-case (v0.4.0 wrote "Invalid containerPort").
  it.each([
    ['9999999', 'invalid containerPort: 9999999'],
    ['80/xyz', 'invalid proto: xyz'],
    ['tcp', 'invalid containerPort: tcp'],
    ['udp', 'invalid containerPort: udp'],
    ['', 'no port specified: <empty>'],
  ])('TestParsePortConfig error %s', (spec, message) => {
    expect(errorOf(() => parsePortString(spec))).toBe(message);
  });

  // compose-go transform/ports_test.go Test_transformPorts
  it('Test_transformPorts []string', () => {
    expect([...parsePortString('127.0.0.1:8080:80'), ...parsePortString('127.0.0.1:8081:81')]).toEqual([
      tcp(80, '8080', '127.0.0.1'),
      tcp(81, '8081', '127.0.0.1'),
    ]);
  });
  it('Test_transformPorts invalid IP', () => {
    expect(errorOf(() => parsePortString('127.0.1:8080:80'))).toBe('invalid IP address: 127.0.1');
  });

  // docker/go-connections nat/nat_test.go TestPartPortSpecIPV6 (v0.7.0)
  it.each<[string, PortConfig[]]>([
    ['[2001:4860:0:2001::68]::333', [tcp(333, undefined, '2001:4860:0:2001::68')]],
    ['[::1]:80:80', [tcp(80, '80', '::1')]],
    ['2001:4860:0:2001::68::333', [tcp(333, undefined, '2001:4860:0:2001::68')]],
    ['::1:80:80', [tcp(80, '80', '::1')]],
    ['::::80', [tcp(80, undefined, '::')]],
  ])('IPv6 %s', (spec, want) => {
    expect(parsePortString(spec)).toEqual(want);
  });

  // go-connections nat_test.go TestParsePortSpecEmptyContainerPort
  it.each([
    ['0.0.0.0:1234-1235:/tcp', 'no port specified: 0.0.0.0:1234-1235:/tcp<empty>'],
    ['0.0.0.0:1234-1235:', 'no port specified: 0.0.0.0:1234-1235:<empty>'],
  ])('empty container port %s', (spec, message) => {
    expect(errorOf(() => parsePortString(spec))).toBe(message);
  });

  // go-connections nat_test.go TestParsePortSpecFull
  it('TestParsePortSpecFull', () => {
    expect(parsePortString('0.0.0.0:1234-1235:3333-3334/tcp')).toEqual([
      tcp(3333, '1234', '0.0.0.0'),
      tcp(3334, '1235', '0.0.0.0'),
    ]);
  });

  // go-connections nat_test.go TestParsePortSpecs / TestParsePortSpecsWithRange
  it('sctp and hostname instead of IP', () => {
    expect(parsePortString('3456:3456/sctp')).toEqual([{ ...tcp(3456, '3456'), protocol: 'sctp' }]);
    expect(parsePortString('3456-3458/sctp').map((p) => p.target)).toEqual([3456, 3457, 3458]);
    expect(errorOf(() => parsePortString('localhost:1234:1234/tcp'))).toBe('invalid IP address: localhost');
  });

  // reference §8.1: entries of one range are ordered by the string "<port>/<proto>"
  it('orders a range by "<port>/<proto>" strings', () => {
    expect(parsePortString('98-101').map((p) => p.target)).toEqual([100, 101, 98, 99]);
    expect(parsePortString('8-11:98-101').map((p) => [p.target, p.published])).toEqual([
      [100, '10'],
      [101, '11'],
      [98, '8'],
      [99, '9'],
    ]);
  });

  // the remaining cases were checked against go-connections v0.7.0 ParsePortSpec + compose-go
  // ParsePortConfig, built with Go 1.19
  it.each<[string | number, PortConfig[]]>([
    [80, [tcp(80)]],
    ['8000-8010:80', [tcp(80, '8000-8010')]],
    ['127.0.0.1::80', [tcp(80, undefined, '127.0.0.1')]],
    ['[::1]::80', [tcp(80, undefined, '::1')]],
    ['80/TCP', [tcp(80)]],
    ['53:53/UDP', [udp(53, '53')]],
    ['80/', [tcp(80)]],
    ['+80:80', [tcp(80, '80')]],
    ['080:080', [tcp(80, '80')]],
    ['0', [tcp(0)]],
    ['65535', [tcp(65535)]],
  ])('%s', (spec, want) => {
    expect(parsePortString(spec)).toEqual(want);
  });

  it.each<[string | number, string]>([
    ['65536', 'invalid containerPort: 65536'],
    ['-1', 'invalid containerPort: -1'],
    [-1, 'invalid containerPort: -1'],
    ['80-79', 'invalid containerPort: 80-79'],
    ['80-', 'invalid containerPort: 80-'],
    ['1-2-3', 'invalid containerPort: 1-2-3'],
    ['x:80', 'invalid hostPort: x'],
    ['8000:80-81', 'invalid ranges specified for container and host Ports: 80-81 and 8000'],
    ['80-81:8080-8082', 'invalid ranges specified for container and host Ports: 8080-8082 and 80-81'],
    ['80/icmp', 'invalid proto: icmp'],
    ['[::1:80:80', "invalid IP address [::1: address [::1:: missing ']' in address"],
    ['[::1]x:80:80', 'invalid IP address [::1]x: address [::1]x:: missing port in address'],
    ['[foo]:80:80', 'invalid IP address: foo'],
    ['fe80::1%eth0:80:80', 'invalid IP address: fe80::1%eth0'],
    ['01.1.1.1:80:80', 'invalid IP address: 01.1.1.1'],
    [80.5, 'invalid type float64 for port'],
  ])('error %s', (spec, message) => {
    expect(errorOf(() => parsePortString(spec))).toBe(message);
  });

  it('errors are LoadErrors with code "format"', () => {
    try {
      parsePortString('80/xyz');
    } catch (e) {
      expect((e as LoadError).code).toBe('format');
    }
  });
});

describe('normalizeLongPort', () => {
  // compose-go transform/ports_test.go Test_portDefaults (+ the int → string cast of loader/mapstructure.go)
  it('Test_portDefaults', () => {
    expect(normalizeLongPort({ target: 80, published: 8080 })).toEqual({
      target: 80,
      published: '8080',
      mode: 'ingress',
      protocol: 'tcp',
    });
  });
  it('keeps given mode, protocol and string published', () => {
    expect(normalizeLongPort({ target: 53, published: '5353', protocol: 'udp', mode: 'host', name: 'dns', app_protocol: 'dns' })).toEqual({
      target: 53,
      published: '5353',
      protocol: 'udp',
      mode: 'host',
      name: 'dns',
      app_protocol: 'dns',
    });
  });
  it('does not mutate its input and leaves a missing published alone', () => {
    const input = { target: 80 };
    const out = normalizeLongPort(input);
    expect(input).toEqual({ target: 80 });
    expect(out).toEqual({ target: 80, protocol: 'tcp', mode: 'ingress' });
    expect('published' in out).toBe(false);
  });
});
