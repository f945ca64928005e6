/**
 * What `docker compose config` prints: the enabled services, the resources they use (unused ones
 * pruned), top-level x-* keys, env_file/label_file folded away (dc: cmd/compose/config.go).
 */
import type { LoadedProject } from '../load/project.js';
import { isMapping } from '../load/paths.js';
import type { Mapping, Value } from '../load/types.js';
import { bindProject } from './bind.js';
import { printJson, printYaml } from './print.js';

function used(project: LoadedProject): Record<'networks' | 'volumes' | 'secrets' | 'configs' | 'models', Set<string>> {
  const out = { networks: new Set<string>(), volumes: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>(), models: new Set<string>() };
  for (const s of Object.values(project.services)) {
    if (isMapping(s.networks)) for (const n of Object.keys(s.networks)) out.networks.add(n);
    if (Array.isArray(s.volumes)) for (const v of s.volumes) if (isMapping(v) && v.type === 'volume' && typeof v.source === 'string' && v.source) out.volumes.add(v.source);
    const sources = (list: Value | undefined, into: Set<string>) => {
      if (Array.isArray(list)) for (const e of list) if (isMapping(e) && typeof e.source === 'string') into.add(e.source);
    };
    sources(s.secrets, out.secrets);
    if (isMapping(s.build)) sources(s.build.secrets, out.secrets);
    sources(s.configs, out.configs);
    if (isMapping(s.models)) for (const m of Object.keys(s.models)) out.models.add(m);
  }
  return out;
}

/** The model as `docker compose config` would print it (before marshalling). */
export function configModel(project: LoadedProject): Mapping {
  const keep = used(project);
  const out: Mapping = { name: project.name };
  const services: Mapping = {};
  for (const [name, svc] of Object.entries(project.services)) {
    const copy: Mapping = { ...svc };
    delete copy.env_file;
    delete copy.label_file;
    services[name] = copy;
  }
  out.services = services;
  for (const kind of ['networks', 'volumes', 'secrets', 'configs', 'models'] as const) {
    const group: Mapping = {};
    for (const [k, v] of Object.entries(project[kind])) if (keep[kind].has(k)) group[k] = v;
    if (Object.keys(group).length) out[kind] = group;
  }
  for (const [k, v] of Object.entries(project.extensions)) out[k] = v;
  return out;
}

export function printableModel(project: LoadedProject, format: 'yaml' | 'json'): string {
  const bound = bindProject(configModel(project));
  return format === 'json' ? printJson(bound) : printYaml(bound);
}
