/** Helpers rules share: walking services of every loaded unit, positions, builds, ports, env. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DockerfileInfo } from '../audit/dockerfile.js';
import type { ComposeUnit, RepoModel } from '../audit/types.js';
import type { LoadedProject } from '../load/project.js';
import { keyOriginOf, originOf, type Origin } from '../load/origin.js';
import { isMapping, isRemoteContext } from '../load/paths.js';
import type { Mapping, Value } from '../load/types.js';

export { isMapping };

export interface ServiceRef {
  name: string;
  svc: Mapping;
  unit: ComposeUnit;
  project: LoadedProject;
  /** profiles of the service (empty: always on) */
  profiles: string[];
}

/** Every service of every unit that loaded (all profiles active). */
export function services(repo: RepoModel): ServiceRef[] {
  const out: ServiceRef[] = [];
  for (const unit of repo.units) {
    const project = unit.project;
    if (!project) continue;
    for (const [name, svc] of Object.entries({ ...project.services, ...project.disabledServices })) {
      out.push({ name, svc, unit, project, profiles: Array.isArray(svc.profiles) ? svc.profiles.map(String) : [] });
    }
  }
  return out;
}

/** Where a service is defined (its key under `services:`). */
export function serviceOrigin(ref: ServiceRef): Origin | undefined {
  return keyOriginOf(ref.project.model.services, ref.name) ?? originOf(ref.svc);
}

/** Where `svc[key]` is written, falling back to the service itself. */
export function at(ref: ServiceRef, ...keys: (string | number)[]): Origin | undefined {
  let node: unknown = ref.svc;
  let best = serviceOrigin(ref);
  for (const k of keys) {
    if (node === null || typeof node !== 'object') break;
    const o = originOf(node, k);
    if (o) best = o;
    node = (node as Record<string | number, unknown>)[k];
  }
  return best;
}

export interface BuildInfo {
  /** absolute context directory (undefined for a remote context) */
  context?: string;
  remote: boolean;
  contextExists: boolean;
  /** absolute Dockerfile path (undefined with dockerfile_inline or a remote context) */
  dockerfile?: string;
  dockerfileExists: boolean;
  inline: boolean;
  info?: DockerfileInfo;
  target?: string;
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

export function isFile(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

// rules ask for the same build many times: compute it once per service definition
const builds = new WeakMap<object, BuildInfo | undefined>();

/** The build of a service: where its context and Dockerfile are, and the parsed Dockerfile. */
export function buildOf(repo: RepoModel, ref: ServiceRef): BuildInfo | undefined {
  if (builds.has(ref.svc)) return builds.get(ref.svc);
  const info = computeBuild(repo, ref);
  builds.set(ref.svc, info);
  return info;
}

function computeBuild(repo: RepoModel, ref: ServiceRef): BuildInfo | undefined {
  const b = ref.svc.build;
  if (!isMapping(b)) return undefined;
  const ctx = typeof b.context === 'string' ? b.context : '.';
  const remote = isRemoteContext(ctx);
  const context = remote ? undefined : path.resolve(ref.project.projectDir, ctx);
  const inline = typeof b.dockerfile_inline === 'string';
  const info: BuildInfo = { remote, contextExists: !!context && isDirectory(context), dockerfileExists: false, inline };
  if (context) info.context = context;
  if (typeof b.target === 'string') info.target = b.target;
  if (!remote && !inline && context) {
    const df = typeof b.dockerfile === 'string' ? b.dockerfile : 'Dockerfile';
    info.dockerfile = path.isAbsolute(df) ? df : path.join(context, df);
    info.dockerfileExists = isFile(info.dockerfile);
    if (info.dockerfileExists) {
      const parsed = repo.dockerfile(info.dockerfile);
      if (parsed) info.info = parsed;
    }
  }
  return info;
}

/** The stage a build ends in: its `target`, else the last stage. */
export function finalStage(build: BuildInfo) {
  const info = build.info;
  if (!info) return undefined;
  if (build.target) return info.stages.find((s) => s.name?.toLowerCase() === build.target!.toLowerCase()) ?? info.final;
  return info.final;
}

export interface PublishedPort {
  hostIp: string;
  /** as written in the model: "8080", "8000-8010", or undefined for an ephemeral port */
  published?: string;
  target: number;
  protocol: string;
  index: number;
  origin?: Origin;
}

export function publishedPorts(ref: ServiceRef): PublishedPort[] {
  const ports = ref.svc.ports;
  if (!Array.isArray(ports)) return [];
  const out: PublishedPort[] = [];
  ports.forEach((p, index) => {
    if (!isMapping(p)) return;
    const port: PublishedPort = {
      hostIp: typeof p.host_ip === 'string' && p.host_ip ? p.host_ip : '',
      target: Number(p.target),
      protocol: typeof p.protocol === 'string' ? p.protocol : 'tcp',
      index,
    };
    if (p.published !== undefined && p.published !== null && p.published !== '') port.published = String(p.published);
    const o = at(ref, 'ports', index);
    if (o) port.origin = o;
    out.push(port);
  });
  return out;
}

/** True for a host IP that binds every interface. */
export function isAllInterfaces(hostIp: string): boolean {
  return hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::' || hostIp === '[::]';
}

export interface EnvEntry {
  key: string;
  value: string | null;
  origin?: Origin;
}

/** The service's resolved environment (env_file folded in), with positions. */
export function envEntries(ref: ServiceRef): EnvEntry[] {
  const env = ref.svc.environment;
  if (!isMapping(env)) return [];
  return Object.entries(env).map(([key, v]) => {
    const e: EnvEntry = { key, value: v === null ? null : String(v) };
    const o = originOf(env, key);
    if (o) e.origin = o;
    return e;
  });
}

/** Split an image reference (`registry/repo:tag@sha256:…`) into the part before the tag, the tag and the digest. */
export function splitImageRef(image: string): { rest: string; tag?: string; digest?: string } {
  let rest = image;
  let digest: string | undefined;
  const at_ = rest.indexOf('@');
  if (at_ >= 0) {
    digest = rest.slice(at_ + 1);
    rest = rest.slice(0, at_);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const out: { rest: string; tag?: string; digest?: string } = { rest };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** The image reference of a service, split. */
export function imageOf(ref: ServiceRef): { full: string; repo: string; name: string; tag?: string; digest?: string } | undefined {
  const image = ref.svc.image;
  if (typeof image !== 'string' || !image) return undefined;
  const { rest, tag, digest } = splitImageRef(image);
  const name = rest.split('/').pop() ?? rest;
  const out: { full: string; repo: string; name: string; tag?: string; digest?: string } = { full: image, repo: rest, name };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** The service's command as one string (for pattern checks). */
export function commandText(v: Value | undefined): string {
  if (Array.isArray(v)) return v.map(String).join(' ');
  return typeof v === 'string' ? v : '';
}

export function fileExists(p: string): boolean {
  return existsSync(p);
}
