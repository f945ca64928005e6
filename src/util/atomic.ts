/** Atomic writes: a temp file beside the target, fsync, then rename over it. */
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, data: string | Uint8Array, mode?: number): void {
  // a device or pipe (-o /dev/stdout, /dev/null) is written to, never replaced
  const existing = statSync(file, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) {
    writeFileSync(file, data);
    return;
  }
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.shipshape-tmp-${process.pid}-${Date.now().toString(36)}-${path.basename(file)}`);
  let keepMode = mode;
  if (keepMode === undefined) {
    try {
      keepMode = statSync(file).mode & 0o7777;
    } catch {
      keepMode = 0o644;
    }
  }
  const fd = openSync(tmp, 'wx', keepMode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
    throw e;
  }
}
