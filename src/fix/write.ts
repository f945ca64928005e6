/**
 * Writing fixed files: every file is checked first (its content on disk must still be what the
 * fixes were computed from), then each is replaced atomically (temp file beside it, fsync,
 * rename; its mode kept), optionally keeping `<file>.bak`. A failure while writing one file
 * (read-only file system, full disk) leaves that file as it was.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { LoadError } from '../load/errors.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface FileChange {
  /** absolute path */
  file: string;
  /** the text the fixes were computed from (as read: a UTF-8 BOM stripped) */
  before: string;
  after: string;
}

export interface WriteOptions {
  /** keep the old content as `<file>.bak` */
  backup?: boolean;
}

const BOM = '\ufeff';

function readCurrent(file: string): { text: string; bom: boolean } {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LoadError(`${file}: cannot read it again before writing (${code ?? (e as Error).message})`, { code: 'io', origin: { file, line: 1, column: 1 } });
  }
  return raw.startsWith(BOM) ? { text: raw.slice(1), bom: true } : { text: raw, bom: false };
}

/** Write the changed files; throws a LoadError naming the file when one changed since it was read, or cannot be written. */
export function writeFixes(changes: FileChange[], opts: WriteOptions = {}): void {
  const todo = changes.filter((c) => c.before !== c.after);
  // check them all before writing any
  const current = todo.map((c) => {
    const cur = readCurrent(c.file);
    if (cur.text !== c.before) {
      throw new LoadError(`${c.file} changed since it was read; run the fix again`, { code: 'changed', origin: { file: c.file, line: 1, column: 1 }, hint: 'nothing was written' });
    }
    return cur;
  });
  todo.forEach((c, i) => {
    const { bom } = current[i]!;
    // a symlink is written through, not replaced by a regular file
    const target = existsSync(c.file) ? realpathSync(c.file) : c.file;
    const mode = statSync(target).mode & 0o7777;
    try {
      if (opts.backup) writeFileAtomic(`${c.file}.bak`, (bom ? BOM : '') + c.before, mode);
      writeFileAtomic(target, (bom ? BOM : '') + c.after, mode);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LoadError(`${c.file}: cannot write it (${code ?? (e as Error).message}); it was left as it was`, { code: 'io', origin: { file: c.file, line: 1, column: 1 }, cause: e });
    }
  });
}
