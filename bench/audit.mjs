#!/usr/bin/env node
/**
 * shipshape audit against dclint (the npm Compose linter) on the same 200 compose files, whole
 * process each: median wall time (hyperfine, or a spawn loop) and peak RSS (/usr/bin/time).
 *
 *   node bench/audit.mjs [--json]     (needs `npm run build` and `node bench/gen-corpus.mjs` first)
 *
 * The set, bench/out/audit200/, is whole generated repo folders (c000, c001, …; see
 * gen-corpus.mjs) with their env files, trimmed to exactly 200 compose files, so references
 * between files stay intact for both tools.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hyperfineVersion, REPO, timeCommand } from './load.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const GEN = path.join(here, 'out', 'gen');
export const AUDIT_DIR = path.join(here, 'out', 'audit200');
const COUNT = 200;

export async function prepareAuditSet() {
  const list = readFileSync(path.join(GEN, 'files.txt'), 'utf8').split('\n').filter(Boolean);
  const chosen = list.slice(0, COUNT);
  rmSync(AUDIT_DIR, { recursive: true, force: true });
  mkdirSync(AUDIT_DIR, { recursive: true });
  const copies = [...new Set(chosen.map((f) => f.split('/')[0]))];
  for (const c of copies) cpSync(path.join(GEN, c), path.join(AUDIT_DIR, c), { recursive: true });
  // drop every compose file that is not among the chosen ones (as shipshape's discovery sees them)
  const { discoverProject } = await import('../dist/discover/index.js');
  const keep = new Set(chosen);
  const found = await discoverProject(AUDIT_DIR);
  for (const f of found.composeFiles) if (!keep.has(f.path)) rmSync(path.join(AUDIT_DIR, f.path));
  const left = (await discoverProject(AUDIT_DIR)).composeFiles.length;
  if (left !== chosen.length) throw new Error(`audit set has ${left} compose files, expected ${chosen.length}`);
  return chosen;
}

function peakRssMb(argv, runs = 3) {
  if (!existsSync('/usr/bin/time')) return undefined;
  const peaks = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28 });
    const kb = Number(r.stderr.trim().split('\n').pop());
    if (Number.isFinite(kb)) peaks.push(kb / 1024);
  }
  peaks.sort((a, b) => a - b);
  return Math.round(peaks[peaks.length >> 1] * 10) / 10;
}

export async function runAuditBench({ useHyperfine = Boolean(hyperfineVersion()) } = {}) {
  const chosen = await prepareAuditSet();
  const files = chosen.length;
  const node = process.execPath;
  const rel = path.relative(REPO, AUDIT_DIR);
  const ship = [node, 'dist/cli/main.js', 'audit', rel, '--format', 'json', '--fail-on', 'never'];
  // dclint's -r only finds files named like docker-compose*.yml: give it the same 200 files by name
  const dclint = [node, 'node_modules/dclint/bin/dclint.cjs', ...chosen.map((f) => path.join(rel, f)), '-f', 'json', '--color', 'false'];
  // both must see the same files
  const shipOut = JSON.parse(spawnSync(ship[0], ship.slice(1), { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
  const shipFiles = shipOut.inventory.reduce((n, u) => n + u.files.length, 0);
  // its JSON report has one entry per file it linted (dclint exits before a piped stdout is
  // flushed, so the report goes to a file)
  const report = path.join(here, 'out', 'dclint-report.json');
  spawnSync(dclint[0], [...dclint.slice(1), '-o', report], { cwd: REPO, encoding: 'utf8' });
  let dclintFiles;
  try {
    dclintFiles = JSON.parse(readFileSync(report, 'utf8')).length;
  } catch {
    dclintFiles = 'unknown';
  }
  const a = timeCommand({ name: `shipshape audit (${files} compose files, all ${shipOut.rules.length} rules)`, argv: ship, runs: 5, warmup: 1, useHyperfine, allowFailure: true });
  const b = timeCommand({ name: `dclint (${files} compose files, named)`, argv: dclint, runs: 3, warmup: 0, useHyperfine, allowFailure: true });
  return {
    files,
    shipshape: { ...a, peakRssMb: peakRssMb(ship), filesSeen: shipFiles, findings: shipOut.counts.total },
    dclint: { ...b, peakRssMb: peakRssMb(dclint, 1), filesSeen: dclintFiles },
    ratio: Math.round((b.medianMs / a.medianMs) * 10) / 10,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runAuditBench();
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else {
    console.log(`shipshape: ${r.shipshape.medianMs} ms median, ${r.shipshape.peakRssMb} MB peak, ${r.shipshape.filesSeen} files, ${r.shipshape.findings} findings`);
    console.log(`dclint:    ${r.dclint.medianMs} ms median, ${r.dclint.peakRssMb} MB peak, ${r.dclint.filesSeen} files`);
    console.log(`ratio: shipshape is ${r.ratio}x faster`);
  }
}
