/**
 * The directory walk behind discovery.
 *
 * It uses synchronous `readdirSync(dir, { withFileTypes: true })`: on a warm 10 000-file tree this
 * measured 8-13 ms against 12-20 ms for `fs.promises.readdir` with 16-64 reads in flight, since
 * each directory is small and the promise machinery costs more than the syscalls it overlaps.
 *
 * Rules:
 * - directories named in {@link DEFAULT_SKIP_DIRS} and paths matching `ignore` globs are not entered;
 * - a symbolic link is resolved (realpath) and dropped when it is broken or points outside the root;
 * - linked directories are walked only after every real directory, and only when their real path
 *   has not been walked yet: a link to a directory already seen is skipped (`symlink-loop` when it
 *   points at one of its own ancestors, `symlink-duplicate` otherwise), so no directory is read twice;
 * - a directory that cannot be read is recorded as `unreadable` and the walk goes on;
 * - at most `maxEntries` directory entries are looked at; past that the walk stops (`truncated`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SkippedEntry } from './types.js';

/**
 * Directory names never entered (at any depth). Build output such as `dist/`, `build/`, `out/`
 * is deliberately walked: repositories keep Dockerfiles and compose files there
 * (`build/package/Dockerfile`, `dist/docker-compose.yml`); pass `ignore: ['dist']` to leave it out.
 */
export const DEFAULT_SKIP_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'vendor',
  'third_party',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.terraform',
]);

export const DEFAULT_MAX_ENTRIES = 200_000;

export interface WalkedFile {
  /** root-relative, `/`-separated */
  path: string;
  name: string;
  /** root-relative directory, `.` for the root */
  dir: string;
  /** absolute path to read the file through */
  abs: string;
  /** for symbolic links: the root-relative real path */
  linkTarget?: string;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: SkippedEntry[];
  truncated: boolean;
  entries: number;
  directories: number;
}

export interface WalkOptions {
  maxEntries?: number;
  ignore?: string[];
  /** which files to keep, by name (the walk itself needs none of them) */
  keep: (name: string) => boolean;
}

interface DirItem {
  abs: string;
  rel: string;
  /** canonical (realpath) location, to recognise a directory reached twice */
  real: string;
}

interface DeferredLink {
  rel: string;
  /** realpath of the link's parent directory */
  parentReal: string;
  target: string;
}

/** Compile gitignore-like globs into a matcher over root-relative paths. */
export function compileIgnore(patterns: readonly string[]): (rel: string, isDir: boolean) => boolean {
  const rules: { re: RegExp; dirOnly: boolean }[] = [];
  for (const raw of patterns) {
    let p = raw.trim().replace(/\\/g, '/');
    if (!p || p.startsWith('!') || p.startsWith('#')) continue;
    let dirOnly = false;
    if (p.endsWith('/')) {
      dirOnly = true;
      p = p.replace(/\/+$/, '');
    }
    if (p.startsWith('./')) p = p.slice(2);
    const anchored = p.includes('/');
    if (p.startsWith('/')) p = p.slice(1);
    if (!p) continue;
    const body = globToRegExp(p);
    rules.push({ re: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`), dirOnly });
  }
  if (rules.length === 0) return () => false;
  return (rel, isDir) => rules.some((r) => (!r.dirOnly || isDir) && r.re.test(rel));
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` spans zero or more segments; a trailing or inner `**` spans anything
        if (glob[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
      } else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        out += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else {
      out += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return out;
}

function isInside(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

function toRel(realRoot: string, real: string): string {
  const rel = path.relative(realRoot, real);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

/** Walk `root` (an absolute, existing directory). */
export function walk(root: string, opts: WalkOptions): WalkResult {
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const ignored = compileIgnore(opts.ignore ?? []);
  const keep = opts.keep;
  const realRoot = fs.realpathSync(root);
  const files: WalkedFile[] = [];
  const skipped: SkippedEntry[] = [];
  const visited = new Set<string>([realRoot]);
  const stack: DirItem[] = [{ abs: root, rel: '', real: realRoot }];
  const links: DeferredLink[] = [];
  let entries = 0;
  let directories = 0;
  let truncated = false;

  const walkStack = (): void => {
    while (stack.length > 0 && !truncated) {
      const item = stack.pop()!;
      let dirents: fs.Dirent[];
      try {
        dirents = fs.readdirSync(item.abs, { withFileTypes: true });
      } catch (err) {
        skipped.push({ path: item.rel || '.', reason: 'unreadable', detail: errCode(err) });
        continue;
      }
      directories++;
      const prefix = item.rel ? item.rel + '/' : '';
      for (const d of dirents) {
        if (++entries > maxEntries) {
          entries = maxEntries;
          truncated = true;
          return;
        }
        const name = d.name;
        const rel = prefix + name;
        if (d.isDirectory()) {
          if (DEFAULT_SKIP_DIRS.has(name)) {
            skipped.push({ path: rel, reason: 'default-skip' });
          } else if (ignored(rel, true)) {
            skipped.push({ path: rel, reason: 'ignored' });
          } else {
            const real = item.real + path.sep + name;
            visited.add(real);
            stack.push({ abs: item.abs + path.sep + name, rel, real });
          }
        } else if (d.isFile()) {
          if (keep(name) && !ignored(rel, false)) {
            files.push({ path: rel, name, dir: item.rel || '.', abs: item.abs + path.sep + name });
          }
        } else if (d.isSymbolicLink()) {
          handleLink(item, name, rel);
        }
      }
    }
  };

  const handleLink = (item: DirItem, name: string, rel: string): void => {
    const abs = item.abs + path.sep + name;
    let target: string;
    let st: fs.Stats;
    try {
      target = fs.realpathSync(abs);
      st = fs.statSync(target);
    } catch (err) {
      // a dangling link, or a loop of links (ELOOP)
      skipped.push({ path: rel, reason: 'broken-symlink', detail: linkText(abs) ?? errCode(err) });
      return;
    }
    if (!isInside(target, realRoot)) {
      skipped.push({ path: rel, reason: 'symlink-outside-root', detail: linkText(abs) ?? target });
      return;
    }
    if (st.isDirectory()) {
      if (DEFAULT_SKIP_DIRS.has(name)) skipped.push({ path: rel, reason: 'default-skip' });
      else if (ignored(rel, true)) skipped.push({ path: rel, reason: 'ignored' });
      else links.push({ rel, parentReal: item.real, target });
    } else if (st.isFile()) {
      if (keep(name) && !ignored(rel, false)) {
        files.push({ path: rel, name, dir: item.rel || '.', abs, linkTarget: toRel(realRoot, target) });
      }
    }
  };

  walkStack();
  // Linked directories last, so that a directory reachable both ways is walked under its real path.
  while (links.length > 0 && !truncated) {
    links.sort((a, b) => (a.rel < b.rel ? 1 : a.rel > b.rel ? -1 : 0));
    const link = links.pop()!;
    if (visited.has(link.target)) {
      const loop = link.parentReal === link.target || link.parentReal.startsWith(link.target + path.sep);
      skipped.push({
        path: link.rel,
        reason: loop ? 'symlink-loop' : 'symlink-duplicate',
        detail: toRel(realRoot, link.target),
      });
      continue;
    }
    visited.add(link.target);
    stack.push({ abs: link.target, rel: link.rel, real: link.target });
    walkStack();
  }

  return { files, skipped, truncated, entries, directories };
}

function linkText(abs: string): string | undefined {
  try {
    return fs.readlinkSync(abs);
  } catch {
    return undefined;
  }
}

export function errCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
