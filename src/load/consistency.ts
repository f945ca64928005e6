/**
 * Semantic checks of a loaded project (compose-go loader/validate.go, graph/cycle.go; reference
 * §10-§11). Every problem is returned, in Compose's order, so `config` can fail on the first one
 * as Compose does while `audit` reports them all.
 */
import { LoadError } from './errors.js';
import { originOf } from './origin.js';
import { isMapping } from './paths.js';
import type { Mapping, Value } from './types.js';

export interface ProjectModel {
  services: Record<string, Mapping>;
  disabledServices: Record<string, Mapping>;
  networks: Mapping;
  volumes: Mapping;
  secrets: Mapping;
  configs: Mapping;
  models: Mapping;
}

function problem(message: string, parent: unknown, key?: string | number): LoadError {
  return new LoadError(message, { code: 'consistency', origin: originOf(parent, key) });
}

function num(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function scaleOf(s: Mapping): number {
  const scale = num(s.scale);
  if (scale !== undefined) return scale;
  if (isMapping(s.deploy)) {
    const r = num(s.deploy.replicas);
    if (r !== undefined) return r;
  }
  return 1;
}

export function consistencyProblems(p: ProjectModel, sizeOf: (v: Value) => number | undefined = num): LoadError[] {
  const out: LoadError[] = [];
  const services = p.services;
  for (const [name, s] of Object.entries(services)) {
    const build = isMapping(s.build) ? s.build : undefined;
    if (!build && !s.image && !s.provider) out.push(problem(`service "${name}" has neither an image nor a build context specified: invalid compose project`, services, name));
    if (build) {
      if (build.dockerfile_inline && build.dockerfile && build.dockerfile !== 'Dockerfile') {
        out.push(problem(`service "${name}" declares mutualy exclusive dockerfile and dockerfile_inline: invalid compose project`, s, 'build'));
      }
      if (isMapping(build.additional_contexts)) {
        for (const [add, c] of Object.entries(build.additional_contexts)) {
          if (typeof c !== 'string' || !c.startsWith('service:')) continue;
          const target = c.slice('service:'.length);
          const t = services[target];
          if (!t) out.push(problem(`service "${name}" declares unknown service "${target}" as additional contexts ${add}`, build.additional_contexts, add));
          else if (!t.build) out.push(problem(`service "${name}" declares non-buildable service "${target}" as additional contexts ${add}`, build.additional_contexts, add));
        }
      }
      if (Array.isArray(build.platforms) && build.platforms.length && typeof s.platform === 'string' && s.platform && !build.platforms.includes(s.platform)) {
        out.push(problem(`service.build.platforms MUST include service.platform "${s.platform}": invalid compose project`, s, 'platform'));
      }
    }
    const networks = isMapping(s.networks) ? s.networks : {};
    if (s.network_mode && Object.keys(networks).length) {
      out.push(problem(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\`: invalid compose project`, s, 'network_mode'));
    }
    for (const net of Object.keys(networks)) {
      if (!(net in p.networks)) out.push(problem(`service "${name}" refers to undefined network ${net}: invalid compose project`, networks, net));
    }
    if (isMapping(s.healthcheck) && Array.isArray(s.healthcheck.test) && s.healthcheck.test.length) {
      const first = s.healthcheck.test[0];
      if (first !== 'CMD' && first !== 'CMD-SHELL' && first !== 'NONE') out.push(problem('healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"', s.healthcheck, 'test'));
    }
    if (isMapping(s.depends_on)) {
      for (const [dep, cfg] of Object.entries(s.depends_on)) {
        if (services[dep]) continue;
        const required = !isMapping(cfg) || cfg.required !== false;
        if (p.disabledServices[dep] && !required) continue;
        out.push(problem(`service "${name}" depends on undefined service "${dep}": invalid compose project`, s.depends_on, dep));
      }
    }
    if (typeof s.network_mode === 'string' && s.network_mode.startsWith('service:')) {
      const ref = s.network_mode.slice('service:'.length);
      if (!services[ref]) out.push(problem(`service "${ref}" not found for network_mode 'service:${ref}'`, s, 'network_mode'));
    }
    if (Array.isArray(s.volumes)) {
      s.volumes.forEach((v, i) => {
        if (isMapping(v) && v.type === 'volume' && typeof v.source === 'string' && v.source !== '' && !(v.source in p.volumes)) {
          out.push(problem(`service "${name}" refers to undefined volume ${v.source}: invalid compose project`, s.volumes, i));
        }
      });
    }
    const refs = (list: Value | undefined, group: Mapping, what: string, parent: unknown) => {
      if (!Array.isArray(list)) return;
      list.forEach((e, i) => {
        const src = isMapping(e) ? e.source : e;
        if (typeof src === 'string' && !(src in group)) out.push(problem(`service "${name}" refers to undefined ${what} ${src}: invalid compose project`, parent ?? list, i));
      });
    };
    if (build) refs(build.secrets, p.secrets, 'build secret', build.secrets);
    refs(s.configs, p.configs, 'config', s.configs);
    if (isMapping(s.models)) for (const m of Object.keys(s.models)) if (!(m in p.models)) out.push(problem(`service "${name}" refers to undefined model ${m}: invalid compose project`, s.models, m));
    refs(s.secrets, p.secrets, 'secret', s.secrets);

    const scale = num(s.scale);
    const deploy = isMapping(s.deploy) ? s.deploy : undefined;
    const replicas = deploy ? num(deploy.replicas) : undefined;
    if (scale !== undefined && replicas !== undefined && scale !== replicas) {
      out.push(problem(`services.${name}: can't set distinct values on 'scale' and 'deploy.replicas': invalid compose project`, s, 'scale'));
    }
    if (scale !== undefined && scale < 0) out.push(problem(`services.${name}.scale: must be greater than or equal to 0`, s, 'scale'));
    if (replicas !== undefined && replicas < 0) out.push(problem(`services.${name}.deploy.replicas: must be greater than or equal to 0`, deploy, 'replicas'));
    const limits = deploy && isMapping(deploy.resources) && isMapping(deploy.resources.limits) ? deploy.resources.limits : undefined;
    const reservations = deploy && isMapping(deploy.resources) && isMapping(deploy.resources.reservations) ? deploy.resources.reservations : undefined;
    if (s.cpus !== undefined && limits && limits.cpus !== undefined && num(limits.cpus) !== num(s.cpus)) {
      out.push(problem(`services.${name}: can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus': invalid compose project`, s, 'cpus'));
    }
    if (s.mem_limit !== undefined && limits && limits.memory !== undefined && sizeOf(limits.memory) !== sizeOf(s.mem_limit)) {
      out.push(problem(`services.${name}: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory': invalid compose project`, s, 'mem_limit'));
    }
    if (s.mem_reservation !== undefined && reservations && reservations.memory !== undefined && sizeOf(reservations.memory) !== sizeOf(s.mem_reservation)) {
      out.push(problem(`services.${name}: can't set distinct values on 'mem_reservation' and 'deploy.resources.reservations.memory': invalid compose project`, s, 'mem_reservation'));
    }
    if (s.pids_limit !== undefined && limits && limits.pids !== undefined && num(limits.pids) !== num(s.pids_limit)) {
      out.push(problem(`services.${name}: can't set distinct values on 'pids_limit' and 'deploy.resources.limits.pids': invalid compose project`, s, 'pids_limit'));
    }
    if (scaleOf(s) > 1 && s.container_name) {
      out.push(problem(`services.${name}: can't set container_name and ${scale === undefined ? 'deploy.replicas' : 'scale'} as container name must be unique: invalid compose project`, s, 'container_name'));
    }
    if (isMapping(s.develop) && Array.isArray(s.develop.watch)) {
      for (const w of s.develop.watch) {
        if (isMapping(w) && !w.target && w.action !== 'rebuild' && w.action !== 'restart') {
          out.push(problem(`services.${name}.develop.watch: target is required for non-rebuild actions: invalid compose project`, s, 'develop'));
          break;
        }
      }
    }
    const mounts = new Map<string, string>();
    if (Array.isArray(s.tmpfs)) {
      s.tmpfs.forEach((t, i) => {
        const where = `services.${name}.tmpfs[${i}]`;
        const target = String(t).split(':')[0]!;
        const prev = mounts.get(target);
        if (prev) out.push(problem(`${where}: target ${target} already mounted as ${prev}`, s.tmpfs, i));
        else mounts.set(target, where);
      });
    }
    if (Array.isArray(s.volumes)) {
      s.volumes.forEach((v, i) => {
        if (!isMapping(v) || typeof v.target !== 'string') return;
        const where = `services.${name}.volumes[${i}]`;
        const prev = mounts.get(v.target);
        if (prev) out.push(problem(`${where}: target ${v.target} already mounted as ${prev}`, s.volumes, i));
        else mounts.set(v.target, where);
      });
    }
  }
  for (const [name, secret] of Object.entries(p.secrets)) {
    if (!isMapping(secret) || secret.external === true) continue;
    if (!secret.file && !secret.environment) out.push(problem(`secret "${name}" must declare either \`file\` or \`environment\`: invalid compose project`, p.secrets, name));
  }
  const cycle = dependencyCycle(services);
  if (cycle) out.push(problem(`dependency cycle detected: ${cycle.join(' -> ')}`, services[cycle[0]!]?.depends_on ?? services, cycle[1]));
  return out;
}

/** The first depends_on cycle in name order, as graph/cycle.go finds it (a -> b -> a), or undefined. */
export function dependencyCycle(services: Record<string, Mapping>): string[] | undefined {
  const children = (name: string): string[] => {
    const d = services[name]?.depends_on;
    return isMapping(d) ? Object.keys(d).filter((k) => services[k]).sort() : [];
  };
  // nodes whose whole subtree is known to be acyclic: keeps the search linear on wide DAGs
  const clean = new Set<string>();
  const search = (path: string[]): string[] | undefined => {
    for (const child of children(path[path.length - 1]!)) {
      const i = path.indexOf(child);
      if (i >= 0) return [...path.slice(i), child];
      if (clean.has(child)) continue;
      const found = search([...path, child]);
      if (found) return found;
      clean.add(child);
    }
    return undefined;
  };
  for (const name of Object.keys(services).sort()) {
    const found = search([name]);
    if (found) return found;
  }
  return undefined;
}
