/**
 * Pre-flight on a real engine: a host port already taken, a required variable not set, an image
 * that is neither present nor buildable. Each stops `up` with exit 2 before anything is created.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, listProjectContainers } from '../../src/engine/client.js';
import type { ComposeProject } from '../../src/engine/compose-cli.js';
import { runPreflight } from '../../src/run/preflight.js';
import { runUp } from '../../src/run/up.js';
import { buildBusyboxImage, compose, requireEngine } from '../helpers/index.js';
import { Sink } from '../helpers/sink.js';
import { writeStack } from '../helpers/stacks.js';

const engine = await requireEngine();


describe.runIf(engine)('up: pre-flight stops bad runs before anything starts', () => {
  let root = '';
  let image = '';
  let blocker: net.Server | undefined;
  const projects: ComposeProject[] = [];

  const stack = (name: string, services: string[]) => writeStack(root, projects, name, services);

  async function nothingCreated(projectName: string) {
    expect(await listProjectContainers(connectEngine().docker, projectName, { all: true, oneoff: true })).toEqual([]);
  }

  beforeAll(async () => {
    image = await buildBusyboxImage();
    root = await mkdtemp(path.join(os.tmpdir(), 'shipshape-e2e-pre-'));
  });

  afterAll(async () => {
    try {
      if (blocker) await new Promise<void>((r) => blocker!.close(() => r()));
      for (const p of projects) await compose(p, ['down', '-v', '--remove-orphans', '--timeout', '1']).catch(() => undefined);
    } finally {
      if (root) await rm(root, { recursive: true, force: true });
    }
  });

  it('a host port already taken', async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve, reject) => {
      blocker!.once('error', reject);
      blocker!.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (blocker.address() as net.AddressInfo).port;
    const { dir, projectName } = await stack('port', [
      '  web:',
      `    image: ${image}`,
      '    command: ["sleep", "3600"]',
      '    ports:',
      `      - "127.0.0.1:${port}:8080"`,
    ]);
    const out = new Sink();
    const r = await runUp({ dir, projectName, out, timeoutS: 30 });
    expect(r.exitCode, out.text).toBe(2);
    const ports = r.checks.find((c) => c.id === 'ports')!;
    expect(ports.status).toBe('fail');
    expect(ports.message).toBe(`ports: 1 conflict: 127.0.0.1:${port}/tcp (service web): already in use`);
    expect(out.text).toMatch(new RegExp(`✘ ports: 1 conflict: 127\\.0\\.0\\.1:${port}/tcp \\(service web\\): already in use`));
    expect(out.text).toMatch(/✘ pre-flight failed: ports/);
    await nothingCreated(projectName);
  }, 60_000);

  it('a required variable not set', async () => {
    const { dir, projectName } = await stack('variable', [
      '  web:',
      `    image: ${image}`,
      '    command: ["sleep", "3600"]',
      '    environment:',
      '      API_TOKEN: ${SHIPSHAPE_E2E_API_TOKEN:?API_TOKEN must be set}',
      '      LOG_LEVEL: ${SHIPSHAPE_E2E_LOG_LEVEL}',
    ]);
    const env = { ...process.env };
    delete env.SHIPSHAPE_E2E_API_TOKEN;
    delete env.SHIPSHAPE_E2E_LOG_LEVEL;
    const out = new Sink();
    const r = await runUp({ dir, projectName, out, timeoutS: 30, env, json: true });
    expect(r.exitCode, out.text).toBe(2);
    const vars = r.checks.find((c) => c.id === 'variables')!;
    expect(vars).toMatchObject({ status: 'fail', message: 'variables: 1 required variable not set: SHIPSHAPE_E2E_API_TOKEN' });
    expect(vars.details?.[0]).toMatch(/docker-compose\.yml:\d+:\d+: .*required variable SHIPSHAPE_E2E_API_TOKEN is missing a value: API_TOKEN must be set/);
    const lines = out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((e) => e.type === 'check' && e.check === 'variables')).toMatchObject({ v: 1, status: 'fail' });
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: false, exitCode: 2 });
    await nothingCreated(projectName);

    // set: passes, and the plain variable left unset is a warning
    const pre = await runPreflight({ dir, projectName, env: { ...env, SHIPSHAPE_E2E_API_TOKEN: 'x' } });
    expect(pre.checks.find((c) => c.id === 'variables')).toMatchObject({ status: 'warn', message: 'variables: not set, defaulting to a blank string: SHIPSHAPE_E2E_LOG_LEVEL' });
    expect(pre.ok).toBe(true);
  }, 60_000);

  it('images: present, missing with no build section, buildable from a context', async () => {
    const { dir, projectName } = await stack('images', [
      '  here:',
      `    image: ${image}`,
      '  gone:',
      '    image: shipshape-test/never-built:0',
      '  built:',
      '    build: ./app',
      '  broken:',
      '    build: ./nothing-here',
    ]);
    await mkdir(path.join(dir, 'app'));
    await writeFile(path.join(dir, 'app', 'Dockerfile'), `FROM ${image}\nCMD ["sleep", "3600"]\n`);
    const r = await runPreflight({ dir, projectName });
    const images = r.checks.find((c) => c.id === 'images')!;
    expect(images.status).toBe('fail');
    expect(images.details).toEqual([
      expect.stringMatching(/^gone: shipshape-test\/never-built:0 not present locally; `docker(-| )compose pull` needed$/),
      expect.stringMatching(/^broken: \S+ not present locally and not buildable: build context .*nothing-here does not exist$/),
    ]);
    expect(r.ok).toBe(false);
  }, 60_000);
});
