/**
 * `verify` and `status` on a real engine: a busybox stack with a service running as root (db,
 * with a named volume) and one as nobody (web, user 65534, mem_limit, log rotation, a port on
 * 127.0.0.1), both with HTTP health checks run by wget inside the container.
 *   1. verify --up --persistence in an isolated project: flags root, passes the user service,
 *      keeps the marker across a restart, and leaves nothing behind;
 *   2. the stack brought up with `up`, then status --json shows both services, verify (markdown)
 *      on the running stack; a project with no containers shows "not created".
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposeProject } from '../../src/engine/compose-cli.js';
import { connectEngine, listProjectContainers, projectFilters } from '../../src/engine/client.js';
import { runStatus, type StatusReport } from '../../src/run/status.js';
import { runUp } from '../../src/run/up.js';
import type { VerifyItem } from '../../src/run/verify-checks.js';
import { runVerify } from '../../src/run/verify.js';
import { buildBusyboxImage, compose, docker, freePort, requireEngine, uniqueProjectName } from '../helpers/index.js';
import { Sink } from '../helpers/sink.js';

const engine = await requireEngine();


const HEALTH = [
  '    healthcheck:',
  '      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"]',
  '      interval: 1s',
  '      timeout: 3s',
  '      retries: 20',
  '      start_period: 2s',
];

function httpd(text: string): string {
  return `["sh", "-c", "mkdir -p /tmp/www && echo ${text} > /tmp/www/index.html && echo ${text} listening && exec httpd -f -p 8080 -h /tmp/www"]`;
}

describe.runIf(engine)('verify and status on a real stack', () => {
  let dir = '';
  let port = 0;
  const projectName = uniqueProjectName('shipshape-verify');
  let project: ComposeProject = {};
  const timings: string[] = [];

  beforeAll(async () => {
    const image = await buildBusyboxImage();
    port = await freePort();
    dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-e2e-verify-'));
    const file = path.join(dir, 'docker-compose.yml');
    await writeFile(
      file,
      [
        'version: "2.4"',
        'services:',
        '  web:',
        `    image: ${image}`,
        '    user: "65534"',
        `    command: ${httpd('web')}`,
        '    stop_signal: SIGKILL',
        '    mem_limit: 64m',
        '    restart: unless-stopped',
        '    logging:',
        '      driver: json-file',
        '      options: {max-size: "1m", max-file: "2"}',
        '    ports:',
        `      - "127.0.0.1:${port}:8080"`,
        ...HEALTH,
        '  db:',
        `    image: ${image}`,
        `    command: ${httpd('db')}`,
        '    stop_signal: SIGKILL',
        '    restart: always',
        '    volumes:',
        '      - data:/data',
        ...HEALTH,
        'volumes:',
        '  data: {}',
        '',
      ].join('\n'),
    );
    // allowRoot names another service: db must still be flagged
    await writeFile(path.join(dir, '.shipshape.yml'), 'allowRoot: [migrations]\n');
    project = { projectName, files: [file], projectDir: dir };
  });

  afterAll(async () => {
    try {
      await compose(project, ['down', '-v', '--remove-orphans', '--timeout', '1']).catch(() => undefined);
      // anything an interrupted `verify --up` left behind
      const left = await docker(['ps', '-a', '--filter', 'label=com.docker.compose.project', '--format', '{{.Label "com.docker.compose.project"}}']).catch(() => ({ stdout: '' }));
      for (const p of new Set(left.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`${projectName}-verify-`)))) {
        await compose({ ...project, projectName: p }, ['down', '-v', '--remove-orphans', '--timeout', '1']).catch(() => undefined);
      }
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
      if (timings.length) console.log(`[e2e verify] ${timings.join('; ')}`);
    }
  });

  const find = (items: VerifyItem[], kind: VerifyItem['kind'], service: string) => items.filter((i) => i.kind === kind && i.service === service);

  it('verify --up --persistence: root flagged, the user service passes, marker survives, nothing left behind', async () => {
    const out = new Sink();
    const err = new Sink();
    const began = Date.now();
    const r = await runVerify({ dir, projectName, up: true, persistence: true, format: 'json', out, err, upTimeoutS: 60 });
    timings.push(`verify --up --persistence ${((Date.now() - began) / 1000).toFixed(1)}s`);
    const doc = JSON.parse(out.text) as { v: number; ok: boolean; exitCode: number; upProject: string; items: VerifyItem[] };
    const why = `\n${out.text}\n${err.text}`;
    expect(doc.v, why).toBe(1);
    expect(r.exitCode, why).toBe(1);
    expect(doc.upProject).toMatch(new RegExp(`^${projectName}-verify-[0-9a-f]{6}$`));
    const items = doc.items;
    expect(items.find((i) => i.kind === 'up')?.status, why).toBe('pass');

    // the only failure: db runs as root
    expect(items.filter((i) => i.status === 'fail').map((i) => `${i.kind}:${i.service}`), why).toEqual(['user:db']);
    expect(find(items, 'user', 'db')[0]!.evidence.join('\n')).toMatch(/uid=0\(root\)/);
    expect(find(items, 'user', 'web')[0]).toMatchObject({ status: 'pass' });
    expect(find(items, 'user', 'web')[0]!.evidence.join('\n')).toMatch(/uid=65534/);

    for (const s of ['web', 'db']) {
      expect(find(items, 'running', s)[0]?.status, why).toBe('pass');
      const hc = find(items, 'healthcheck', s)[0]!;
      expect(hc.status, why).toBe('pass');
      expect(hc.evidence).toEqual(['command (compose): wget -q -O- http://127.0.0.1:8080/', 'exit code 0', `output: ${s}`]);
      expect(find(items, 'restart', s)[0]?.status).toBe('pass');
    }
    expect(find(items, 'port', 'web')).toEqual([expect.objectContaining({ status: 'pass', title: expect.stringContaining(`accepts TCP on 127.0.0.1:${port}`) })]);
    expect(find(items, 'limits', 'web')[0]).toMatchObject({ status: 'pass' });
    expect(find(items, 'limits', 'db')[0]).toMatchObject({ status: 'skip' });
    expect(find(items, 'logging', 'web')[0]).toMatchObject({ status: 'pass' });
    const persist = find(items, 'persistence', 'db');
    expect(persist.map((i) => i.status), why).toEqual(['pass']);
    expect(persist[0]!.evidence.join('\n')).toMatch(/restarted \(engine restart\) and ready/);

    // torn down: no containers, no volumes
    const { docker: api } = connectEngine();
    expect(await listProjectContainers(api, doc.upProject, { all: true, oneoff: true })).toEqual([]);
    expect((await api.listVolumes({ filters: projectFilters(doc.upProject) })).Volumes ?? []).toEqual([]);
    expect(err.text).toContain(`removed ${doc.upProject} (down -v)`);
  }, 90_000);

  it('status --json shows both services; verify (markdown) on the running stack; an absent project is "not created"', async () => {
    let began = Date.now();
    const up = await runUp({ dir, projectName, out: new Sink(), timeoutS: 60 });
    expect(up.exitCode).toBe(0);
    timings.push(`up ${((Date.now() - began) / 1000).toFixed(1)}s`);

    began = Date.now();
    const out = new Sink();
    const st = await runStatus({ dir, projectName, json: true, out, err: out });
    timings.push(`status --json ${((Date.now() - began) / 1000).toFixed(1)}s`);
    expect(st.exitCode, out.text).toBe(0);
    const doc = JSON.parse(out.text) as StatusReport;
    expect(doc).toMatchObject({ v: 1, project: projectName, ok: true });
    expect(doc.services.map((s) => [s.service, s.state, s.level])).toEqual([
      ['db', 'running (healthy)', 'ok'],
      ['web', 'running (healthy)', 'ok'],
    ]);
    const web = doc.services.find((s) => s.service === 'web')!.containers[0]!;
    expect(web.ports).toEqual([`127.0.0.1:${port}->8080/tcp`]);
    expect(web.memLimit).toBe(64 * 1024 * 1024);
    expect(typeof web.memUsage).toBe('number');
    expect(web.uptimeS).toBeGreaterThanOrEqual(0);
    expect(web.restartCount).toBe(0);
    expect(web.logs).toContain('web listening');

    began = Date.now();
    const md = new Sink();
    const v = await runVerify({ dir, projectName, format: 'markdown', out: md, err: new Sink() });
    timings.push(`verify (markdown) ${((Date.now() - began) / 1000).toFixed(1)}s`);
    expect(v.exitCode, md.text).toBe(1);
    expect(md.text).toMatch(/^- \[ \] .*db.* runs as root \(uid 0\); not in allowRoot$/m);
    expect(md.text).toMatch(/^- \[x\] .*web.* does not run as root \(uid 65534, from id\)$/m);
    expect(md.text).toMatch(/^ {2}- `'id' in the container: uid=65534/m);

    // --watch on a terminal: redraws in place, then restores the screen and cursor when stopped
    const screen = new Sink();
    screen.isTTY = true;
    const abort = new AbortController();
    const watching = runStatus({ dir, projectName, watch: true, intervalS: 0.2, noStats: true, color: false, out: screen, err: screen, signal: abort.signal });
    const deadline = Date.now() + 15_000;
    while (screen.text.split('\x1b[H\x1b[2J').length - 1 < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    abort.abort();
    expect((await watching).exitCode).toBe(0);
    expect(screen.text.startsWith('\x1b[?1049h\x1b[?25l')).toBe(true);
    expect(screen.text.split('\x1b[H\x1b[2J').length - 1).toBeGreaterThanOrEqual(2);
    expect(screen.text).toContain('\x1b[?25h\x1b[?1049l');
    expect(screen.text.slice(screen.text.lastIndexOf('\x1b[?1049l'))).toMatch(/all services running \/ healthy\n$/);

    const absent = new Sink();
    const none = await runStatus({ dir, projectName: `${projectName}-absent`, json: true, out: absent, err: absent });
    expect(none.exitCode).toBe(1);
    expect((JSON.parse(absent.text) as StatusReport).services.map((s) => s.state)).toEqual(['not created', 'not created']);
  }, 90_000);
});
