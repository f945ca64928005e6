/**
 * compose-go's old marshalling golden (v2.10.1 loader/full-struct_test.go, see
 * fixtures/full-example/NOTICE.md): the full example project printed as YAML and JSON.
 *
 * 1. The golden YAML, read back as plain data, bound and printed again, gives the golden YAML
 *    and JSON byte for byte (field order, map order, quoting, JSON-only fields).
 * 2. The same project written the way the loader hands it over (short forms, durations and sizes
 *    as written, numbers in string fields, legacy `external: {name}`) gives the same output.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bindProject } from '../../src/config/bind.js';
import { printJson, printYaml } from '../../src/config/print.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'full-example');
const expectedYaml = readFileSync(path.join(dir, 'expected.yml'), 'utf8');
const expectedJson = readFileSync(path.join(dir, 'expected.json'), 'utf8');

const W = '/work/proj';
const H = '/home/user';

/** loader/full-example.yml after the loader's canonical stage (paths resolved, env_file read). */
function loaderModel(): Record<string, unknown> {
  return {
    name: 'full_example_project_name',
    services: {
      bar: {
        build: { context: W, dockerfile_inline: 'FROM alpine\nRUN echo "hello" > /world.txt\n' },
      },
      foo: {
        annotations: ['com.example.foo=bar'],
        build: {
          context: `${W}/dir`,
          dockerfile: 'Dockerfile',
          args: { foo: 'bar' },
          ssh: ['default'],
          target: 'foo',
          network: 'foo',
          cache_from: ['foo', 'bar'],
          labels: ['FOO=BAR'],
          additional_contexts: { foo: `${W}/bar` },
          secrets: [
            { source: 'secret1', target: '/run/secrets/secret1' },
            { source: 'secret2', target: 'my_secret', uid: '103', gid: '103', mode: 0o440 },
          ],
          tags: ['foo:v1.0.0', 'docker.io/username/foo:my-other-tag', 'full_example_project_name:1.0.0'],
          platforms: ['linux/amd64', 'linux/arm64'],
        },
        cap_add: ['ALL'],
        cap_drop: ['NET_ADMIN', 'SYS_ADMIN'],
        cgroup_parent: 'm-executor-abcd',
        command: 'bundle exec thin -p 3000',
        configs: ['config1', { source: 'config2', target: '/my_config', uid: '103', gid: '103', mode: 0o440 }],
        container_name: 'my-web-container',
        depends_on: ['db', 'redis'],
        deploy: {
          mode: 'replicated',
          replicas: 6,
          labels: ['FOO=BAR'],
          rollback_config: { parallelism: 3, delay: '10s', failure_action: 'continue', monitor: '60s', max_failure_ratio: 0.3, order: 'start-first' },
          update_config: { parallelism: 3, delay: '10s', failure_action: 'continue', monitor: '60s', max_failure_ratio: 0.3, order: 'start-first' },
          resources: {
            limits: { cpus: '0.001', memory: '50M' },
            reservations: {
              cpus: '0.0001',
              memory: '20M',
              generic_resources: [{ discrete_resource_spec: { kind: 'gpu', value: 2 } }, { discrete_resource_spec: { kind: 'ssd', value: 1 } }],
            },
          },
          restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '120s' },
          placement: { constraints: ['node=foo'], max_replicas_per_node: 5, preferences: [{ spread: 'node.labels.az' }] },
          endpoint_mode: 'dnsrr',
        },
        device_cgroup_rules: ['c 1:3 mr', 'a 7:* rmw'],
        devices: [{ source: '/dev/ttyUSB0', target: '/dev/ttyUSB0', permissions: 'rwm' }],
        dns: ['8.8.8.8', '9.9.9.9'],
        dns_search: ['dc1.example.com', 'dc2.example.com'],
        domainname: 'foo.com',
        entrypoint: ['/code/entrypoint.sh', '-p', '3000'],
        env_file: [
          { path: `${W}/example1.env`, required: true },
          { path: `${W}/example2.env`, required: false },
        ],
        environment: {
          QUX: 'qux_from_environment',
          BAZ: 'baz_from_service_def',
          FOO: 'foo_from_env_file',
          BAR: 'bar_from_env_file_2',
          'ENV.WITH.DOT': 'ok',
          ENV_WITH_UNDERSCORE: 'ok',
        },
        expose: ['3000', 8000],
        external_links: ['redis_1', 'project_db_1:mysql', 'project_db_1:postgresql'],
        extra_hosts: ['somehost:162.242.195.82', 'otherhost:50.31.209.229'],
        hostname: 'foo',
        healthcheck: { test: 'echo "hello world"', interval: '10s', timeout: '1s', retries: 5, start_period: '15s', start_interval: '5s' },
        image: 'redis',
        ipc: 'host',
        uts: 'host',
        labels: {
          'com.example.description': 'Accounting webapp',
          'com.example.number': 42,
          'com.example.empty-label': null,
          FOO: 'foo_from_label_file',
          BAR: 'bar_from_label_file_2',
          BAZ: 'baz_from_label_file',
          QUX: 'quz_from_label_file_2',
          'LABEL.WITH.DOT': 'ok',
          LABEL_WITH_UNDERSCORE: 'ok',
        },
        label_file: [`${W}/example1.label`, `${W}/example2.label`],
        links: ['db', 'db:database', 'redis'],
        logging: { driver: 'syslog', options: { 'syslog-address': 'tcp://192.168.0.42:123' } },
        mac_address: '02:42:ac:11:65:43',
        network_mode: 'container:0cfeab0f748b9a743dc3da582046357c6ef497631c1a016d28d2bf9b4f899f7b',
        networks: {
          'some-network': { aliases: ['alias1', 'alias3'] },
          'other-network': { ipv4_address: '172.16.238.10', ipv6_address: '2001:3984:3989::10', mac_address: '02:42:72:98:65:08' },
          'other-other-network': null,
        },
        pid: 'host',
        ports: [3000, '3001-3005', '8000:8000', '9090-9091:8080-8081', '49100:22', '127.0.0.1:8001:8001', '127.0.0.1:5000-5010:5000-5010'],
        privileged: true,
        read_only: true,
        restart: 'always',
        secrets: [
          { source: 'secret1', target: '/run/secrets/secret1' },
          { source: 'secret2', target: 'my_secret', uid: '103', gid: '103', mode: 0o440 },
        ],
        security_opt: ['label=level:s0:c100,c200', 'label=type:svirt_apache_t'],
        stdin_open: true,
        stop_grace_period: '20s',
        stop_signal: 'SIGUSR1',
        storage_opt: { size: '20G' },
        sysctls: { 'net.core.somaxconn': 1024, 'net.ipv4.tcp_syncookies': 0 },
        tmpfs: ['/run', '/tmp'],
        tty: true,
        ulimits: { nproc: 65535, nofile: { soft: 20000, hard: 40000 } },
        user: 'someone',
        volumes: [
          { type: 'volume', target: '/var/lib/anonymous', volume: {} },
          { type: 'bind', source: '/opt/data', target: '/var/lib/data', bind: { create_host_path: true } },
          { type: 'bind', source: W, target: '/code', bind: { create_host_path: true } },
          { type: 'bind', source: `${W}/static`, target: '/var/www/html', bind: { create_host_path: true } },
          { type: 'bind', source: `${H}/configs`, target: '/etc/configs', read_only: true, bind: { create_host_path: true } },
          { type: 'volume', source: 'datavolume', target: '/var/lib/volume', volume: {} },
          { type: 'bind', source: `${W}/opt`, target: '/opt/cached', consistency: 'cached' },
          { type: 'tmpfs', target: '/opt/tmpfs', tmpfs: { size: 10000 } },
        ],
        working_dir: '/code',
        'x-bar': 'baz',
        'x-foo': 'bar',
      },
    },
    networks: {
      'some-network': null,
      'other-network': {
        driver: 'overlay',
        driver_opts: { foo: 'bar', baz: 1 },
        ipam: {
          driver: 'overlay',
          config: [
            { subnet: '172.28.0.0/16', ip_range: '172.28.5.0/24', gateway: '172.28.5.254', aux_addresses: { host1: '172.28.1.5', host2: '172.28.1.6', host3: '172.28.1.7' } },
            { subnet: '2001:3984:3989::/64', gateway: '2001:3984:3989::1' },
          ],
        },
        labels: { foo: 'bar' },
      },
      'external-network': { external: true },
      'other-external-network': { external: { name: 'my-cool-network' }, 'x-bar': 'baz', 'x-foo': 'bar' },
    },
    volumes: {
      'some-volume': null,
      'other-volume': { driver: 'flocker', driver_opts: { foo: 'bar', baz: 1 }, labels: { foo: 'bar' } },
      'another-volume': { name: 'user_specified_name', driver: 'vsphere', driver_opts: { foo: 'bar', baz: 1 } },
      'external-volume': { external: true },
      'other-external-volume': { external: { name: 'my-cool-volume' } },
      'external-volume3': { name: 'this-is-volume3', external: true, 'x-bar': 'baz', 'x-foo': 'bar' },
    },
    configs: {
      config1: { file: `${W}/config_data`, labels: { foo: 'bar' } },
      config2: { external: { name: 'my_config' } },
      config3: { external: true },
      config4: { name: 'foo', file: `${H}/config_data`, 'x-bar': 'baz', 'x-foo': 'bar' },
    },
    secrets: {
      secret1: { file: `${W}/secret_data`, labels: { foo: 'bar' } },
      secret2: { external: { name: 'my_secret' } },
      secret3: { external: true },
      secret4: { name: 'bar', environment: 'BAR', content: 'value-of-BAR', 'x-bar': 'baz', 'x-foo': 'bar' },
      secret5: { file: '/abs/secret_data' },
    },
    'x-foo': 'bar',
    'x-bar': 'baz',
    'x-nested': { foo: 'bar', bar: 'baz' },
  };
}

describe('compose-go full example golden (v2.10.1)', () => {
  it('the golden YAML read back prints as the golden YAML', () => {
    const bound = bindProject(parse(expectedYaml) as Record<string, unknown>);
    expect(printYaml(bound)).toBe(expectedYaml);
    expect(printYaml(bound, { flavor: 'legacy' })).toBe(expectedYaml);
  });

  it('the golden YAML read back prints as the golden JSON', () => {
    const bound = bindProject(parse(expectedYaml) as Record<string, unknown>);
    expect(printJson(bound)).toBe(expectedJson);
  });

  it('the loader form of full-example.yml prints as the goldens', () => {
    const bound = bindProject(loaderModel());
    expect(printYaml(bound)).toBe(expectedYaml);
    expect(printJson(bound)).toBe(expectedJson);
  });

  it('binding is idempotent', () => {
    const once = bindProject(loaderModel());
    const twice = bindProject(JSON.parse(JSON.stringify(once)) as Record<string, unknown>);
    expect(twice).toEqual(once);
    expect(printYaml(twice)).toBe(expectedYaml);
  });
});
