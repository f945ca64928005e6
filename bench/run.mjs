#!/usr/bin/env node
/**
 * Runs the whole benchmark and writes bench/RESULTS.md:
 *   1. bench/gen-corpus.mjs: ≥ 1,000 compose files from the shared corpus into bench/out/gen/
 *   2. bench/load.mjs: whole-process timings (hyperfine when installed)
 *   3. bench/profile.mjs: where the time goes in the 1,000-file run (node --cpu-prof)
 *
 *   npm run bench            (builds first)    or    node bench/run.mjs [--count N] [--no-profile]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './gen-corpus.mjs';
import { hyperfineVersion, REPO, runBenchmarks } from './load.mjs';
import { profileLoadAll } from './profile.mjs';
import { runAuditBench } from './audit.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const countArg = process.argv.indexOf('--count');
const count = countArg >= 0 ? Number(process.argv[countArg + 1]) : 1000;

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function nproc() {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(os.availableParallelism?.() ?? os.cpus().length);
  }
}

function gitHead() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (src/ has uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(', ');
const gen = generate({ count });
console.log(`generated ${gen.generated} files (${gen.distinctSources} corpus files x ${gen.copies} copies), ${gen.files} listed`);
const hf = hyperfineVersion();
const results = runBenchmarks({ useHyperfine: Boolean(hf) });
for (const r of results) console.log(`${String(r.medianMs).padStart(8)} ms  ${r.name}`);
const prof = process.argv.includes('--no-profile') ? undefined : profileLoadAll();
const audit = process.argv.includes('--no-audit') ? undefined : await runAuditBench({ useHyperfine: Boolean(hf) });
if (audit) console.log(`audit: shipshape ${audit.shipshape.medianMs} ms, dclint ${audit.dclint.medianMs} ms, ratio ${audit.ratio}x`);

const verdict = (r) => (r.targetMs === undefined ? '' : r.medianMs < r.targetMs ? `< ${r.targetMs} ms: **met**` : `< ${r.targetMs} ms: **missed**`);
const all = results.find((r) => r.files);
const lines = [
  '# Benchmark results',
  '',
  `Written by \`bench/run.mjs\` (\`npm run bench\`) on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. Re-run to update.`,
  '',
  '## Machine',
  '',
  `- CPU: ${cpuModel()}, nproc ${nproc()}`,
  `- OS: ${os.type()} ${os.release()} (${os.arch()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
  `- Node ${process.version}`,
  `- shipshape at ${gitHead()}`,
  `- load average before the run: ${loadBefore} (other work on the machine makes timings noisy)`,
  `- timer: ${hf ? `${hf} (\`-N\`, no shell)` : 'spawnSync + process.hrtime (hyperfine not installed)'}`,
  '',
  '## Method',
  '',
  `- \`bench/gen-corpus.mjs\` copies every corpus file that loads (${gen.distinctSources} of them, per \`test/corpus/expected.json\`) ${gen.copies} times into \`bench/out/gen/cNNN/<repo>/…\` with env files kept; in copy N, service names and container names get the suffix \`-cNNN\` (references follow) and literal host ports are shifted by N, so all files are distinct. \`bench/out/gen/files.txt\` lists the first ${gen.files} of the ${gen.generated}.`,
  '- Every timing is a whole process (`node` start-up, module loading, work, exit), median of the runs after warm-up runs.',
  '- `bench/load-all.mjs` loads each file as `docker compose -f <file> config` would in its directory (fixed minimal env: HOME, PATH) and renders it with `renderConfig(…, { format: "json" })`, all in one process.',
  '',
  '## Results',
  '',
  '| what | median | min | max | runs | target |',
  '|---|---:|---:|---:|---:|---|',
  ...results.map((r) => `| ${r.name} | ${r.medianMs} ms | ${r.minMs} ms | ${r.maxMs} ms | ${r.runs} | ${verdict(r)} |`),
  '',
  'Commands:',
  '',
  ...results.map((r) => `- \`${r.command.split(process.execPath).join('node').split(REPO).join('$REPO')}\``),
  '',
  `One run of the ${all.files}-file set reported: \`${all.output}\` (import_ms: loading the modules; load_ms: loading + rendering all files).`,
  '',
];
if (audit) {
  const s = audit.shipshape;
  const d = audit.dclint;
  lines.push(
    '## Audit: shipshape against dclint',
    '',
    `\`bench/audit.mjs\`: ${audit.files} compose files (whole generated repo folders from \`bench/out/gen\`, trimmed to exactly ${audit.files} compose files, env files kept), the same directory for both tools, whole process each. Peak RSS from \`/usr/bin/time -f %M\`.`,
    '',
    '| tool | median | min | max | runs | peak RSS | files seen | target |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    `| ${s.name} | ${s.medianMs} ms | ${s.minMs} ms | ${s.maxMs} ms | ${s.runs} | ${s.peakRssMb} MB | ${s.filesSeen} | < 1000 ms and < 150 MB: **${s.medianMs < 1000 && s.peakRssMb < 150 ? 'met' : 'missed'}** |`,
    `| ${d.name} | ${d.medianMs} ms | ${d.minMs} ms | ${d.maxMs} ms | ${d.runs} | ${d.peakRssMb} MB | ${d.filesSeen} | |`,
    '',
    `Ratio (dclint median / shipshape median): **${audit.ratio}x** (target ≥ 20x: **${audit.ratio >= 20 ? 'met' : 'missed'}**). shipshape ran all its rules (${s.findings} findings); dclint its 15.`,
    '',
  );
}
if (prof) {
  lines.push(
    '## Profile of the 1,000-file run',
    '',
    `\`node --cpu-prof bench/load-all.mjs bench/out/gen/files.txt\` (${prof.totalMs} ms sampled). Hottest functions by self time:`,
    '',
    '| self ms | function | file:line |',
    '|---:|---|---|',
    ...prof.functions.slice(0, 20).map((f) => `| ${f.selfMs} | \`${f.name}\` | ${f.file}:${f.line} |`),
    '',
    'shipshape functions by total time (with callees; a sample counts once per function):',
    '',
    '| total ms | function | file:line |',
    '|---:|---|---|',
    ...prof.byTotal.slice(0, 25).map((f) => `| ${f.totalMs} | \`${f.name}\` | ${f.file}:${f.line} |`),
    '',
    'By file (self time):',
    '',
    '| self ms | file |',
    '|---:|---|',
    ...prof.files.slice(0, 12).map((f) => `| ${f.selfMs} | ${f.file} |`),
    '',
  );
}
// the engine benchmarks (bench/up.mjs, bench/backup.mjs) are run by hand: keep their section
const MARK = '<!-- runtime benchmarks: bench/up.mjs and bench/backup.mjs, run by hand -->';
let kept = '';
try {
  const old = readFileSync(path.join(here, 'RESULTS.md'), 'utf8');
  if (old.includes(MARK)) kept = old.slice(old.indexOf(MARK));
} catch {
  // first run
}
writeFileSync(path.join(here, 'RESULTS.md'), lines.join('\n') + (kept ? `\n${kept}` : ''));
console.log(`wrote ${path.relative(process.cwd(), path.join(here, 'RESULTS.md'))}`);
