/**
 * The per-file pipeline of compose-go's loadYamlModel (reference §1, steps 1-9): for each file
 * and each `---` document: parse, interpolate, include, !reset/!override, extends, merge; then
 * schema-validate the accumulated model and rewrite short syntax in canonical form.
 */
import path from 'node:path';
import { canonicalStructure } from './canonical.js';
import { LoadError, type Warning } from './errors.js';
import { applyExtends } from './extends.js';
import { castInterpolated, interpolateTree } from './interpolate.js';
import { enforceUnicityInPlace, mergeModels, mergeOwnedModels } from './merge.js';
import { cloneWithOrigins, originOf } from './origin.js';
import { isMapping, resolveModelPaths } from './paths.js';
import { readEnvFiles, isRegularFile } from './environment.js';
import { applyMergeTags, dropResetKeys } from './reset.js';
import { resolveEnvironmentEntries, setDefaults, validateStructure } from './normalize.js';
import { validateSchema } from './schema.js';
import type { Lookup, Mapping, Value, VariableUse } from './types.js';
import { guardInsideRoot } from './root.js';
import { parseYamlDocuments, readTextFile, type ParsedDocument } from './yaml.js';

export interface ModelContext {
  /** directory relative paths are taken from */
  projectDir: string;
  lookup: Lookup;
  uses: VariableUse[];
  warnings: Warning[];
  /** include chain, for cycle detection */
  chain: string[];
  /** display a path (relative to the user's working directory) */
  display(file: string): string;
  /** parsed documents, by absolute path (parse once per load) */
  parsed: Map<string, ParsedDocument[]>;
  /** files read on the model's behalf must lie inside this directory */
  root?: string;
}

export function parseFileCached(file: string, ctx: Pick<ModelContext, 'parsed' | 'display'>): ParsedDocument[] {
  let docs = ctx.parsed.get(file);
  if (!docs) {
    if (!isRegularFile(file)) throw new LoadError(`open ${ctx.display(file)}: no such file or directory`, { code: 'no-file' });
    docs = parseYamlDocuments(readTextFile(file, ctx.display(file)), ctx.display(file));
    ctx.parsed.set(file, docs);
  }
  return docs;
}

/** Parse and interpolate one document (a fresh copy each call: later stages mutate it). */
function interpolatedDocument(doc: Mapping, file: string, ctx: ModelContext): Mapping {
  const copy = cloneWithOrigins(doc);
  const warnings: string[] = [];
  interpolateTree(copy, ctx.lookup, { file: ctx.display(file), uses: ctx.uses, warnings });
  castInterpolated(copy, { warnings, file: ctx.display(file) });
  for (const w of warnings) ctx.warnings.push({ message: w });
  return copy;
}

const RESOURCE_KINDS = ['services', 'volumes', 'networks', 'secrets', 'configs', 'models'] as const;

/** Load files as one model: merged, validated, canonical, paths absolute against projectDir. */
export function loadModel(files: string[], ctx: ModelContext): Mapping {
  let model: Mapping = {};
  for (const file of files) {
    const docs = parseFileCached(file, ctx);
    for (const parsed of docs) {
      if (!parsed.value) continue;
      const doc = interpolatedDocument(parsed.value, file, ctx);
      if (doc.include !== undefined) applyInclude(doc, file, ctx);
      applyMergeTags(doc, model, { keepResetInDoc: true });
      if (isMapping(doc.services)) {
        applyExtends(doc.services, file, ctx.projectDir, {
          loadFile: (other, origin) => {
            guardInsideRoot(ctx.root, other, 'extends file', origin);
            return loadForExtends(other, ctx);
          },
          env: ctx.lookup,
          display: ctx.display,
        });
      }
      dropResetKeys(doc);
      model = mergeOwnedModels(model, doc);
      validateSchema(model, ctx.display(file));
      if ('version' in model) {
        ctx.warnings.push({ message: `${ctx.display(file)}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`, origin: originOf(model, 'version') });
        delete model.version;
      }
      model = enforceUnicityInPlace(canonicalStructure(model, ctx.display(file), ctx.warnings));
    }
  }
  if (Object.keys(model).length === 0) {
    throw new LoadError('empty compose file', { code: 'empty', origin: { file: ctx.display(files[0] ?? ''), line: 1, column: 1 } });
  }
  setDefaults(model);
  validateStructure(model);
  resolveModelPaths(model, ctx.projectDir, ctx.lookup);
  resolveEnvironmentEntries(model, ctx.lookup);
  return model;
}

function loadForExtends(file: string, ctx: ModelContext): Mapping {
  const docs = parseFileCached(file, ctx);
  let merged: Mapping = {};
  for (const d of docs) if (d.value) merged = mergeModels(merged, interpolatedDocument(d.value, file, ctx));
  return merged;
}

interface IncludeEntry {
  paths: string[];
  projectDirectory?: string;
  envFiles?: string[];
  where: Mapping | Value[];
  key: string | number;
}

function includeEntries(doc: Mapping, file: string, ctx: ModelContext): IncludeEntry[] {
  const inc = doc.include;
  if (!Array.isArray(inc)) throw new LoadError('include must be a list', { code: 'include', origin: originOf(doc, 'include') ?? { file: ctx.display(file), line: 1, column: 1 } });
  return inc.map((entry, i) => {
    if (typeof entry === 'string') return { paths: [entry], where: inc, key: i };
    if (isMapping(entry)) {
      const p = entry.path;
      const paths = typeof p === 'string' ? [p] : Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
      if (!paths.length) throw new LoadError(`include[${i}] needs a path`, { code: 'include', origin: originOf(inc, i) });
      const ef = entry.env_file;
      const envFiles = typeof ef === 'string' ? [ef] : Array.isArray(ef) ? ef.filter((x): x is string => typeof x === 'string') : undefined;
      const out: IncludeEntry = { paths, where: inc, key: i };
      if (typeof entry.project_directory === 'string') out.projectDirectory = entry.project_directory;
      if (envFiles) out.envFiles = envFiles;
      return out;
    }
    throw new LoadError(`include[${i}] must be a path or a mapping`, { code: 'include', origin: originOf(inc, i) });
  });
}

/** Load each `include` entry and import its resources into `doc` (reference §7). */
function applyInclude(doc: Mapping, file: string, ctx: ModelContext): void {
  for (const entry of includeEntries(doc, file, ctx)) {
    const paths = entry.paths.map((p) => path.resolve(ctx.projectDir, p));
    const origin = originOf(entry.where, entry.key);
    for (const p of paths) {
      guardInsideRoot(ctx.root, p, 'include', origin);
      if (!isRegularFile(p)) throw new LoadError(`include ${ctx.display(p)}: no such file or directory`, { code: 'include', origin, hint: 'check the include path' });
    }
    const first = paths[0]!;
    if (ctx.chain.includes(first)) {
      throw new LoadError(`include cycle detected:\n${[...ctx.chain, first].map((c, i) => (i ? ` include ${ctx.display(c)}` : ctx.display(c))).join('\n')}`, { code: 'include-cycle', origin });
    }
    const projectDir = entry.projectDirectory ? path.resolve(ctx.projectDir, entry.projectDirectory) : path.dirname(first);
    let envFiles: string[] = [];
    if (entry.envFiles) {
      envFiles = entry.envFiles.filter((f) => f !== '/dev/null').map((f) => path.resolve(ctx.projectDir, f));
      for (const f of envFiles) guardInsideRoot(ctx.root, f, 'include env_file', origin);
      for (const f of envFiles) if (!isRegularFile(f)) throw new LoadError(`couldn't find env file: ${f}`, { code: 'include', origin });
    } else if (isRegularFile(path.join(projectDir, '.env'))) envFiles = [path.join(projectDir, '.env')];
    const fromFiles = readEnvFiles(envFiles, ctx.lookup, ctx.uses).values;
    const lookup = (name: string) => ctx.lookup(name) ?? fromFiles.get(name);
    const included = loadModel(paths, { ...ctx, projectDir, lookup, chain: [...ctx.chain, first] });
    for (const kind of RESOURCE_KINDS) {
      const incoming = included[kind];
      if (!isMapping(incoming)) continue;
      const target = isMapping(doc[kind]) ? (doc[kind] as Mapping) : (doc[kind] = {});
      for (const [name, def] of Object.entries(incoming)) {
        if (target[name] === undefined) {
          target[name] = def;
          continue;
        }
        // compose-go >= 2.10: the local definition is merged over the imported one
        const local = target[name];
        const base = cloneWithOrigins(def);
        if (isMapping(local) && isMapping(base)) applyMergeTags(local, base);
        target[name] = (mergeModels({ [kind]: { [name]: base } }, { [kind]: { [name]: local } })[kind] as Mapping)[name]!;
      }
    }
  }
  delete doc.include;
}
