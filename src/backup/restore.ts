/**
 * `shipshape restore` and `shipshape backup verify`.
 *
 * Restore checks every selected archive against the manifest (size and sha256) and every target
 * volume (must be empty unless --force) BEFORE writing anything; then stops the containers that
 * mount a target, writes the archive through PUT /containers/{id}/archive of a temporary container
 * (copyUIDGID=false keeps the stored owners: see engine-io.ts), reads the volume back and compares
 * every entry with the manifest, and starts the containers again.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { connectEngine, statusCode, type Engine } from '../engine/client.js';
import { writeFileAtomic } from '../util/atomic.js';
import { quietLog, toolVersion, type Log } from './backup.js';
import {
  archiveDocker,
  containersUsing,
  orderContainers,
  pickImage,
  readVolume,
  startContainers,
  stopContainers,
  volumeLabels,
  withVolumeContainer,
  writeVolume,
  type ArchiveDocker,
} from './engine-io.js';
import { checkArchive, compareEntries, formatDifference, readManifest, scanTar, type Difference, type Manifest, type VolumeRecord } from './manifest.js';
import { VERIFY_FILE, type VerifyRecord } from './store.js';

export interface RestoreOptions {
  backupDir: string;
  volumes?: string[];
  into?: string;
  force?: boolean;
  image?: string;
  engine?: Engine;
  env?: NodeJS.ProcessEnv;
  log?: Log;
}

export interface RestoredVolume {
  key: string;
  target: string;
  files: number;
  bytes: number;
  differences: Difference[];
  /** the volume was recreated (--force on a volume no container used) or written over */
  mode: 'new' | 'empty' | 'recreated' | 'overwritten';
}

export interface RestoreResult {
  ok: boolean;
  project: string;
  volumes: RestoredVolume[];
  restarted: string[];
  warnings: string[];
}

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

function selectVolumes(m: Manifest, names: readonly string[] | undefined): VolumeRecord[] {
  if (!names?.length) return m.volumes;
  const out: VolumeRecord[] = [];
  for (const n of names) {
    const v = m.volumes.find((x) => x.key === n || x.name === n);
    if (!v) throw new RestoreRefused(`the backup has no volume ${n} (it has: ${m.volumes.map((x) => x.key).join(', ')})`);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** Is there anything in the volume besides its root? Reads at most the first entries. */
async function volumeIsEmpty(docker: ArchiveDocker, image: string, name: string): Promise<boolean> {
  return withVolumeContainer(docker, image, name, { readOnly: true }, async (c) => {
    let other = false;
    await scanTar(await readVolume(c), {
      stopAfterFirst: (e) => {
        if (e.path !== '.') other = true;
        return other;
      },
    });
    return !other;
  });
}

async function imageFor(docker: ArchiveDocker, m: Manifest, users: readonly Dockerode.ContainerInfo[], image?: string): Promise<string> {
  if (image) return image;
  return pickImage(docker, [...(m.images ?? []), ...users.map((c) => c.Image)]);
}

/** Read the volume back and compare every entry with the manifest's record. */
export async function compareVolume(docker: ArchiveDocker, image: string, name: string, v: VolumeRecord): Promise<{ differences: Difference[]; files: number; bytes: number }> {
  return withVolumeContainer(docker, image, name, { readOnly: true }, async (c) => {
    const scan = await scanTar(await readVolume(c));
    return { differences: compareEntries(v.entries, scan.entries), files: scan.fileCount, bytes: scan.size };
  });
}

export async function runRestore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.log ?? quietLog;
  const warnings: string[] = [];
  const dir = path.resolve(opts.backupDir);
  const m = await readManifest(dir);
  const selected = selectVolumes(m, opts.volumes);
  if (opts.into !== undefined) {
    if (selected.length !== 1) throw new RestoreRefused(`--into needs exactly one volume; the backup has ${m.volumes.map((x) => x.key).join(', ')}: pick one with --volume`);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]+$/.test(opts.into)) throw new RestoreRefused(`--into ${JSON.stringify(opts.into)} is not a valid volume name`);
  }

  // 1. every archive against the manifest: nothing is written unless all are intact
  for (const v of selected) {
    log.info(`checking ${v.archive}`);
    const check = await checkArchive(dir, v);
    if (!check.ok) throw new RestoreRefused(`refusing to restore: ${check.problem}; nothing was changed`);
  }

  const engine = opts.engine ?? connectEngine({ env: opts.env });
  const docker = archiveDocker(engine.docker);

  // 2. the targets: exist? empty? who uses them?
  const plans: { v: VolumeRecord; target: string; exists: boolean; empty: boolean; users: Dockerode.ContainerInfo[] }[] = [];
  for (const v of selected) {
    const target = opts.into ?? v.name;
    const exists = (await volumeLabels(docker, target)) !== undefined;
    const users = exists ? await containersUsing(docker, target) : [];
    plans.push({ v, target, exists, empty: true, users });
  }
  const image = await imageFor(docker, m, plans.flatMap((p) => p.users), opts.image);
  for (const p of plans) {
    if (!p.exists) continue;
    p.empty = await volumeIsEmpty(docker, image, p.target);
    if (!p.empty && !opts.force) throw new RestoreRefused(`refusing to restore into volume ${p.target}: it is not empty (pass --force to replace its contents, or --into NAME for a new volume); nothing was changed`);
  }

  // 3. stop the containers that mount a target
  const byId = new Map<string, Dockerode.ContainerInfo>();
  for (const p of plans) for (const c of p.users) byId.set(c.Id, c);
  const running = orderContainers([...byId.values()].filter((c) => c.State === 'running'), m.serviceOrder ?? []);
  let stopped: string[] = [];
  const results: RestoredVolume[] = [];
  try {
    if (running.length) log.info(`stopping ${running.length} container${running.length === 1 ? '' : 's'} that mount the target`);
    stopped = await stopContainers(docker, [...running].reverse().map((c) => c.Id));
    for (const p of plans) {
      let mode: RestoredVolume['mode'] = p.exists ? 'empty' : 'new';
      if (p.exists && !p.empty) {
        // --force: start from an empty volume when nothing else holds it; else write over it
        if (!p.users.length) {
          await docker.getVolume(p.target).remove();
          p.exists = false;
          mode = 'recreated';
        } else {
          mode = 'overwritten';
          warnings.push(`volume ${p.target} is used by ${p.users.length} container(s), so it was written over, not emptied: files that are not in the backup stay`);
        }
      }
      if (!p.exists) {
        // the original name gets the Compose labels back, so that Compose takes it as its own
        const labels = p.target === p.v.name ? (p.v.labels ?? {}) : { 'io.shipshape.restored-from': `${m.project}/${p.v.key}` };
        await docker.createVolume({ Name: p.target, Labels: labels });
      }
      log.info(`restoring ${p.v.archive} -> volume ${p.target}`);
      await withVolumeContainer(docker, image, p.target, { readOnly: false }, (c) => writeVolume(c, createReadStream(path.join(dir, p.v.archive))));
      const cmp = await compareVolume(docker, image, p.target, p.v);
      const differences = mode === 'overwritten' ? cmp.differences.filter((d) => d.what !== 'extra') : cmp.differences;
      results.push({ key: p.v.key, target: p.target, files: cmp.files, bytes: cmp.bytes, differences, mode });
    }
  } finally {
    if (stopped.length) {
      const errors = await startContainers(docker, [...stopped].reverse());
      for (const e of errors) warnings.push(e);
    }
  }
  for (const w of warnings) log.warn(w);
  return { ok: results.every((r) => r.differences.length === 0), project: m.project, volumes: results, restarted: stopped, warnings };
}

export interface VerifyResult {
  ok: boolean;
  dir: string;
  project: string;
  problems: string[];
  volumes: { key: string; files: number; bytes: number; differences: Difference[] }[];
}

/**
 * `backup verify`: every archive against the manifest (sha256, then every entry), then a restore
 * into a scratch volume read back and compared file by file; the scratch volume is removed.
 * The outcome is written to verify.json in the backup folder.
 */
export async function runVerify(opts: { backupDir: string; image?: string; engine?: Engine; env?: NodeJS.ProcessEnv; log?: Log; record?: boolean }): Promise<VerifyResult> {
  const log = opts.log ?? quietLog;
  const dir = path.resolve(opts.backupDir);
  const m = await readManifest(dir);
  const problems: string[] = [];
  const volumes: VerifyResult['volumes'] = [];
  const intact: VolumeRecord[] = [];
  for (const v of m.volumes) {
    log.info(`checking ${v.archive}`);
    const c = await checkArchive(dir, v, true);
    if (c.ok) intact.push(v);
    else problems.push(c.problem ?? `${v.archive}: bad`);
  }
  if (intact.length) {
    const engine = opts.engine ?? connectEngine({ env: opts.env });
    const docker = archiveDocker(engine.docker);
    const image = await imageFor(docker, m, [], opts.image);
    for (const v of intact) {
      const scratch = `shipshape-verify-${randomBytes(5).toString('hex')}`;
      log.info(`restoring ${v.archive} into scratch volume ${scratch}`);
      await docker.createVolume({ Name: scratch, Labels: { 'io.shipshape.scratch': 'verify' } });
      try {
        await withVolumeContainer(docker, image, scratch, { readOnly: false }, (c) => writeVolume(c, createReadStream(path.join(dir, v.archive))));
        const cmp = await compareVolume(docker, image, scratch, v);
        volumes.push({ key: v.key, ...cmp });
        for (const d of cmp.differences.slice(0, 20)) problems.push(`${v.key}: ${formatDifference(d)}`);
        if (cmp.differences.length > 20) problems.push(`${v.key}: ... and ${cmp.differences.length - 20} more differences`);
      } finally {
        await docker
          .getVolume(scratch)
          .remove({ force: true })
          .catch((e: unknown) => {
            if (statusCode(e) !== 404) problems.push(`could not remove scratch volume ${scratch}: ${(e as Error).message}`);
          });
      }
    }
  }
  const ok = problems.length === 0;
  if (opts.record !== false) {
    const rec: VerifyRecord = { at: new Date().toISOString(), ok, problems, toolVersion: toolVersion() };
    try {
      writeFileAtomic(path.join(dir, VERIFY_FILE), `${JSON.stringify(rec, null, 2)}\n`);
    } catch (e) {
      log.warn(`could not record the verification in ${VERIFY_FILE}: ${(e as Error).message}`);
    }
  }
  return { ok, dir, project: m.project, problems, volumes };
}
