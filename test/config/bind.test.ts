/**
 * bindProject: every value converted to its compose-go type, omitempty applied, Go field order.
 */
import { describe, expect, it } from 'vitest';
import { bindProject, bindStructValue } from '../../src/config/bind.js';
import { LoadError } from '../../src/load/errors.js';

type Obj = Record<string, any>;

function svc(service: Obj): Obj {
  const bound = bindProject({ name: 'p', services: { s: service } });
  return (bound.services as Obj).s as Obj;
}

describe('durations (types.Duration → time.Duration.String())', () => {
  it.each([
    ['90s', '1m30s'],
    ['1m', '1m0s'],
    ['2h', '2h0m0s'],
    ['1d', '24h0m0s'],
    ['1w', '168h0m0s'],
    ['500ms', '500ms'],
    ['1.5h', '1h30m0s'],
    ['1h2m3.5s', '1h2m3.5s'],
    ['1500us', '1.5ms'],
    ['0', '0s'],
    ['1m30s', '1m30s'],
  ])('%s → %s', (input, printed) => {
    expect(svc({ image: 'x', healthcheck: { interval: input } }).healthcheck.interval).toBe(printed);
    expect(svc({ image: 'x', stop_grace_period: input }).stop_grace_period).toBe(printed);
  });

  it('a zero *Duration is kept, a zero Duration value is left out', () => {
    const s = svc({ image: 'x', healthcheck: { timeout: '0s' }, deploy: { update_config: { delay: '0s', monitor: '1s' } } });
    expect(s.healthcheck).toEqual({ timeout: '0s' });
    expect(s.deploy.update_config).toEqual({ monitor: '1s' });
  });

  it('names the path of a bad value', () => {
    expect(() => svc({ image: 'x', healthcheck: { interval: '10' } })).toThrow(LoadError);
    expect(() => svc({ image: 'x', healthcheck: { interval: '10' } })).toThrow('services.s.healthcheck.interval: time: missing unit in duration "10"');
  });
});

describe('byte sizes (types.UnitBytes → decimal string)', () => {
  it.each([
    ['512m', '536870912'],
    ['1g', '1073741824'],
    ['1.5k', '1536'],
    ['100', '100'],
    ['2GB', '2147483648'],
    [1024, '1024'],
    ['-1', '-1'],
  ] as const)('%s → %s', (input, printed) => {
    expect(svc({ image: 'x', mem_limit: input }).mem_limit).toBe(printed);
  });

  it('a zero size is left out', () => {
    expect(svc({ image: 'x', mem_limit: 0, shm_size: '0' })).toEqual({ image: 'x' });
  });
});

describe('command and entrypoint (types.ShellCommand)', () => {
  it.each([
    ['echo hello', ['echo', 'hello']],
    ["sh -c 'echo hi'", ['sh', '-c', 'echo hi']],
    ['sh -c "echo $HOME"', ['sh', '-c', 'echo $HOME']],
    ['echo a\\ b', ['echo', 'a b']],
    ["printf '%s\\n' x", ['printf', '%s\\n', 'x']],
    ['', []],
  ])('%j → %j', (input, words) => {
    expect(svc({ image: 'x', command: input }).command).toEqual(words);
  });

  it('keeps a list (numbers as text) and an explicit empty list', () => {
    expect(svc({ image: 'x', entrypoint: ['run', 8080, true] }).entrypoint).toEqual(['run', '8080', 'true']);
    expect(svc({ image: 'x', entrypoint: [] }).entrypoint).toEqual([]);
    expect(svc({ image: 'x', entrypoint: null })).toEqual({ image: 'x' });
  });

  it('healthcheck.test: a string is CMD-SHELL', () => {
    expect(svc({ image: 'x', healthcheck: { test: 'curl -f localhost' } }).healthcheck.test).toEqual(['CMD-SHELL', 'curl -f localhost']);
    expect(svc({ image: 'x', healthcheck: { test: ['NONE'] } }).healthcheck.test).toEqual(['NONE']);
  });
});

describe('mappings', () => {
  it('environment: list or map, numbers with Go fmt, unresolved stay null', () => {
    expect(svc({ image: 'x', environment: ['A=1', 'B=', 'C', 'D=a=b'] }).environment).toEqual({ A: '1', B: '', C: null, D: 'a=b' });
    expect(svc({ image: 'x', environment: { A: 1.0, B: 1e3, C: true, D: 0.5, E: null, F: 1.5e-7, G: '007' } }).environment).toEqual({
      A: '1',
      B: '1000',
      C: 'true',
      D: '0.5',
      E: null,
      F: '1.5e-07',
      G: '007',
    });
  });

  it('labels, annotations, sysctls, build args and labels', () => {
    const s = svc({
      image: 'x',
      labels: ['a=1', 'b', 'c=x=y'],
      annotations: { n: 42, e: null },
      sysctls: ['net.core.somaxconn=1024'],
      build: { context: '.', args: ['A=1', 'B'], labels: { v: 1.0 } },
    });
    expect(s.labels).toEqual({ a: '1', b: '', c: 'x=y' });
    expect(s.annotations).toEqual({ e: '', n: '42' });
    expect(s.sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(s.build.args).toEqual({ A: '1', B: null });
    expect(s.build.labels).toEqual({ v: '1' });
  });

  it('keys are inserted in go-yaml natural order', () => {
    expect(Object.keys(svc({ image: 'x', labels: { b10: '', b9: '', B: '', a_b: '', ab: '' } }).labels)).toEqual(['B', 'a_b', 'ab', 'b9', 'b10']);
  });

  it('extra_hosts: sorted host=ip list, one per address, brackets removed', () => {
    expect(svc({ image: 'x', extra_hosts: ['b:10.0.0.2', 'a=::1', 'c=1.1.1.1,2.2.2.2'] }).extra_hosts).toEqual(['a=::1', 'b=10.0.0.2', 'c=1.1.1.1', 'c=2.2.2.2']);
    expect(svc({ image: 'x', extra_hosts: { h: ['[::1]', '10.0.0.1'], g: '1.2.3.4' } }).extra_hosts).toEqual(['g=1.2.3.4', 'h=10.0.0.1', 'h=::1']);
    expect(() => svc({ image: 'x', extra_hosts: ['nohost'] })).toThrow('invalid additional host, missing IP: nohost');
  });

  it('service networks and models: a list of names is a map of nulls', () => {
    expect(svc({ image: 'x', networks: ['front', 'back'] }).networks).toEqual({ back: null, front: null });
  });

  it('depends_on: a list gets the defaults, missing keys are filled', () => {
    expect(svc({ image: 'x', depends_on: ['db'] }).depends_on).toEqual({ db: { condition: 'service_started', required: true } });
    const d = svc({ image: 'x', depends_on: { db: { condition: 'service_healthy', restart: false } } }).depends_on;
    expect(d).toEqual({ db: { condition: 'service_healthy', required: true } });
  });
});

describe('lists and special types', () => {
  it('string-or-list fields and expose', () => {
    const s = svc({ image: 'x', tmpfs: '/run', dns: '8.8.8.8', dns_search: 'example.com', expose: [80, '443', '8000-8001'] });
    expect(s.tmpfs).toEqual(['/run']);
    expect(s.dns).toEqual(['8.8.8.8']);
    expect(s.dns_search).toEqual(['example.com']);
    expect(s.expose).toEqual(['80', '443', '8000-8001']);
  });

  it('ulimits: a single value or soft/hard', () => {
    expect(svc({ image: 'x', ulimits: { nproc: 65535, nofile: { soft: '1024', hard: 2048 } } }).ulimits).toEqual({ nofile: { soft: 1024, hard: 2048 }, nproc: 65535 });
  });

  it('file modes are octal text', () => {
    const s = svc({ image: 'x', secrets: ['a', { source: 'b', mode: 0o440 }, { source: 'c', mode: '0400' }, { source: 'd', mode: 0 }] });
    expect(s.secrets).toEqual([{ source: 'a' }, { source: 'b', mode: '0440' }, { source: 'c', mode: '0400' }, { source: 'd', mode: '00' }]);
  });

  it('gpus: `all` is count -1; device reservations default to all, limits do not', () => {
    expect(svc({ image: 'x', gpus: 'all' }).gpus).toEqual([{ count: -1 }]);
    const d = svc({
      image: 'x',
      deploy: { resources: { reservations: { devices: [{ capabilities: ['gpu'] }, { device_ids: ['0'] }] }, limits: { devices: [{ driver: 'nvidia' }] } } },
    }).deploy.resources;
    expect(d.reservations.devices).toEqual([{ capabilities: ['gpu'], count: -1 }, { device_ids: ['0'] }]);
    expect(d.limits.devices).toEqual([{ driver: 'nvidia' }]);
  });

  it('short syntaxes: build, extends, devices, volumes, ports, env_file', () => {
    const s = svc({
      build: '/src',
      extends: 'base',
      devices: ['/dev/a', '/dev/b:/dev/c:r'],
      volumes: ['/host:/ctr:ro'],
      ports: ['127.0.0.1:8000-8001:80-81/udp'],
      env_file: ['/a.env', { path: '/b.env', required: false }],
    });
    expect(s.build).toEqual({ context: '/src' });
    expect(s.extends).toEqual({ service: 'base' });
    expect(s.devices).toEqual([
      { source: '/dev/a', target: '/dev/a', permissions: 'rwm' },
      { source: '/dev/b', target: '/dev/c', permissions: 'r' },
    ]);
    expect(s.volumes).toEqual([{ type: 'bind', source: '/host', target: '/ctr', read_only: true, bind: {} }]);
    expect(s.ports).toEqual([
      { mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8000', protocol: 'udp' },
      { mode: 'ingress', host_ip: '127.0.0.1', target: 81, published: '8001', protocol: 'udp' },
    ]);
    expect(s.env_file).toEqual([{ path: '/a.env' }, { path: '/b.env', required: false }]);
  });
});

describe('omitempty and Go zero values', () => {
  it('drops zero plain fields, keeps set pointers', () => {
    const s = svc({ image: 'x', privileged: false, read_only: true, oom_score_adj: 0, init: false, attach: false, scale: 0, container_name: '', cpus: 0, tty: null });
    expect(s).toEqual({ attach: false, image: 'x', init: false, read_only: true, scale: 0 });
    expect(Object.keys(s)).toEqual(['attach', 'image', 'init', 'read_only', 'scale']);
  });

  it('drops structs whose fields are all zero, keeps pointers to them', () => {
    const s = svc({ image: 'x', deploy: { resources: {}, placement: { constraints: [] } }, volumes: [{ type: 'volume', target: '/v', volume: { nocopy: false } }] });
    expect(s.deploy).toEqual({});
    expect(s.volumes).toEqual([{ type: 'volume', target: '/v', volume: {} }]);
  });

  it('create_host_path: true (the default) is left out, false is kept', () => {
    const v = (bind: Obj) => svc({ image: 'x', volumes: [{ type: 'bind', source: '/a', target: '/b', bind }] }).volumes[0].bind;
    expect(v({ create_host_path: true })).toEqual({});
    expect(v({})).toEqual({});
    expect(v({ create_host_path: false })).toEqual({ create_host_path: false });
  });

  it('port target 0 is left out, published stays text', () => {
    expect(svc({ image: 'x', ports: [{ mode: 'ingress', target: 0, published: 8080, protocol: 'tcp' }] }).ports).toEqual([{ mode: 'ingress', published: '8080', protocol: 'tcp' }]);
  });
});

describe('project level', () => {
  it('keeps Go field order, drops keys compose-go does not have, sorts x-* naturally', () => {
    const bound = bindProject({
      'x-b10': 1,
      configs: { c: { file: '/c' } },
      include: ['other.yml'],
      version: '3',
      services: { s: { image: 'x', 'x-z': 1, 'x-a': 2 } },
      'x-b9': 2,
      name: 'p',
      models: { m: { model: 'ai/x' } },
    });
    expect(Object.keys(bound)).toEqual(['name', 'services', 'configs', 'models', 'x-b9', 'x-b10']);
    expect(Object.keys((bound.services as Obj).s)).toEqual(['image', 'x-a', 'x-z']);
  });

  it('legacy external: {name} becomes name + external: true', () => {
    const bound = bindProject({ name: 'p', networks: { n: { external: { name: 'real' } } }, volumes: { v: null } });
    expect(bound.networks).toEqual({ n: { name: 'real', external: true } });
    expect(bound.volumes).toEqual({ v: {} });
  });

  it('never keeps secret content; keeps config content unless it came from the environment', () => {
    const bound = bindProject({
      name: 'p',
      secrets: { s: { name: 'p_s', environment: 'TOKEN', content: 'abc' }, t: { name: 'p_t', content: 'inline' } },
      configs: { a: { name: 'p_a', content: 'x' }, b: { name: 'p_b', environment: 'B', content: 'y' } },
    });
    expect(bound.secrets).toEqual({ s: { name: 'p_s', environment: 'TOKEN' }, t: { name: 'p_t' } });
    expect(bound.configs).toEqual({ a: { name: 'p_a', content: 'x' }, b: { name: 'p_b', environment: 'B' } });
  });

  it('bindStructValue binds one value of a named type', () => {
    expect(bindStructValue('Port', '8080:80')).toEqual({ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' });
    expect(bindStructValue('HealthCheck', { test: 'true', interval: '90s', disable: false })).toEqual({ test: ['CMD-SHELL', 'true'], interval: '1m30s' });
  });
});
