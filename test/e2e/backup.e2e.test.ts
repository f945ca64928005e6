/**
 * Backup and restore against a real engine: a volume with nested folders, a symlink, an empty
 * folder, files owned by a non-root uid, odd modes and mtimes, names with spaces and unicode, and a
 * 100 MiB random file; backed up (with --stop and hooks), deleted, restored: every file's sha256,
 * mode, owner, mtime and the symlinks are compared with a listing made by busybox in a container
 * (independent of shipshape). Also: a truncated archive is refused, a non-empty target needs
 * --force, --stop restarts the services after a failure, --keep N keeps N, verify leaves no
 * scratch volume behind, and copyUIDGID behaves as engine-io.ts says.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBackup } from '../../src/backup/backup.js';
import { listBackups } from '../../src/backup/store.js';
import { backupCommand, backupVerifyCommand } from '../../src/commands/backup.js';
import { backupsCommand } from '../../src/commands/backups.js';
import { restoreCommand } from '../../src/commands/restore.js';
import type { ComposeProject } from '../../src/engine/compose-cli.js';
import { buildBusyboxImage, compose, docker, requireEngine, run, uniqueProjectName } from '../helpers/index.js';

const engine = await requireEngine();

const BIG = 100 * 1024 * 1024;

/** Every entry under /data: path|type|mode|uid|gid|mtime|sha256-or-link, made by busybox in a container. */
async function listing(image: string, volume: string): Promise<string[]> {
  const script = [
    'cd /data',
    'find . | sort | while IFS= read -r f; do',
    '  t=$(stat -c "%F|%a|%u|%g" "$f")',
    '  if [ -L "$f" ]; then x="-> $(readlink "$f")"; m=-;',
    '  elif [ -f "$f" ]; then x=$(sha256sum "$f" | cut -d" " -f1); m=$(stat -c %Y "$f");',
    '  else x=-; m=$(stat -c %Y "$f"); fi',
    '  echo "$f|$t|$m|$x"',
    'done',
  ].join('\n');
  const r = await docker(['run', '--rm', '--network', 'none', '-v', `${volume}:/data:ro`, image, 'sh', '-c', script], { timeoutMs: 60_000 });
  return r.stdout.trim().split('\n');
}

async function volumeExists(name: string): Promise<boolean> {
  return (await run(['docker', 'volume', 'inspect', name])).code === 0;
}

async function runningServices(project: ComposeProject): Promise<string[]> {
  const r = await compose(project, ['ps', '--services', '--filter', 'status=running']).catch(() => undefined);
  if (r) return r.stdout.trim().split('\n').filter(Boolean).sort();
  // v1 without --filter support: fall back to the engine
  const ps = await docker(['ps', '--filter', `label=com.docker.compose.project=${project.projectName}`, '--format', '{{.Label "com.docker.compose.service"}}']);
  return ps.stdout.trim().split('\n').filter(Boolean).sort();
}

describe.runIf(engine)('backup and restore on a real engine', () => {
  let dir = '';
  let image = '';
  let project: ComposeProject = {};
  let name = '';
  let dataVol = '';
  let smallVol = '';
  let before: string[] = [];
  let backupDir = '';
  const timings: Record<string, number> = {};
  const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      timings[label] = Date.now() - t0;
    }
  };
  // keep the commands' output out of the test log
  const quiet = () => {
    const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    return () => {
      o.mockRestore();
      e.mockRestore();
    };
  };

  beforeAll(async () => {
    image = await buildBusyboxImage();
    dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-e2e-backup-'));
    name = uniqueProjectName('shipshape-bk');
    dataVol = `${name}_data`;
    smallVol = `${name}_small`;
    writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      [
        'version: "2.4"',
        'services:',
        '  db:',
        `    image: ${image}`,
        '    command: ["sleep", "3600"]',
        '    stop_signal: SIGKILL',
        '    volumes: ["data:/data", "small:/small"]',
        '  app:',
        `    image: ${image}`,
        '    command: ["sleep", "3600"]',
        '    stop_signal: SIGKILL',
        '    depends_on: [db]',
        '    volumes: ["data:/data"]',
        '    x-shipshape:',
        '      backup:',
        '        pre: "date > /tmp/pre-hook && echo pre > /data/pre-hook-ran"',
        '        post: "date > /tmp/post-hook"',
        'volumes:',
        '  data: {}',
        '  small: {}',
        '',
      ].join('\n'),
    );
    project = { projectName: name, files: [path.join(dir, 'docker-compose.yml')], projectDir: dir };
    await compose(project, ['up', '-d']);
    const fill = [
      'set -e',
      'cd /data',
      'mkdir -p "nested/deeper/deepest" "empty dir" "ünïcødé 文件夹"',
      'echo "hello world" > "nested/deeper/deepest/a file.txt"',
      'printf "x%.0s" $(seq 1 1000) > "ünïcødé 文件夹/naïve café.txt"',
      'ln -s "nested/deeper/deepest/a file.txt" "link to file"',
      'ln -s ../.. "nested/deeper/up"',
      'ln -s /nonexistent dangling',
      'echo secret > owned && chown 1234:5678 owned && chmod 600 owned',
      'chown -R 1234:5678 nested && chmod 2750 nested/deeper',
      'echo x > setuid && chmod 4755 setuid',
      `head -c ${BIG} /dev/urandom > big.bin`,
      'touch -d "2020-01-02 03:04:05" "nested/deeper/deepest/a file.txt" owned',
      'touch -d "2019-05-06 07:08:09" "empty dir"',
      'chmod 700 "empty dir"',
    ].join('\n');
    await timed('fill', () => docker(['run', '--rm', '--network', 'none', '-v', `${dataVol}:/data`, image, 'sh', '-c', fill], { timeoutMs: 120_000 }));
    await docker(['run', '--rm', '--network', 'none', '-v', `${smallVol}:/small`, image, 'sh', '-c', 'echo one > /small/one && mkdir /small/d && echo two > /small/d/two'], { timeoutMs: 60_000 });
  }, 180_000);

  afterAll(async () => {
    console.log(`[backup e2e] durations (ms): ${JSON.stringify(timings)}`);
    try {
      if (project.projectName) await compose(project, ['down', '-v', '--timeout', '1']).catch(() => undefined);
      for (const v of [dataVol, smallVol, `${name}_copy`, `${name}_trunc`]) if (v) await run(['docker', 'volume', 'rm', '-f', v]);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('backs up with --stop and hooks, and starts the services again', async () => {
    backupDir = path.join(dir, 'backups', name, 'first');
    const restore = quiet();
    let code: number;
    try {
      code = await timed('backup', () => backupCommand(dir, { projectName: name, to: backupDir, stop: true }));
    } finally {
      restore();
    }
    expect(code).toBe(0);
    expect(existsSync(path.join(backupDir, 'manifest.json'))).toBe(true);
    expect(readdirSync(path.dirname(backupDir)).filter((n) => n.includes('.partial-'))).toEqual([]);
    const m = JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
    const data = m.volumes.find((v: { key: string }) => v.key === 'data');
    expect(data.name).toBe(dataVol);
    expect(data.services).toEqual(['app', 'db']);
    expect(data.entries['big.bin'].size).toBe(BIG);
    expect(data.entries['pre-hook-ran']).toBeDefined(); // the pre hook ran before the copy
    expect(data.entries['link to file']).toMatchObject({ type: 'symlink', link: 'nested/deeper/deepest/a file.txt' });
    expect(data.entries.owned).toMatchObject({ uid: 1234, gid: 5678, mode: 0o600 });
    expect(await runningServices(project)).toEqual(['app', 'db']);
    // post hook ran (after the restart)
    const ps = await compose(project, ['ps', '-q', 'app']);
    await docker(['exec', ps.stdout.trim(), 'test', '-f', '/tmp/post-hook']);
    before = await listing(image, dataVol);
    expect(before.length).toBeGreaterThan(10);
  }, 120_000);

  it('restores a deleted volume: contents, modes, owners, mtimes and symlinks identical', async () => {
    await compose(project, ['down', '--timeout', '1']);
    await docker(['volume', 'rm', dataVol]);
    const restore = quiet();
    let code: number;
    try {
      code = await timed('restore', () => restoreCommand(backupDir, { volume: ['data'] }));
    } finally {
      restore();
    }
    expect(code).toBe(0);
    expect(await listing(image, dataVol)).toEqual(before);
    // Compose takes the restored volume as its own (labels restored)
    const labels = await docker(['volume', 'inspect', '--format', '{{json .Labels}}', dataVol]);
    expect(JSON.parse(labels.stdout)).toMatchObject({ 'com.docker.compose.project': name, 'com.docker.compose.volume': 'data' });
  }, 120_000);

  it('refuses a truncated archive and changes nothing', async () => {
    const bad = path.join(dir, 'truncated');
    mkdirSync(bad);
    for (const f of readdirSync(backupDir)) copyFileSync(path.join(backupDir, f), path.join(bad, f));
    truncateSync(path.join(bad, 'data.tar.gz'), 1024 * 1024);
    const err: string[] = [];
    const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    let code: number;
    try {
      code = await restoreCommand(bad, { volume: ['data'], into: `${name}_trunc` });
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/truncated or corrupt.*nothing was changed/);
    expect(await volumeExists(`${name}_trunc`)).toBe(false);
  }, 60_000);

  it('refuses a non-empty target without --force, replaces it with --force', async () => {
    await docker(['run', '--rm', '-v', `${dataVol}:/data`, image, 'sh', '-c', 'echo stray > /data/stray && echo changed > "/data/nested/deeper/deepest/a file.txt"']);
    const restore = quiet();
    try {
      expect(await restoreCommand(backupDir, { volume: ['data'] })).toBe(1);
      expect((await listing(image, dataVol)).some((l) => l.startsWith('./stray|'))).toBe(true);
      expect(await restoreCommand(backupDir, { volume: ['data'], force: true })).toBe(0);
    } finally {
      restore();
    }
    expect(await listing(image, dataVol)).toEqual(before);
  }, 120_000);

  it('verify restores into a scratch volume, compares, records the result and removes the scratch volume', async () => {
    const restore = quiet();
    let code: number;
    try {
      code = await timed('verify', () => backupVerifyCommand(backupDir, {}));
    } finally {
      restore();
    }
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(backupDir, 'verify.json'), 'utf8'))).toMatchObject({ ok: true, problems: [] });
    const left = await docker(['volume', 'ls', '-q', '--filter', 'label=io.shipshape.scratch']);
    expect(left.stdout.trim()).toBe('');
  }, 120_000);

  it('--stop starts the services again after a forced failure', async () => {
    await compose(project, ['up', '-d']);
    expect(await runningServices(project)).toEqual(['app', 'db']);
    await expect(runBackup({ dir, projectName: name, volumes: ['small'], stop: true, image: 'shipshape-test/no-such-image:0', to: path.join(dir, 'failed') })).rejects.toThrow();
    expect(await runningServices(project)).toEqual(['app', 'db']);
    expect(existsSync(path.join(dir, 'failed'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.partial-'))).toEqual([]);
  }, 60_000);

  it('--keep N keeps exactly N complete backups (and backups lists them)', async () => {
    const root = path.join(dir, 'keep');
    for (const n of ['a', 'b', 'c', 'd']) {
      await runBackup({ dir, projectName: name, volumes: ['small'], to: path.join(root, n), keep: 2 });
    }
    expect(listBackups(root, name).map((b) => b.name)).toEqual(['d', 'c']);
    const out: string[] = [];
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      expect(await backupsCommand(dir, { in: root, json: true })).toBe(0);
    } finally {
      o.mockRestore();
    }
    expect(JSON.parse(out.join('')).backups.map((b: { name: string }) => b.name)).toEqual(['d', 'c']);
  }, 60_000);

  it('copyUIDGID=true chowns to the container user; false keeps the tar owners (engine-io.ts note)', async () => {
    const vol = `${name}_copy`;
    await docker(['volume', 'create', vol]);
    const c = (await docker(['create', '--user', 'nobody', '-v', `${vol}:/data`, image, 'true'])).stdout.trim();
    try {
      const Dockerode = (await import('dockerode')).default;
      const d = new Dockerode() as unknown as { getContainer(id: string): { putArchive(b: Buffer, o: Record<string, string>): Promise<unknown> } };
      const tarStream = await import('tar-stream');
      const pack = tarStream.pack();
      const chunks: Buffer[] = [];
      pack.on('data', (b: Buffer) => chunks.push(b));
      const ended = new Promise((r) => pack.on('end', r));
      pack.entry({ name: 'data/f', uid: 42, gid: 43, mode: 0o644 }, 'x');
      pack.finalize();
      await ended;
      const body = Buffer.concat(chunks);
      await d.getContainer(c).putArchive(body, { path: '/', copyUIDGID: 'true' });
      const owner = async () => (await docker(['run', '--rm', '-v', `${vol}:/data`, image, 'stat', '-c', '%u:%g', '/data/f'])).stdout.trim();
      expect(await owner()).toBe('65534:65534');
      await d.getContainer(c).putArchive(body, { path: '/', copyUIDGID: 'false' });
      expect(await owner()).toBe('42:43');
    } finally {
      await run(['docker', 'rm', '-f', c]);
    }
  }, 60_000);
});
