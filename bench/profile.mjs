#!/usr/bin/env node
/**
 * CPU profile of `bench/load-all.mjs` over the generated set (node --cpu-prof), summarized as
 * the hottest functions by self time and the hottest files.
 *
 *   node bench/profile.mjs [--top N] [--keep]     (--keep leaves the .cpuprofile in bench/out/prof/)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '..');
const PROF_DIR = path.join(here, 'out', 'prof');
const GEN_LIST = path.join(here, 'out', 'gen', 'files.txt');

function where(url) {
  if (!url) return '(native)';
  const p = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = path.relative(REPO, p);
  if (rel.startsWith('node_modules')) {
    const parts = rel.split(path.sep);
    return `${parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/')}/…/${parts[parts.length - 1]}`;
  }
  return rel.startsWith('..') ? p : rel;
}

function frameName(cf) {
  const name = cf.functionName || '(anonymous)';
  // ajv compiles the schema to functions without a URL (validate0, validate12, …)
  if (!cf.url && /^validate\d+$/.test(name)) return { name: 'validateN (ajv-compiled schema code)', file: '(ajv generated)', line: 0 };
  return { name, file: where(cf.url), line: cf.url ? cf.lineNumber + 1 : 0 };
}

/**
 * Self time (samples whose leaf is the function) and total time (samples with the function
 * anywhere on the stack, counted once per sample) per function, and self time per file.
 * @returns {{ totalMs: number, functions: { name: string, file: string, line: number, selfMs: number, totalMs: number }[], files: { file: string, selfMs: number }[] }}
 */
export function summarize(profile) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = new Map();
  const fn = new Map();
  for (const n of profile.nodes) {
    const f = frameName(n.callFrame);
    const key = `${f.file}:${f.line}:${f.name}`;
    keyOf.set(n.id, key);
    if (!fn.has(key)) fn.set(key, { ...f, selfMs: 0, totalMs: 0 });
  }
  const file = new Map();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (deltas[i] ?? 0) / 1000;
    if (ms <= 0) return;
    total += ms;
    const leaf = fn.get(keyOf.get(id));
    leaf.selfMs += ms;
    const fileKey = leaf.line ? leaf.file : `(${leaf.name})`;
    file.set(fileKey, (file.get(fileKey) ?? 0) + ms);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = keyOf.get(cur);
      if (seen.has(k)) continue;
      seen.add(k);
      fn.get(k).totalMs += ms;
    }
  });
  const r = (x) => Math.round(x * 10) / 10;
  const list = [...fn.values()].filter((x) => x.totalMs > 0).map((x) => ({ ...x, selfMs: r(x.selfMs), totalMs: r(x.totalMs) }));
  return {
    totalMs: r(total),
    functions: [...list].sort((a, b) => b.selfMs - a.selfMs),
    byTotal: [...list].filter((x) => x.file.startsWith('dist/')).sort((a, b) => b.totalMs - a.totalMs),
    files: [...file.entries()].map(([f, ms]) => ({ file: f, selfMs: r(ms) })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

export function profileLoadAll({ keep = false } = {}) {
  rmSync(PROF_DIR, { recursive: true, force: true });
  mkdirSync(PROF_DIR, { recursive: true });
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', PROF_DIR, '--cpu-prof-interval', '200', 'bench/load-all.mjs', path.relative(REPO, GEN_LIST)], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`profiling run failed: ${r.stderr || r.stdout}`);
  const name = readdirSync(PROF_DIR).find((f) => f.endsWith('.cpuprofile'));
  if (!name) throw new Error('no .cpuprofile written');
  const summary = summarize(JSON.parse(readFileSync(path.join(PROF_DIR, name), 'utf8')));
  if (!keep) rmSync(PROF_DIR, { recursive: true, force: true });
  return { ...summary, run: r.stdout.trim(), profile: keep ? path.relative(REPO, path.join(PROF_DIR, name)) : undefined };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--top');
  const top = i >= 0 ? Number(process.argv[i + 1]) : 25;
  const s = profileLoadAll({ keep: process.argv.includes('--keep') });
  console.log(`${s.run}\nsampled ${s.totalMs} ms${s.profile ? ` (profile: ${s.profile})` : ''}\n\nself ms  function (file:line)`);
  for (const f of s.functions.slice(0, top)) console.log(`${String(f.selfMs).padStart(7)}  ${f.name} (${f.file}:${f.line})`);
  console.log('\ntotal ms  shipshape function (file:line), time with callees');
  for (const f of s.byTotal.slice(0, top)) console.log(`${String(f.totalMs).padStart(8)}  ${f.name} (${f.file}:${f.line})`);
  console.log('\nself ms  file');
  for (const f of s.files.slice(0, 15)) console.log(`${String(f.selfMs).padStart(7)}  ${f.file}`);
}
