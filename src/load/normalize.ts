/**
 * Defaults, structural checks and normalization (compose-go transform/defaults.go,
 * validation/validation.go, loader/environment.go, loader/normalize.go; reference §8.2).
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { LoadError } from './errors.js';
import { copyAllOrigins, originOf, setValueOrigin } from './origin.js';
import { isMapping } from './paths.js';
import type { Lookup, Mapping, Value } from './types.js';

function entries(v: Value | undefined): [string, Mapping][] {
  return isMapping(v) ? (Object.entries(v).filter(([, s]) => isMapping(s)) as [string, Mapping][]) : [];
}

/** transform/defaults.go */
export function setDefaults(model: Mapping): void {
  for (const [, svc] of entries(model.services)) {
    if (isMapping(svc.build) && svc.build.context === undefined) svc.build.context = '.';
    if (Array.isArray(svc.secrets)) {
      for (const s of svc.secrets) if (isMapping(s) && s.target === undefined) s.target = `/run/secrets/${String(s.source)}`;
    }
    if (Array.isArray(svc.ports)) {
      for (const p of svc.ports) {
        if (!isMapping(p)) continue;
        if (p.protocol === undefined) p.protocol = 'tcp';
        if (p.mode === undefined) p.mode = 'ingress';
      }
    }
    if (Array.isArray(svc.volumes)) {
      for (const v of svc.volumes) if (isMapping(v) && isMapping(v.bind) && v.bind.create_host_path === undefined) v.bind.create_host_path = true;
    }
    const requests = [
      ...(Array.isArray(svc.gpus) ? svc.gpus : []),
      ...(isMapping(svc.deploy) && isMapping(svc.deploy.resources) && isMapping(svc.deploy.resources.reservations) && Array.isArray(svc.deploy.resources.reservations.devices)
        ? svc.deploy.resources.reservations.devices
        : []),
    ];
    for (const r of requests) if (isMapping(r) && r.count === undefined && r.device_ids === undefined) r.count = 'all';
  }
}

function fail(message: string, parent: unknown, key?: string | number): never {
  throw new LoadError(message, { code: 'invalid', origin: originOf(parent, key) });
}

/** validation/validation.go */
export function validateStructure(model: Mapping): void {
  for (const [name, vol] of entries(model.volumes)) {
    if (vol.external !== undefined && vol.external !== false) {
      for (const k of Object.keys(vol)) {
        if (k !== 'name' && k !== 'external' && !k.startsWith('x-')) fail(`volumes.${name}: conflicting parameters "external" and "${k}" specified`, model.volumes, name);
      }
    }
  }
  const fileObject = (kind: string, keys: string[]) => {
    for (const [name, def] of entries(model[kind])) {
      const count = keys.filter((k) => k in def).length;
      if (count > 1) fail(`${kind}.${name}: ${keys.join('|')} attributes are mutually exclusive`, model[kind], name);
      if (count === 0 && !('driver' in def) && !('external' in def)) fail(`${kind}.${name}: one of ${keys.join('|')} must be set`, model[kind], name);
    }
  };
  fileObject('configs', ['file', 'environment', 'content']);
  fileObject('secrets', ['file', 'environment']);
  for (const [name, svc] of entries(model.services)) {
    if (Array.isArray(svc.ports)) {
      svc.ports.forEach((p, i) => {
        if (isMapping(p) && typeof p.host_ip === 'string' && p.host_ip !== '' && !isIP(p.host_ip)) {
          fail(`services.${name}.ports[${i}]: invalid ip address: ${p.host_ip}`, svc.ports, i);
        }
      });
    }
    if (isMapping(svc.develop) && Array.isArray(svc.develop.watch)) {
      svc.develop.watch.forEach((w, i) => {
        if (isMapping(w) && w.path === '') fail(`services.${name}.develop.watch[${i}].path: value can't be blank`, svc.develop, 'watch');
      });
    }
  }
}

/** loader/environment.go: bare list entries take their value from the environment. */
export function resolveEnvironmentEntries(model: Mapping, lookup: Lookup): void {
  for (const [, svc] of entries(model.services)) {
    const env = svc.environment;
    if (!Array.isArray(env)) continue;
    env.forEach((e, i) => {
      if (typeof e !== 'string' || e.includes('=')) return;
      const v = lookup(e);
      if (v !== undefined) env[i] = `${e}=${v}`;
    });
  }
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [, def] of entries(model[kind])) {
      if (typeof def.environment !== 'string') continue;
      const v = lookup(def.environment);
      if (v === undefined) continue;
      if (kind === 'configs') def.content = v;
      else def['x-#value'] = v;
    }
  }
}

const started = (restart: boolean): Mapping => ({ condition: 'service_started', restart, required: true });

/** loader/normalize.go */
export function normalizeModel(model: Mapping, projectName: string, lookup: Lookup): void {
  normalizeNetworks(model);
  for (const [, svc] of entries(model.services)) {
    if (svc.pull_policy === 'if_not_present') svc.pull_policy = 'missing';
    if (isMapping(svc.build)) {
      const b = svc.build;
      if (b.context === undefined || b.context === null) b.context = '.';
      if ((b.dockerfile === undefined || b.dockerfile === null) && (b.dockerfile_inline === undefined || b.dockerfile_inline === null)) b.dockerfile = 'Dockerfile';
      if (b.args !== undefined) b.args = resolveValues(b.args, lookup, false);
    }
    if (svc.environment !== undefined) svc.environment = resolveValues(svc.environment, lookup, true);
    const dependsOn: Mapping = isMapping(svc.depends_on) ? svc.depends_on : {};
    if (Array.isArray(svc.links)) {
      svc.links.forEach((l, i) => {
        const parts = String(l).split(':');
        const link = parts.length === 2 ? parts[0]! : String(l);
        if (!(link in dependsOn)) {
          dependsOn[link] = started(true);
          setValueOrigin(dependsOn, link, originOf(svc.links, i));
        }
      });
    }
    for (const ns of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
      const ref = svc[ns];
      if (typeof ref === 'string' && ref.startsWith('service:')) {
        const shared = ref.slice('service:'.length);
        if (!(shared in dependsOn)) {
          dependsOn[shared] = started(true);
          setValueOrigin(dependsOn, shared, originOf(svc, ns));
        }
      }
    }
    if (Array.isArray(svc.volumes)) {
      for (const v of svc.volumes) if (isMapping(v) && typeof v.target === 'string') v.target = path.posix.normalize(v.target).replace(/(.)\/$/, '$1');
    }
    if (Array.isArray(svc.volumes_from)) {
      svc.volumes_from.forEach((vf, i) => {
        const s = String(vf);
        if (s.startsWith('container:')) return;
        const name = s.split(':')[0]!;
        if (!(name in dependsOn)) {
          dependsOn[name] = started(false);
          setValueOrigin(dependsOn, name, originOf(svc.volumes_from, i));
        }
      });
    }
    if (Object.keys(dependsOn).length) svc.depends_on = dependsOn;
    if (Array.isArray(svc.pre_start) && typeof svc.image === 'string' && svc.image) {
      for (const h of svc.pre_start) if (isMapping(h) && h.image === undefined) h.image = svc.image;
    }
  }
  setNameFromKey(model, projectName);
}

function normalizeNetworks(model: Mapping): void {
  const networks: Mapping = isMapping(model.networks) ? model.networks : {};
  let usesDefault = false;
  for (const [, svc] of entries(model.services)) {
    if ('provider' in svc || 'network_mode' in svc) continue;
    const n = svc.networks;
    if (n === undefined || (isMapping(n) && Object.keys(n).length === 0)) {
      svc.networks = { default: null };
      usesDefault = true;
    } else if (isMapping(n) && 'default' in n) usesDefault = true;
  }
  if (!('default' in networks) && usesDefault) networks.default = null;
  if (Object.keys(networks).length) model.networks = networks;
}

function resolveValues(v: Value, lookup: Lookup, keepEmpty: boolean): Value {
  if (Array.isArray(v)) {
    const out: Value[] = [];
    for (const e of v) {
      if (typeof e === 'string' && !e.includes('=')) {
        const found = lookup(e);
        if (found !== undefined) out.push(`${e}=${found}`);
        else if (keepEmpty) out.push(e);
        continue;
      }
      out.push(e);
    }
    copyAllOrigins(v, out);
    return out;
  }
  if (isMapping(v)) {
    const out: Mapping = {};
    for (const [k, val] of Object.entries(v)) {
      if (val !== null) out[k] = val;
      else if (lookup(k) !== undefined) out[k] = lookup(k)!;
      else if (keepEmpty) out[k] = null;
    }
    copyAllOrigins(v, out);
    return out;
  }
  return v;
}

function setNameFromKey(model: Mapping, projectName: string): void {
  for (const kind of ['networks', 'volumes', 'configs', 'secrets'] as const) {
    const group = model[kind];
    if (!isMapping(group)) continue;
    for (const key of Object.keys(group)) {
      const r: Mapping = isMapping(group[key]) ? (group[key] as Mapping) : {};
      if (r.name === undefined || r.name === null) {
        const ext = r.external;
        r.name = ext === true || ext === 'true' ? key : `${projectName}_${key}`;
      }
      group[key] = r;
    }
  }
}
