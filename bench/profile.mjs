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

/** @returns {{ totalMs: number, functions: { name: string, file: string, line: number, selfMs: number }[], files: { file: string, selfMs: number }[] }} */
export function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0) / 1000));
  const fn = new Map();
  const file = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const f = where(cf.url);
    const name = cf.functionName || '(anonymous)';
    const key = `${f}:${cf.lineNumber + 1}:${name}`;
    const cur = fn.get(key) ?? { name, file: f, line: cf.lineNumber + 1, selfMs: 0 };
    cur.selfMs += ms;
    fn.set(key, cur);
    const fileKey = cf.url ? f : `(${name})`;
    file.set(fileKey, (file.get(fileKey) ?? 0) + ms);
    total += ms;
  }
  const r = (x) => Math.round(x * 10) / 10;
  return {
    totalMs: r(total),
    functions: [...fn.values()].sort((a, b) => b.selfMs - a.selfMs).map((x) => ({ ...x, selfMs: r(x.selfMs) })),
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
  console.log('\nself ms  file');
  for (const f of s.files.slice(0, 15)) console.log(`${String(f.selfMs).padStart(7)}  ${f.file}`);
}
