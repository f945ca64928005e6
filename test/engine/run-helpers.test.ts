/** Small pure pieces of up / down / logs: specs from the model, compose argv (v1 and v2), flag parsing, JSON events. */
import { describe, expect, it } from 'vitest';
import { parseTimeout } from '../../src/commands/up.js';
import { splitLogsArgs } from '../../src/commands/logs.js';
import type { ComposeCli } from '../../src/engine/compose-cli.js';
import { downArgv, projectFlags, upArgv } from '../../src/run/compose-argv.js';
import { parseSince, parseTail, splitTimestamp } from '../../src/run/logs.js';
import { jsonReporter, plainReporter, serviceEvent } from '../../src/run/report.js';
import { buildSpecs, ownHealthcheck, restartOf } from '../../src/run/specs.js';
import { parseRestartPolicy } from '../../src/run/waiter.js';

const V2: ComposeCli = { kind: 'v2', argv: ['docker', 'compose'], version: '2.24.5' };
const V1: ComposeCli = { kind: 'v1', argv: ['docker-compose'], version: '1.29.2' };
const PROJECT = { name: 'shop', files: ['/srv/shop/compose.yaml', '/srv/shop/compose.prod.yaml'], projectDir: '/srv/shop', workingDir: '/srv/shop' };

describe('compose argv for up and down', () => {
  it('up -d for v2, with profiles, env file and --build; never --wait', () => {
    expect(upArgv(V2, projectFlags(PROJECT, ['debug'], ['prod.env']), { build: true })).toEqual([
      'docker', 'compose', '-p', 'shop', '-f', '/srv/shop/compose.yaml', '-f', '/srv/shop/compose.prod.yaml',
      '--project-directory', '/srv/shop', '--profile', 'debug', '--env-file', '/srv/shop/prod.env', 'up', '-d', '--build',
    ]);
  });

  it('up -d for v1: the same global flags, project name always given', () => {
    expect(upArgv(V1, projectFlags(PROJECT))).toEqual([
      'docker-compose', '-p', 'shop', '-f', '/srv/shop/compose.yaml', '-f', '/srv/shop/compose.prod.yaml', '--project-directory', '/srv/shop', 'up', '-d',
    ]);
  });

  it('v1 takes a single env file', () => {
    expect(() => upArgv(V1, projectFlags(PROJECT, [], ['a.env', 'b.env']))).toThrow(/single --env-file/);
  });

  it('down with volumes, orphans and a stop timeout', () => {
    expect(downArgv(V1, projectFlags(PROJECT), { volumes: true, removeOrphans: true, stopTimeoutS: 1 }).slice(-5)).toEqual(['down', '--volumes', '--remove-orphans', '--timeout', '1']);
    expect(downArgv(V2, projectFlags(PROJECT)).slice(-1)).toEqual(['down']);
  });
});

describe('service specs from the model', () => {
  it('jobs are services others wait on with service_completed_successfully (and that are not restarted)', () => {
    const specs = buildSpecs({
      migrate: { image: 'x' },
      seed: { image: 'x', restart: 'always' },
      db: { image: 'x', healthcheck: { test: ['CMD', 'pg_isready'] } },
      api: {
        image: 'x',
        depends_on: {
          migrate: { condition: 'service_completed_successfully' },
          seed: { condition: 'service_completed_successfully' },
          db: { condition: 'service_healthy' },
          off: { condition: 'service_started' },
        },
      },
      scaled0: { image: 'x', scale: 0 },
    });
    expect(specs).toEqual([
      { name: 'migrate', kind: 'job', restart: 'no', dependsOn: [] },
      { name: 'seed', kind: 'server', restart: 'always', dependsOn: [] },
      { name: 'db', kind: 'server', restart: 'no', dependsOn: [], healthcheck: true },
      { name: 'api', kind: 'server', restart: 'no', dependsOn: ['migrate', 'seed', 'db'] },
    ]);
  });

  it('health checks: own test, disabled, NONE, or the image decides', () => {
    expect(ownHealthcheck({ healthcheck: { test: ['CMD', 'true'] } })).toBe(true);
    expect(ownHealthcheck({ healthcheck: { disable: true } })).toBe(false);
    expect(ownHealthcheck({ healthcheck: { test: ['NONE'] } })).toBe(false);
    expect(ownHealthcheck({ healthcheck: { interval: '5s' } })).toBeUndefined();
    expect(ownHealthcheck({})).toBeUndefined();
    expect(buildSpecs({ web: { image: 'x' } }, new Map([['web', true]]))[0]!.healthcheck).toBe(true);
  });

  it('restart policies', () => {
    expect(restartOf({ restart: 'unless-stopped' })).toBe('unless-stopped');
    expect(restartOf({ restart: 'on-failure:3' })).toBe('on-failure');
    expect(restartOf({ deploy: { restart_policy: { condition: 'none' } } })).toBe('no');
    expect(restartOf({ deploy: { restart_policy: { condition: 'any' } } })).toBe('always');
    expect(restartOf({})).toBe('no');
    expect(parseRestartPolicy('')).toBe('no');
  });
});

describe('flags', () => {
  it('--timeout', () => {
    expect(parseTimeout(undefined)).toBe(120);
    expect(parseTimeout('30')).toBe(30);
    expect(parseTimeout('90s')).toBe(90);
    expect(parseTimeout('2m')).toBe(120);
    expect(parseTimeout('1.5')).toBe(1.5);
    expect(() => parseTimeout('0')).toThrow(/positive/);
    expect(() => parseTimeout('soon')).toThrow(/positive/);
  });

  it('logs: --since, --tail, DIR or SERVICE first', () => {
    expect(parseSince('1700000000')).toBe('1700000000');
    expect(parseSince('10m', 1_700_000_600_000)).toBe('1700000000.000');
    expect(parseSince('1h30m', 1_700_005_400_000)).toBe('1700000000.000');
    expect(parseSince('2023-11-14T22:13:20Z')).toBe('1700000000.000');
    expect(() => parseSince('yesterday')).toThrow(/--since/);
    expect(parseTail(undefined)).toBe('all');
    expect(parseTail('20')).toBe(20);
    expect(() => parseTail('-5')).toThrow(/--tail/);
    expect(splitLogsArgs(undefined, [])).toEqual({ dir: '.', services: [] });
    expect(splitLogsArgs('web', ['db'])).toEqual({ dir: '.', services: ['web', 'db'] });
    expect(splitLogsArgs('.', ['db'])).toEqual({ dir: '.', services: ['db'] });
  });

  it('log timestamps sort by time, whatever their precision', () => {
    const a = splitTimestamp('2024-05-01T10:00:00.1Z first');
    const b = splitTimestamp('2024-05-01T10:00:00.12Z second');
    expect(a.text).toBe('first');
    expect(a.key[0]).toBe(b.key[0]);
    expect(a.key[1]).toBeLessThan(b.key[1]);
    expect(splitTimestamp('no timestamp here')).toEqual({ key: [0, 0], ts: '', text: 'no timestamp here' });
  });
});

describe('output', () => {
  const lines: string[] = [];
  const out = { write: (s: string) => (lines.push(s), true) };

  it('JSON events: one object per line, versioned', () => {
    lines.length = 0;
    const r = jsonReporter(out);
    r.service({ service: 'db', kind: 'server', state: 'healthy', t: 3.1234, ready: true, readyT: 3.1234, failed: false, final: false, container: 'abcdef0123456789' }, 1700000000123.4);
    r.check({ id: 'ports', status: 'fail', message: 'ports: 1 conflict', details: ['x'] });
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({ v: 1, type: 'service', service: 'db', state: 'healthy', t: 3.123, ready: true, readyT: 3.123, container: 'abcdef012345', ts: 1700000000123 });
    expect(JSON.parse(lines[1]!)).toEqual({ v: 1, type: 'check', check: 'ports', status: 'fail', message: 'ports: 1 conflict', details: ['x'] });
    expect(serviceEvent({ service: 'x', kind: 'job', state: 'exited', t: 1, ready: false, failed: true, final: true, exitCode: 3, reason: 'exited with code 3' })).toMatchObject({ exitCode: 3, failed: true, reason: 'exited with code 3' });
  });

  it('plain lines: checks, service changes, failures with health log and log tail, the chain', () => {
    lines.length = 0;
    const r = plainReporter(out, false);
    r.check({ id: 'engine', status: 'pass', message: 'engine reachable' });
    r.start([{ name: 'web', kind: 'server', restart: 'no', dependsOn: [] }]);
    r.service({ service: 'web', kind: 'server', state: 'unhealthy', t: 3.2, ready: false, failed: true, final: false });
    r.failure({ service: 'web', state: 'unhealthy', reason: 'unhealthy', cause: true, containerName: 'p_web_1', health: [{ exitCode: 1, output: 'wget: bad\n', t: 3.1 }], logs: ['starting', 'listening'] });
    r.chain([{ service: 'web', state: 'healthy', t: 1 }]);
    expect(lines.join('')).toBe(
      [
        '✔ engine reachable',
        '  web       unhealthy     +3.20s ✘',
        '✘ web: unhealthy (p_web_1)',
        '    last health checks:',
        '      +3.1s exit 1: wget: bad',
        '    last 2 log lines:',
        '      | starting',
        '      | listening',
        'critical chain: web healthy +1.0s',
        '',
      ].join('\n'),
    );
  });
});
