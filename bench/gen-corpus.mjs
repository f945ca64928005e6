#!/usr/bin/env node
/**
 * Builds a large benchmark set from the shared corpus: COUNT (default 1,000) compose files under
 * bench/out/gen/, each a copy of a corpus file that loads (per test/corpus/expected.json).
 *
 * Copy k of a repo folder goes to bench/out/gen/cKKK/<folder>/ (so project names differ) with its
 * env files kept verbatim, and every compose file in it varied so that no two files are equal:
 * service names get the suffix `-cKKK` (and every reference to them: depends_on, links,
 * volumes_from, extends, network_mode/ipc/pid/uts/cgroup `service:`, additional_contexts
 * `service:`), container_name gets the same suffix, and literal host ports are shifted by k.
 * The edits are made in the source text at the positions the YAML parser reports, so comments,
 * anchors, quoting and scalar forms stay exactly as they were.
 *
 * Writes bench/out/gen/files.txt: exactly COUNT paths (copy c000 of every file, then c001, …; the
 * last copy may be partly listed), one a line, relative to bench/out/gen/.
 *
 *   node bench/gen-corpus.mjs [--count N] [--out DIR]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CORPUS_DIR = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
export const EXPECTED = path.join(here, '..', 'test', 'corpus', 'expected.json');
export const GEN_DIR = path.join(here, 'out', 'gen');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Source-text edits at parser-reported ranges; applied back to front. */
class Edits {
  constructor() {
    this.byStart = new Map();
  }
  replace(node, text) {
    if (!node || !node.range) return;
    const [start, end] = node.range;
    if (!this.byStart.has(start)) this.byStart.set(start, { start, end, text });
  }
  apply(source) {
    const list = [...this.byStart.values()].sort((a, b) => b.start - a.start);
    let out = source;
    for (const e of list) out = out.slice(0, e.start) + e.text + out.slice(e.end);
    return out;
  }
}

const quote = (s) => JSON.stringify(s);

function varyCopy(source, suffix, shift) {
  const docs = parseAllDocuments(source, { uniqueKeys: false, prettyErrors: false });
  const edits = new Edits();
  for (const doc of docs) {
    const deref = (n) => (isAlias(n) ? n.resolve(doc) : n);
    const get = (map, key) => {
      map = deref(map);
      if (!isMap(map)) return undefined;
      const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
      return pair ? deref(pair.value) : undefined;
    };
    const services = get(doc.contents, 'services');
    if (!isMap(services)) continue;
    const names = new Set(services.items.filter((p) => isScalar(p.key)).map((p) => String(p.key.value)));
    const rename = (n) => `${n}${suffix}`;
    const renameScalar = (node, fn) => {
      node = deref(node);
      if (!isScalar(node) || typeof node.value !== 'string' || node.value.includes('$')) return;
      const v = fn(node.value);
      if (v !== undefined && v !== node.value) edits.replace(node, quote(v));
    };
    const serviceRef = (v) => (names.has(v) ? rename(v) : undefined);
    const prefixedRef = (v) => {
      if (!v.startsWith('service:')) return undefined;
      const n = v.slice('service:'.length);
      return names.has(n) ? `service:${rename(n)}` : undefined;
    };
    const colonRef = (v) => {
      const [n, ...rest] = v.split(':');
      return names.has(n) ? [rename(n), ...rest].join(':') : undefined;
    };
    const shiftPort = (p) => {
      const n = Number(p) + shift;
      return /^\d+$/.test(p) && n > 0 && n <= 65535 ? String(n) : undefined;
    };
    const shortPort = (v) => {
      // [ip:]host:container[/proto] with a literal single host port
      const m = /^(?:(.+):)?(\d+):(\d+(?:-\d+)?(?:\/\w+)?)$/.exec(v);
      if (!m) return undefined;
      const host = shiftPort(m[2]);
      return host ? `${m[1] ? `${m[1]}:` : ''}${host}:${m[3]}` : undefined;
    };

    for (const pair of services.items) {
      if (!isScalar(pair.key) || !names.has(String(pair.key.value))) continue;
      edits.replace(pair.key, quote(rename(String(pair.key.value))));
      const svc = deref(pair.value);
      if (!isMap(svc)) continue;
      const dependsOn = get(svc, 'depends_on');
      if (isSeq(dependsOn)) dependsOn.items.forEach((i) => renameScalar(i, serviceRef));
      if (isMap(dependsOn)) dependsOn.items.forEach((p) => renameScalar(p.key, serviceRef));
      const links = get(svc, 'links');
      if (isSeq(links)) links.items.forEach((i) => renameScalar(i, colonRef));
      const volumesFrom = get(svc, 'volumes_from');
      if (isSeq(volumesFrom)) volumesFrom.items.forEach((i) => renameScalar(i, colonRef));
      for (const k of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) renameScalar(get(svc, k), prefixedRef);
      const ext = get(svc, 'extends');
      // extends.file points into the same repo copy, whose files all get the same suffix
      if (isScalar(ext)) renameScalar(ext, (v) => rename(v));
      if (isMap(ext)) renameScalar(get(ext, 'service'), (v) => rename(v));
      const build = get(svc, 'build');
      const contexts = isMap(build) ? get(build, 'additional_contexts') : undefined;
      if (isMap(contexts)) contexts.items.forEach((p) => renameScalar(p.value, prefixedRef));
      renameScalar(get(svc, 'container_name'), (v) => `${v}${suffix}`);
      const ports = get(svc, 'ports');
      if (isSeq(ports)) {
        for (const item of ports.items.map(deref)) {
          if (isScalar(item) && typeof item.value === 'string') renameScalar(item, shortPort);
          if (isMap(item)) {
            const published = get(item, 'published');
            if (isScalar(published) && (typeof published.value === 'number' || typeof published.value === 'string')) {
              const v = shiftPort(String(published.value));
              if (v) edits.replace(published, typeof published.value === 'number' ? v : quote(v));
            }
          }
        }
      }
    }
  }
  return edits.apply(source);
}

function listTree(dir, base = dir, out = []) {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) listTree(p, base, out);
    else out.push(path.relative(base, p));
  }
  return out;
}

export function generate({ count = 1000, outDir = GEN_DIR, corpusDir = CORPUS_DIR } = {}) {
  const manifest = JSON.parse(readFileSync(path.join(corpusDir, 'MANIFEST.json'), 'utf8'));
  const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')).files;
  const loads = (folder, p) => expected[`${folder}/${p}`]?.outcome === 'ok';
  const okFiles = manifest.entries.flatMap((e) => e.files.filter((f) => f.kind === 'compose' && loads(e.folder, f.path)).map((f) => ({ folder: e.folder, path: f.path })));
  if (!okFiles.length) throw new Error('no loadable corpus file in test/corpus/expected.json');
  const copies = Math.ceil(count / okFiles.length);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const list = [];
  const width = String(copies - 1).length < 3 ? 3 : String(copies - 1).length;
  for (let k = 0; k < copies; k++) {
    const tag = `c${String(k).padStart(width, '0')}`;
    for (const e of manifest.entries) {
      const composeKinds = new Set(e.files.filter((f) => f.kind === 'compose').map((f) => f.path));
      if (!e.files.some((f) => f.kind === 'compose' && loads(e.folder, f.path))) continue;
      const from = path.join(corpusDir, e.folder);
      const to = path.join(outDir, tag, e.folder);
      for (const rel of listTree(from)) {
        const src = readFileSync(path.join(from, rel), 'utf8');
        const relPosix = rel.split(path.sep).join('/');
        const text = composeKinds.has(relPosix) ? varyCopy(src, `-${tag}`, k) : src;
        mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
        writeFileSync(path.join(to, rel), text);
      }
    }
    for (const f of okFiles) if (list.length < count) list.push(`${tag}/${f.folder}/${f.path}`);
  }
  writeFileSync(path.join(outDir, 'files.txt'), `${list.join('\n')}\n`);
  return { files: list.length, generated: copies * okFiles.length, distinctSources: okFiles.length, copies, outDir, list: path.join(outDir, 'files.txt') };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = generate({ count: Number(arg('--count', '1000')), outDir: path.resolve(arg('--out', GEN_DIR)) });
  console.log(`generated ${r.generated} compose files (${r.distinctSources} corpus files x ${r.copies} copies) in ${path.relative(process.cwd(), r.outDir) || '.'}; ${r.files} listed in ${path.relative(process.cwd(), r.list)}`);
}
