/**
 * A `.dockerignore` fitted to what a build context really holds, proven safe against the
 * Dockerfiles that build from it: every proposed pattern matches something present (or is one of
 * a tiny fixed core), and Docker's own matcher (@balena/dockerignore, via makeIgnore) confirms
 * that no COPY/ADD source, nothing under a copied directory and no Dockerfile becomes excluded.
 * An existing `.dockerignore` is kept byte for byte; new patterns are appended in a marked block.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeIgnore, parseIgnorePatterns, type IgnoreInfo } from '../audit/dockerignore.js';
import { envTemplateSuffix, isEnvName } from '../discover/classify.js';

export interface CopySources {
  /** the Dockerfile (absolute, or relative to the context); protected itself when inside the context */
  dockerfile: string;
  /** COPY/ADD (non `--from`) and RUN `--mount=type=bind` sources as written */
  sources: string[];
}

export interface ContextSize {
  bytes: number;
  files: number;
}

export interface ProposedPattern {
  pattern: string;
  /** `!path` lines written right after the pattern: what a COPY needs, or env templates */
  negations: { pattern: string; why: string }[];
  why: string;
  category: Category;
  /** what the pattern removes from the context (on top of the existing file and earlier patterns) */
  bytes: number;
  files: number;
}

export interface UnsafePattern {
  pattern: string;
  /** the COPY/ADD source the pattern would have excluded */
  source: string;
  dockerfile: string;
  /** dropped: the pattern is not proposed; negated: proposed with `!path` lines for `paths` */
  action: 'dropped' | 'negated';
  paths: string[];
}

export interface ProofSource {
  dockerfile: string;
  source: string;
  /** whole: the source is the whole context (`.`), which a .dockerignore exists to trim */
  kind: 'path' | 'glob' | 'whole' | 'skipped';
  /** context paths it takes in (entries, recursively) */
  paths: number;
}

export interface DockerignoreProposal {
  contextDir: string;
  /** absolute path of the `.dockerignore` proposed */
  file: string;
  /** its current text, if it exists */
  existing?: string;
  patterns: ProposedPattern[];
  /** the whole file after the change (=== existing when nothing is added) */
  text: string;
  /** the appended (or new) text, '' when nothing is added */
  addition: string;
  /** the context as the builder sees it now (after the existing .dockerignore) and after the change */
  before: ContextSize;
  after: ContextSize;
  unsafe: UnsafePattern[];
  proof: {
    sources: ProofSource[];
    /** protected context paths checked against the final patterns */
    checked: number;
    /** of those, excluded by the final patterns but not already by the existing file: always 0 */
    excluded: number;
    /** protected paths the existing .dockerignore already excludes (the user's choice, reported) */
    alreadyExcluded: { path: string; source: string; dockerfile: string }[];
  };
  /** the walk stopped at maxEntries: sizes are lower bounds */
  capped: boolean;
}

export type Category = 'vcs' | 'secrets' | 'dependencies' | 'caches' | 'build' | 'data' | 'logs' | 'editor' | 'compose';

const CATEGORY_ORDER: Category[] = ['vcs', 'secrets', 'dependencies', 'caches', 'build', 'data', 'logs', 'editor', 'compose'];

const CATEGORY_LABEL: Record<Category, string> = {
  vcs: 'version control history',
  secrets: 'environment files and private keys: secrets never belong in an image',
  dependencies: 'dependencies installed on the host (built for its OS): the image installs its own',
  caches: 'caches and test/coverage output',
  build: 'build output produced on the host',
  data: 'local data',
  logs: 'logs',
  editor: 'editor and OS files',
  compose: 'compose files: the image does not need them',
};

const CATEGORY_WHY: Record<Category, string> = {
  vcs: 'version control history',
  secrets: 'secrets (real env files, keys)',
  dependencies: 'host-installed dependencies (the image installs its own)',
  caches: 'caches, test and coverage output',
  build: 'build output from the host',
  data: 'local data',
  logs: 'logs',
  editor: 'editor and OS files',
  compose: 'compose files (not needed in the image)',
};

const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// The walk

interface Entry {
  rel: string;
  name: string;
  dir: boolean;
  /** file size (lstat): 0 for directories and links */
  size: number;
  parent: number;
  children: number[];
  /** totals of the subtree (the entry itself included) */
  subBytes: number;
  subFiles: number;
}

interface Tree {
  entries: Entry[];
  capped: boolean;
  byRel: Map<string, number>;
}

function walk(root: string, maxEntries: number): Tree {
  const entries: Entry[] = [{ rel: '', name: '', dir: true, size: 0, parent: -1, children: [], subBytes: 0, subFiles: 0 }];
  const byRel = new Map<string, number>([['', 0]]);
  let capped = false;
  const stack = [0];
  outer: while (stack.length) {
    const idx = stack.pop()!;
    const e = entries[idx]!;
    let names: string[];
    try {
      names = readdirSync(e.rel ? path.join(root, e.rel) : root).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (entries.length > maxEntries) {
        capped = true;
        break outer;
      }
      const rel = e.rel ? `${e.rel}/${name}` : name;
      let st;
      try {
        st = lstatSync(path.join(root, rel));
      } catch {
        continue;
      }
      const dir = st.isDirectory();
      const child: Entry = { rel, name, dir, size: st.isFile() ? st.size : 0, parent: idx, children: [], subBytes: 0, subFiles: 0 };
      const ci = entries.push(child) - 1;
      byRel.set(rel, ci);
      e.children.push(ci);
      if (dir) stack.push(ci);
    }
  }
  // subtree totals, children before parents (every child has a larger index than its parent)
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (!e.dir) {
      e.subBytes += e.size;
      e.subFiles += 1;
    }
    if (e.parent >= 0) {
      entries[e.parent]!.subBytes += e.subBytes;
      entries[e.parent]!.subFiles += e.subFiles;
    }
  }
  return { entries, capped, byRel };
}

/** What the builder receives with these ignore rules (Docker's semantics: an excluded folder without exceptions is skipped whole). */
function measure(tree: Tree, ig: IgnoreInfo): ContextSize {
  const hasNeg = ig.patterns.some((p) => p.startsWith('!'));
  let bytes = 0;
  let files = 0;
  const stack = [...tree.entries[0]!.children];
  while (stack.length) {
    const e = tree.entries[stack.pop()!]!;
    const ignored = ig.ignores(e.rel);
    if (e.dir) {
      if (ignored && !hasNeg) continue;
      if (!ignored && !hasNeg && !ig.patterns.length) {
        bytes += e.subBytes;
        files += e.subFiles;
        continue;
      }
      stack.push(...e.children);
      continue;
    }
    if (ignored) continue;
    bytes += e.size;
    files += 1;
  }
  return { bytes, files };
}

/** Entries (indexes) under `from` (itself included) that `test` accepts; a rejected folder is still entered. */
function collect(tree: Tree, from: number, test: (e: Entry) => boolean): number[] {
  const out: number[] = [];
  const stack = [from];
  while (stack.length) {
    const i = stack.pop()!;
    const e = tree.entries[i]!;
    if (i !== 0 && test(e)) out.push(i);
    stack.push(...e.children);
  }
  return out.sort((a, b) => a - b);
}

/** Is there an entry `test` accepts? Folders the existing rules exclude whole are not entered. */
function anyEntry(tree: Tree, existing: IgnoreInfo, test: (e: Entry, i: number) => boolean): boolean {
  const prune = !existing.patterns.some((p) => p.startsWith('!'));
  const stack = [...tree.entries[0]!.children];
  while (stack.length) {
    const i = stack.pop()!;
    const e = tree.entries[i]!;
    if (test(e, i)) return true;
    if (e.dir && !(prune && existing.ignores(e.rel))) stack.push(...e.children);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// COPY sources

function segmentRe(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${seg.slice(i + 1, end)}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < seg.length) re += `\\${seg[++i]}`;
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const GLOB = /[*?[]/;

/** A source as a context path: posix, no leading `/` or `./`, `..` clamped at the root, `$VAR` segments as `*`. */
export function normalizeSource(src: string): { kind: 'path' | 'glob' | 'whole' | 'skipped'; segments: string[] } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(src) || src.startsWith('git@') || src.startsWith('<<')) return { kind: 'skipped', segments: [] };
  const out: string[] = [];
  for (const raw of src.replace(/\\/g, '/').split('/')) {
    if (raw === '' || raw === '.') continue;
    if (raw === '..') {
      out.pop();
      continue;
    }
    out.push(raw.includes('$') ? '*' : raw);
  }
  if (!out.length || (out.length === 1 && /^\*+$/.test(out[0]!))) return { kind: 'whole', segments: [] };
  return { kind: out.some((s) => GLOB.test(s)) ? 'glob' : 'path', segments: out };
}

/** Entries a source names (not their contents): a literal path, or every match of a glob. */
function sourceRoots(tree: Tree, segments: string[]): number[] {
  let level = [0];
  for (const seg of segments) {
    const next: number[] = [];
    if (GLOB.test(seg)) {
      const re = segmentRe(seg);
      for (const i of level) for (const c of tree.entries[i]!.children) if (re.test(tree.entries[c]!.name)) next.push(c);
    } else {
      for (const i of level) {
        const e = tree.entries[i]!;
        const c = tree.byRel.get(e.rel ? `${e.rel}/${seg}` : seg);
        if (c !== undefined) next.push(c);
      }
    }
    level = next;
    if (!level.length) break;
  }
  return level;
}

// ---------------------------------------------------------------------------------------------
// Candidates

interface Candidate {
  pattern: string;
  negations: { pattern: string; why: string }[];
  category: Category;
  /** what it matched, for `why` */
  examples: string[];
  /** core patterns are proposed even when nothing matches yet */
  core?: boolean;
}

const VCS_DIRS = new Set(['.git', '.hg', '.svn']);
const DEP_DIRS = new Set(['node_modules', 'bower_components', '.venv', 'venv', 'jspm_packages']);
const CACHE_DIRS = new Set(['__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.cache', '.gradle', '.tox', '.nox', 'htmlcov', '.nyc_output', 'coverage', '.ipynb_checkpoints', '.parcel-cache', '.sass-cache', '.eggs', '.terraform', '.hypothesis']);
const BUILD_DIRS = new Set(['dist', 'build', 'target', 'out', '.next']);
const EDITOR_DIRS = new Set(['.idea', '.vscode']);
const SECRET_DIRS = new Set(['.ssh', '.aws']);
const OS_FILES = new Set(['.DS_Store', 'Thumbs.db']);
const KEY_FILES = new Set(['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519']);
const KEY_EXT = /\.(pem|key|p12|pfx)$/i;
const EDITOR_EXT = /\.(swp|swo)$/i;
const DATA_EXT = /\.(csv|tsv|parquet|feather|arrow|avro|orc|sqlite3?|db|h5|hdf5|pkl|pickle|npy|npz|jsonl|ndjson)$/i;
const COMPOSE_FILE = /^(docker-compose|compose)([.-][^/]*)?\.ya?ml$/i;

function isVenv(tree: Tree, e: Entry): boolean {
  return e.children.some((c) => tree.entries[c]!.name === 'pyvenv.cfg' && !tree.entries[c]!.dir);
}

function isGoVendor(tree: Tree, e: Entry): boolean {
  if (tree.byRel.has(`${e.rel}/modules.txt`)) return true;
  const parent = tree.entries[e.parent]!;
  return tree.byRel.has(parent.rel ? `${parent.rel}/go.mod` : 'go.mod');
}

/** `name` when every match is in the context root, else `**\/name`. */
function anywhere(name: string, rels: string[]): string {
  return rels.every((r) => !r.includes('/')) ? name : `**/${name}`;
}

function findCandidates(tree: Tree): Candidate[] {
  const byName = new Map<string, { category: Category; rels: string[] }>();
  const add = (key: string, category: Category, rel: string) => {
    const c = byName.get(key) ?? { category, rels: [] };
    byName.set(key, c);
    c.rels.push(rel);
  };
  const exact: Candidate[] = [];
  const dataFiles: Entry[] = [];
  const envTemplates: string[] = [];
  const stack = [...tree.entries[0]!.children];
  while (stack.length) {
    const idx = stack.pop()!;
    const e = tree.entries[idx]!;
    const atRoot = e.parent === 0;
    const n = e.name;
    if (VCS_DIRS.has(n)) {
      add(n, 'vcs', e.rel);
      continue;
    }
    if (e.dir) {
      if (DEP_DIRS.has(n)) add(n, 'dependencies', e.rel);
      else if (isVenv(tree, e)) exact.push({ pattern: e.rel, negations: [], category: 'dependencies', examples: [`${e.rel} (a virtualenv)`] });
      else if (n === 'vendor' && !isGoVendor(tree, e) && (tree.byRel.has(`${e.rel}/autoload.php`) || tree.byRel.has(`${e.rel}/bundle`))) {
        exact.push({ pattern: tree.byRel.has(`${e.rel}/bundle`) ? `${e.rel}/bundle` : e.rel, negations: [], category: 'dependencies', examples: [e.rel] });
      } else if (CACHE_DIRS.has(n) || /\.egg-info$/.test(n)) add(/\.egg-info$/.test(n) ? '*.egg-info' : n, 'caches', e.rel);
      else if (atRoot && BUILD_DIRS.has(n)) add(n, 'build', e.rel);
      else if (atRoot && n === 'data' && e.subBytes >= MIB) add(n, 'data', e.rel);
      else if (EDITOR_DIRS.has(n)) add(n, 'editor', e.rel);
      else if (SECRET_DIRS.has(n)) add(n, 'secrets', e.rel);
      else {
        stack.push(...e.children);
        continue;
      }
      continue;
    }
    if (OS_FILES.has(n)) add(n, 'editor', e.rel);
    else if (EDITOR_EXT.test(n)) add(`*${n.slice(n.lastIndexOf('.'))}`, 'editor', e.rel);
    else if (/\.log$/i.test(n)) add('*.log', 'logs', e.rel);
    else if (n === '.coverage') add(n, 'caches', e.rel);
    else if (/\.py[co]$/.test(n)) add('*.pyc', 'caches', e.rel);
    else if (KEY_FILES.has(n)) add(n, 'secrets', e.rel);
    else if (KEY_EXT.test(n)) add(`*${n.slice(n.lastIndexOf('.')).toLowerCase()}`, 'secrets', e.rel);
    else if (n === '.env') add(n, 'secrets', e.rel);
    else if (n.startsWith('.env.') && isEnvName(n)) {
      if (envTemplateSuffix(n)) envTemplates.push(e.rel);
      else add('.env.*', 'secrets', e.rel);
    } else if (atRoot && COMPOSE_FILE.test(n)) add(n, 'compose', e.rel);
    else if (DATA_EXT.test(n)) dataFiles.push(e);
  }
  const out: Candidate[] = [...exact];
  // compose files: one glob per family present (docker-compose*.yml, compose*.yaml, ...)
  const composeFamilies = new Map<string, string[]>();
  for (const [key, c] of [...byName]) {
    if (c.category !== 'compose') continue;
    byName.delete(key);
    const m = COMPOSE_FILE.exec(key)!;
    const fam = `${m[1]!.toLowerCase()}*${key.slice(key.lastIndexOf('.')).toLowerCase()}`;
    composeFamilies.set(fam, [...(composeFamilies.get(fam) ?? []), ...c.rels]);
  }
  const rootNames = tree.entries[0]!.children.map((i) => tree.entries[i]!.name);
  for (const [fam, rels] of composeFamilies) {
    // a glob only when it catches nothing but compose files (composer.yaml is not one)
    const re = segmentRe(fam);
    if (rootNames.every((nm) => !re.test(nm) || COMPOSE_FILE.test(nm))) out.push({ pattern: fam, negations: [], category: 'compose', examples: rels });
    else for (const rel of rels) out.push({ pattern: rel, negations: [], category: 'compose', examples: [rel] });
  }
  for (const [key, c] of byName) {
    const pattern = anywhere(key, c.rels);
    const cand: Candidate = { pattern, negations: [], category: c.category, examples: c.rels };
    if (key === '.env.*') {
      const prefix = pattern.startsWith('**/') ? '**/' : '';
      // templates (.env.example) are documentation, not secrets: keep them
      const names = [...new Set(envTemplates.map((t) => t.slice(t.lastIndexOf('/') + 1)))].sort();
      cand.negations = names.map((nm) => ({ pattern: `!${prefix}${nm}`, why: 'a template documents variables: it holds no secret' }));
    }
    out.push(cand);
  }
  // large data files: a glob per extension when every file of it is large, else the files themselves
  const byExt = new Map<string, Entry[]>();
  for (const f of dataFiles) {
    const ext = f.name.slice(f.name.lastIndexOf('.')).toLowerCase();
    byExt.set(ext, [...(byExt.get(ext) ?? []), f]);
  }
  for (const [ext, list] of byExt) {
    const large = list.filter((f) => f.size >= MIB);
    if (!large.length) continue;
    if (large.length === list.length) out.push({ pattern: anywhere(`*${ext}`, list.map((f) => f.rel)), negations: [], category: 'data', examples: list.map((f) => f.rel) });
    else for (const f of large.slice(0, 10)) out.push({ pattern: f.rel, negations: [], category: 'data', examples: [f.rel] });
  }
  // the fixed core: exclude these even before they exist (a clone, `cp .env.example .env`)
  if (!out.some((c) => c.pattern === '.git' || c.pattern === '**/.git')) out.push({ pattern: '.git', negations: [], category: 'vcs', examples: [], core: true });
  if (!out.some((c) => c.pattern === '.env' || c.pattern === '**/.env')) out.push({ pattern: '.env', negations: [], category: 'secrets', examples: [], core: true });
  // by category, then by name with wildcards last (.env, .env.*, *.pem)
  const key = (c: Candidate) => c.pattern.replace(/^\*\*\//, '').replace(/\*/g, '~');
  out.sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sizes

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `812 MB → 4.2 MB (1,234 → 87 files)` */
export function sizeChange(before: ContextSize, after: ContextSize, capped = false): string {
  const at = capped ? '≥ ' : '';
  return `${at}${humanSize(before.bytes)} → ${at}${humanSize(after.bytes)} (${at}${count(before.files)} → ${at}${count(after.files)} files)`;
}

// ---------------------------------------------------------------------------------------------
// The proposal

const SPECIAL = /[*?[\]\\!#]/;

interface Protected {
  idx: number;
  source: string;
  dockerfile: string;
  /** the entry the source names (the copied folder or file) */
  root: string;
}

export const DOCKERIGNORE_MARK = 'shipshape init-dockerignore';

export function proposeDockerignore(contextDir: string, copySources: CopySources[], opts: { maxEntries?: number } = {}): DockerignoreProposal {
  const root = path.resolve(contextDir);
  const file = path.join(root, '.dockerignore');
  let existing: string | undefined;
  try {
    if (statSync(file).isFile()) existing = readFileSync(file, 'utf8');
  } catch {
    existing = undefined;
  }
  const existingPatterns = existing === undefined ? [] : parseIgnorePatterns(existing);
  const existingIg = makeIgnore(existingPatterns);
  const tree = walk(root, opts.maxEntries ?? 200_000);

  // what the Dockerfiles take from the context
  const prot = new Map<number, Protected>();
  const literal: { rel: string; source: string; dockerfile: string }[] = [];
  const sources: ProofSource[] = [];
  for (const cs of copySources) {
    const dfAbs = path.resolve(root, cs.dockerfile);
    const dfRel = path.relative(root, dfAbs).split(path.sep).join('/');
    const dfShown = dfRel && !dfRel.startsWith('..') && !path.isAbsolute(dfRel) ? dfRel : cs.dockerfile;
    if (dfRel && !dfRel.startsWith('..') && !path.isAbsolute(dfRel)) {
      // the classic builder reads the Dockerfile from the context
      const i = tree.byRel.get(dfRel);
      if (i !== undefined && !prot.has(i)) prot.set(i, { idx: i, source: dfRel, dockerfile: dfShown, root: dfRel });
      else if (i === undefined) literal.push({ rel: dfRel, source: dfRel, dockerfile: dfShown });
    }
    for (const src of cs.sources) {
      const n = normalizeSource(src);
      if (n.kind === 'skipped' || n.kind === 'whole') {
        sources.push({ dockerfile: dfShown, source: src, kind: n.kind, paths: n.kind === 'whole' ? tree.entries.length - 1 : 0 });
        continue;
      }
      const roots = sourceRoots(tree, n.segments);
      let paths = 0;
      for (const r of roots) {
        for (const i of [r, ...collect(tree, r, () => true)]) {
          paths++;
          if (!prot.has(i)) prot.set(i, { idx: i, source: src, dockerfile: dfShown, root: tree.entries[r]!.rel });
        }
      }
      if (!roots.length && n.kind === 'path') literal.push({ rel: n.segments.join('/'), source: src, dockerfile: dfShown });
      sources.push({ dockerfile: dfShown, source: src, kind: n.kind, paths });
    }
  }
  const protList = [...prot.values()].sort((a, b) => a.idx - b.idx);
  const alreadyExcluded = protList
    .filter((p) => existingIg.ignores(tree.entries[p.idx]!.rel))
    .map((p) => ({ path: tree.entries[p.idx]!.rel, source: p.source, dockerfile: p.dockerfile }));
  const mustKeep = protList.filter((p) => !existingIg.ignores(tree.entries[p.idx]!.rel));
  const mustKeepLiteral = literal.filter((l) => !existingIg.ignores(l.rel));

  /** protected paths these rules exclude although the existing file does not */
  const violations = (ig: IgnoreInfo) => [
    ...mustKeep.filter((p) => ig.ignores(tree.entries[p.idx]!.rel)).map((p) => ({ rel: tree.entries[p.idx]!.rel, idx: p.idx, source: p.source, dockerfile: p.dockerfile, root: p.root })),
    ...mustKeepLiteral.filter((l) => ig.ignores(l.rel)).map((l) => ({ rel: l.rel, idx: -1, source: l.source, dockerfile: l.dockerfile, root: l.rel })),
  ];

  const accepted: Candidate[] = [];
  const unsafe: UnsafePattern[] = [];
  const lines = (list: Candidate[]) => list.flatMap((c) => [c.pattern, ...c.negations.map((n) => n.pattern)]);
  /** does `ig` bring back something the existing file excludes? (an exception may; the user's exclusions stand) */
  const reincludes = (ig: IgnoreInfo) => collect(tree, 0, (e) => existingIg.ignores(e.rel) && !ig.ignores(e.rel)).length > 0;
  for (const found of findCandidates(tree)) {
    // already written (as is) in the existing file: the user's line, and the user's exceptions, stand
    if (existingPatterns.includes(found.pattern)) continue;
    // an env template the user excludes stays excluded
    const cand: Candidate = { ...found, negations: found.negations.filter((n) => !existingIg.ignores(n.pattern.slice(1).replace(/^\*\*\//, ''))) };
    const single = makeIgnore(lines([cand]));
    // does it newly exclude something, and something no COPY needs?
    const newly = (e: Entry) => single.ignores(e.rel) && !existingIg.ignores(e.rel);
    const others = anyEntry(tree, existingIg, (e, i) => !prot.has(i) && newly(e));
    if (!others && !anyEntry(tree, existingIg, newly)) {
      if (!cand.core || existingIg.ignores(cand.pattern)) continue;
    }
    const bad = violations(makeIgnore([...existingPatterns, ...lines([...accepted, cand])]));
    if (!bad.length) {
      accepted.push(cand);
      continue;
    }
    const protectedHits = new Set(bad.map((b) => b.idx));
    const first = bad[0]!;
    // highest excluded protected paths: one `!path` each
    const topBad = bad.filter((b) => b.idx < 0 || !protectedHits.has(tree.entries[b.idx]!.parent));
    const tops = topBad.map((b) => b.rel).sort();
    // one exception per excluded path; or, for a `**/name` pattern hitting many, one per copied folder (`!src/**/name`)
    let exceptions = topBad.map((b) => ({ line: `!${b.rel}`, b }));
    if (exceptions.length > 5 && cand.pattern.startsWith('**/')) {
      const byRoot = new Map(topBad.map((b) => [b.root, b]));
      exceptions = [...byRoot].map(([r, b]) => ({ line: tree.byRel.get(r) !== undefined && tree.entries[tree.byRel.get(r)!]!.dir ? `!${r}/${cand.pattern}` : `!${r}`, b }));
    }
    exceptions.sort((x, y) => (x.line < y.line ? -1 : x.line > y.line ? 1 : 0));
    if (others && exceptions.length <= 5 && !exceptions.some((x) => SPECIAL.test(x.line.slice(1).replace(`/${cand.pattern}`, '')))) {
      const negated: Candidate = { ...cand, negations: [...cand.negations, ...exceptions.map((x) => ({ pattern: x.line, why: `${x.b.dockerfile} needs it (\`${x.b.source}\`)` }))] };
      const ig = makeIgnore([...existingPatterns, ...lines([...accepted, negated])]);
      if (!violations(ig).length && !reincludes(ig)) {
        accepted.push(negated);
        unsafe.push({ pattern: cand.pattern, source: first.source, dockerfile: first.dockerfile, action: 'negated', paths: tops });
        continue;
      }
    }
    unsafe.push({ pattern: cand.pattern, source: first.source, dockerfile: first.dockerfile, action: 'dropped', paths: tops });
  }

  // sizes: before, then after each accepted pattern (what each one removes, in order)
  const before = measure(tree, existingIg);
  const patterns: ProposedPattern[] = [];
  let prev = before;
  for (let i = 0; i < accepted.length; i++) {
    const c = accepted[i]!;
    const now = measure(tree, makeIgnore([...existingPatterns, ...lines(accepted.slice(0, i + 1))]));
    const examples = [...c.examples].sort();
    const ex = examples.slice(0, 3).join(', ') + (examples.length > 3 ? ` and ${examples.length - 3} more` : '');
    patterns.push({
      pattern: c.pattern,
      negations: c.negations,
      category: c.category,
      why: `${CATEGORY_WHY[c.category]}${c.core && !c.examples.length ? ' (not present yet: excluded before it appears)' : ex ? `: ${ex}` : ''}`,
      bytes: prev.bytes - now.bytes,
      files: prev.files - now.files,
    });
    prev = now;
  }
  const after = prev;
  const finalIg = makeIgnore([...existingPatterns, ...lines(accepted)]);
  const excluded = violations(finalIg).length;
  const checked = mustKeep.length + mustKeepLiteral.length;

  const body: string[] = [];
  let lastCat: Category | undefined;
  for (const c of accepted) {
    if (c.category !== lastCat) body.push('', `# ${CATEGORY_LABEL[c.category]}`);
    lastCat = c.category;
    body.push(c.pattern, ...c.negations.map((n) => n.pattern));
  }
  let addition = '';
  let text = existing ?? '';
  if (accepted.length) {
    if (existing === undefined || existing.trim() === '') {
      addition = `${[
        `# Written by \`${DOCKERIGNORE_MARK}\` for this build context: what the builder does not need to see.`,
        '# Each pattern matches something here (or is a safe default), and none excludes a file a',
        "# Dockerfile COPYs or ADDs: checked with Docker's own matching rules. Dockerfiles stay in.",
        ...body,
      ].join('\n')}\n`;
      text = addition;
    } else {
      const sep = existing.endsWith('\n') ? '' : '\n';
      addition = `${sep}\n${[`# ==== added by \`${DOCKERIGNORE_MARK}\`: no COPY/ADD source is excluded (checked with Docker's matching rules) ====`, ...body].join('\n')}\n`;
      text = existing + addition;
    }
  }
  const out: DockerignoreProposal = {
    contextDir: root,
    file,
    patterns,
    text,
    addition,
    before,
    after,
    unsafe,
    proof: { sources, checked, excluded, alreadyExcluded },
    capped: tree.capped,
  };
  if (existing !== undefined) out.existing = existing;
  return out;
}
