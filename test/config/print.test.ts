/**
 * printYaml / printJson on whole projects: the reference §13 example, a rich service (field
 * order, quoting, formats), `$` escaping and the JSON specifics of Project.MarshalJSON.
 */
import { describe, expect, it } from 'vitest';
import { bindProject } from '../../src/config/bind.js';
import { printJson, printYaml } from '../../src/config/print.js';

const minimal = {
  name: 'proj',
  services: { web: { image: 'nginx', networks: { default: null }, ports: [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }] } },
  networks: { default: { name: 'proj_default' } },
};

describe('reference §13 minimal example', () => {
  it('prints the YAML byte for byte', () => {
    expect(printYaml(bindProject(minimal))).toBe(
      [
        'name: proj',
        'services:',
        '  web:',
        '    image: nginx',
        '    networks:',
        '      default: null',
        '    ports:',
        '      - mode: ingress',
        '        target: 80',
        '        published: "8080"',
        '        protocol: tcp',
        'networks:',
        '  default:',
        '    name: proj_default',
        '',
      ].join('\n'),
    );
  });

  it('prints the JSON: sorted top level, ipam {}, command/entrypoint null, no trailing newline', () => {
    expect(printJson(bindProject(minimal))).toBe(`{
  "name": "proj",
  "networks": {
    "default": {
      "name": "proj_default",
      "ipam": {}
    }
  },
  "services": {
    "web": {
      "command": null,
      "entrypoint": null,
      "image": "nginx",
      "networks": {
        "default": null
      },
      "ports": [
        {
          "mode": "ingress",
          "target": 80,
          "published": "8080",
          "protocol": "tcp"
        }
      ]
    }
  }
}`);
  });

  it('accepts the short port syntax too', () => {
    const model = { ...minimal, services: { web: { image: 'nginx', networks: { default: null }, ports: ['8080:80'] } } };
    expect(printYaml(bindProject(model))).toBe(printYaml(bindProject(minimal)));
  });
});

const rich = {
  name: 'shop',
  version: '3.9',
  services: {
    api: {
      'x-team': { owner: 'core', '2': 'b', '10': 'c' },
      working_dir: '/srv',
      user: 1000,
      restart: 'no',
      privileged: false,
      read_only: false,
      init: false,
      attach: true,
      tty: true,
      stop_grace_period: '90s',
      stop_signal: 'SIGTERM',
      shm_size: '64m',
      mem_limit: '512m',
      mem_reservation: 0,
      cpus: 1.5,
      cpu_shares: 512,
      pids_limit: 100,
      ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 512 },
      tmpfs: '/run',
      dns: '1.1.1.1',
      expose: [3000, '9000-9001'],
      extra_hosts: { 'db.local': '10.0.0.2', 'a.local': ['10.0.0.3', '[::1]'] },
      labels: ['com.example.tier=backend', 'com.example.flag', 'version=1.0'],
      annotations: { 'com.example.x': 1.0 },
      environment: ['DEBUG=1', 'EMPTY=', 'UNSET', 'PRICE=$5', 'URL=http://a?b=c&d=<e>'],
      command: "sh -c 'echo \"hello world\" && sleep 1'",
      entrypoint: ['/entry.sh'],
      healthcheck: { test: 'curl -f http://localhost/ || exit 1', interval: '1m', timeout: '2h', retries: 3, start_period: '500ms', start_interval: '1d' },
      depends_on: { db: { condition: 'service_healthy', restart: true }, cache: { condition: 'service_started', required: false } },
      image: 'registry.example.com:5000/shop/api:1.2',
      build: { context: '/src/api', dockerfile: 'Dockerfile', args: { GIT_SHA: 'abc', NUM: 42, EMPTY: null }, target: 'prod', cache_from: 'type=registry,ref=x' },
      ports: [
        { mode: 'ingress', target: 8080, published: 80, protocol: 'tcp' },
        { mode: 'host', host_ip: '127.0.0.1', target: 9229, published: '9229', protocol: 'tcp' },
      ],
      volumes: [
        { type: 'bind', source: '/src/api', target: '/app', bind: { create_host_path: true } },
        { type: 'bind', source: '/etc/tz', target: '/etc/timezone', read_only: true, bind: { create_host_path: false, selinux: 'z' } },
        { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } },
        { type: 'tmpfs', target: '/tmp', tmpfs: { size: '64m', mode: 0o1777 } },
      ],
      secrets: [{ source: 'token', target: '/run/secrets/token', mode: '0400' }],
      configs: [{ source: 'cfg', target: '/etc/cfg.yml' }],
      networks: { front: { aliases: ['api'], ipv4_address: '172.20.0.10' }, back: null },
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': 3 } },
      deploy: { replicas: 2, resources: { limits: { cpus: '0.50', memory: '1g' } }, restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3 } },
      sysctls: ['net.core.somaxconn=1024'],
      cap_add: ['NET_ADMIN'],
      security_opt: ['no-new-privileges:true'],
      pull_policy: 'always',
      profiles: ['web'],
    },
    db: {
      image: 'postgres:16',
      environment: { POSTGRES_PASSWORD: 'secret', PGPORT: 5432, ON: 'on', FLOAT: 0.5, BIG: 1e3 },
      command: [],
      networks: { back: null },
    },
  },
  networks: { front: { name: 'shop_front' }, back: { name: 'shop_back', driver: 'bridge', internal: true, enable_ipv6: false } },
  volumes: { data: { name: 'shop_data' } },
  secrets: { token: { name: 'shop_token', file: '/run/token' } },
  configs: { cfg: { name: 'shop_cfg', content: 'a: 1\nb: 2\n' } },
  models: { llm: { model: 'ai/smollm2' } },
  'x-defaults': { restart: 'no' },
};

const richYaml = `name: shop
services:
  api:
    profiles:
      - web
    annotations:
      com.example.x: "1"
    attach: true
    build:
      context: /src/api
      dockerfile: Dockerfile
      args:
        EMPTY: null
        GIT_SHA: abc
        NUM: "42"
      cache_from:
        - type=registry,ref=x
      target: prod
    cap_add:
      - NET_ADMIN
    cpus: 1.5
    cpu_shares: 512
    command:
      - sh
      - -c
      - echo "hello world" && sleep 1
    configs:
      - source: cfg
        target: /etc/cfg.yml
    depends_on:
      cache:
        condition: service_started
        required: false
      db:
        condition: service_healthy
        restart: true
        required: true
    deploy:
      replicas: 2
      resources:
        limits:
          cpus: 0.5
          memory: "1073741824"
      restart_policy:
        condition: on-failure
        delay: 5s
        max_attempts: 3
    dns:
      - 1.1.1.1
    entrypoint:
      - /entry.sh
    environment:
      DEBUG: "1"
      EMPTY: ""
      PRICE: $$5
      UNSET: null
      URL: http://a?b=c&d=<e>
    expose:
      - "3000"
      - 9000-9001
    extra_hosts:
      - a.local=10.0.0.3
      - a.local=::1
      - db.local=10.0.0.2
    healthcheck:
      test:
        - CMD-SHELL
        - curl -f http://localhost/ || exit 1
      timeout: 2h0m0s
      interval: 1m0s
      retries: 3
      start_period: 500ms
      start_interval: 24h0m0s
    image: registry.example.com:5000/shop/api:1.2
    init: false
    labels:
      com.example.flag: ""
      com.example.tier: backend
      version: "1.0"
    logging:
      driver: json-file
      options:
        max-file: "3"
        max-size: 10m
    mem_limit: "536870912"
    networks:
      back: null
      front:
        aliases:
          - api
        ipv4_address: 172.20.0.10
    pids_limit: 100
    ports:
      - mode: ingress
        target: 8080
        published: "80"
        protocol: tcp
      - mode: host
        host_ip: 127.0.0.1
        target: 9229
        published: "9229"
        protocol: tcp
    pull_policy: always
    restart: 'no'
    secrets:
      - source: token
        target: /run/secrets/token
        mode: "0400"
    security_opt:
      - no-new-privileges:true
    shm_size: "67108864"
    stop_grace_period: 1m30s
    stop_signal: SIGTERM
    sysctls:
      net.core.somaxconn: "1024"
    tmpfs:
      - /run
    tty: true
    ulimits:
      nofile:
        soft: 1024
        hard: 2048
      nproc: 512
    user: "1000"
    volumes:
      - type: bind
        source: /src/api
        target: /app
        bind: {}
      - type: bind
        source: /etc/tz
        target: /etc/timezone
        read_only: true
        bind:
          selinux: z
          create_host_path: false
      - type: volume
        source: data
        target: /data
        volume:
          nocopy: true
      - type: tmpfs
        target: /tmp
        tmpfs:
          size: "67108864"
          mode: 1023
    working_dir: /srv
    x-team:
      "2": b
      "10": c
      owner: core
  db:
    command: []
    environment:
      BIG: "1000"
      FLOAT: "0.5"
      'ON': 'on'
      PGPORT: "5432"
      POSTGRES_PASSWORD: secret
    image: postgres:16
    networks:
      back: null
networks:
  back:
    name: shop_back
    driver: bridge
    internal: true
    enable_ipv6: false
  front:
    name: shop_front
volumes:
  data:
    name: shop_data
secrets:
  token:
    name: shop_token
    file: /run/token
configs:
  cfg:
    name: shop_cfg
    content: |
      a: 1
      b: 2
models:
  llm:
    model: ai/smollm2
x-defaults:
  restart: 'no'
`;

describe('a rich service', () => {
  it('prints every common field in Go order with go-yaml quoting', () => {
    expect(printYaml(bindProject(rich))).toBe(richYaml);
  });

  it('legacy flavour double-quotes YAML 1.1 booleans', () => {
    const out = printYaml(bindProject(rich), { flavor: 'legacy' });
    expect(out).toBe(richYaml.replaceAll("'no'", '"no"').replaceAll("'ON': 'on'", '"ON": "on"'));
  });

  it('JSON: struct order, Go-only fields, HTML escapes, models left out', () => {
    const json = printJson(bindProject(rich));
    const parsed = JSON.parse(json) as Record<string, any>;
    expect(Object.keys(parsed)).toEqual(['configs', 'name', 'networks', 'secrets', 'services', 'volumes', 'x-defaults']);
    const api = parsed.services.api;
    expect(Object.keys(api)).toEqual([
      'profiles', 'annotations', 'attach', 'build', 'cap_add', 'cpus', 'cpu_shares', 'command', 'configs', 'depends_on',
      'deploy', 'dns', 'entrypoint', 'environment', 'expose', 'extra_hosts', 'healthcheck', 'image', 'init', 'labels',
      'logging', 'mem_limit', 'networks', 'pids_limit', 'ports', 'pull_policy', 'restart', 'secrets', 'security_opt',
      'shm_size', 'stop_grace_period', 'stop_signal', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'user', 'volumes', 'working_dir',
    ]);
    expect(api.deploy.placement).toEqual({});
    expect(api.restart).toBe('no');
    expect(parsed.services.db.command).toEqual([]);
    expect(parsed.services.db.entrypoint).toBeNull();
    expect(parsed.networks.back).toEqual({ name: 'shop_back', driver: 'bridge', ipam: {}, internal: true, enable_ipv6: false });
    expect(json).toContain('"URL": "http://a?b=c\\u0026d=\\u003ce\\u003e"');
    expect(json).toContain('"echo \\"hello world\\" \\u0026\\u0026 sleep 1"');
    expect(json).toContain('"PRICE": "$$5"');
    expect(json).not.toContain('x-team');
    expect(json).not.toContain('models');
    expect(json.endsWith('}')).toBe(true);
  });
});

describe('$ escaping', () => {
  const model = { name: 'p', services: { s: { image: 'x', command: 'echo $HOME ${X:-$$}', labels: { 'a$b': '$' } } } };
  it('doubles every $ in YAML and JSON, keys included', () => {
    const bound = bindProject(model);
    const y = printYaml(bound);
    expect(y).toContain('      - $$HOME\n      - $${X:-$$$$}\n');
    expect(y).toContain("      a$$b: $$\n");
    expect(printJson(bound)).toContain('"a$$b": "$$"');
  });
  it('can be turned off (--no-interpolate)', () => {
    const bound = bindProject(model);
    expect(printYaml(bound, { escapeDollar: false })).toContain('      - ${X:-$$}\n');
    expect(printJson(bound, { escapeDollar: false })).toContain('"a$b": "$"');
  });
});

describe('YAML layout', () => {
  it('empty collections print inline, nil command is omitted, empty command kept', () => {
    const bound = bindProject({ name: 'p', services: { a: { image: 'x', entrypoint: '', volumes: [{ type: 'volume', target: '/v', volume: {} }] } } });
    expect(printYaml(bound)).toBe(`name: p
services:
  a:
    entrypoint: []
    image: x
    volumes:
      - type: volume
        target: /v
        volume: {}
`);
  });

  it('an empty services map is printed', () => {
    expect(printYaml(bindProject({ name: 'p' }))).toBe('name: p\nservices: {}\n');
    expect(printJson(bindProject({ name: 'p' }))).toBe('{\n  "name": "p",\n  "services": {}\n}');
  });

  it('multi-line strings are literal blocks with chomping indicators', () => {
    const bound = bindProject({
      name: 'p',
      services: {
        a: {
          image: 'x',
          build: { context: '/c', dockerfile_inline: 'FROM alpine\nRUN true' },
          labels: { keep: 'a\n\n', lead: ' indented\nnext', nl: '\n', tab: 'a\tb' },
        },
      },
    });
    expect(printYaml(bound)).toBe(`name: p
services:
  a:
    build:
      context: /c
      dockerfile_inline: |-
        FROM alpine
        RUN true
    image: x
    labels:
      keep: |+
        a

      lead: |2-
         indented
        next
      nl: "\\n"
      tab: "a\\tb"
`);
  });

  it('v5 folds long strings at 80 columns, legacy does not', () => {
    const words = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
    const bound = bindProject({ name: 'p', services: { a: { image: 'x', command: ['sh', '-c', words] } } });
    expect(printYaml(bound)).toContain(
      // go-yaml breaks at the first space once the column is past 80
      '      - word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11\n        word12 word13 word14 word15 word16 word17 word18 word19\n',
    );
    expect(printYaml(bound, { flavor: 'legacy' })).toContain(`      - ${words}\n`);
    expect(printYaml(bound, { lineWidth: -1 })).toContain(`      - ${words}\n`);
  });

  it('extension values keep their YAML types', () => {
    const bound = bindProject({ name: 'p', services: {}, 'x-v': { i: 3, f: 0.25, big: 1e21, b: false, n: null, s: '3', l: [1, 'a'] } });
    expect(printYaml(bound)).toBe(`name: p
services: {}
x-v:
  b: false
  big: 1e+21
  f: 0.25
  i: 3
  l:
    - 1
    - a
  'n': null
  s: "3"
`);
    expect(printJson(bound)).toBe(`{
  "name": "p",
  "services": {},
  "x-v": {
    "b": false,
    "big": 1e+21,
    "f": 0.25,
    "i": 3,
    "l": [
      1,
      "a"
    ],
    "n": null,
    "s": "3"
  }
}`);
  });
});

describe('JSON specifics', () => {
  it('map keys are byte-sorted in JSON, natural-sorted in YAML', () => {
    const bound = bindProject({ name: 'p', services: { s10: { image: 'x' }, s9: { image: 'x' }, S1: { image: 'x' }, s_1: { image: 'x' } } });
    expect(Object.keys(JSON.parse(printJson(bound)).services)).toEqual(['S1', 's10', 's9', 's_1']);
    const yamlKeys = printYaml(bound).split('\n').filter((l) => /^ {2}\S/.test(l));
    expect(yamlKeys).toEqual(['  S1:', '  s_1:', '  s9:', '  s10:']);
  });

  it('non-pointer structs are always written; x-* of structs never', () => {
    const bound = bindProject({
      name: 'p',
      services: { a: { image: 'x', develop: { watch: [{ path: './src', action: 'sync', target: '/app', 'x-k': 1 }] }, deploy: { mode: 'replicated' } } },
    });
    expect(printYaml(bound)).toContain(`    develop:
      watch:
        - path: ./src
          action: sync
          target: /app
          x-k: 1
`);
    const a = JSON.parse(printJson(bound)).services.a;
    expect(a.develop.watch[0]).toEqual({ path: './src', action: 'sync', target: '/app', exec: { command: null } });
    expect(a.deploy).toEqual({ mode: 'replicated', resources: {}, placement: {} });
  });

  it('untagged Go fields keep their Go names in JSON', () => {
    const bound = bindProject({
      name: 'p',
      services: { a: { image: 'x', blkio_config: { weight: 300, weight_device: [{ path: '/dev/sda', weight: 400 }], device_read_bps: [{ path: '/dev/sda', rate: '1mb' }] } } },
    });
    expect(printYaml(bound)).toContain(`    blkio_config:
      weight: 300
      weight_device:
        - path: /dev/sda
          weight: 400
      device_read_bps:
        - path: /dev/sda
          rate: "1048576"
`);
    expect(JSON.parse(printJson(bound)).services.a.blkio_config).toEqual({
      weight: 300,
      weight_device: [{ Path: '/dev/sda', Weight: 400 }],
      device_read_bps: [{ Path: '/dev/sda', Rate: '1048576' }],
    });
  });

  it('ulimits: YAML always writes soft and hard, JSON leaves zeros out', () => {
    const bound = bindProject({ name: 'p', services: { a: { image: 'x', ulimits: { core: 0, nofile: { soft: 0, hard: 10 } } } } });
    expect(printYaml(bound)).toContain('    ulimits:\n      core:\n        soft: 0\n        hard: 0\n      nofile:\n        soft: 0\n        hard: 10\n');
    expect(JSON.parse(printJson(bound)).services.a.ulimits).toEqual({ core: {}, nofile: { hard: 10 } });
  });

  it('an ssh key with a path makes Go’s JSON encoder fail', () => {
    const bound = bindProject({ name: 'p', services: { a: { build: { context: '.', ssh: ['default', 'key=/k'] } } } });
    expect(printYaml(bound)).toContain("      ssh:\n        - default\n        - 'key: /k'\n");
    expect(() => printJson(bound)).toThrow(/MarshalJSON for type types.SSHKey/);
    const plain = bindProject({ name: 'p', services: { a: { build: { context: '.', ssh: ['default'] } } } });
    expect(JSON.parse(printJson(plain)).services.a.build.ssh).toEqual(['default']);
  });

  it('escapes control characters, line separators and HTML characters as Go does', () => {
    const bound = bindProject({ name: 'p', services: { a: { image: 'x', labels: { l: 'a\u0001\b\f\u2028<>&\u007f"\\é😀' } } } });
    expect(printJson(bound)).toContain('"l": "a\\u0001\\b\\f\\u2028\\u003c\\u003e\\u0026\u007f\\"\\\\é😀"');
  });

  it('floats follow encoding/json (float32 fields) and go-yaml', () => {
    const bound = bindProject({ name: 'p', services: { a: { image: 'x', cpus: 0.1, cpu_percent: 1e-7, deploy: { update_config: { max_failure_ratio: 1000000 } } } } });
    const svc = printJson(bound);
    expect(svc).toContain('"cpus": 0.1,');
    expect(svc).toContain('"cpu_percent": 1e-7,');
    expect(svc).toContain('"max_failure_ratio": 1000000');
    const y = printYaml(bound);
    expect(y).toContain('    cpus: 0.1\n');
    expect(y).toContain('    cpu_percent: 1e-07\n');
    expect(y).toContain('        max_failure_ratio: 1e+06\n');
  });
});
