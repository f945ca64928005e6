/**
 * Backup manifests: what a volume held (every entry's type, mode, owner, size, mtime, sha256 or link
 * target), built by streaming a tar through a parser that hashes each file; and the comparison of
 * two such listings (backup vs. what a restore wrote back).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';

export const MANIFEST_FORMAT = 1;
export const MANIFEST_FILE = 'manifest.json';
/** The mount point of the volume in the temporary container, and the archives' top folder. */
export const VOLUME_MOUNT = '/data';

export type EntryType = 'file' | 'directory' | 'symlink' | 'link' | 'other';

export interface FileEntry {
  type: EntryType;
  /** permission bits incl. setuid/setgid/sticky (mode & 0o7777) */
  mode: number;
  uid: number;
  gid: number;
  /** bytes (files only; 0 otherwise) */
  size: number;
  /** modification time, whole seconds since the epoch */
  mtime: number;
  /** files only */
  sha256?: string;
  /** symlink target, or the path a hard link points to */
  link?: string;
}

export interface VolumeRecord {
  /** the key under top-level `volumes:` */
  key: string;
  /** the engine's name (`<project>_<key>` unless `name:` says otherwise) */
  name: string;
  /** services that mount it */
  services: string[];
  /** archive file name, relative to the backup folder */
  archive: string;
  archiveSha256: string;
  archiveSize: number;
  /** bytes of file contents */
  size: number;
  fileCount: number;
  /** the volume's labels when it was backed up */
  labels?: Record<string, string>;
  /** path inside the volume ("." is its root) -> entry */
  entries: Record<string, FileEntry>;
}

export interface Manifest {
  format: number;
  tool: 'shipshape';
  toolVersion: string;
  project: string;
  /** ISO 8601, UTC */
  createdAt: string;
  /** the project's services in dependency order (dependencies first) */
  serviceOrder: string[];
  /** images of the project's services (candidates for the temporary containers of a restore) */
  images: string[];
  gzipLevel: number;
  /** were the writers stopped during the copy */
  stopped: boolean;
  volumes: VolumeRecord[];
}

export interface TarScan {
  entries: Record<string, FileEntry>;
  size: number;
  fileCount: number;
}

/** `data/a/b` -> `a/b`, `data` / `data/` -> `.`; leading `./` and `/` dropped. Names outside `top` are kept. */
export function volumePath(name: string, top = VOLUME_MOUNT.replace(/^\//, '')): string {
  let n = name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  n = n.replace(/\/+$/, '');
  if (n === top || n === '' || n === '.') return '.';
  if (n.startsWith(`${top}/`)) n = n.slice(top.length + 1);
  return n || '.';
}

function entryType(t: tar.Headers['type']): EntryType {
  switch (t) {
    case 'file':
    case 'contiguous-file':
    case undefined:
    case null:
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'link';
    default:
      return 'other';
  }
}

/**
 * Parse a (plain) tar stream and describe every entry; file contents are hashed as they pass, never
 * held. `top` is the archive's top folder (the mount point's name), stripped from the paths.
 */
export function scanTar(input: Readable, opts: { top?: string; stopAfterFirst?: (e: { path: string; entry: FileEntry }) => boolean } = {}): Promise<TarScan> {
  const top = opts.top ?? VOLUME_MOUNT.replace(/^\//, '');
  const entries: Record<string, FileEntry> = {};
  let size = 0;
  let fileCount = 0;
  let entriesSeen = 0;
  return new Promise<TarScan>((resolve, reject) => {
    const extract = tar.extract();
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      input.unpipe(extract);
      extract.destroy();
      reject(e);
    };
    const done = () => {
      if (settled) return;
      settled = true;
      resolve({ entries, size, fileCount });
    };
    extract.on('entry', (h, stream, next) => {
      entriesSeen++;
      const p = volumePath(h.name, top);
      const type = entryType(h.type);
      const entry: FileEntry = {
        type,
        mode: (h.mode ?? 0) & 0o7777,
        uid: h.uid ?? 0,
        gid: h.gid ?? 0,
        size: type === 'file' ? (h.size ?? 0) : 0,
        mtime: h.mtime ? Math.floor(h.mtime.getTime() / 1000) : 0,
      };
      if (type === 'symlink') entry.link = h.linkname ?? '';
      if (type === 'link') entry.link = volumePath(h.linkname ?? '', top);
      const hash = type === 'file' ? createHash('sha256') : undefined;
      let got = 0;
      stream.on('data', (chunk: Buffer) => {
        got += chunk.length;
        hash?.update(chunk);
      });
      stream.on('error', fail);
      stream.on('end', () => {
        if (hash) {
          if (got !== entry.size) return fail(new Error(`truncated archive: ${p} has ${got} of ${entry.size} bytes`));
          entry.sha256 = hash.digest('hex');
          size += entry.size;
          fileCount++;
        }
        entries[p] = entry;
        if (opts.stopAfterFirst?.({ path: p, entry })) {
          done();
          input.unpipe(extract);
          extract.destroy();
          if ('destroy' in input) input.destroy();
          return;
        }
        next();
      });
    });
    extract.on('error', (e) => fail(new Error(`not a valid tar archive: ${e.message}`)));
    extract.on('finish', () => {
      if (entriesSeen === 0 && !settled) return fail(new Error('empty or unreadable archive (no entries)'));
      done();
    });
    input.on('error', (e: Error) => fail(e));
    input.pipe(extract);
  });
}

/** sha256 and size of a file, streamed. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Scan a .tar.gz file (gunzip + tar parse, streamed). Throws on a corrupt or truncated archive. */
export async function scanArchiveFile(file: string): Promise<TarScan> {
  const gunzip = createGunzip();
  const src = createReadStream(file);
  src.on('error', (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  try {
    return await scanTar(gunzip);
  } catch (e) {
    throw new Error(`${path.basename(file)}: ${(e as Error).message}`);
  }
}

export interface Difference {
  path: string;
  what: 'missing' | 'extra' | 'type' | 'content' | 'mode' | 'owner' | 'link' | 'mtime' | 'size';
  expected?: string;
  actual?: string;
}

export function formatDifference(d: Difference): string {
  const where = d.path === '.' ? '(volume root)' : d.path;
  if (d.what === 'missing') return `${where}: missing`;
  if (d.what === 'extra') return `${where}: not in the backup`;
  return `${where}: ${d.what} differs (expected ${d.expected}, found ${d.actual})`;
}

const oct = (m: number) => `0${m.toString(8)}`;

/**
 * Compare what was backed up with what is there now. Symlinks' mtimes are not compared (the engine
 * does not restore them); `ignoreRootTimes` skips the volume root's mtime.
 */
export function compareEntries(
  expected: Record<string, FileEntry>,
  actual: Record<string, FileEntry>,
  opts: { mtime?: boolean; ignoreRootTimes?: boolean } = {},
): Difference[] {
  const out: Difference[] = [];
  const checkTimes = opts.mtime ?? true;
  for (const [p, e] of Object.entries(expected)) {
    const a = actual[p];
    if (!a) {
      out.push({ path: p, what: 'missing' });
      continue;
    }
    if (a.type !== e.type) {
      out.push({ path: p, what: 'type', expected: e.type, actual: a.type });
      continue;
    }
    if (e.type === 'file') {
      if (a.size !== e.size) out.push({ path: p, what: 'size', expected: String(e.size), actual: String(a.size) });
      else if (a.sha256 !== e.sha256) out.push({ path: p, what: 'content', expected: e.sha256, actual: a.sha256 });
    }
    if (e.type !== 'symlink' && a.mode !== e.mode) out.push({ path: p, what: 'mode', expected: oct(e.mode), actual: oct(a.mode) });
    if (a.uid !== e.uid || a.gid !== e.gid) out.push({ path: p, what: 'owner', expected: `${e.uid}:${e.gid}`, actual: `${a.uid}:${a.gid}` });
    if ((e.link ?? '') !== (a.link ?? '')) out.push({ path: p, what: 'link', expected: e.link, actual: a.link });
    if (checkTimes && (e.type === 'file' || e.type === 'directory') && !(opts.ignoreRootTimes && p === '.') && a.mtime !== e.mtime) {
      out.push({ path: p, what: 'mtime', expected: new Date(e.mtime * 1000).toISOString(), actual: new Date(a.mtime * 1000).toISOString() });
    }
  }
  for (const p of Object.keys(actual)) if (!expected[p]) out.push({ path: p, what: 'extra' });
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${dir} is not a complete backup: it has no ${MANIFEST_FILE}` : `cannot read ${file}: ${(e as Error).message}`);
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof m !== 'object' || m === null || m.tool !== 'shipshape' || !Array.isArray(m.volumes)) throw new Error(`${file} is not a shipshape backup manifest`);
  if (m.format !== MANIFEST_FORMAT) throw new Error(`${file} has manifest format ${String(m.format)}; this shipshape reads format ${MANIFEST_FORMAT}`);
  for (const v of m.volumes) {
    if (typeof v.archive !== 'string' || v.archive.includes('/') || v.archive.includes('\\') || v.archive.startsWith('.')) throw new Error(`${file}: bad archive name ${JSON.stringify(v.archive)}`);
  }
  return m;
}

export interface ArchiveCheck {
  volume: string;
  ok: boolean;
  problem?: string;
}

/**
 * Check an archive file against its manifest record: size and sha256 (fast, one read); with `deep`
 * also gunzip and parse it and compare every entry with the manifest.
 */
export async function checkArchive(dir: string, v: VolumeRecord, deep = false): Promise<ArchiveCheck> {
  const file = path.join(dir, v.archive);
  let got: { sha256: string; size: number };
  try {
    got = await hashFile(file);
  } catch (e) {
    return { volume: v.key, ok: false, problem: `cannot read ${v.archive}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}` };
  }
  if (got.size !== v.archiveSize) return { volume: v.key, ok: false, problem: `${v.archive} is ${got.size} bytes, the manifest says ${v.archiveSize} (truncated or corrupt)` };
  if (got.sha256 !== v.archiveSha256) return { volume: v.key, ok: false, problem: `${v.archive} has sha256 ${got.sha256}, the manifest says ${v.archiveSha256} (corrupt)` };
  if (deep) {
    try {
      const scan = await scanArchiveFile(file);
      const diffs = compareEntries(v.entries, scan.entries);
      if (diffs.length) return { volume: v.key, ok: false, problem: `${v.archive} does not match the manifest: ${diffs.slice(0, 5).map(formatDifference).join('; ')}` };
    } catch (e) {
      return { volume: v.key, ok: false, problem: (e as Error).message };
    }
  }
  return { volume: v.key, ok: true };
}
