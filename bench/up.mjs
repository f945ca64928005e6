#!/usr/bin/env node
/**
 * `shipshape up` against `docker-compose up -d` followed by a 1 s polling loop (the seeds' start
 * scripts), on the same small stack built from the local busybox test image: a one-shot job and a
 * web server with a 1 s health check that depends on it. Whole process, time until every service
 * is ready, 3 runs each, median. Needs an engine and the test image (`shipshape-test/busybox:1`,
 * built by the e2e tests).
 *
 *   node bench/up.mjs [--json]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMAGE = 'shipshape-test/busybox:1';
const compose = `version: "2.4"
services:
  job:
    image: ${IMAGE}
    command: sh -c "sleep 1"
    restart: "no"
  web:
    image: ${IMAGE}
    command: sh -c "mkdir -p /tmp/www && echo ok > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"
    stop_signal: SIGKILL
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"]
      interval: 1s
      timeout: 2s
      retries: 10
    depends_on:
      job:
        condition: service_completed_successfully
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const now = () => Number(process.hrtime.bigint()) / 1e6;

function down(dir, project) {
  spawnSync('docker-compose', ['-p', project, 'down', '-v', '-t', '1'], { cwd: dir, stdio: 'ignore' });
}

function healthy(project) {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=web'], { encoding: 'utf8' }).trim();
  if (!ids) return false;
  return execFileSync('docker', ['inspect', '-f', '{{.State.Health.Status}}', ids], { encoding: 'utf8' }).trim() === 'healthy';
}

export function runUpBench(runs = 3) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-bench-up-'));
  writeFileSync(path.join(dir, 'docker-compose.yml'), compose);
  const ship = [];
  const poll = [];
  try {
    for (let i = 0; i < runs; i++) {
      const p1 = `benchup${process.pid}s${i}`;
      let t0 = now();
      const r = spawnSync(process.execPath, [path.join(REPO, 'dist/cli/main.js'), 'up', dir, '-p', p1], { encoding: 'utf8' });
      ship.push(now() - t0);
      down(dir, p1);
      if (r.status !== 0) throw new Error(`shipshape up failed: ${r.stdout}${r.stderr}`);
      const p2 = `benchup${process.pid}p${i}`;
      t0 = now();
      execFileSync('docker-compose', ['-p', p2, 'up', '-d'], { cwd: dir, stdio: 'ignore' });
      // the seeds' loop: check, sleep 1 s, check again
      for (let k = 0; k < 60 && !healthy(p2); k++) spawnSync('sleep', ['1']);
      poll.push(now() - t0);
      down(dir, p2);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { runs, shipshapeMs: Math.round(median(ship)), pollingMs: Math.round(median(poll)), ship: ship.map(Math.round), poll: poll.map(Math.round) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = runUpBench();
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else console.log(`shipshape up: ${r.shipshapeMs} ms median (${r.ship.join(', ')}); docker-compose up -d + 1 s polling: ${r.pollingMs} ms median (${r.poll.join(', ')})`);
}
