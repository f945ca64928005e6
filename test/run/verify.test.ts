/** The verify checklist fed with recorded inspect data, and the three report formats. */
import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/load/types.js';
import {
  declaredLimits,
  healthArgv,
  healthCommand,
  healthItem,
  limitsItem,
  loggingItem,
  namedVolumeMounts,
  notCreatedItem,
  parseUid,
  portItem,
  portTargets,
  restartItem,
  runningItem,
  startWaitS,
  userItem,
  type InspectData,
  type VerifyItem,
} from '../../src/run/verify-checks.js';
import { computeStats } from '../../src/run/verify-engine.js';
import { renderJson, renderMarkdown, renderText, type VerifyReport } from '../../src/run/verify-render.js';
import { isolatedProjectName } from '../../src/run/verify.js';

/** Trimmed from a real `docker inspect` (Docker 20.10, compose v1) of a service with user 65534, mem_limit, logging and restart. */
function inspect(over: { State?: Partial<InspectData['State']>; Config?: Partial<InspectData['Config']>; HostConfig?: Partial<InspectData['HostConfig']>; Name?: string; NetworkSettings?: InspectData['NetworkSettings'] } = {}): InspectData {
  return {
    Id: 'd6bb3a592554aaaa',
    Name: over.Name ?? '/shop_web_1',
    RestartCount: 0,
    State: { Status: 'running', Running: true, ExitCode: 0, StartedAt: '2026-11-23T12:43:43.691588873Z', Health: { Status: 'healthy', FailingStreak: 0, Log: [{ ExitCode: 0, Output: 'ok\n' }] }, ...over.State },
    Config: {
      User: '65534',
      Image: 'shipshape-test/busybox:1',
      Labels: { 'com.docker.compose.service': 'web' },
      Healthcheck: { Test: ['CMD', 'wget', '-q', '-O-', 'http://127.0.0.1:8080/'], Interval: 1e9, Retries: 20, StartPeriod: 5e9 },
      ...over.Config,
    },
    HostConfig: {
      Memory: 67108864,
      NanoCpus: 0,
      CpuQuota: 0,
      CpuPeriod: 0,
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      LogConfig: { Type: 'json-file', Config: { 'max-file': '2', 'max-size': '1m' } },
      ...over.HostConfig,
    },
    NetworkSettings: over.NetworkSettings ?? { Ports: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] } },
    Mounts: [],
  };
}

const web: Mapping = {
  image: 'shipshape-test/busybox:1',
  user: '65534',
  mem_limit: '64m',
  restart: 'unless-stopped',
  logging: { driver: 'json-file', options: { 'max-size': '1m', 'max-file': '2' } },
  healthcheck: { test: ['CMD', 'wget', '-q', '-O-', 'http://127.0.0.1:8080/'], interval: '1s' },
  volumes: [
    { type: 'volume', source: 'data', target: '/data', volume: {} },
    { type: 'bind', source: '/x', target: '/x' },
    { type: 'volume', target: '/anon' },
    { type: 'volume', source: 'ro', target: '/ro', read_only: true },
  ],
};

describe('user: root vs user', () => {
  it('passes a non-root uid read with id', () => {
    const i = userItem('web', inspect(), { exitCode: 0, output: 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n' }, []);
    expect(i).toMatchObject({ kind: 'user', status: 'pass', container: 'shop_web_1' });
    expect(i.title).toMatch(/uid 65534, from id/);
    expect(i.evidence[0]).toMatch(/uid=65534\(nobody\)/);
  });
  it('fails root, unless allowRoot names the service (globs too)', () => {
    const root = { exitCode: 0, output: 'uid=0(root) gid=0(root) groups=0(root)\n' };
    const info = inspect({ Config: { User: '' } });
    expect(userItem('db', info, root, []).status).toBe('fail');
    expect(userItem('db', info, root, ['web']).status).toBe('fail');
    const allowed = userItem('db', info, root, ['d*']);
    expect(allowed.status).toBe('pass');
    expect(allowed.evidence).toContain('allowed by allowRoot: "d*"');
  });
  it('falls back to inspect Config.User when id cannot be run', () => {
    const noId = { exitCode: -1, output: '', error: 'OCI runtime exec failed: exec: "id": executable file not found in $PATH' };
    const asRoot = userItem('db', inspect({ Config: { User: '' } }), noId, []);
    expect(asRoot.status).toBe('fail');
    expect(asRoot.evidence.join('\n')).toMatch(/could not be run.*\n.*Config.User: \(empty: the image default, root\)/);
    expect(userItem('db', inspect({ Config: { User: 'root:root' } }), noId, []).status).toBe('fail');
    expect(userItem('db', inspect({ Config: { User: '1000:1000' } }), noId, []).status).toBe('pass');
    expect(userItem('db', inspect({ Config: { User: 'app' } }), undefined, []).status).toBe('pass');
  });
  it('parses id output', () => {
    expect(parseUid('uid=0(root) gid=0(root)')).toBe(0);
    expect(parseUid('1000\n')).toBe(1000);
    expect(parseUid('nope')).toBeUndefined();
  });
});

describe('limits: applied vs declared', () => {
  it('passes mem_limit applied', () => {
    const i = limitsItem('web', web, inspect());
    expect(i.status).toBe('pass');
    expect(i.title).toMatch(/memory 64 MiB/);
    expect(i.evidence[0]).toBe('declared mem_limit: 64m (67108864 bytes); HostConfig.Memory 67108864');
  });
  it('fails when the engine applied none or another', () => {
    expect(limitsItem('web', web, inspect({ HostConfig: { Memory: 0 } })).title).toMatch(/memory unlimited instead of 64 MiB/);
    expect(limitsItem('web', web, inspect({ HostConfig: { Memory: 33554432 } })).status).toBe('fail');
  });
  it('reads deploy.resources.limits and cpus (NanoCpus or CpuQuota)', () => {
    const svc: Mapping = { deploy: { resources: { limits: { memory: '32M', cpus: '0.25' } } } };
    expect(declaredLimits(svc)).toMatchObject({ memory: 33554432, cpus: 0.25 });
    const v1 = limitsItem('w', svc, inspect({ HostConfig: { Memory: 0, NanoCpus: 0 } }));
    expect(v1.status).toBe('fail');
    expect(v1.title).toMatch(/--compatibility/);
    expect(limitsItem('w', svc, inspect({ HostConfig: { Memory: 33554432, NanoCpus: 250000000 } })).status).toBe('pass');
    expect(limitsItem('w', { cpus: 0.5 }, inspect({ HostConfig: { NanoCpus: 0, CpuQuota: 50000, CpuPeriod: 100000 } })).status).toBe('pass');
  });
  it('skips when nothing is declared, showing what is applied', () => {
    const i = limitsItem('db', {}, inspect({ HostConfig: { Memory: 0 } }));
    expect(i).toMatchObject({ status: 'skip', evidence: ['applied: memory unlimited, CPUs unlimited'] });
  });
});

describe('logging and restart policy', () => {
  it('log rotation applied / not applied', () => {
    expect(loggingItem('web', web, inspect())).toMatchObject({ status: 'pass' });
    const none = loggingItem('web', web, inspect({ HostConfig: { LogConfig: { Type: 'json-file', Config: {} } } }));
    expect(none.status).toBe('fail');
    expect(none.title).toMatch(/log rotation not applied: max-size not set instead of 1m; max-file not set instead of 2/);
    expect(loggingItem('web', { logging: { driver: 'local' } }, inspect()).title).toMatch(/driver json-file instead of local/);
    expect(loggingItem('db', {}, inspect()).status).toBe('skip');
  });
  it('restart policy as declared', () => {
    expect(restartItem('web', web, inspect()).status).toBe('pass');
    const wrong = restartItem('web', web, inspect({ HostConfig: { RestartPolicy: { Name: 'no' } } }));
    expect(wrong).toMatchObject({ status: 'fail', title: 'shop_web_1: restart policy is no, declared unless-stopped' });
    expect(restartItem('db', {}, inspect({ HostConfig: { RestartPolicy: { Name: '' } } })).status).toBe('pass');
    expect(restartItem('db', { deploy: { restart_policy: { condition: 'on-failure' } } }, inspect({ HostConfig: { RestartPolicy: { Name: 'on-failure' } } })).status).toBe('pass');
    expect(restartItem('db', { restart: 'on-failure:3' }, inspect({ HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 } } })).status).toBe('fail');
  });
});

describe('running, health checks, ports, volumes', () => {
  it('running and healthy / unhealthy / exited / not created', () => {
    expect(runningItem('web', inspect()).status).toBe('pass');
    const sick = runningItem('web', inspect({ State: { Health: { Status: 'unhealthy', Log: [{ ExitCode: 1, Output: 'wget: connection refused' }] } } }));
    expect(sick.status).toBe('fail');
    expect(sick.evidence).toContain('last health check: exit 1: wget: connection refused');
    expect(runningItem('job', inspect({ State: { Status: 'exited', ExitCode: 0, Health: null } })).status).toBe('pass');
    expect(runningItem('web', inspect({ State: { Status: 'exited', ExitCode: 137, Health: null } })).title).toBe('shop_web_1 is exited (exit 137)');
    expect(notCreatedItem('cache')).toMatchObject({ status: 'fail', title: 'cache: no container (not created)' });
    expect(startWaitS(inspect())).toBe(5 + 1 + 30);
  });
  it('health-check argv: CMD, CMD-SHELL, string, NONE; compose, container, image', () => {
    expect(healthArgv(['CMD', 'wget', '-q', 'http://x/'])).toEqual(['wget', '-q', 'http://x/']);
    expect(healthArgv(['CMD-SHELL', 'curl -f http://x/ || exit 1'])).toEqual(['sh', '-c', 'curl -f http://x/ || exit 1']);
    expect(healthArgv('ls /data')).toEqual(['sh', '-c', 'ls /data']);
    expect(healthArgv(['NONE'])).toBeUndefined();
    expect(healthCommand(web, inspect())).toMatchObject({ source: 'compose', shown: 'wget -q -O- http://127.0.0.1:8080/' });
    expect(healthCommand({}, inspect())).toMatchObject({ source: 'container' });
    expect(healthCommand({}, inspect({ Config: { Healthcheck: null } }), ['CMD-SHELL', 'pg_isready'])).toMatchObject({ source: 'image', argv: ['sh', '-c', 'pg_isready'] });
    expect(healthCommand({ healthcheck: { disable: true } }, inspect())).toEqual({ none: 'health check disabled in the compose file' });
    const none = healthCommand({}, inspect({ Config: { Healthcheck: null } }));
    expect(healthItem('db', inspect(), none).status).toBe('skip');
    const cmd = healthCommand(web, inspect());
    expect(healthItem('web', inspect(), cmd, { exitCode: 0, output: 'ok\n' })).toMatchObject({ status: 'pass', evidence: ['command (compose): wget -q -O- http://127.0.0.1:8080/', 'exit code 0', 'output: ok'] });
    expect(healthItem('web', inspect(), cmd, { exitCode: 1, output: 'wget: server returned error: HTTP/1.1 500' }).status).toBe('fail');
  });
  it('ports: 127.0.0.1 and all addresses are tried on 127.0.0.1, others skipped, udp skipped, v4/v6 duplicates merged', () => {
    const info = inspect({
      NetworkSettings: {
        Ports: {
          '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }],
          '9000/tcp': [{ HostIp: '10.1.2.3', HostPort: '9000' }],
          '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
          '7000/tcp': null,
        },
      },
    });
    const t = portTargets(info);
    expect(t.map((p) => [p.hostPort, p.connect ?? p.why])).toEqual([
      [5353, 'not TCP'],
      [8080, '127.0.0.1'],
      [9000, 'published on 10.1.2.3, not on 127.0.0.1 or all addresses'],
    ]);
    expect(portItem('web', info, t[1]!, { ok: true, ms: 1 }).status).toBe('pass');
    expect(portItem('web', info, t[1]!, { ok: false, ms: 1, error: 'ECONNREFUSED' }).status).toBe('fail');
    expect(portItem('web', info, t[2]!).status).toBe('skip');
  });
  it('named volumes only (no binds, no anonymous volumes)', () => {
    expect(namedVolumeMounts(web)).toEqual([
      { volume: 'data', target: '/data', readOnly: false },
      { volume: 'ro', target: '/ro', readOnly: true },
    ]);
  });
});

describe('stats arithmetic', () => {
  it('computes CPU % and memory without page cache as docker stats does', () => {
    const s = computeStats({
      cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 4 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
      memory_stats: { usage: 10_000_000, limit: 67108864, stats: { total_inactive_file: 2_000_000 } },
    });
    expect(s).toEqual({ cpuPercent: 40, memUsage: 8_000_000, memLimit: 67108864 });
    expect(computeStats({})).toEqual({});
  });
});

describe('report formats', () => {
  const items: VerifyItem[] = [
    { kind: 'running', service: 'web', container: 'shop_web_1', status: 'pass', title: 'shop_web_1 is running and healthy', evidence: ['state running, health healthy'] },
    { kind: 'user', service: 'db', container: 'shop_db_1', status: 'fail', title: 'shop_db_1 runs as root (uid 0); not in allowRoot', evidence: ['`id` in the container: uid=0(root)'] },
    { kind: 'limits', service: 'db', container: 'shop_db_1', status: 'skip', title: 'shop_db_1: no memory or CPU limit declared', evidence: [] },
  ];
  const report: VerifyReport = { project: 'shop', ok: false, exitCode: 1, items, durationS: 1.25 };

  it('text: marks, sections, evidence, summary; colour only when asked', () => {
    const t = renderText(report);
    expect(t).toContain('Containers running and healthy\n  ✔ shop_web_1 is running and healthy\n      state running, health healthy');
    expect(t).toContain('  ✘ shop_db_1 runs as root (uid 0); not in allowRoot');
    expect(t).toContain('  - shop_db_1: no memory or CPU limit declared');
    expect(t).toMatch(/NOT verified: 1 of 2 checks failed, 1 skipped \(1\.3 s\)\n$/);
    expect(t).not.toContain('\x1b[');
    expect(renderText(report, true)).toContain('\x1b[31m');
  });
  it('markdown: a checklist with evidence in sub-bullets', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('- [x] shop\\_web\\_1 is running and healthy\n  - `state running, health healthy`');
    expect(md).toContain('- [ ] shop\\_db\\_1 runs as root (uid 0); not in allowRoot\n  - `\'id\' in the container: uid=0(root)`');
    expect(md).toContain('- [ ] (skipped) shop\\_db\\_1: no memory or CPU limit declared');
    expect(md).toContain('## No process runs as root (unless allowed)');
  });
  it('json: one versioned document', () => {
    const doc = JSON.parse(renderJson({ ...report, upProject: 'shop-verify-abc123' })) as Record<string, unknown>;
    expect(doc).toMatchObject({ v: 1, project: 'shop', upProject: 'shop-verify-abc123', ok: false, exitCode: 1, summary: { pass: 1, fail: 1, skip: 1 } });
    expect((doc.items as unknown[]).length).toBe(3);
  });
  it('isolated project names are valid for both compose generations', () => {
    expect(isolatedProjectName('shop')).toMatch(/^shop-verify-[0-9a-f]{6}$/);
  });
});
