/**
 * Loads every compose file of the shared corpus (../../../shared/corpus, beside the repo) the way
 * `docker compose -f <file> config --format json` would when run in the file's directory, and
 * records the outcome: the service names, or the first line of the error.
 *
 * Used by corpus.test.ts; also runnable on its own to print the outcomes (for reviewing
 * expected.json):  npx tsx test/corpus/corpus.ts [--json]
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { renderConfig } from '../../src/commands/config.js';
import { LoadError } from '../../src/load/errors.js';
import { loadProject } from '../../src/load/project.js';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

/** The only variables the loads see, so the host environment does not leak in. */
export const CORPUS_ENV: Readonly<Record<string, string>> = Object.freeze({
  HOME: '/home/user',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
});

export interface ManifestFile {
  path: string;
  kind: string;
  services?: string[];
  features?: string[];
}

export interface ManifestEntry {
  folder: string;
  repo: string;
  commit: string;
  files: ManifestFile[];
}

export interface Manifest {
  entries: ManifestEntry[];
}

export interface CorpusFile {
  /** `<folder>/<path in repo>`, the key used in expected.json */
  id: string;
  folder: string;
  path: string;
  manifestServices: string[];
}

export interface Outcome {
  id: string;
  ok: boolean;
  /** service names in the printed model (sorted), when ok */
  services?: string[];
  /** paths the loader made absolute (inside the copy) that are not clean, as `where: path` */
  uncleanPaths?: string[];
  /** first line of the LoadError message, with the temp copy's root replaced by `<corpus>` */
  error?: string;
  /** something other than a LoadError was thrown (a bug whatever the file says) */
  crash?: string;
  /** load + render time in milliseconds */
  ms: number;
}

export function readManifest(corpusDir = CORPUS_DIR): Manifest {
  return JSON.parse(readFileSync(path.join(corpusDir, 'MANIFEST.json'), 'utf8')) as Manifest;
}

export function composeFiles(manifest: Manifest): CorpusFile[] {
  return manifest.entries.flatMap((e) =>
    e.files
      .filter((f) => f.kind === 'compose')
      .map((f) => ({ id: `${e.folder}/${f.path}`, folder: e.folder, path: f.path, manifestServices: f.services ?? [] })),
  );
}

/** Copy a tree with fresh (writable) modes: the corpus is read-only and a plain copy could not be deleted. */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const ent of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, ent.name);
    const dst = path.join(to, ent.name);
    if (ent.isDirectory()) copyTree(src, dst);
    else if (ent.isFile()) writeFileSync(dst, readFileSync(src));
    else if (statSync(src, { throwIfNoEntry: false })?.isFile()) writeFileSync(dst, readFileSync(src));
  }
}

export interface CorpusCopy {
  root: string;
  /** every spelling of the root that may appear in messages */
  roots: string[];
  remove(): void;
}

/** Copy every repo folder of the manifest into a new temp directory (`<tmp>/<folder>/…`). */
export function copyCorpus(manifest: Manifest, corpusDir = CORPUS_DIR): CorpusCopy {
  const root = mkdtempSync(path.join(os.tmpdir(), 'shipshape-corpus-'));
  for (const e of manifest.entries) copyTree(path.join(corpusDir, e.folder), path.join(root, e.folder));
  const real = realpathSync(root);
  return {
    root,
    roots: [...new Set([root, real])].sort((a, b) => b.length - a.length),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

export function relativize(message: string, roots: string[]): string {
  let out = message;
  for (const r of roots) out = out.split(r).join('<corpus>');
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Printed {
  services?: Record<string, { [k: string]: Json }>;
  secrets?: Record<string, { [k: string]: Json }>;
  configs?: Record<string, { [k: string]: Json }>;
}

/**
 * compose-go makes relative paths absolute with Go's filepath.Join, which also cleans them: no
 * trailing slash, no `.` or `..` segment, no doubled slash (paths/resolve.go absPath,
 * paths/unix.go maybeUnixPath, paths/context.go). Absolute paths written in the file are kept as
 * written, so only paths inside the copy (which came from relative ones) are checked.
 */
export function uncleanPaths(printed: Printed, roots: string[]): string[] {
  const out: string[] = [];
  const check = (where: string, v: Json | undefined) => {
    if (typeof v !== 'string' || !roots.some((r) => v === r || v.startsWith(`${r}/`))) return;
    const clean = path.posix.normalize(v).replace(/(.)\/+$/, '$1');
    if (clean !== v) out.push(`${where}: ${relativize(v, roots)}`);
  };
  const isObj = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const [name, svc] of Object.entries(printed.services ?? {})) {
    if (isObj(svc.build)) {
      check(`services.${name}.build.context`, svc.build.context);
      if (isObj(svc.build.additional_contexts)) for (const [k, v] of Object.entries(svc.build.additional_contexts)) check(`services.${name}.build.additional_contexts.${k}`, v);
    }
    if (Array.isArray(svc.volumes)) {
      svc.volumes.forEach((v, i) => {
        if (isObj(v) && v.type === 'bind') check(`services.${name}.volumes[${i}].source`, v.source);
      });
    }
  }
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [name, r] of Object.entries(printed[kind] ?? {})) check(`${kind}.${name}.file`, r.file);
  }
  return out;
}

/** Load one file as `docker compose -f <file> config --format json` run in its directory. */
export function loadOne(copy: CorpusCopy, f: CorpusFile): Outcome {
  const file = path.join(copy.root, f.folder, f.path);
  const t0 = performance.now();
  try {
    const project = loadProject({
      workingDir: path.dirname(file),
      files: [file],
      env: { ...CORPUS_ENV },
      tolerant: false,
      // the repo copy plays the part of the git work tree
      root: path.join(copy.root, f.folder),
    });
    const json = renderConfig(project, { format: 'json' });
    const ms = performance.now() - t0;
    const printed = JSON.parse(json) as Printed;
    return { id: f.id, ok: true, services: Object.keys(printed.services ?? {}).sort(), uncleanPaths: uncleanPaths(printed, copy.roots), ms };
  } catch (e) {
    const ms = performance.now() - t0;
    if (e instanceof LoadError) return { id: f.id, ok: false, error: relativize(firstLine(e.message), copy.roots), ms };
    const text = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
    return { id: f.id, ok: false, crash: relativize(text, copy.roots), ms };
  }
}

export function loadCorpus(corpusDir = CORPUS_DIR): Outcome[] {
  const manifest = readManifest(corpusDir);
  const copy = copyCorpus(manifest, corpusDir);
  try {
    return composeFiles(manifest).map((f) => loadOne(copy, f));
  } finally {
    copy.remove();
  }
}

// Run directly: print the outcomes.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outcomes = loadCorpus();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
  } else {
    for (const o of outcomes) {
      const what = o.ok ? `ok [${o.services!.join(', ')}]` : o.crash ? `CRASH ${firstLine(o.crash)}` : `error: ${o.error}`;
      process.stdout.write(`${o.ms.toFixed(0).padStart(5)} ms  ${o.id}  ${what}\n`);
    }
    const ok = outcomes.filter((o) => o.ok).length;
    const crashes = outcomes.filter((o) => o.crash).length;
    process.stdout.write(`\n${outcomes.length} files: ${ok} load, ${outcomes.length - ok - crashes} fail with a LoadError, ${crashes} crash\n`);
  }
}
