/**
 * Inputs of a load: which files, which project directory, which environment and project name,
 * following compose-go's cli/options.go (reference §2 and §12).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readEnvFiles as readDotenvFiles } from './dotenv.js';
import { LoadError } from './errors.js';
import type { Origin } from './origin.js';
import type { LoadOptions, Lookup, VariableUse } from './types.js';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
];

/** The variables that interpolate compose files, with where each came from. */
export interface ProjectEnvironment {
  values: Map<string, string>;
  /** 'shell' or the env file path a value came from */
  sources: Map<string, string>;
  /** env-file positions of values (for reports) */
  origins: Map<string, Origin>;
  /** env files that were read, in order */
  files: string[];
  uses: VariableUse[];
}

export function isRegularFile(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** Find the default compose file (and its override) in dir or its parents. */
export function findDefaultFiles(dir: string): { files: string[]; warnings: string[] } {
  let current = path.resolve(dir);
  for (;;) {
    const found = DEFAULT_FILE_NAMES.filter((n) => isRegularFile(path.join(current, n)));
    if (found.length) {
      const warnings =
        found.length > 1
          ? [`Found multiple config files with supported names: ${found.map((f) => path.join(current, f)).join(', ')}\nUsing ${path.join(current, found[0]!)}`]
          : [];
      const files = [path.join(current, found[0]!)];
      const override = DEFAULT_OVERRIDE_NAMES.find((n) => isRegularFile(path.join(current, n)));
      if (override) files.push(path.join(current, override));
      return { files, warnings };
    }
    const parent = path.dirname(current);
    if (parent === current) return { files: [], warnings: [] };
    current = parent;
  }
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && ['1', 'true', 'yes', 'y', 'on'].includes(v.trim().toLowerCase());
}

/** Read env files in order: they share one map (a later file wins) and the shell wins over all. */
export function readEnvFiles(files: string[], shell: Lookup, uses: VariableUse[] = []): { values: Map<string, string>; origins: Map<string, Origin>; sources: Map<string, string> } {
  for (const file of files) {
    if (!isRegularFile(file)) throw new LoadError(`couldn't find env file: ${file}`, { code: 'env-file', hint: 'create it or drop the --env-file option' });
  }
  const { values, origins } = readDotenvFiles(files, shell, { uses });
  const sources = new Map<string, string>();
  for (const [k, o] of origins) sources.set(k, o.file);
  return { values, origins, sources };
}

export interface ResolvedInputs {
  workingDir: string;
  files: string[];
  projectDir: string;
  env: ProjectEnvironment;
  profiles: string[];
  warnings: string[];
}

/** Decide the files, project directory, environment and active profiles for a load. */
export function resolveInputs(opts: LoadOptions): ResolvedInputs {
  const workingDir = path.resolve(opts.workingDir ?? process.cwd());
  const shellEnv = opts.env ?? process.env;
  const shell: Lookup = (name) => shellEnv[name];
  const warnings: string[] = [];
  const uses: VariableUse[] = [];

  // First pass of .env, from the working directory: it may name COMPOSE_FILE and friends.
  const explicitEnvFiles = opts.envFiles?.length
    ? opts.envFiles.map((f) => path.resolve(workingDir, f))
    : shell('COMPOSE_ENV_FILES')
      ? shell('COMPOSE_ENV_FILES')!.split(',').map((f) => path.resolve(workingDir, f.trim())).filter(Boolean)
      : undefined;
  const dotenvDisabled = truthy(shell('COMPOSE_DISABLE_ENV_FILE'));
  // docker compose's working directory: --project-directory, else the first -f file's folder, else the current one
  const firstPassDir = opts.projectDir
    ? path.resolve(workingDir, opts.projectDir)
    : opts.files?.length
      ? path.dirname(path.resolve(workingDir, opts.files[0]!))
      : workingDir;
  const firstPassFiles = explicitEnvFiles ?? (!dotenvDisabled && isRegularFile(path.join(firstPassDir, '.env')) ? [path.join(firstPassDir, '.env')] : []);
  const firstPass = readEnvFiles(firstPassFiles, shell, uses);
  const early: Lookup = (name) => shell(name) ?? firstPass.values.get(name);

  let files: string[];
  if (opts.files?.length) {
    files = opts.files.map((f) => path.resolve(workingDir, f));
  } else if (early('COMPOSE_FILE')) {
    const sep = early('COMPOSE_PATH_SEPARATOR') ?? (process.platform === 'win32' ? ';' : ':');
    files = early('COMPOSE_FILE')!.split(sep).filter(Boolean).map((f) => path.resolve(workingDir, f));
  } else {
    const found = findDefaultFiles(workingDir);
    warnings.push(...found.warnings);
    files = found.files;
  }
  if (!files.length) {
    throw new LoadError(`no configuration file provided: not found in ${workingDir} or its parents`, {
      code: 'no-file',
      hint: 'run in a directory with compose.yaml or docker-compose.yml, or pass -f FILE',
    });
  }
  for (const f of files) {
    if (!existsSync(f)) throw new LoadError(`open ${f}: no such file or directory`, { code: 'no-file', hint: 'check the -f path' });
  }
  const projectDir = opts.projectDir ? path.resolve(workingDir, opts.projectDir) : path.dirname(files[0]!);

  // Second pass: the project directory's .env; values from the first pass win (compose reads .env twice).
  let envFiles = firstPassFiles;
  let values = new Map(firstPass.values);
  const origins = new Map(firstPass.origins);
  let sources = new Map(firstPass.sources);
  if (!explicitEnvFiles && !dotenvDisabled) {
    const projectDotenv = path.join(projectDir, '.env');
    if (isRegularFile(projectDotenv) && !firstPassFiles.includes(projectDotenv)) {
      const second = readEnvFiles([projectDotenv], shell, uses);
      for (const [k, v] of second.values) {
        if (values.has(k)) continue;
        values.set(k, v);
        sources.set(k, projectDotenv);
        const o = second.origins.get(k);
        if (o) origins.set(k, o);
      }
      envFiles = [...firstPassFiles, projectDotenv];
    }
  }

  // The shell always wins over env files.
  const merged = new Map<string, string>();
  const mergedSources = new Map<string, string>();
  for (const [k, v] of values) {
    merged.set(k, v);
    mergedSources.set(k, sources.get(k)!);
  }
  for (const [k, v] of Object.entries(shellEnv)) {
    if (v === undefined) continue;
    merged.set(k, v);
    mergedSources.set(k, 'shell');
  }
  if (!merged.has('PWD')) {
    merged.set('PWD', workingDir);
    mergedSources.set('PWD', 'shell');
  }
  values = merged;
  sources = mergedSources;

  const profileSource = opts.profiles?.length ? opts.profiles : (values.get('COMPOSE_PROFILES') ?? '').split(',');
  const profiles = profileSource.map((p) => p.trim()).filter(Boolean);

  return {
    workingDir,
    files,
    projectDir,
    env: { values, sources, origins, files: envFiles, uses },
    profiles,
    warnings,
  };
}

const PROJECT_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

/** Lower-case, drop characters outside [a-z0-9_-], strip leading '_' and '-'. */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

export function checkProjectName(name: string): void {
  if (!PROJECT_NAME_RE.test(name)) {
    throw new LoadError(
      `invalid project name "${name}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
      { code: 'project-name' },
    );
  }
}
