/**
 * `shipshape backup`: one gzip tar per named volume plus manifest.json, read through the Engine
 * API's archive endpoint on a temporary (never started) container. The tar is streamed through a
 * hashing parser and gzip to the file, never held in memory. Written into a `.partial-*` folder
 * that is renamed when complete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, open } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import type Dockerode from 'dockerode';
import { connectEngine, type Engine } from '../engine/client.js';
import { defaultImageName, loadForPreflight, type ProjectInputs } from '../run/preflight.js';
import { dependsOnOf } from '../run/specs.js';
import { LoadError } from '../load/errors.js';
import type { LoadedProject } from '../load/project.js';
import type { Mapping, Value } from '../load/types.js';
import { writeFileAtomic } from '../util/atomic.js';
import {
  archiveDocker,
  containersUsing,
  execHook,
  orderContainers,
  pickImage,
  readVolume,
  startContainers,
  stopContainers,
  volumeLabels,
  withVolumeContainer,
  type ArchiveDocker,
} from './engine-io.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, scanTar, type Manifest, type VolumeRecord } from './manifest.js';
import { applyRetention, defaultRoot, PARTIAL_MARK, timestampName, type BackupInfo } from './store.js';

export interface Log {
  info(s: string): void;
  warn(s: string): void;
}

export const quietLog: Log = { info: () => {}, warn: () => {} };

export function toolVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const p = JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as { name?: string; version?: string };
      if (p.name === 'shipshape' && p.version) return p.version;
    } catch {
      /* try the next */
    }
  }
  return '0.0.0';
}

function isMap(v: Value | undefined): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ProjectVolume {
  key: string;
  name: string;
  external: boolean;
  services: string[];
}

/** The project's named volumes with their engine names and the services that mount them. */
export function projectVolumes(project: Pick<LoadedProject, 'name' | 'volumes' | 'services'>): ProjectVolume[] {
  return Object.entries(project.volumes).map(([key, def]) => {
    const d = isMap(def) ? def : {};
    const name = typeof d.name === 'string' && d.name ? d.name : `${project.name}_${key}`;
    const services = Object.entries(project.services)
      .filter(([, svc]) => Array.isArray(svc.volumes) && svc.volumes.some((m) => isMap(m) && m.type === 'volume' && m.source === key))
      .map(([s]) => s)
      .sort();
    return { key, name, external: d.external === true, services };
  });
}

/** Services in dependency order (dependencies first; ties by name; cycles broken by name). */
export function serviceOrder(services: Record<string, Mapping>): string[] {
  const names = Object.keys(services).sort();
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (n: string, stack: Set<string>) => {
    if (done.has(n) || stack.has(n) || !services[n]) return;
    stack.add(n);
    for (const d of Object.keys(dependsOnOf(services[n]!)).sort()) visit(d, stack);
    stack.delete(n);
    done.add(n);
    out.push(n);
  };
  for (const n of names) visit(n, new Set());
  return out;
}

export interface Hook {
  service: string;
  pre?: string;
  post?: string;
}

/** `x-shipshape: {backup: {pre, post}}` of each service. */
export function backupHooks(services: Record<string, Mapping>): Hook[] {
  const out: Hook[] = [];
  for (const [service, svc] of Object.entries(services)) {
    const x = svc['x-shipshape'];
    const b = isMap(x) ? x.backup : undefined;
    if (!isMap(b)) continue;
    const pre = typeof b.pre === 'string' && b.pre.trim() ? b.pre : undefined;
    const post = typeof b.post === 'string' && b.post.trim() ? b.post : undefined;
    if (pre || post) out.push({ service, pre, post });
  }
  return out;
}

/** Local images of the project's services (`image:`, or the name Compose gives a built one). */
export function projectImages(project: Pick<LoadedProject, 'name' | 'services'>): string[] {
  const out: string[] = [];
  for (const [s, svc] of Object.entries(project.services)) {
    if (typeof svc.image === 'string' && svc.image) out.push(svc.image);
    else if (svc.build !== undefined) out.push(defaultImageName(project.name, s, 'v2'), defaultImageName(project.name, s, 'v1'));
  }
  return [...new Set(out)];
}

/** Copy the volume's tar stream to `file` (gzip) while describing every entry. Nothing is held in memory. */
export async function archiveStream(source: Readable, file: string, gzipLevel = 6): Promise<Omit<VolumeRecord, 'key' | 'name' | 'services' | 'archive' | 'labels'>> {
  const hash = createHash('sha256');
  let archiveSize = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      archiveSize += chunk.length;
      cb(null, chunk);
    },
  });
  const out = createWriteStream(file, { flags: 'wx' });
  const write = pipeline(source, createGzip({ level: gzipLevel }), count, out);
  const scan = scanTar(source);
  // one failing side stops the other
  const [w, s] = await Promise.allSettled([write, scan]);
  if (w.status === 'rejected') {
    source.destroy();
    throw w.reason;
  }
  if (s.status === 'rejected') throw s.reason;
  const fh = await open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { archiveSha256: hash.digest('hex'), archiveSize, size: s.value.size, fileCount: s.value.fileCount, entries: s.value.entries };
}

export interface BackupOptions extends ProjectInputs {
  volumes?: string[];
  to?: string;
  stop?: boolean;
  keep?: number;
  gzipLevel?: number;
  /** image for the temporary containers (default: a project image present locally, else any local image) */
  image?: string;
  engine?: Engine;
  log?: Log;
  now?: Date;
}

export interface BackupResult {
  dir: string;
  manifest: Manifest;
  stopped: string[];
  removed: BackupInfo[];
  warnings: string[];
}

export async function runBackup(opts: BackupOptions): Promise<BackupResult> {
  const log = opts.log ?? quietLog;
  const warnings: string[] = [];
  const warn = (s: string) => {
    warnings.push(s);
    log.warn(s);
  };
  const loaded = loadForPreflight(opts);
  if (loaded.error || !loaded.project) {
    const e = loaded.error;
    throw new Error(e instanceof LoadError ? e.toLine() : e ? (e as Error).message : `the project does not load: ${loaded.missing.map((m) => m.message).join('; ')}`);
  }
  const project = loaded.project;
  const all = projectVolumes(project);
  if (!all.length) throw new Error(`project ${project.name} has no named volumes to back up`);
  let selected = all;
  if (opts.volumes?.length) {
    selected = [];
    for (const v of opts.volumes) {
      const found = all.find((x) => x.key === v || x.name === v);
      if (!found) throw new Error(`no volume ${v} in project ${project.name} (its volumes: ${all.map((x) => x.key).join(', ')})`);
      if (!selected.includes(found)) selected.push(found);
    }
  }
  if (opts.keep !== undefined && (!Number.isInteger(opts.keep) || opts.keep < 1)) throw new Error(`--keep must be a whole number >= 1, got ${opts.keep}`);

  const engine = opts.engine ?? connectEngine({ env: opts.env });
  const docker = archiveDocker(engine.docker);
  const labels = new Map<string, Record<string, string>>();
  for (const v of selected) {
    const l = await volumeLabels(docker, v.name);
    if (!l) throw new Error(`volume ${v.name} (${v.key}) does not exist on the engine; has the project been started?`);
    labels.set(v.name, l);
  }

  const finalDir = path.resolve(opts.to ?? path.join(defaultRoot(path.resolve(opts.dir), project.name), timestampName(opts.now)));
  if (existsSync(finalDir)) throw new Error(`${finalDir} already exists; choose another --to`);
  const parent = path.dirname(finalDir);
  await mkdir(parent, { recursive: true });
  const tmpDir = path.join(parent, `.${path.basename(finalDir)}${PARTIAL_MARK}${process.pid}-${randomBytes(3).toString('hex')}`);
  await mkdir(tmpDir);

  const order = serviceOrder(project.services);
  const hooks = backupHooks(project.services);
  const image = opts.image ?? (await pickImage(docker, projectImages(project)));
  const gzipLevel = opts.gzipLevel ?? 6;

  // writers: running containers that mount a selected volume
  const users = new Map<string, Dockerode.ContainerInfo>();
  for (const v of selected) for (const c of await containersUsing(docker, v.name)) users.set(c.Id, c);
  const running = orderContainers([...users.values()].filter((c) => c.State === 'running'), order);

  let stopped: string[] = [];
  const postHooks: Hook[] = [];
  let complete = false;
  try {
    for (const h of hooks) {
      if (!h.pre && !h.post) continue;
      const ids = await hookContainers(docker, project.name, h.service);
      if (h.pre) {
        if (!ids.length) throw new Error(`service ${h.service} has a backup pre hook but no running container to run it in`);
        for (const id of ids) {
          log.info(`pre hook (${h.service}): ${h.pre}`);
          const r = await execHook(docker, id, h.pre);
          if (r.exitCode !== 0) throw new Error(`pre hook of ${h.service} failed with exit code ${r.exitCode}${r.output ? `: ${r.output}` : ''}`);
        }
      }
      postHooks.push(h);
    }
    if (opts.stop) {
      if (running.length) log.info(`stopping ${running.map(describe).join(', ')}`);
      // dependants first
      stopped = await stopContainers(docker, [...running].reverse().map((c) => c.Id));
    } else if (running.length) {
      warn(`${running.map(describe).join(', ')} ${running.length === 1 ? 'is' : 'are'} running and ${running.length === 1 ? 'mounts' : 'mount'} the volume; a running writer may leave an inconsistent copy (use --stop)`);
    }

    const records: VolumeRecord[] = [];
    for (const v of selected) {
      const archive = `${safeFileName(v.key)}.tar.gz`;
      log.info(`backing up ${v.name} -> ${path.join(finalDir, archive)}`);
      const rec = await withVolumeContainer(docker, image, v.name, { readOnly: true }, async (c) => archiveStream(await readVolume(c), path.join(tmpDir, archive), gzipLevel));
      records.push({ key: v.key, name: v.name, services: v.services, archive, labels: labels.get(v.name), ...rec });
    }
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      tool: 'shipshape',
      toolVersion: toolVersion(),
      project: project.name,
      createdAt: (opts.now ?? new Date()).toISOString(),
      serviceOrder: order,
      images: [...new Set([image, ...projectImages(project)])],
      gzipLevel,
      stopped: Boolean(opts.stop),
      volumes: records,
    };
    writeFileAtomic(path.join(tmpDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(tmpDir, finalDir);
    complete = true;
    const removed = opts.keep !== undefined ? await applyRetention(parent, project.name, opts.keep) : [];
    for (const r of removed) log.info(`removed old backup ${r.dir}`);
    return { dir: finalDir, manifest, stopped, removed, warnings };
  } finally {
    if (!complete) await rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    if (stopped.length) {
      const started = [...stopped].reverse(); // dependencies first
      log.info(`starting ${started.length} container${started.length === 1 ? '' : 's'} again`);
      const errors = await startContainers(docker, started);
      for (const e of errors) warn(e);
    }
    for (const h of postHooks) {
      if (!h.post) continue;
      for (const id of await hookContainers(docker, project.name, h.service)) {
        log.info(`post hook (${h.service}): ${h.post}`);
        const r = await execHook(docker, id, h.post).catch((e: Error) => ({ exitCode: -1, output: e.message }));
        if (r.exitCode !== 0) warn(`post hook of ${h.service} failed with exit code ${r.exitCode}${r.output ? `: ${r.output}` : ''}`);
      }
    }
  }
}

function describe(c: Dockerode.ContainerInfo): string {
  return (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
}

function safeFileName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
}

async function hookContainers(docker: ArchiveDocker, project: string, service: string): Promise<string[]> {
  const list = await docker.listContainers({
    all: false,
    filters: { label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`], status: ['running'] },
  });
  return list.map((c) => c.Id);
}
