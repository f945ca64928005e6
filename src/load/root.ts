/**
 * The project root: files the loader reads on its own (include, extends.file, env_file,
 * label_file) must lie inside it, after symlinks are resolved, so a compose file cannot make
 * shipshape read /etc/shadow or wander out through a symlink. Files named on the command line
 * are the user's explicit choice and are not checked.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { LoadError } from './errors.js';
import type { Origin } from './origin.js';

/** The enclosing git work tree of `dir`, or `dir` itself. */
export function defaultRoot(dir: string): string {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return path.resolve(dir);
    current = parent;
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // a file that does not exist yet: resolve its directory
    const dir = path.dirname(p);
    return dir === p ? p : path.join(real(dir), path.basename(p));
  }
}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(real(root), real(p));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function guardInsideRoot(root: string | undefined, file: string, what: string, origin: Origin | undefined): void {
  if (!root || isInside(root, file)) return;
  throw new LoadError(`${what} ${file} is outside the project root ${root}; refusing to read it`, {
    code: 'outside-root',
    origin,
    hint: 'keep referenced files inside the project, or pass --root with a directory that contains them',
  });
}
