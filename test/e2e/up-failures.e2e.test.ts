/**
 * `shipshape up` on a real engine when things go wrong: a service that turns unhealthy, one that
 * crashes at start, a job that fails under its dependant; fail-fast and --tolerate-unhealthy.
 * Each failure must say why: exit code, the health-check log, the service's last log lines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposeProject } from '../../src/engine/compose-cli.js';
import { runUp } from '../../src/run/up.js';
import { buildBusyboxImage, compose, requireEngine } from '../helpers/index.js';
import { Sink } from '../helpers/sink.js';
import { writeStack } from '../helpers/stacks.js';

const engine = await requireEngine();


describe.runIf(engine)('up: failures say why', () => {
  let root = '';
  let image = '';
  const projects: ComposeProject[] = [];

  const stack = (name: string, services: string[]) => writeStack(root, projects, name, services);

  beforeAll(async () => {
    image = await buildBusyboxImage();
    root = await mkdtemp(path.join(os.tmpdir(), 'shipshape-e2e-fail-'));
  });

  afterAll(async () => {
    try {
      for (const p of projects) await compose(p, ['down', '-v', '--remove-orphans', '--timeout', '1']).catch(() => undefined);
    } finally {
      if (root) await rm(root, { recursive: true, force: true });
    }
  });

  it('unhealthy: fail-fast reports the health-check log and the log tail; tolerated, it waits for the deadline', async () => {
    const { dir, projectName } = await stack('unhealthy', [
      '  sick:',
      `    image: ${image}`,
      '    command: ["sh", "-c", "echo sick starting; echo cannot open /data/db >&2; exec sleep 3600"]',
      '    stop_signal: SIGKILL',
      '    healthcheck:',
      '      test: ["CMD", "sh", "-c", "echo probe failed: no answer on 5432; exit 1"]',
      '      interval: 1s',
      '      timeout: 2s',
      '      retries: 2',
      '      start_period: 0s',
      '  after:',
      `    image: ${image}`,
      '    command: ["sleep", "3600"]',
      '    stop_signal: SIGKILL',
      '    depends_on:',
      '      sick: {condition: service_healthy}',
    ]);
    const out = new Sink();
    const t0 = Date.now();
    const r = await runUp({ dir, projectName, out, timeoutS: 40 });
    const took = (Date.now() - t0) / 1000;
    expect(r.exitCode, out.text).toBe(1);
    expect(r.verdict?.timedOut).toBe(false);
    const [sick, after] = r.failures;
    expect(sick).toMatchObject({ service: 'sick', state: 'unhealthy', cause: true });
    expect(sick!.health?.length).toBeGreaterThanOrEqual(2);
    expect(sick!.health!.every((h) => h.exitCode === 1 && h.output.includes('probe failed: no answer on 5432'))).toBe(true);
    // stdout and stderr are copied by separate goroutines in the engine: their relative order is not fixed
    expect([...sick!.logs!].sort()).toEqual(['cannot open /data/db', 'sick starting']);
    expect(after).toMatchObject({ service: 'after', state: 'waiting', cause: false, reason: 'not started: depends on sick (unhealthy)' });
    expect(out.text).toMatch(/✘ sick: unhealthy/);
    expect(out.text).toMatch(/exit 1: probe failed: no answer on 5432/);
    expect(out.text).toMatch(/\| cannot open \/data\/db/);
    console.log(`[e2e up] unhealthy detected in ${took.toFixed(1)}s`);

    // again, tolerating: sick stays unhealthy, so the deadline ends it
    const out2 = new Sink();
    const r2 = await runUp({ dir, projectName, out: out2, timeoutS: 3, failFast: false, json: true });
    expect(r2.exitCode, out2.text).toBe(1);
    expect(r2.verdict?.timedOut).toBe(true);
    expect(r2.failures[0]).toMatchObject({ service: 'sick', state: 'unhealthy' });
    const result = out2.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.type === 'result');
    expect(result).toMatchObject({ ok: false, exitCode: 1, timedOut: true });
  }, 90_000);

  it('--tolerate-unhealthy: a dependency that recovers gets its dependants started (compose had given up on them)', async () => {
    const { dir, projectName } = await stack('recover', [
      '  flaky:',
      `    image: ${image}`,
      '    command: ["sh", "-c", "sleep 4; touch /tmp/ok; exec sleep 3600"]',
      '    stop_signal: SIGKILL',
      '    healthcheck:',
      '      test: ["CMD", "test", "-f", "/tmp/ok"]',
      '      interval: 1s',
      '      timeout: 1s',
      '      retries: 1',
      '      start_period: 0s',
      '  app:',
      `    image: ${image}`,
      '    command: ["sleep", "3600"]',
      '    stop_signal: SIGKILL',
      '    depends_on:',
      '      flaky: {condition: service_healthy}',
    ]);
    const out = new Sink();
    const r = await runUp({ dir, projectName, out, timeoutS: 40, failFast: false });
    expect(r.exitCode, out.text).toBe(0);
    expect(out.text).toMatch(/flaky +unhealthy/);
    expect(out.text).toMatch(/flaky +healthy/);
    expect(r.chain.map((s) => `${s.service} ${s.state}`)).toEqual(['app running', 'flaky healthy']);
  }, 60_000);

  it('crash at start: the exit code and the last log lines', async () => {
    const { dir, projectName } = await stack('crash', [
      '  crashy:',
      `    image: ${image}`,
      '    command: ["sh", "-c", "echo loading config; echo fatal: missing DATABASE_URL >&2; exit 3"]',
      '  steady:',
      `    image: ${image}`,
      '    command: ["sleep", "3600"]',
      '    stop_signal: SIGKILL',
    ]);
    const out = new Sink();
    const r = await runUp({ dir, projectName, out, timeoutS: 40 });
    expect(r.exitCode, out.text).toBe(1);
    expect(r.failures[0]).toMatchObject({ service: 'crashy', state: 'exited', exitCode: 3, reason: 'exited with code 3', cause: true });
    expect([...r.failures[0]!.logs!].sort()).toEqual(['fatal: missing DATABASE_URL', 'loading config']);
    expect(out.text).toMatch(/✘ crashy: exited with code 3/);
  }, 60_000);

  it('a failed init job: its dependant is never started, and says so', async () => {
    const { dir, projectName } = await stack('jobfail', [
      '  migrate:',
      `    image: ${image}`,
      '    command: ["sh", "-c", "echo applying 0042_users; echo duplicate column >&2; exit 1"]',
      '  app:',
      `    image: ${image}`,
      '    command: ["sleep", "3600"]',
      '    stop_signal: SIGKILL',
      '    depends_on:',
      '      migrate: {condition: service_completed_successfully}',
    ]);
    const out = new Sink();
    const r = await runUp({ dir, projectName, out, timeoutS: 40, json: true });
    expect(r.exitCode, out.text).toBe(1);
    expect(r.specs.find((s) => s.name === 'migrate')?.kind).toBe('job');
    expect(r.failures.map((f) => [f.service, f.state, f.cause])).toEqual([
      ['migrate', 'exited', true],
      ['app', 'waiting', false],
    ]);
    expect(r.failures[0]).toMatchObject({ exitCode: 1 });
    expect([...r.failures[0]!.logs!].sort()).toEqual(['applying 0042_users', 'duplicate column']);
    const failure = out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.type === 'failure');
    expect(failure).toMatchObject({ v: 1, service: 'migrate', state: 'exited', exitCode: 1, logs: expect.arrayContaining(['applying 0042_users', 'duplicate column']) });
  }, 60_000);
});
