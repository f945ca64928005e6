/**
 * Backups on disk: `<root>/<UTC timestamp>/` folders holding one `<volume>.tar.gz` per volume and
 * `manifest.json` (written last, then the folder renamed from its `.partial` name: a folder
 * without a manifest, or still named `.partial-*`, is not a complete backup). `verify.json` records
 * the last `backup verify`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_FILE, type Manifest } from './manifest.js';

export const VERIFY_FILE = 'verify.json';
export const PARTIAL_MARK = '.partial-';

export interface VerifyRecord {
  at: string;
  ok: boolean;
  problems: string[];
  toolVersion: string;
}

export interface BackupInfo {
  dir: string;
  name: string;
  project: string;
  createdAt: string;
  /** bytes on disk (archives and manifest) */
  size: number;
  volumes: string[];
  verify?: VerifyRecord;
}

/** `2026-11-23T12-40-05Z`: sortable, no colons (fine on every file system). */
export function timestampName(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** Default backup root of a project: `<dir>/backups/<project>`. */
export function defaultRoot(projectDir: string, project: string): string {
  return path.join(projectDir, 'backups', project);
}

export function readVerify(dir: string): VerifyRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, VERIFY_FILE), 'utf8')) as VerifyRecord;
  } catch {
    return undefined;
  }
}

function dirSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirSize(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Complete backups under `root` (optionally of one project), newest first. */
export function listBackups(root: string, project?: string): BackupInfo[] {
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.includes(PARTIAL_MARK)).map((e) => e.name);
  } catch {
    return [];
  }
  const out: BackupInfo[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    let m: Manifest;
    try {
      m = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    } catch {
      continue;
    }
    if (m?.tool !== 'shipshape' || !Array.isArray(m.volumes)) continue;
    if (project && m.project !== project) continue;
    out.push({ dir, name, project: m.project, createdAt: m.createdAt, size: dirSize(dir), volumes: m.volumes.map((v) => v.key), verify: readVerify(dir) });
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name < b.name ? 1 : -1));
}

/**
 * Which backups `--keep N` removes: all but the N newest; the newest one whose last verification
 * passed is never removed (even when that keeps N + 1).
 */
export function selectForRemoval<T extends Pick<BackupInfo, 'createdAt' | 'name'> & { verify?: Pick<VerifyRecord, 'ok'> }>(backups: readonly T[], keep: number): T[] {
  if (!Number.isInteger(keep) || keep < 0) throw new Error(`--keep must be a whole number >= 0, got ${keep}`);
  const sorted = [...backups].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name < b.name ? 1 : -1));
  const newestVerified = sorted.find((b) => b.verify?.ok === true);
  return sorted.slice(keep).filter((b) => b !== newestVerified);
}

export async function applyRetention(root: string, project: string, keep: number): Promise<BackupInfo[]> {
  const remove = selectForRemoval(listBackups(root, project), keep);
  for (const b of remove) await rm(b.dir, { recursive: true, force: true });
  return remove;
}

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatAge(fromIso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d`;
}
