#!/usr/bin/env node
/**
 * Backup throughput: `shipshape backup` of a 1 GiB volume (random data, made by a container from
 * /dev/urandom) vs. the seeds' baseline
 *
 *   docker run --rm -v VOL:/data IMAGE tar czf - /data > file
 *
 * at the same gzip level (6, the default of both). Each run is a whole process (node start-up,
 * module loading and the engine round trips count). The shipshape side runs the TypeScript sources
 * through tsx (`node --import tsx`), so no build is needed; the result is checked (manifest and
 * archive present) and removed after each run.
 *
 *   node bench/backup.mjs [--runs N (1-3, default 2)] [--mib SIZE (default 1024)] [--image IMAGE] [--json]
 *
 * Needs a running engine and a local image with busybox `tar`/`head` (default: the test image
 * shipshape-test/busybox:1, built by the e2e tests). Nothing is pulled.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '..');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const runs = Math.min(3, Math.max(1, Number.parseInt(arg('--runs', '2'), 10) || 2));
const mib = Math.max(1, Number.parseInt(arg('--mib', '1024'), 10) || 1024);
const image = arg('--image', 'shipshape-test/busybox:1');
const json = process.argv.includes('--json');
const log = (s) => process.stderr.write(`${s}\n`);

function docker(args, opts = {}) {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024, ...opts });
}

try {
  docker(['image', 'inspect', image]);
} catch {
  log(`image ${image} is not present locally (run the e2e tests once to build it, or pass --image)`);
  process.exit(2);
}

const project = `shipshape-bench-${process.pid}`;
const volume = `${project}_data`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-bench-backup-'));
writeFileSync(
  path.join(dir, 'docker-compose.yml'),
  ['version: "2.4"', 'services:', '  db:', `    image: ${image}`, '    command: ["sleep", "3600"]', '    volumes: ["data:/data"]', 'volumes:', '  data: {}', ''].join('\n'),
);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const SHIPSHAPE = `
const { backupCommand } = await import(${JSON.stringify(path.join(REPO, 'src/commands/backup.ts'))});
const code = await backupCommand(process.argv[1], { projectName: process.argv[2], to: process.argv[3], image: process.argv[4], json: true });
process.exit(code);
`;

const results = { volumeMiB: mib, runs, image, shipshape: [], baseline: [] };
try {
  log(`filling volume ${volume} with ${mib} MiB from /dev/urandom ...`);
  docker(['volume', 'create', '--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.volume=data', volume]);
  docker(['run', '--rm', '--network', 'none', '-v', `${volume}:/data`, image, 'sh', '-c', `head -c ${mib * 1024 * 1024} /dev/urandom > /data/random.bin && sync`], { timeout: 600_000 });

  for (let i = 0; i < runs; i++) {
    const out = path.join(dir, `shipshape-${i}`);
    const s = time(() => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SHIPSHAPE, dir, project, out, image], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`shipshape backup failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    });
    if (!existsSync(path.join(out, 'manifest.json'))) throw new Error('shipshape backup left no manifest');
    const size = statSync(path.join(out, 'data.tar.gz')).size;
    rmSync(out, { recursive: true, force: true });
    results.shipshape.push({ seconds: s, mibPerS: mib / s, archiveBytes: size });
    log(`shipshape run ${i + 1}: ${s.toFixed(2)} s, ${(mib / s).toFixed(1)} MiB/s`);

    const file = path.join(dir, `baseline-${i}.tar.gz`);
    const b = time(() => {
      const r = spawnSync('sh', ['-c', 'docker run --rm -v "$1:/data" "$2" tar czf - /data > "$3"', 'sh', volume, image, file], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`baseline failed (exit ${r.status}): ${r.stderr}`);
    });
    const bsize = statSync(file).size;
    rmSync(file, { force: true });
    results.baseline.push({ seconds: b, mibPerS: mib / b, archiveBytes: bsize });
    log(`baseline  run ${i + 1}: ${b.toFixed(2)} s, ${(mib / b).toFixed(1)} MiB/s`);
  }
} finally {
  spawnSync('docker', ['volume', 'rm', '-f', volume], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

const sMed = median(results.shipshape.map((r) => r.seconds));
const bMed = median(results.baseline.map((r) => r.seconds));
results.summary = { shipshapeMiBPerS: mib / sMed, baselineMiBPerS: mib / bMed, shipshapeSeconds: sMed, baselineSeconds: bMed };
if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else {
  process.stdout.write(`backup of a ${mib} MiB volume (random data), gzip level 6, median of ${runs} run(s), whole process:\n`);
  process.stdout.write(`  shipshape backup (archive API, sha256 of every file): ${sMed.toFixed(2)} s  ${(mib / sMed).toFixed(1)} MiB/s\n`);
  process.stdout.write(`  docker run ... tar czf - /data > file (baseline):    ${bMed.toFixed(2)} s  ${(mib / bMed).toFixed(1)} MiB/s\n`);
}
