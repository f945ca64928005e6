/**
 * `extends` (reference §6): same-file and other-file bases, chains resolved base-first, cycles
 * reported as Compose reports them, paths of a base from another file rebased onto its directory.
 */
import path from 'node:path';
import { LoadError } from './errors.js';
import { mergeModels } from './merge.js';
import { cloneWithOrigins, originOf, type Origin } from './origin.js';
import { isMapping, resolveServicePaths } from './paths.js';
import { applyMergeTags } from './reset.js';
import type { Mapping, Value } from './types.js';

export interface ExtendsContext {
  /** load (parse + interpolate) another compose file; cached by the caller */
  loadFile(file: string, origin?: Origin): Mapping;
  env?: (name: string) => string | undefined;
  display?: (file: string) => string;
}

interface Ref {
  service: string;
  file?: string;
}

function parseRef(ext: Value, where: Mapping, name: string, file: string): Ref {
  if (typeof ext === 'string') return { service: ext };
  if (isMapping(ext) && typeof ext.service === 'string') {
    return typeof ext.file === 'string' ? { service: ext.service, file: ext.file } : { service: ext.service };
  }
  throw new LoadError(`services.${name}.extends must be a string or a mapping with "service"`, { code: 'extends', origin: originOf(where, 'extends') ?? { file, line: 1, column: 1 } });
}

/**
 * Resolve every `extends` among `services` (the services of one document of `file`), in place.
 * `relBase` is the directory that relative `extends.file` paths are taken from.
 */
export function applyExtends(services: Mapping, file: string, relBase: string, ctx: ExtendsContext): void {
  const resolver = new Resolver(ctx);
  for (const name of Object.keys(services)) {
    const svc = services[name];
    if (isMapping(svc) && svc.extends !== undefined) services[name] = resolver.resolve(name, services, file, relBase, []);
  }
}

class Resolver {
  private readonly done = new Map<string, Mapping>();
  constructor(private readonly ctx: ExtendsContext) {}

  resolve(name: string, services: Mapping, file: string, relBase: string, chain: { name: string; file: string }[]): Mapping {
    const key = `${file}\u0000${name}`;
    const cached = this.done.get(key);
    if (cached) return cached;
    const svc = services[name];
    if (!isMapping(svc)) throw new LoadError(`service "${name}" not found in ${file}`, { code: 'extends' });
    if (svc.extends === undefined) return svc;
    if (chain.some((c) => c.name === name && c.file === file)) {
      const lines = [...chain, { name, file }].map((c, i) => `${i === 0 ? '' : 'extends '}${c.name} in ${c.file}`);
      throw new LoadError(`Circular reference:\n  ${lines.join('\n  ')}`, { code: 'extends-cycle', origin: originOf(svc, 'extends') });
    }
    const ref = parseRef(svc.extends, svc, name, file);
    const nextChain = [...chain, { name, file }];
    let base: Mapping;
    if (ref.file !== undefined) {
      const other = path.resolve(relBase, ref.file);
      let otherModel: Mapping;
      try {
        otherModel = this.ctx.loadFile(other, originOf(svc, 'extends'));
      } catch (e) {
        if (e instanceof LoadError && e.code === 'no-file') {
          throw new LoadError(`cannot extend service "${name}" in ${this.ctx.display?.(file) ?? file}: file ${other} not found`, { code: 'extends', origin: originOf(svc, 'extends'), hint: 'check extends.file' });
        }
        throw e;
      }
      const otherServices = isMapping(otherModel.services) ? otherModel.services : {};
      if (!isMapping(otherServices[ref.service])) {
        throw new LoadError(`cannot extend service "${name}" in ${this.ctx.display?.(file) ?? file}: service "${ref.service}" not found in ${this.ctx.display?.(other) ?? other}`, { code: 'extends', origin: originOf(svc, 'extends') });
      }
      const resolved = this.resolve(ref.service, otherServices, other, path.dirname(other), nextChain);
      base = cloneWithOrigins(resolved);
      resolveServicePaths(base, path.dirname(other), this.ctx.env);
    } else {
      if (!isMapping(services[ref.service])) {
        throw new LoadError(`cannot extend service "${name}" in ${this.ctx.display?.(file) ?? file}: service "${ref.service}" not found`, { code: 'extends', origin: originOf(svc, 'extends') });
      }
      base = cloneWithOrigins(this.resolve(ref.service, services, file, relBase, nextChain));
    }
    applyMergeTags(svc, base);
    const local = cloneWithOrigins(svc);
    delete local.extends;
    delete base.extends;
    const merged = (mergeModels({ services: { [name]: base } }, { services: { [name]: local } }).services as Mapping)[name] as Mapping;
    delete merged.extends;
    this.done.set(key, merged);
    return merged;
  }
}
