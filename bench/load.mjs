#!/usr/bin/env node
/**
 * Whole-process timings (each run is a fresh `node` process, so start-up and module loading count):
 *   - `node bench/load-all.mjs bench/out/gen/files.txt`: load + render every generated file (7 runs)
 *   - `node dist/cli/main.js --version` (15 runs)
 *   - `node dist/cli/main.js config -q -f <one corpus file>` (15 runs)
 *   - `node -e 0`: Node's own start-up, for reference (15 runs)
 * With hyperfine installed it does the timing (`-N`, no shell); otherwise a loop around
 * spawnSync, timed with process.hrtime. The median is reported.
 *
 *   node bench/load.mjs [--json]      (needs `npm run build` and `node bench/gen-corpus.mjs` first)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..');
export const GEN_LIST = path.join(here, 'out', 'gen', 'files.txt');
/** the corpus file timed with `config -q` (its first generated copy) */
export const CONFIG_SAMPLE = 'LemmyNet+lemmy/docker/federation/docker-compose.yml';

export function hyperfineVersion() {
  try {
    return execFileSync('hyperfine', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x) => Math.round(x * 10) / 10;
const shellQuote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** Run once, checking it succeeds; returns its stdout. */
function check(argv, cwd) {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} (in ${cwd}) exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 5).join('\n')}`);
  return r.stdout.trim();
}

/**
 * Time a command: median of `runs` fresh processes after `warmup` untimed ones.
 * @param {{ name: string, argv: string[], cwd?: string, runs: number, warmup?: number, useHyperfine?: boolean }} o
 */
export function timeCommand({ name, argv, cwd = REPO, runs, warmup = 1, useHyperfine = Boolean(hyperfineVersion()), allowFailure = false }) {
  const output = allowFailure ? '' : check(argv, cwd);
  const command = argv.map(shellQuote).join(' ');
  let samples;
  let tool;
  if (useHyperfine) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-bench-'));
    try {
      const out = path.join(dir, 'h.json');
      const h = spawnSync('hyperfine', ['-N', '--style', 'none', ...(allowFailure ? ['-i'] : []), '--warmup', String(warmup), '--runs', String(runs), '--export-json', out, command], { cwd, encoding: 'utf8' });
      if (h.status !== 0) throw new Error(`hyperfine failed on ${command}: ${h.stderr || h.stdout}`);
      const r = JSON.parse(readFileSync(out, 'utf8')).results[0];
      samples = r.times.map((t) => t * 1000);
      tool = 'hyperfine';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    for (let i = 0; i < warmup; i++) spawnSync(argv[0], argv.slice(1), { cwd, stdio: 'ignore' });
    samples = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(argv[0], argv.slice(1), { cwd, stdio: 'ignore' });
      const t1 = process.hrtime.bigint();
      if (r.status !== 0 && !allowFailure) throw new Error(`${command} exited ${r.status} on run ${i + 1}`);
      samples.push(Number(t1 - t0) / 1e6);
    }
    tool = 'spawnSync + process.hrtime';
  }
  return {
    name,
    command: path.relative(REPO, cwd) ? `(cd ${path.relative(REPO, cwd)} && ${command})` : command,
    tool,
    runs: samples.length,
    medianMs: round(median(samples)),
    minMs: round(Math.min(...samples)),
    maxMs: round(Math.max(...samples)),
    output,
  };
}

export function runBenchmarks({ useHyperfine = Boolean(hyperfineVersion()) } = {}) {
  const node = process.execPath;
  const main = path.join(REPO, 'dist', 'cli', 'main.js');
  if (!existsSync(main) || !existsSync(path.join(REPO, 'dist', 'commands', 'config.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  if (!existsSync(GEN_LIST)) throw new Error('bench/out/gen/files.txt is missing: run `node bench/gen-corpus.mjs` first');
  const files = readFileSync(GEN_LIST, 'utf8').split('\n').filter(Boolean);
  const sample = files.find((f) => f.endsWith(`/${CONFIG_SAMPLE}`)) ?? files[0];
  const sampleAbs = path.join(path.dirname(GEN_LIST), sample);

  const results = [];
  results.push({ ...timeCommand({ name: 'node -e 0 (Node start-up, reference)', argv: [node, '-e', '0'], runs: 15, warmup: 2, useHyperfine }) });
  results.push({ ...timeCommand({ name: 'shipshape --version', argv: [node, 'dist/cli/main.js', '--version'], runs: 15, warmup: 2, useHyperfine }), targetMs: 150 });
  results.push({
    ...timeCommand({
      name: `shipshape config -q (one file: ${CONFIG_SAMPLE})`,
      argv: [node, main, 'config', '-q', '-f', path.basename(sampleAbs)],
      cwd: path.dirname(sampleAbs),
      runs: 15,
      warmup: 2,
      useHyperfine,
    }),
  });
  const loadOnly = timeCommand({ name: `load + normalize ${files.length} files in one process`, argv: [node, 'bench/load-all.mjs', path.relative(REPO, GEN_LIST), '--no-render'], runs: 7, warmup: 1, useHyperfine });
  results.push({ ...loadOnly, targetMs: 1500 });
  const all = timeCommand({ name: `load + normalize + render as config --format json, ${files.length} files in one process`, argv: [node, 'bench/load-all.mjs', path.relative(REPO, GEN_LIST)], runs: 7, warmup: 1, useHyperfine });
  results.push({ ...all, files: files.length });
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = runBenchmarks();
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else for (const r of results) console.log(`${String(r.medianMs).padStart(8)} ms median  (min ${r.minMs}, max ${r.maxMs}, ${r.runs} runs${r.targetMs ? `, target < ${r.targetMs} ms` : ''})  ${r.name}`);
}
