/**
 * Canonical structure (compose-go transform/canonical.go): short syntaxes that change the shape
 * of the tree are rewritten in long form after each document is merged, so later documents
 * merge against the long form. Value-level conversions (durations, sizes, command splitting)
 * happen once, at the end, in typed.ts.
 */
import { LoadError } from './errors.js';
import { parsePortString } from './formats/ports.js';
import { parseVolumeString } from './formats/volumes.js';
import { copyAllOrigins, originOf, setSelfOrigin, setValueOrigin } from './origin.js';
import { isMapping } from './paths.js';
import type { Mapping, Value } from './types.js';

type Transform = (v: Value, where: Located) => Value;

interface Located {
  path: string;
  parent: object;
  key: string | number;
  file: string;
}

function fail(message: string, where: Located): never {
  throw new LoadError(message, { code: 'canonical', origin: originOf(where.parent, where.key) });
}

/** Build a new container that keeps the origin of the value it replaces. */
function located<T extends object>(out: T, where: Located): T {
  setSelfOrigin(out, originOf(where.parent, where.key));
  return out;
}

const stringOrList: Transform = (v, w) => (typeof v === 'string' ? located([v], w) : v);

const stringSliceToMap: Transform = (v, w) => {
  if (!Array.isArray(v)) return v;
  const out: Mapping = located({}, w);
  v.forEach((name, i) => {
    out[String(name)] = null;
    setValueOrigin(out, String(name), originOf(v, i));
  });
  return out;
};

const fileMount: Transform = (v, w) => {
  if (isMapping(v)) return v;
  if (typeof v === 'string') return located({ source: v }, w);
  fail(`${w.path}: unsupported type ${typeName(v)}`, w);
};

const keyValue: Transform = (v, w) => {
  if (isMapping(v)) return v;
  if (!Array.isArray(v)) fail(`${w.path}: invalid type ${typeName(v)}`, w);
  const out: Mapping = located({}, w);
  v.forEach((e, i) => {
    const s = String(e);
    const eq = s.indexOf('=');
    if (eq < 0) fail(`${w.path}: invalid value ${s}, expected key=value`, { ...w, parent: v, key: i });
    out[s.slice(0, eq)] = s.slice(eq + 1);
    setValueOrigin(out, s.slice(0, eq), originOf(v, i));
  });
  return out;
};

const dependsOn: Transform = (v, w) => {
  if (Array.isArray(v)) {
    const out: Mapping = located({}, w);
    v.forEach((name, i) => {
      const entry: Mapping = { condition: 'service_started', required: true };
      setSelfOrigin(entry, originOf(v, i));
      out[String(name)] = entry;
      setValueOrigin(out, String(name), originOf(v, i));
    });
    return out;
  }
  if (!isMapping(v)) fail(`${w.path}: invalid type ${typeName(v)} for depend_on`, w);
  for (const [name, e] of Object.entries(v)) {
    if (!isMapping(e)) fail(`${w.path}.${name}: unsupported value`, { ...w, parent: v, key: name });
    if (!('condition' in e)) e.condition = 'service_started';
    if (!('required' in e)) e.required = true;
  }
  return v;
};

const envFile: Transform = (v, w) => {
  const one = (e: Value, parent: object, key: string | number): Value => {
    if (typeof e === 'string') {
      const m: Mapping = { path: e, required: true };
      setSelfOrigin(m, originOf(parent, key));
      setValueOrigin(m, 'path', originOf(parent, key));
      return m;
    }
    if (isMapping(e)) {
      if (!('required' in e)) e.required = true;
      return e;
    }
    return null;
  };
  if (typeof v === 'string') return located([one(v, w.parent, w.key)], w);
  if (Array.isArray(v)) {
    v.forEach((e, i) => (v[i] = one(e, v, i)));
    return v;
  }
  fail(`${w.path}: invalid type ${typeName(v)} for env_file`, w);
};

const extendsT: Transform = (v, w) => (typeof v === 'string' ? located({ service: v }, w) : v);

const gpus: Transform = (v, w) => (typeof v === 'string' ? located([{ count: 'all' }], w) : v);

const build: Transform = (v, w) => {
  if (typeof v === 'string') {
    const out: Mapping = located({ context: v }, w);
    setValueOrigin(out, 'context', originOf(w.parent, w.key));
    return out;
  }
  if (!isMapping(v)) fail(`${w.path}: invalid type ${typeName(v)} for build`, w);
  if (v.additional_contexts !== undefined) v.additional_contexts = keyValue(v.additional_contexts, { ...w, path: `${w.path}.additional_contexts`, parent: v, key: 'additional_contexts' });
  if (Array.isArray(v.secrets)) v.secrets.forEach((s, i) => ((v.secrets as Value[])[i] = fileMount(s, { ...w, parent: v.secrets as Value[], key: i })));
  for (const k of ['provenance', 'sbom'] as const) if (v[k] !== undefined && typeof v[k] !== 'string') v[k] = String(v[k]);
  if (Array.isArray(v.ssh)) {
    const out: Mapping = {};
    for (const e of v.ssh) {
      const s = String(e);
      const eq = s.indexOf('=');
      if (eq < 0) out[s] = null;
      else out[s.slice(0, eq)] = s.slice(eq + 1);
    }
    copyAllOrigins(v.ssh, out);
    v.ssh = out;
  }
  return v;
};

const volumeMount: Transform = (v, w) => {
  if (isMapping(v)) return v;
  if (typeof v !== 'string') fail(`${w.path}: invalid type ${typeName(v)} for service volume mount`, w);
  let parsed: Mapping;
  try {
    parsed = parseVolumeString(v, { createHostPath: true }) as unknown as Mapping;
  } catch (e) {
    fail((e as Error).message, w);
  }
  return located(parsed, w);
};

const device: Transform = (v, w) => {
  if (isMapping(v)) return v;
  const s = String(v);
  const parts = s.split(':');
  if (parts.length > 3) fail(`confusing device mapping, please use long syntax: ${s}`, w);
  const [src = '', dst = src, permissions = 'rwm'] = parts;
  return located({ source: src, target: dst, permissions }, w);
};

const ports: Transform = (v, w) => {
  if (!Array.isArray(v)) fail(`${w.path}: invalid type ${typeName(v)} for port`, w);
  const out: Value[] = [];
  setSelfOrigin(out, originOf(w.parent, w.key));
  v.forEach((e, i) => {
    if (isMapping(e)) {
      out.push(e);
      setValueOrigin(out, out.length - 1, originOf(v, i));
      return;
    }
    if (typeof e !== 'string' && typeof e !== 'number') fail(`${w.path}: invalid type ${typeName(e)} for port`, w);
    let parsed: Mapping[];
    try {
      parsed = parsePortString(typeof e === 'number' ? String(e) : e) as unknown as Mapping[];
    } catch (err) {
      fail((err as Error).message, { ...w, parent: v, key: i });
    }
    for (const p of parsed) {
      setSelfOrigin(p, originOf(v, i));
      out.push(p);
      setValueOrigin(out, out.length - 1, originOf(v, i));
    }
  });
  return out;
};

const ulimit: Transform = (v, w) => {
  if (isMapping(v) || typeof v === 'number') return v;
  fail(`${w.path}: invalid type ${typeName(v)} for ulimit`, w);
};

function maybeExternal(v: Value, w: Located): Value {
  if (v === null) return null;
  if (!isMapping(v)) return v;
  const ext = v.external;
  if (isMapping(ext)) {
    v.external = true;
    if (ext.name !== undefined) {
      if (v.name !== undefined && v.name !== ext.name) fail(`${w.path}: name and external.name conflict; only use name`, w);
      if (v.name === undefined) {
        v.name = ext.name;
        setValueOrigin(v, 'name', originOf(ext, 'name'));
      }
      warnings.push({ message: `${w.path}: external.name is deprecated. Please set name and external: true`, origin: originOf(ext, 'name') });
    }
  }
  return v;
}

let warnings: { message: string; origin?: ReturnType<typeof originOf> }[] = [];

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  return typeof v;
}

const SERVICE_TRANSFORMS: Record<string, Transform> = {
  build,
  depends_on: dependsOn,
  env_file: envFile,
  label_file: stringOrList,
  extends: extendsT,
  gpus,
  networks: stringSliceToMap,
  models: stringSliceToMap,
  dns: stringOrList,
  ports,
};

function transformService(svc: Mapping, name: string, file: string): void {
  const base = `services.${name}`;
  for (const key of Object.keys(svc)) {
    const w: Located = { path: `${base}.${key}`, parent: svc, key, file };
    const t = SERVICE_TRANSFORMS[key];
    if (t) {
      svc[key] = t(svc[key]!, w);
      continue;
    }
    const v = svc[key];
    if (key === 'volumes' && Array.isArray(v)) v.forEach((e, i) => (v[i] = volumeMount(e, { ...w, path: `${w.path}[${i}]`, parent: v, key: i })));
    else if (key === 'devices' && Array.isArray(v)) v.forEach((e, i) => (v[i] = device(e, { ...w, parent: v, key: i })));
    else if ((key === 'secrets' || key === 'configs') && Array.isArray(v)) v.forEach((e, i) => (v[i] = fileMount(e, { ...w, parent: v, key: i })));
    else if (key === 'ulimits' && isMapping(v)) for (const k of Object.keys(v)) v[k] = ulimit(v[k]!, { ...w, parent: v, key: k });
    else if (key === 'develop' && isMapping(v) && Array.isArray(v.watch)) {
      for (const watch of v.watch) {
        if (!isMapping(watch)) continue;
        for (const k of ['ignore', 'include']) if (watch[k] !== undefined) watch[k] = stringOrList(watch[k]!, { ...w, parent: watch, key: k });
      }
    }
  }
  if (isMapping(svc.build) && isMapping(svc.build.ulimits)) {
    const u = svc.build.ulimits;
    for (const k of Object.keys(u)) u[k] = ulimit(u[k]!, { path: `${base}.build.ulimits.${k}`, parent: u, key: k, file });
  }
  // OmitEmpty: empty dns entries are dropped
  if (Array.isArray(svc.dns)) svc.dns = keepOrigins(svc.dns, svc.dns.filter((d) => d !== null && d !== ''));
}

function keepOrigins(from: Value[], to: Value[]): Value[] {
  copyAllOrigins(from, to);
  return to;
}

/** Rewrite one merged model's short syntaxes in canonical long form (in place; returns it). */
export function canonicalStructure(model: Mapping, file: string, sink?: { message: string; origin?: ReturnType<typeof originOf> }[]): Mapping {
  warnings = sink ?? [];
  if (isMapping(model.services)) {
    for (const [name, svc] of Object.entries(model.services)) if (isMapping(svc)) transformService(svc, name, file);
  }
  for (const kind of ['volumes', 'networks', 'secrets', 'configs'] as const) {
    const group = model[kind];
    if (!isMapping(group)) continue;
    for (const key of Object.keys(group)) group[key] = maybeExternal(group[key]!, { path: `${kind}.${key}`, parent: group, key, file });
  }
  return model;
}
