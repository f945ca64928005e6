/**
 * Engine side of backup and restore: temporary containers that mount a volume (created, NEVER
 * started, so no tool is needed inside any image), the archive endpoints, volumes, stopping and
 * restarting the containers that use a volume, and exec hooks.
 *
 * copyUIDGID (PUT /containers/{id}/archive), checked on Docker 20.10.24 (API 1.41): the Engine API
 * documentation says `copyUIDGID=1` "copies UID/GID maps to the dest file", which reads as "keep
 * the owners". It does the opposite: with `true` the engine chowns EVERY extracted entry to the
 * container's configured `User` (resolved in the container's /etc/passwd; an unknown user makes
 * the PUT fail), and only when the container has no User does it keep the tar's owners. With
 * `false` (the default) the uid/gid stored in the tar are kept (subject only to userns remapping).
 * So restore sends `copyUIDGID=false`, and its temporary container has no User as well.
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { statusCode } from '../engine/client.js';
import { VOLUME_MOUNT } from './manifest.js';

/** The dockerode calls used here (src/engine/dockerode.d.ts declares only what the rest reads). */
export interface ArchiveContainer {
  id: string;
  getArchive(opts: { path: string }): Promise<Readable>;
  putArchive(file: Readable | string | Buffer, opts: { path: string; copyUIDGID?: string; noOverwriteDirNonDir?: string }): Promise<unknown>;
  remove(opts?: { force?: boolean; v?: boolean }): Promise<unknown>;
  start(): Promise<unknown>;
  stop(opts?: { t?: number }): Promise<unknown>;
  inspect(): Promise<Dockerode.ContainerInspectInfo>;
  exec(opts: { Cmd: string[]; AttachStdout?: boolean; AttachStderr?: boolean }): Promise<ExecHandle>;
}

export interface ExecHandle {
  start(opts: { hijack?: boolean; stdin?: boolean }): Promise<Readable>;
  inspect(): Promise<{ Running: boolean; ExitCode: number | null }>;
}

export interface MountSpec {
  Type: 'volume';
  Source: string;
  Target: string;
  ReadOnly?: boolean;
  VolumeOptions?: { NoCopy?: boolean };
}

export interface ArchiveDocker {
  createContainer(opts: {
    Image: string;
    Entrypoint?: string[];
    Cmd?: string[];
    Labels?: Record<string, string>;
    NetworkDisabled?: boolean;
    HostConfig?: { Mounts?: MountSpec[]; NetworkMode?: string };
  }): Promise<ArchiveContainer>;
  getContainer(id: string): ArchiveContainer;
  listContainers(opts?: { all?: boolean; filters?: Dockerode.Filters | string }): Promise<Dockerode.ContainerInfo[]>;
  listImages(opts?: { all?: boolean }): Promise<{ Id: string; RepoTags?: string[] | null; Created: number }[]>;
  getImage(name: string): { inspect(): Promise<unknown> };
  createVolume(opts: { Name: string; Labels?: Record<string, string> }): Promise<unknown>;
  getVolume(name: string): { inspect(): Promise<{ Name: string; Labels: Record<string, string> | null }>; remove(opts?: { force?: boolean }): Promise<unknown> };
  modem: Dockerode.Modem;
}

export function archiveDocker(docker: Dockerode): ArchiveDocker {
  return docker as unknown as ArchiveDocker;
}

export const TEMP_LABEL = 'io.shipshape.backup.temporary';

/** The first of `preferred` present locally, else the newest tagged local image, else any. */
export async function pickImage(docker: ArchiveDocker, preferred: readonly string[]): Promise<string> {
  for (const name of preferred) {
    try {
      await docker.getImage(name).inspect();
      return name;
    } catch {
      /* not present */
    }
  }
  const images = (await docker.listImages()).sort((a, b) => b.Created - a.Created);
  const tagged = images.find((i) => i.RepoTags?.some((t) => t && t !== '<none>:<none>'));
  const tag = tagged?.RepoTags?.find((t) => t && t !== '<none>:<none>');
  if (tag) return tag;
  if (images[0]) return images[0].Id;
  throw new Error('no image is present locally for the temporary container that reads the volume (nothing is pulled); build or pull one of the project images first');
}

/**
 * Create (never start) a container that mounts `volume` at /data, run `fn`, remove it. The mount
 * has NoCopy, so creating it never copies the image's /data into the volume.
 */
export async function withVolumeContainer<T>(
  docker: ArchiveDocker,
  image: string,
  volume: string,
  opts: { readOnly: boolean },
  fn: (c: ArchiveContainer) => Promise<T>,
): Promise<T> {
  const c = await docker.createContainer({
    Image: image,
    Entrypoint: ['/shipshape-backup-never-started'],
    Cmd: [],
    Labels: { [TEMP_LABEL]: 'true' },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: VOLUME_MOUNT, ReadOnly: opts.readOnly, VolumeOptions: { NoCopy: true } }] },
  });
  try {
    return await fn(c);
  } finally {
    await c.remove({ force: true, v: false }).catch(() => undefined);
  }
}

/** The volume as a plain tar stream (entries under `data/`). */
export function readVolume(c: ArchiveContainer): Promise<Readable> {
  return c.getArchive({ path: VOLUME_MOUNT });
}

/**
 * Extract a tar (plain or gzip) into the volume: entries under `data/` go to the mount.
 * copyUIDGID=false keeps the owners stored in the tar (see the note at the top of this file).
 */
export async function writeVolume(c: ArchiveContainer, archive: Readable | string): Promise<void> {
  await c.putArchive(archive, { path: '/', copyUIDGID: 'false', noOverwriteDirNonDir: 'false' });
}

export async function volumeLabels(docker: ArchiveDocker, name: string): Promise<Record<string, string> | undefined> {
  try {
    const v = await docker.getVolume(name).inspect();
    return v.Labels ?? {};
  } catch (e) {
    if (statusCode(e) === 404) return undefined;
    throw e;
  }
}

/** Containers (any state, any project) that mount the volume. */
export async function containersUsing(docker: ArchiveDocker, volume: string): Promise<Dockerode.ContainerInfo[]> {
  const list = await docker.listContainers({ all: true, filters: { volume: [volume] } });
  return list.filter((c) => !c.Labels?.[TEMP_LABEL]);
}

/** Stop running containers (in the given order); returns the ids that were stopped. */
export async function stopContainers(docker: ArchiveDocker, ids: readonly string[], timeoutS = 10): Promise<string[]> {
  const stopped: string[] = [];
  for (const id of ids) {
    try {
      await docker.getContainer(id).stop({ t: timeoutS });
      stopped.push(id);
    } catch (e) {
      if (statusCode(e) === 304) continue; // already stopped
      throw new Error(`cannot stop container ${id.slice(0, 12)}: ${(e as Error).message}`);
    }
  }
  return stopped;
}

/** Start containers in order; every one is tried, errors are collected. */
export async function startContainers(docker: ArchiveDocker, ids: readonly string[]): Promise<string[]> {
  const errors: string[] = [];
  for (const id of ids) {
    try {
      await docker.getContainer(id).start();
    } catch (e) {
      if (statusCode(e) === 304) continue;
      errors.push(`cannot start container ${id.slice(0, 12)}: ${(e as Error).message}`);
    }
  }
  return errors;
}

/** Running containers in dependency order of their Compose service (`order`), others last. */
export function orderContainers(containers: readonly Dockerode.ContainerInfo[], order: readonly string[]): Dockerode.ContainerInfo[] {
  const rank = (c: Dockerode.ContainerInfo) => {
    const i = order.indexOf(c.Labels?.['com.docker.compose.service'] ?? '');
    return i < 0 ? order.length : i;
  };
  const num = (c: Dockerode.ContainerInfo) => Number.parseInt(c.Labels?.['com.docker.compose.container-number'] ?? '0', 10) || 0;
  return [...containers].sort((a, b) => rank(a) - rank(b) || num(a) - num(b) || (a.Id < b.Id ? -1 : 1));
}

/** `sh -c CMD` in a running container; resolves with its exit code and output. */
export async function execHook(docker: ArchiveDocker, id: string, cmd: string): Promise<{ exitCode: number; output: string }> {
  const c = docker.getContainer(id);
  const exec = await c.exec({ Cmd: ['sh', '-c', cmd], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (b: Buffer) => chunks.push(b));
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', reject);
  });
  const raw = Buffer.concat(chunks);
  // non-TTY exec output is multiplexed (8-byte frame headers)
  let text = '';
  let i = 0;
  while (i + 8 <= raw.length && raw[i + 1] === 0 && raw[i + 2] === 0 && raw[i + 3] === 0 && raw[i]! <= 2) {
    const len = raw.readUInt32BE(i + 4);
    text += raw.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  if (i < raw.length) text += raw.subarray(i).toString('utf8');
  let info = await exec.inspect();
  for (let n = 0; info.Running && n < 50; n++) {
    await new Promise((r) => setTimeout(r, 100));
    info = await exec.inspect();
  }
  return { exitCode: info.ExitCode ?? -1, output: text.trim() };
}
