/**
 * Relative paths made absolute (reference §9), on raw or canonical models alike, so the same
 * pass serves an `extends`d file (its own directory), an include (its project directory) and
 * the final model (the project directory). Absolute paths are left alone, so running it twice
 * is harmless.
 */
import os from 'node:os';
import path from 'node:path';
import { copyAllOrigins } from './origin.js';
import type { Mapping, Value } from './types.js';

export function isMapping(v: unknown): v is Mapping {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function expandHome(p: string, env?: (name: string) => string | undefined): string {
  if (p === '~' || p.startsWith('~/')) {
    const home = env?.('HOME') ?? os.homedir();
    return path.join(home, p.slice(1));
  }
  return p;
}

function isWindowsAbs(p: string): boolean {
  return /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

export function absolutize(base: string, p: string, env?: (name: string) => string | undefined): string {
  if (p === '' || isWindowsAbs(p)) return p;
  const expanded = expandHome(p, env);
  if (path.isAbsolute(expanded)) return expanded;
  // Go's filepath.Join cleans the result, trailing slash included
  const joined = path.join(base, expanded);
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
}

/** A build context that is not a local path (kept as written). */
export function isRemoteContext(ctx: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ctx) || ctx.startsWith('git@') || ctx.startsWith('github.com/') || ctx.startsWith('service:') || ctx.startsWith('docker-image://') || ctx.startsWith('target:') || ctx.startsWith('oci-layout://');
}

/** The source part of a short volume spec is a host path (reference §8.1). */
export function isBindSource(src: string): boolean {
  return src.startsWith('.') || src.startsWith('/') || src.startsWith('~') || src.startsWith('\\') || /^[a-zA-Z]:/.test(src);
}

/** Split a short volume spec into source and the rest, handling Windows drive letters. */
export function splitVolumeSource(spec: string): { source: string; rest: string } | undefined {
  const drive = /^[a-zA-Z]:[\\/]/.test(spec) ? 2 : 0;
  const i = spec.indexOf(':', drive);
  if (i < 0) return undefined;
  return { source: spec.slice(0, i), rest: spec.slice(i) };
}

type Env = ((name: string) => string | undefined) | undefined;

function resolveBuild(build: Value, base: string, env: Env): Value {
  if (typeof build === 'string') return isRemoteContext(build) ? build : absolutize(base, build, env);
  if (!isMapping(build)) return build;
  const ctx = build.context;
  if (typeof ctx === 'string' && !isRemoteContext(ctx)) build.context = absolutize(base, ctx, env);
  const add = build.additional_contexts;
  if (isMapping(add)) {
    for (const [k, v] of Object.entries(add)) if (typeof v === 'string' && !isRemoteContext(v)) add[k] = absolutize(base, v, env);
  } else if (Array.isArray(add)) {
    build.additional_contexts = add.map((e) => {
      if (typeof e !== 'string') return e;
      const i = e.indexOf('=');
      if (i < 0) return e;
      const v = e.slice(i + 1);
      return isRemoteContext(v) ? e : `${e.slice(0, i)}=${absolutize(base, v, env)}`;
    });
    copyAllOrigins(add, build.additional_contexts as object);
  }
  const ssh = build.ssh;
  if (isMapping(ssh)) {
    for (const [k, v] of Object.entries(ssh)) if (typeof v === 'string' && v) ssh[k] = absolutize(base, v, env);
  } else if (Array.isArray(ssh)) {
    ssh.forEach((e, i) => {
      if (typeof e !== 'string') return;
      const j = e.indexOf('=');
      if (j > 0) ssh[i] = `${e.slice(0, j)}=${absolutize(base, e.slice(j + 1), env)}`;
    });
  }
  return build;
}

function resolveFileList(v: Value, base: string, env: Env): Value {
  if (typeof v === 'string') return absolutize(base, v, env);
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      if (typeof e === 'string') v[i] = absolutize(base, e, env);
      else if (isMapping(e) && typeof e.path === 'string') e.path = absolutize(base, e.path, env);
    });
    return v;
  }
  if (isMapping(v) && typeof v.path === 'string') v.path = absolutize(base, v.path, env);
  return v;
}

function resolveVolume(v: Value, base: string, env: Env): Value {
  if (typeof v === 'string') {
    const parts = splitVolumeSource(v);
    if (!parts || !isBindSource(parts.source) || isWindowsAbs(parts.source)) return v;
    return absolutize(base, parts.source, env) + parts.rest;
  }
  if (isMapping(v) && v.type === 'bind' && typeof v.source === 'string') v.source = absolutize(base, v.source, env);
  return v;
}

/** Make a service's relative paths absolute against `base`, in place. */
export function resolveServicePaths(svc: Mapping, base: string, env?: Env): void {
  if (svc.build !== undefined) svc.build = resolveBuild(svc.build, base, env);
  if (svc.env_file !== undefined) svc.env_file = resolveFileList(svc.env_file, base, env);
  if (svc.label_file !== undefined) svc.label_file = resolveFileList(svc.label_file, base, env);
  if (isMapping(svc.extends) && typeof svc.extends.file === 'string') svc.extends.file = absolutize(base, svc.extends.file, env);
  if (Array.isArray(svc.volumes)) svc.volumes.forEach((v, i) => ((svc.volumes as Value[])[i] = resolveVolume(v, base, env)));
  const develop = svc.develop;
  if (isMapping(develop) && Array.isArray(develop.watch)) {
    for (const w of develop.watch) if (isMapping(w) && typeof w.path === 'string') w.path = absolutize(base, w.path, env);
  }
}

/** Make every relative path of a model absolute against `base`, in place (reference §9). */
export function resolveModelPaths(model: Mapping, base: string, env?: Env): void {
  if (isMapping(model.services)) for (const svc of Object.values(model.services)) if (isMapping(svc)) resolveServicePaths(svc, base, env);
  for (const kind of ['configs', 'secrets'] as const) {
    const group = model[kind];
    if (!isMapping(group)) continue;
    for (const def of Object.values(group)) if (isMapping(def) && typeof def.file === 'string') def.file = absolutize(base, def.file, env);
  }
  if (isMapping(model.volumes)) {
    for (const vol of Object.values(model.volumes)) {
      if (!isMapping(vol) || !isMapping(vol.driver_opts)) continue;
      const driver = vol.driver ?? 'local';
      const o = vol.driver_opts.o;
      if (driver === 'local' && typeof o === 'string' && o.split(',').includes('bind') && typeof vol.driver_opts.device === 'string') {
        vol.driver_opts.device = absolutize(base, vol.driver_opts.device, env);
      }
    }
  }
}
