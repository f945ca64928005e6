/**
 * Smoke test of the end-to-end path: a real Docker engine, the detected
 * Compose CLI (v2 or v1), the locally built busybox image, a published port on
 * 127.0.0.1 and a healthcheck. If this fails, every other e2e test would too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposeProject } from '../../src/engine/compose-cli.js';
import { buildBusyboxImage, compose, composeInfo, freePort, requireEngine, run, uniqueProjectName, waitHealthy } from '../helpers/index.js';

// Throws (failing this file) when SHIPSHAPE_E2E=required and the engine is missing;
// otherwise false means "skip", with the reason already printed.
const engine = await requireEngine();

// runIf, not a bare describe: without an engine (and not required) the suite is skipped, not failed.
describe.runIf(engine)('engine smoke: compose up, healthcheck, published port', () => {
  let dir = '';
  let port = 0;
  let project: ComposeProject = {};
  let upStarted = false;

  beforeAll(async () => {
    const image = await buildBusyboxImage();
    port = await freePort();
    dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-e2e-smoke-'));
    const file = path.join(dir, 'docker-compose.yml');
    // v1-compatible: file format 2.4, no top-level `name:`.
    await writeFile(
      file,
      [
        'version: "2.4"',
        'services:',
        '  web:',
        `    image: ${image}`,
        '    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]',
        '    ports:',
        `      - "127.0.0.1:${port}:8080"`,
        '    stop_signal: SIGKILL',
        '    healthcheck:',
        '      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"]',
        '      interval: 1s',
        '      timeout: 3s',
        '      retries: 30',
        '',
      ].join('\n'),
    );
    project = { projectName: uniqueProjectName('shipshape-smoke'), files: [file], projectDir: dir };
    upStarted = true;
    await compose(project, ['up', '-d']);
  });

  afterAll(async () => {
    try {
      if (upStarted) await compose(project, ['down', '-v', '--remove-orphans', '--timeout', '2']);
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses a detected Compose CLI', async () => {
    const cli = await composeInfo();
    expect(['v1', 'v2']).toContain(cli.kind);
    expect(cli.version).toMatch(/^\d+\.\d+/);
  });

  it('becomes healthy and serves on 127.0.0.1', async () => {
    const ps = await compose(project, ['ps', '-q', 'web']);
    const id = ps.stdout.trim().split('\n')[0] ?? '';
    expect(id, 'container id from `compose ps -q web`').not.toBe('');
    try {
      await waitHealthy(id, 30_000);
    } catch (e) {
      const logs = await run(['docker', 'logs', '--tail', '50', id]);
      throw new Error(`${(e as Error).message}\n--- container logs ---\n${logs.stdout}${logs.stderr}`);
    }
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    expect((await res.text()).trim()).toBe('ok');
  }, 45_000);
});
