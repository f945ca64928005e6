import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveStream, backupHooks, projectVolumes, serviceOrder } from '../../src/backup/backup.js';
import { checkArchive, compareEntries, readManifest, scanArchiveFile, scanTar, volumePath, type FileEntry, type Manifest, type VolumeRecord } from '../../src/backup/manifest.js';

const T = new Date('2026-01-02T03:04:05Z');

interface Item {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  body?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
}

/** A tar built in memory with tar-stream (ustar, with pax headers for long or non-ASCII names). */
async function makeTar(items: Item[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const it of items) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        { name: it.name, type: it.type ?? 'file', mode: it.mode ?? (it.type === 'directory' ? 0o755 : 0o644), uid: it.uid ?? 0, gid: it.gid ?? 0, mtime: T, linkname: it.linkname },
        it.type === 'directory' || it.type === 'symlink' || it.type === 'link' ? undefined : (it.body ?? ''),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

const SAMPLE: Item[] = [
  { name: 'data/', type: 'directory', mode: 0o755 },
  { name: 'data/dir with space/', type: 'directory', uid: 1234, gid: 5678 },
  { name: 'data/dir with space/ünïcødé 文件.txt', body: 'hello\n', uid: 1234, gid: 5678, mode: 0o600 },
  { name: 'data/empty/', type: 'directory', mode: 0o700 },
  { name: 'data/link', type: 'symlink', linkname: 'dir with space/ünïcødé 文件.txt' },
  { name: 'data/hard', type: 'link', linkname: 'data/big' },
  { name: `data/${'x'.repeat(150)}`, body: 'long name' },
  { name: 'data/big', body: Buffer.alloc(300_000, 7), mode: 0o4755 },
];

let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('volumePath', () => {
  it('strips the mount folder and ./ prefixes', () => {
    expect(volumePath('data/')).toBe('.');
    expect(volumePath('data')).toBe('.');
    expect(volumePath('./data/a/b')).toBe('a/b');
    expect(volumePath('/data/a/')).toBe('a');
    expect(volumePath('other/x')).toBe('other/x');
  });
});

describe('scanTar', () => {
  it('describes every entry: type, mode, owner, size, mtime, sha256, link', async () => {
    const scan = await scanTar(Readable.from(await makeTar(SAMPLE)));
    expect(Object.keys(scan.entries).sort()).toEqual(['.', 'big', 'dir with space', 'dir with space/ünïcødé 文件.txt', 'empty', 'hard', 'link', 'x'.repeat(150)].sort());
    expect(scan.entries['dir with space/ünïcødé 文件.txt']).toEqual({ type: 'file', mode: 0o600, uid: 1234, gid: 5678, size: 6, mtime: T.getTime() / 1000, sha256: sha('hello\n') });
    expect(scan.entries.empty).toMatchObject({ type: 'directory', mode: 0o700 });
    expect(scan.entries.link).toMatchObject({ type: 'symlink', link: 'dir with space/ünïcødé 文件.txt' });
    expect(scan.entries.hard).toMatchObject({ type: 'link', link: 'big' });
    expect(scan.entries.big).toMatchObject({ mode: 0o4755, size: 300_000, sha256: sha(Buffer.alloc(300_000, 7)) });
    expect(scan.fileCount).toBe(3);
    expect(scan.size).toBe(6 + 9 + 300_000);
  });

  it('rejects a truncated tar', async () => {
    const buf = await makeTar(SAMPLE);
    await expect(scanTar(Readable.from(buf.subarray(0, 100_000)))).rejects.toThrow(/truncated|end of data|Unexpected/i);
  });

  it('rejects garbage', async () => {
    await expect(scanTar(Readable.from(Buffer.alloc(4096, 0x41)))).rejects.toThrow();
  });

  it('can stop after the first entry beyond the root (emptiness check)', async () => {
    let seen = 0;
    const scan = await scanTar(Readable.from(await makeTar(SAMPLE)), {
      stopAfterFirst: (e) => {
        seen++;
        return e.path !== '.';
      },
    });
    expect(seen).toBe(2);
    expect(Object.keys(scan.entries)).toHaveLength(2);
  });
});

describe('compareEntries', () => {
  const base: Record<string, FileEntry> = {
    '.': { type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 10 },
    f: { type: 'file', mode: 0o644, uid: 1, gid: 2, size: 3, mtime: 10, sha256: 'aa' },
    l: { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 10, link: 'f' },
  };
  it('finds nothing when identical', () => {
    expect(compareEntries(base, structuredClone(base))).toEqual([]);
  });
  it('reports content, mode, owner, link, mtime, missing and extra', () => {
    const a = structuredClone(base);
    a.f = { ...a.f!, sha256: 'bb', mode: 0o600, uid: 9, mtime: 11 };
    a.l = { ...a.l!, link: 'g', mtime: 99 };
    delete a['.'];
    a.new = { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1, sha256: 'cc' };
    const whats = compareEntries(base, a).map((d) => `${d.path}:${d.what}`);
    expect(whats).toEqual(['.:missing', 'f:content', 'f:mode', 'f:owner', 'f:mtime', 'l:link', 'new:extra']);
  });
});

describe('archives on disk', () => {
  async function writeBackup(): Promise<{ dir: string; rec: VolumeRecord }> {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'shipshape-backup-unit-'));
    const dir = path.join(tmp, 'b');
    mkdirSync(dir);
    const rec0 = await archiveStream(Readable.from(await makeTar(SAMPLE)), path.join(dir, 'data.tar.gz'), 6);
    const rec: VolumeRecord = { key: 'data', name: 'p_data', services: ['app'], archive: 'data.tar.gz', ...rec0 };
    const manifest: Manifest = { format: 1, tool: 'shipshape', toolVersion: 'test', project: 'p', createdAt: T.toISOString(), serviceOrder: ['app'], images: [], gzipLevel: 6, stopped: false, volumes: [rec] };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    return { dir, rec };
  }

  it('archiveStream writes a gzip tar whose sha256 and entries the record holds', async () => {
    const { dir, rec } = await writeBackup();
    const file = path.join(dir, 'data.tar.gz');
    expect(rec.archiveSha256).toBe(sha(readFileSync(file)));
    expect(rec.archiveSize).toBe(readFileSync(file).length);
    const again = await scanArchiveFile(file);
    expect(compareEntries(rec.entries, again.entries)).toEqual([]);
    expect(await checkArchive(dir, rec, true)).toEqual({ volume: 'data', ok: true });
    expect((await readManifest(dir)).volumes[0]!.key).toBe('data');
  });

  it('detects a corrupt archive (one byte changed)', async () => {
    const { dir, rec } = await writeBackup();
    const file = path.join(dir, 'data.tar.gz');
    const buf = readFileSync(file);
    const at = Math.floor(buf.length / 2);
    buf[at] = buf[at]! ^ 0xff;
    writeFileSync(file, buf);
    const c = await checkArchive(dir, rec);
    expect(c.ok).toBe(false);
    expect(c.problem).toMatch(/sha256.*corrupt/);
  });

  it('detects a truncated archive', async () => {
    const { dir, rec } = await writeBackup();
    truncateSync(path.join(dir, 'data.tar.gz'), 200);
    const c = await checkArchive(dir, rec);
    expect(c.ok).toBe(false);
    expect(c.problem).toMatch(/truncated/);
  });

  it('deep check catches an archive whose content no longer matches its entries', async () => {
    const { dir, rec } = await writeBackup();
    const other = gzipSync(await makeTar(SAMPLE.map((i) => (i.name === 'data/big' ? { ...i, body: Buffer.alloc(300_000, 8) } : i))));
    writeFileSync(path.join(dir, 'data.tar.gz'), other);
    const forged = { ...rec, archiveSha256: sha(other), archiveSize: other.length };
    const c = await checkArchive(dir, forged, true);
    expect(c.ok).toBe(false);
    expect(c.problem).toMatch(/big: content differs/);
  });

  it('refuses a folder without a manifest, and manifests with unsafe archive names', async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'shipshape-backup-unit-'));
    await expect(readManifest(tmp)).rejects.toThrow(/not a complete backup/);
    writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify({ format: 1, tool: 'shipshape', volumes: [{ archive: '../x.tar.gz' }] }));
    await expect(readManifest(tmp)).rejects.toThrow(/bad archive name/);
  });
});

describe('project helpers', () => {
  const services = {
    web: { depends_on: { api: { condition: 'service_started' } }, volumes: [{ type: 'bind', source: '/x', target: '/x' }] },
    api: { depends_on: { db: { condition: 'service_healthy' } }, volumes: [{ type: 'volume', source: 'files', target: '/files' }], 'x-shipshape': { backup: { pre: 'sync', post: 'echo done' } } },
    db: { volumes: [{ type: 'volume', source: 'pg', target: '/var/lib/postgresql/data' }, { type: 'volume', source: 'files', target: '/f' }] },
  };
  it('orders services dependencies first', () => {
    expect(serviceOrder(services)).toEqual(['db', 'api', 'web']);
  });
  it('lists named volumes with engine names and the services that mount them', () => {
    expect(projectVolumes({ name: 'p', services, volumes: { pg: {}, files: { name: 'custom' }, ext: { external: true, name: 'ext' } } })).toEqual([
      { key: 'pg', name: 'p_pg', external: false, services: ['db'] },
      { key: 'files', name: 'custom', external: false, services: ['api', 'db'] },
      { key: 'ext', name: 'ext', external: true, services: [] },
    ]);
  });
  it('reads x-shipshape backup hooks', () => {
    expect(backupHooks(services)).toEqual([{ service: 'api', pre: 'sync', post: 'echo done' }]);
  });
});
