#!/usr/bin/env node
/**
 * Bench-only entry: loads and renders (as `config --format json`) every compose file of a list in
 * one process, then prints counts. Each file is loaded as `docker compose -f <file> config` run in
 * its directory, with a fixed minimal environment.
 *
 *   node bench/load-all.mjs LIST_FILE|COMPOSE_FILE... [--json]
 *
 * LIST_FILE (a name ending in .txt) has one path a line, relative to the list's directory; that
 * directory is also the root the loader may read referenced files in. Exits 1 when a file fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const t0 = performance.now();
const { loadProject } = await import('../dist/load/project.js');
const { renderConfig } = await import('../dist/commands/config.js');
const tImport = performance.now() - t0;

const env = { HOME: '/home/user', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const asJson = process.argv.includes('--json');
// --no-render: load and normalize only (what the loader target is about), no config output
const render = !process.argv.includes('--no-render');
if (!args.length) {
  console.error('usage: node bench/load-all.mjs LIST_FILE|COMPOSE_FILE... [--json]');
  process.exit(2);
}

/** @type {{ file: string, root: string | undefined }[]} */
const jobs = [];
for (const a of args) {
  const p = path.resolve(a);
  if (p.endsWith('.txt')) {
    const dir = path.dirname(p);
    for (const line of readFileSync(p, 'utf8').split('\n')) if (line.trim()) jobs.push({ file: path.resolve(dir, line.trim()), root: dir });
  } else {
    jobs.push({ file: p, root: undefined });
  }
}

let ok = 0;
let services = 0;
let bytes = 0;
const failures = [];
const t1 = performance.now();
for (const { file, root } of jobs) {
  try {
    const project = loadProject({ workingDir: path.dirname(file), files: [file], env: { ...env }, tolerant: false, ...(root ? { root } : {}) });
    if (render) bytes += renderConfig(project, { format: 'json' }).length;
    services += Object.keys(project.services).length;
    ok++;
  } catch (e) {
    failures.push({ file, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  }
}
const tLoad = performance.now() - t1;

const summary = {
  files: jobs.length,
  ok,
  failed: failures.length,
  services,
  outputBytes: bytes,
  importMs: Math.round(tImport * 10) / 10,
  loadMs: Math.round(tLoad * 10) / 10,
  perFileMs: jobs.length ? Math.round((tLoad / jobs.length) * 1000) / 1000 : 0,
};
if (asJson) {
  console.log(JSON.stringify({ ...summary, failures }, null, 2));
} else {
  console.log(
    `files=${summary.files} ok=${summary.ok} failed=${summary.failed} services=${summary.services} output_bytes=${summary.outputBytes} import_ms=${summary.importMs} load_ms=${summary.loadMs} per_file_ms=${summary.perFileMs}`,
  );
  for (const f of failures.slice(0, 20)) console.error(`FAIL ${f.file}: ${f.error}`);
  if (failures.length > 20) console.error(`… and ${failures.length - 20} more`);
}
process.exitCode = failures.length ? 1 : 0;
