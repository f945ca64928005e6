import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRetention, formatAge, formatSize, listBackups, selectForRemoval, timestampName } from '../../src/backup/store.js';

const b = (name: string, ok?: boolean) => ({ name, createdAt: `2026-01-0${name}T00:00:00.000Z`, verify: ok === undefined ? undefined : { ok } });

describe('selectForRemoval (--keep N)', () => {
  it('keeps the N newest', () => {
    const all = ['1', '2', '3', '4', '5'].map((n) => b(n));
    expect(selectForRemoval(all, 2).map((x) => x.name)).toEqual(['3', '2', '1']);
    expect(selectForRemoval(all, 5)).toEqual([]);
    expect(selectForRemoval(all, 9)).toEqual([]);
  });
  it('never removes the newest verified backup', () => {
    const all = [b('1', true), b('2', true), b('3', false), b('4'), b('5')];
    expect(selectForRemoval(all, 2).map((x) => x.name)).toEqual(['3', '1']);
  });
  it('a verified backup among the N newest protects no older one', () => {
    const all = [b('1', true), b('2'), b('3', true)];
    expect(selectForRemoval(all, 1).map((x) => x.name)).toEqual(['2', '1']);
  });
  it('rejects a bad N', () => {
    expect(() => selectForRemoval([], -1)).toThrow();
    expect(() => selectForRemoval([], 1.5)).toThrow();
  });
});

describe('listBackups and applyRetention on disk', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function fake(name: string, project = 'p', verified?: boolean) {
    const dir = path.join(root, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ format: 1, tool: 'shipshape', project, createdAt: `2026-01-0${name[0]}T00:00:00.000Z`, volumes: [{ key: 'data' }] }));
    writeFileSync(path.join(dir, 'data.tar.gz'), Buffer.alloc(100));
    if (verified !== undefined) writeFileSync(path.join(dir, 'verify.json'), JSON.stringify({ at: '2026-01-09T00:00:00Z', ok: verified, problems: [] }));
  }

  it('lists complete backups only, newest first, and removes beyond N', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'shipshape-store-'));
    for (const n of ['1', '2', '3', '4']) fake(n, 'p', n === '1' ? true : undefined);
    fake('5', 'other');
    mkdirSync(path.join(root, '.6.partial-1-abc'));
    writeFileSync(path.join(root, '.6.partial-1-abc', 'manifest.json'), '{}');
    mkdirSync(path.join(root, '7-incomplete'));
    const list = listBackups(root, 'p');
    expect(list.map((x) => x.name)).toEqual(['4', '3', '2', '1']);
    expect(list[0]!.size).toBeGreaterThan(100);
    expect(list[3]!.verify?.ok).toBe(true);
    const removed = await applyRetention(root, 'p', 2);
    expect(removed.map((x) => x.name)).toEqual(['2']);
    expect(listBackups(root, 'p').map((x) => x.name)).toEqual(['4', '3', '1']);
    expect(listBackups(root).map((x) => x.name)).toContain('5');
  });
});

describe('formatting', () => {
  it('names, sizes, ages', () => {
    expect(timestampName(new Date('2026-11-23T12:40:05.123Z'))).toBe('2026-11-23T12-40-05Z');
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(100 * 1024 * 1024)).toBe('100 MiB');
    expect(formatAge('2026-01-01T00:00:00Z', Date.parse('2026-01-01T02:30:00Z'))).toBe('2h30m');
  });
});
