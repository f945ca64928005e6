/**
 * loadProject(): the whole pipeline, from a directory (or -f files) to the normalized model that
 * `docker compose` would run, with every value's position kept (reference §1).
 */
import path from 'node:path';
import { consistencyProblems, type ProjectModel } from './consistency.js';
import { parseDotenv } from './dotenv.js';
import { checkProjectName, normalizeProjectName, resolveInputs, isRegularFile, type ProjectEnvironment } from './environment.js';
import { LoadError, type Warning } from './errors.js';
import { parseEnvironment, parseKeyValueList } from './formats/misc.js';
import { interpolateString } from './interpolate.js';
import { loadModel, parseFileCached, type ModelContext } from './model.js';
import { normalizeModel } from './normalize.js';
import { copyOrigin, originOf, setSelfOrigin, setValueOrigin } from './origin.js';
import { isMapping } from './paths.js';
import type { LoadOptions, Lookup, Mapping, Value, VariableUse } from './types.js';
import { defaultRoot, guardInsideRoot } from './root.js';
import { readTextFile, type ParsedDocument } from './yaml.js';

export interface LoadProjectOptions extends LoadOptions {
  /** `config SERVICE...`: keep only these and what they depend on */
  selectedServices?: string[];
  /** collect consistency problems instead of failing on the first (audit) */
  tolerant?: boolean;
  /** fold env_file contents into environment (default true) */
  resolveEnvFiles?: boolean;
  /** files read on the model's behalf must lie inside it (default: the git work tree, else the working directory) */
  root?: string;
  /** file names in messages and origins are relative to this directory (default: the working directory) */
  displayBase?: string;
  /** a parse cache shared between loads (absolute path -> documents) */
  parsed?: Map<string, ParsedDocument[]>;
}

export interface LoadedProject {
  name: string;
  workingDir: string;
  projectDir: string;
  /** compose files, absolute, in load order */
  files: string[];
  environment: ProjectEnvironment;
  /** active profiles */
  profiles: string[];
  /** every profile named by some service */
  allProfiles: string[];
  /** the normalized model with every service (enabled or not) */
  model: Mapping;
  services: Record<string, Mapping>;
  disabledServices: Record<string, Mapping>;
  networks: Mapping;
  volumes: Mapping;
  secrets: Mapping;
  configs: Mapping;
  models: Mapping;
  /** top-level x-* keys */
  extensions: Mapping;
  /** every use of a variable, in compose files and env files */
  variables: VariableUse[];
  warnings: Warning[];
  /** consistency problems (only with `tolerant`; otherwise the first one is thrown) */
  problems: LoadError[];
  /** show a path the way messages do (relative to the working directory when inside it) */
  display(file: string): string;
}

export function displayPath(workingDir: string, file: string): string {
  const rel = path.relative(workingDir, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function group(v: Value | undefined): Mapping {
  return isMapping(v) ? v : {};
}

/** The project name from the files' `name:` keys (last non-empty wins), interpolated. */
function nameFromFiles(files: string[], ctx: Pick<ModelContext, 'parsed' | 'display'>, lookup: Lookup): string | undefined {
  // a `name:` that is present but interpolates to "" still counts (cli/options.go), so the result is ""
  let name: string | undefined;
  for (const f of files) {
    const docs: ParsedDocument[] = parseFileCached(f, ctx);
    for (const d of docs) {
      const raw = d.value?.name;
      if (typeof raw !== 'string') continue;
      const v = interpolateString(raw, lookup, { path: 'name' });
      if (v || name === undefined) name = v;
    }
  }
  return name;
}

export function loadProject(opts: LoadProjectOptions = {}): LoadedProject {
  const inputs = resolveInputs(opts);
  const { workingDir, projectDir, files, env } = inputs;
  const displayBase = opts.displayBase ? path.resolve(opts.displayBase) : workingDir;
  const display = (f: string) => displayPath(displayBase, f);
  const warnings: Warning[] = inputs.warnings.map((message) => ({ message }));
  const parsed = opts.parsed ?? new Map<string, ParsedDocument[]>();
  const baseLookup: Lookup = (n) => env.values.get(n);

  // Project name (reference §12): -p, COMPOSE_PROJECT_NAME, name:, directory.
  let name: string;
  if (opts.projectName !== undefined) {
    checkProjectName(opts.projectName);
    name = opts.projectName;
  } else if (env.values.get('COMPOSE_PROJECT_NAME')) {
    name = env.values.get('COMPOSE_PROJECT_NAME')!;
    checkProjectName(name);
  } else {
    const fromFiles = nameFromFiles(files, { parsed, display }, baseLookup);
    name = normalizeProjectName(fromFiles ?? path.basename(projectDir));
  }
  if (!name) throw new LoadError('project name must not be empty', { code: 'project-name', hint: 'set name: in the compose file or pass -p' });
  env.values.set('COMPOSE_PROJECT_NAME', name);

  const uses: VariableUse[] = [...env.uses];
  const root = path.resolve(opts.root ?? defaultRoot(workingDir));
  const ctx: ModelContext = { projectDir, lookup: baseLookup, uses, warnings, chain: [files[0]!], display, parsed, root };
  const model = loadModel(files, ctx);
  model.name = name;
  normalizeModel(model, name, baseLookup);

  const all = group(model.services) as Record<string, Mapping>;
  const allProfiles = [...new Set(Object.values(all).flatMap((s) => (Array.isArray(s.profiles) ? s.profiles.map(String) : [])))].sort();
  let profiles = inputs.profiles;
  let { services, disabledServices } = splitByProfiles(all, profiles);

  const pm: ProjectModel = {
    services,
    disabledServices,
    networks: group(model.networks),
    volumes: group(model.volumes),
    secrets: group(model.secrets),
    configs: group(model.configs),
    models: group(model.models),
  };
  const problems = consistencyProblems(pm);
  if (problems.length && !opts.tolerant) throw problems[0]!;

  if (opts.selectedServices?.length) {
    for (const s of opts.selectedServices) {
      if (!all[s]) throw new LoadError(`no such service: ${s}`, { code: 'no-service' });
    }
    const extra = opts.selectedServices.flatMap((s) => (services[s] ? [] : Array.isArray(all[s]!.profiles) ? (all[s]!.profiles as Value[]).map(String) : []));
    profiles = [...profiles, ...extra];
    ({ services, disabledServices } = splitByProfiles(all, profiles));
    services = selectWithDependencies(services, opts.selectedServices);
    for (const n of Object.keys(all)) if (!services[n] && !disabledServices[n]) disabledServices[n] = all[n]!;
  }

  if (opts.resolveEnvFiles !== false) {
    for (const svc of Object.values(services)) {
      resolveServiceEnvironment(svc, baseLookup, display, uses, root);
      resolveServiceLabels(svc, display, root);
    }
  }

  const extensions: Mapping = {};
  for (const [k, v] of Object.entries(model)) if (k.startsWith('x-')) extensions[k] = v;

  return {
    name,
    workingDir,
    projectDir,
    files,
    environment: env,
    profiles,
    allProfiles,
    model,
    services,
    disabledServices,
    networks: group(model.networks),
    volumes: group(model.volumes),
    secrets: group(model.secrets),
    configs: group(model.configs),
    models: group(model.models),
    extensions,
    variables: uses,
    warnings,
    problems,
    display,
  };
}

function hasProfile(svc: Mapping, profiles: string[]): boolean {
  const own = Array.isArray(svc.profiles) ? svc.profiles.map(String) : [];
  if (!own.length) return true;
  return profiles.includes('*') || profiles.some((p) => own.includes(p));
}

export function splitByProfiles(all: Record<string, Mapping>, profiles: string[]): { services: Record<string, Mapping>; disabledServices: Record<string, Mapping> } {
  const services: Record<string, Mapping> = {};
  const disabledServices: Record<string, Mapping> = {};
  for (const [n, s] of Object.entries(all)) {
    const into = hasProfile(s, profiles) ? services : disabledServices;
    into[n] = s;
    copyOrigin(all, n, into, n);
  }
  return { services, disabledServices };
}

/** `config SERVICE...`: the named services and their dependencies; dependencies outside the set are dropped. */
function selectWithDependencies(services: Record<string, Mapping>, names: string[]): Record<string, Mapping> {
  const keep = new Set<string>();
  const visit = (n: string) => {
    if (keep.has(n) || !services[n]) return;
    keep.add(n);
    const d = services[n]!.depends_on;
    if (isMapping(d)) for (const dep of Object.keys(d)) visit(dep);
  };
  names.forEach(visit);
  const out: Record<string, Mapping> = {};
  for (const n of keep) {
    const s = services[n]!;
    if (isMapping(s.depends_on)) for (const dep of Object.keys(s.depends_on)) if (!keep.has(dep)) delete s.depends_on[dep];
    out[n] = s;
  }
  return out;
}

function envToMap(env: Value | undefined, origin: ReturnType<typeof originOf>): Map<string, string | null> {
  if (env === undefined || env === null) return new Map();
  try {
    return new Map(Object.entries(parseEnvironment(env)));
  } catch (e) {
    throw new LoadError((e as Error).message, { code: 'environment', origin });
  }
}

/**
 * WithServicesEnvironmentResolved: `environment` becomes a map, env_file contents are folded in
 * under it (`environment` wins, even when its entry is unresolved), env files read in order.
 */
export function resolveServiceEnvironment(svc: Mapping, lookup: Lookup, display: (f: string) => string, uses: VariableUse[], root?: string): void {
  const own = envToMap(svc.environment, originOf(svc, 'environment'));
  for (const [k, v] of own) if (v === null && lookup(k) !== undefined) own.set(k, lookup(k)!);
  const fromFiles = new Map<string, string>();
  const fileOrigins = new Map<string, ReturnType<typeof originOf>>();
  if (Array.isArray(svc.env_file)) {
    for (const ef of svc.env_file) {
      if (!isMapping(ef) || typeof ef.path !== 'string') continue;
      guardInsideRoot(root, ef.path, 'env_file', originOf(ef, 'path'));
      if (!isRegularFile(ef.path)) {
        if (ef.required !== false) throw new LoadError(`env file ${ef.path} not found: stat ${ef.path}: no such file or directory`, { code: 'env-file', origin: originOf(ef, 'path') });
        continue;
      }
      const text = readTextFile(ef.path, display(ef.path));
      const parsed = parseDotenv(text, {
        file: display(ef.path),
        lookup: (k) => lookup(k) ?? own.get(k) ?? fromFiles.get(k) ?? undefined,
        uses,
      });
      for (const [k, v] of parsed.values) {
        fromFiles.set(k, v);
        fileOrigins.set(k, parsed.origins.get(k));
      }
    }
  }
  const out: Mapping = {};
  const previous = svc.environment;
  for (const [k, v] of fromFiles) {
    out[k] = v;
    setValueOrigin(out, k, fileOrigins.get(k));
  }
  for (const [k, v] of own) {
    out[k] = v;
    if (isMapping(previous)) setValueOrigin(out, k, originOf(previous, k));
  }
  if (Array.isArray(previous)) {
    previous.forEach((e, i) => setValueOrigin(out, String(e).split('=')[0]!, originOf(previous, i)));
  }
  if (previous !== null && typeof previous === 'object') setSelfOrigin(out, originOf(previous));
  if (Object.keys(out).length || previous !== undefined) svc.environment = out;
}

/** WithServicesLabelsResolved: label_file contents under `labels` (labels win), files read in order. */
export function resolveServiceLabels(svc: Mapping, display: (f: string) => string, root?: string): void {
  if (!Array.isArray(svc.label_file) || !svc.label_file.length) return;
  const fromFiles = new Map<string, string>();
  for (const lf of svc.label_file) {
    if (typeof lf !== 'string') continue;
    guardInsideRoot(root, lf, 'label_file', originOf(svc, 'label_file'));
    if (!isRegularFile(lf)) throw new LoadError(`label file ${lf} not found`, { code: 'label-file', origin: originOf(svc, 'label_file') });
    const parsed = parseDotenv(readTextFile(lf, display(lf)), { file: display(lf), lookup: (k) => fromFiles.get(k) });
    for (const [k, v] of parsed.values) fromFiles.set(k, v);
  }
  const own = svc.labels === undefined ? {} : parseKeyValueList(svc.labels);
  const out: Mapping = {};
  for (const [k, v] of fromFiles) out[k] = v;
  for (const [k, v] of Object.entries(own)) {
    out[k] = v;
    if (isMapping(svc.labels)) setValueOrigin(out, k, originOf(svc.labels, k));
  }
  svc.labels = out;
}
