/** status: colour levels, per-service rows, the exit rule, text and JSON rendering. */
import { describe, expect, it } from 'vitest';
import { containerLevel, formatUptime, renderStatus, serviceRow, statusJson, STATUS_VERSION, type ContainerStatus, type StatusReport } from '../../src/run/status.js';

const ctr = (over: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name: 'shop_web_1',
  id: 'd6bb3a592554',
  number: 1,
  state: 'running',
  health: 'healthy',
  uptimeS: 3725,
  restartCount: 2,
  cpuPercent: 1.25,
  memUsage: 734003,
  memLimit: 67108864,
  ports: ['127.0.0.1:18080->8080/tcp'],
  logs: ['listening on 8080', 'GET / 200'],
  ...over,
});

describe('levels and rows', () => {
  it('green healthy/running, yellow starting/restarting, red exited/unhealthy', () => {
    expect(containerLevel({ state: 'running', health: 'healthy' })).toBe('ok');
    expect(containerLevel({ state: 'running' })).toBe('ok');
    expect(containerLevel({ state: 'running', health: 'starting' })).toBe('warn');
    expect(containerLevel({ state: 'restarting' })).toBe('warn');
    expect(containerLevel({ state: 'running', health: 'unhealthy' })).toBe('bad');
    expect(containerLevel({ state: 'exited', exitCode: 1 })).toBe('bad');
    expect(containerLevel({ state: 'exited', exitCode: 0 })).toBe('ok');
  });
  it('a service without a container is "not created"', () => {
    expect(serviceRow('cache', [])).toEqual({ service: 'cache', state: 'not created', level: 'bad', containers: [] });
    expect(serviceRow('web', [ctr(), ctr({ name: 'shop_web_2', health: 'starting' })])).toMatchObject({ level: 'warn', state: 'running (healthy), running (starting)' });
  });
  it('uptime', () => {
    expect(formatUptime(5)).toBe('5s');
    expect(formatUptime(125)).toBe('2m 5s');
    expect(formatUptime(3725)).toBe('1h 2m');
    expect(formatUptime(90000)).toBe('1d 1h');
    expect(formatUptime(undefined)).toBe('-');
  });
});

describe('rendering', () => {
  const report: StatusReport = {
    v: STATUS_VERSION,
    project: 'shop',
    ok: false,
    at: '2026-11-23T12:00:00.000Z',
    services: [serviceRow('cache', []), serviceRow('web', [ctr()]), serviceRow('worker', [ctr({ name: 'shop_worker_1', state: 'exited', health: undefined, exitCode: 3, uptimeS: undefined, cpuPercent: undefined, memUsage: undefined, ports: [], logs: ['boom'] })])],
  };
  it('plain text: one line per container with state, uptime, restarts, CPU, memory, ports, then its last logs', () => {
    const t = renderStatus(report);
    expect(t).not.toContain('\x1b[');
    expect(t).toMatch(/^cache +not created/m);
    expect(t).toMatch(/^ {2}shop_web_1 +running \(healthy\) +1h 2m +2 +1\.3% +0\.7 MiB \/ 64 MiB +127\.0\.0\.1:18080->8080\/tcp$/m);
    expect(t).toContain('    │ GET / 200');
    expect(t).toMatch(/^ {2}shop_worker_1 +exited \(3\) +- +2 +- +- +-$/m);
    expect(t).toMatch(/not healthy: cache, worker\n$/);
  });
  it('colours on a TTY', () => {
    const t = renderStatus(report, true);
    expect(t).toContain('\x1b[32mrunning (healthy)');
    expect(t).toContain('\x1b[31mexited (3)');
  });
  it('json: one versioned document', () => {
    const doc = JSON.parse(statusJson(report)) as StatusReport;
    expect(doc.v).toBe(1);
    expect(doc.services.map((s) => [s.service, s.state])).toEqual([['cache', 'not created'], ['web', 'running (healthy)'], ['worker', 'exited (3)']]);
  });
});
