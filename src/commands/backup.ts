/**
 * `shipshape backup [DIR] [--volume V]... [--to DIR] [--stop] [--keep N] [--json]` and
 * `shipshape backup verify BACKUP_DIR [--json]`.
 */
import path from 'node:path';
import { EXIT, colors, reportError } from '../cli/output.js';
import { runBackup, type Log } from '../backup/backup.js';
import { runVerify } from '../backup/restore.js';
import { formatSize } from '../backup/store.js';
import type { Engine } from '../engine/client.js';

export interface BackupFlags {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
  volume?: string[];
  to?: string;
  stop?: boolean;
  keep?: string | number;
  json?: boolean;
  /** image for the temporary containers (default: a project image present locally) */
  image?: string;
  /** gzip level 1-9 (default 6, as `tar czf`) */
  level?: string | number;
  /** tests */
  engine?: Engine;
}

export function stderrLog(json: boolean | undefined): Log {
  const c = colors(process.stderr);
  return {
    info: (s) => {
      if (!json) process.stderr.write(`${s}\n`);
    },
    warn: (s) => process.stderr.write(`${c.yellow('warning')}: ${s}\n`),
  };
}

function parseWhole(v: string | number | undefined, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number.parseInt(v, 10) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${what} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${String(v)}`);
  return n;
}

export async function backupCommand(dir: string | undefined, flags: BackupFlags): Promise<number> {
  let keep: number | undefined;
  let level: number | undefined;
  try {
    keep = parseWhole(flags.keep, '--keep', 1);
    level = parseWhole(flags.level, '--level', 1, 9);
  } catch (e) {
    return reportError(e);
  }
  try {
    const r = await runBackup({
      dir: path.resolve(dir ?? '.'),
      files: flags.file,
      profiles: flags.profile,
      envFiles: flags.envFile,
      projectName: flags.projectName,
      projectDirectory: flags.projectDirectory,
      root: flags.root,
      volumes: flags.volume,
      to: flags.to,
      stop: flags.stop,
      keep,
      gzipLevel: level,
      image: flags.image,
      engine: flags.engine,
      log: stderrLog(flags.json),
    });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          {
            ok: true,
            dir: r.dir,
            project: r.manifest.project,
            createdAt: r.manifest.createdAt,
            volumes: r.manifest.volumes.map((v) => ({ key: v.key, name: v.name, services: v.services, archive: v.archive, archiveSize: v.archiveSize, archiveSha256: v.archiveSha256, size: v.size, fileCount: v.fileCount })),
            stopped: r.stopped.length,
            removed: r.removed.map((b) => b.dir),
            warnings: r.warnings,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      for (const v of r.manifest.volumes) {
        process.stdout.write(`${v.key} (${v.name}): ${v.fileCount} files, ${formatSize(v.size)} -> ${v.archive} ${formatSize(v.archiveSize)}\n`);
      }
      process.stdout.write(`backup complete: ${r.dir}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, error: (e as Error).message }, null, 2)}\n`);
    reportError(e);
    return EXIT.findings;
  }
}

export interface BackupVerifyFlags {
  json?: boolean;
  image?: string;
  engine?: Engine;
}

export async function backupVerifyCommand(dir: string, flags: BackupVerifyFlags): Promise<number> {
  try {
    const r = await runVerify({ backupDir: dir, image: flags.image, engine: flags.engine, log: stderrLog(flags.json) });
    if (flags.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      for (const v of r.volumes) process.stdout.write(`${v.key}: ${v.files} files, ${formatSize(v.bytes)}, ${v.differences.length ? `${v.differences.length} differences` : 'identical'}\n`);
      for (const p of r.problems) process.stdout.write(`problem: ${p}\n`);
      process.stdout.write(r.ok ? `verified: ${r.dir}\n` : `verification FAILED: ${r.dir}\n`);
    }
    return r.ok ? EXIT.ok : EXIT.findings;
  } catch (e) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, error: (e as Error).message }, null, 2)}\n`);
    reportError(e);
    return EXIT.findings;
  }
}
