/**
 * `shipshape up` on a real engine, the good path: a one-shot init job others wait on with
 * service_completed_successfully, a three-level chain (init → db → api) of HTTP health checks,
 * a server without a check; then a second `up` (everything already up), `logs`, and `down`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposeProject } from '../../src/engine/compose-cli.js';
import { connectEngine, listProjectContainers } from '../../src/engine/client.js';
import { runDown } from '../../src/run/down.js';
import { runLogs } from '../../src/run/logs.js';
import { runUp } from '../../src/run/up.js';
import { buildBusyboxImage, compose, freePort, requireEngine, uniqueProjectName } from '../helpers/index.js';
import { Sink } from '../helpers/sink.js';

const engine = await requireEngine();

/** Captures what `up` prints, with the time each line was written. */

function httpd(text: string): string {
  return `["sh", "-c", "mkdir -p /www && echo ${text} > /www/index.html && echo ${text} listening && exec httpd -f -p 8080 -h /www"]`;
}

const HEALTH = [
  '    healthcheck:',
  '      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"]',
  '      interval: 1s',
  '      timeout: 3s',
  '      retries: 20',
  '      start_period: 0s',
];

describe.runIf(engine)('up: job, three-level health chain, server without check', () => {
  let dir = '';
  let port = 0;
  let image = '';
  const projectName = uniqueProjectName('shipshape-up');
  let project: ComposeProject = {};

  beforeAll(async () => {
    image = await buildBusyboxImage();
    port = await freePort();
    dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-e2e-up-'));
    const file = path.join(dir, 'docker-compose.yml');
    await writeFile(
      file,
      [
        'version: "2.4"',
        'services:',
        '  init:',
        `    image: ${image}`,
        '    command: ["sh", "-c", "echo migrating; sleep 0.3; echo migrated"]',
        '  db:',
        `    image: ${image}`,
        `    command: ${httpd('db')}`,
        '    stop_signal: SIGKILL',
        ...HEALTH,
        '    depends_on:',
        '      init: {condition: service_completed_successfully}',
        '  api:',
        `    image: ${image}`,
        `    command: ${httpd('api')}`,
        '    stop_signal: SIGKILL',
        '    ports:',
        `      - "127.0.0.1:${port}:8080"`,
        ...HEALTH,
        '    depends_on:',
        '      db: {condition: service_healthy}',
        '  side:',
        `    image: ${image}`,
        '    command: ["sleep", "3600"]',
        '    stop_signal: SIGKILL',
        'volumes:',
        '  data: {}',
        '',
      ].join('\n'),
    );
    project = { projectName, files: [file], projectDir: dir };
  });

  afterAll(async () => {
    try {
      await compose(project, ['down', '-v', '--remove-orphans', '--timeout', '1']).catch(() => undefined);
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });

  it('gets every service ready, emits JSON events fast, and prints the critical chain', async () => {
    const sink = new Sink();
    const started = Date.now();
    const r = await runUp({ dir, projectName, json: true, out: sink, timeoutS: 60 });
    const took = (Date.now() - started) / 1000;
    const events = sink.lines.map((l) => ({ ...l, e: JSON.parse(l.text) as Record<string, unknown> }));
    if (r.exitCode !== 0) throw new Error(`up failed (exit ${r.exitCode}):\n${sink.text}`);

    expect(events.every(({ e }) => e.v === 1 && typeof e.type === 'string')).toBe(true);
    expect(events.filter(({ e }) => e.type === 'check').map(({ e }) => `${String(e.check)}:${String(e.status)}`)).toEqual([
      'engine:pass',
      'compose:pass',
      'variables:pass',
      'env-files:skip',
      'binds:skip',
      'ports:pass',
      'images:pass',
    ]);
    const compose = events.find(({ e }) => e.type === 'check' && e.check === 'compose')!.e;
    expect(String(compose.message)).toMatch(/^using (docker-compose \d+\.\d+\.\d+ \(v1\)|docker compose v2\.)/);

    const states = (svc: string) => events.filter(({ e }) => e.type === 'service' && e.service === svc).map(({ e }) => String(e.state));
    expect(states('init')).toContain('completed');
    expect(states('db').slice(-1)).toEqual(['healthy']);
    expect(states('api').slice(-1)).toEqual(['healthy']);
    expect(states('side').slice(-1)).toEqual(['running']);

    const result = events.find(({ e }) => e.type === 'result')!.e;
    expect(result).toMatchObject({ ok: true, exitCode: 0, timedOut: false });
    expect(r.chain.map((s) => `${s.service} ${s.state}`)).toEqual(['api healthy', 'db healthy', 'init completed']);
    const chain = events.find(({ e }) => e.type === 'chain')!.e;
    expect(String(chain.text)).toMatch(/^api healthy \+\d+\.\ds ← db healthy \+\d+\.\ds ← init completed \+\d+\.\ds$/);

    // latency: the engine's health_status event → our line (same machine, same clock)
    const healthLines = events.filter(({ e }) => e.type === 'service' && e.state === 'healthy' && typeof e.ts === 'number');
    expect(healthLines.length).toBeGreaterThanOrEqual(2);
    const lags = healthLines.map(({ at, e }) => at - (e.ts as number));
    console.log(`[e2e up] ready in ${took.toFixed(1)}s (wait ${r.timings.waitS?.toFixed(1)}s); health event → output: ${lags.map((l) => `${l.toFixed(1)}ms`).join(', ')}`);
    for (const lag of lags) expect(lag).toBeLessThan(200);

    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
    expect((await res.text()).trim()).toBe('api');
  }, 90_000);

  it('a second up finds everything up already (its own ports are not conflicts)', async () => {
    const sink = new Sink();
    const r = await runUp({ dir, projectName, out: sink, timeoutS: 60 });
    if (r.exitCode !== 0) throw new Error(`second up failed (exit ${r.exitCode}):\n${sink.text}`);
    expect(sink.text).toMatch(/ports: 1 host port free \(1 already ours\)/);
    const st = Object.fromEntries(r.services.map((s) => [s.service, s]));
    expect(st.db).toMatchObject({ state: 'healthy', already: true });
    expect(st.api).toMatchObject({ state: 'healthy', already: true });
    expect(sink.text).toMatch(/critical chain: /);
  }, 60_000);

  it('logs: merged, prefixed by service, --tail and a service filter', async () => {
    const sink = new Sink();
    const r = await runLogs({ dir, projectName, services: ['init', 'api'], tail: 5, out: sink, err: sink, color: false });
    expect(r.exitCode).toBe(0);
    expect(sink.text).toMatch(/^init \| migrating$/m);
    expect(sink.text).toMatch(/^init \| migrated$/m);
    expect(sink.text).toMatch(/^api {2}\| api listening$/m);
    expect(sink.text).not.toMatch(/^db/m);

    const bad = new Sink();
    expect((await runLogs({ dir, projectName, services: ['nope'], out: bad, err: bad })).exitCode).toBe(2);
    expect(bad.text).toMatch(/no such service: nope/);
  }, 30_000);

  it('logs -f follows until stopped', async () => {
    const sink = new Sink();
    const abort = new AbortController();
    const p = runLogs({ dir, projectName, services: ['api'], follow: true, tail: 1, out: sink, err: sink, color: false, signal: abort.signal });
    const deadline = Date.now() + 10_000;
    while (!sink.text.includes('api listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    abort.abort();
    expect((await p).exitCode).toBe(0);
    expect(sink.text).toMatch(/api \| api listening/);
  }, 30_000);

  it('down --volumes refuses without a terminal and without --yes, then removes everything with --yes', async () => {
    const err = new Sink();
    const refused = await runDown({ dir, projectName, volumes: true, interactive: false, out: err, err });
    expect(refused.exitCode).toBe(2);
    expect(err.text).toMatch(/refusing to remove volumes without confirmation.*--yes/);

    const declined = await runDown({ dir, projectName, volumes: true, interactive: true, ask: async () => 'n', out: err, err });
    expect(declined.exitCode).toBe(1);

    const out = new Sink();
    const done = await runDown({ dir, projectName, volumes: true, yes: true, stopTimeoutS: 1, out, err: out });
    if (done.exitCode !== 0) throw new Error(`down failed:\n${out.text}`);
    const left = await listProjectContainers(connectEngine().docker, projectName, { all: true, oneoff: true });
    expect(left).toEqual([]);
  }, 60_000);
});
