/**
 * The repository model an audit runs on: what discovery found, every compose unit loaded as
 * Compose would load it (all profiles active), Dockerfiles and .dockerignore files on demand.
 * One file that does not load never stops the others: its unit carries the error.
 */
import path from 'node:path';
import { discoverProject } from '../discover/index.js';
import type { ComposeFile, ProjectFiles } from '../discover/types.js';
import { LoadError } from '../load/errors.js';
import { loadProject, type LoadedProject } from '../load/project.js';
import type { Mapping } from '../load/types.js';
import { parseYamlDocuments, readTextFile, type ParsedDocument } from '../load/yaml.js';
import { loadConfig, type AuditConfig } from './config.js';
import { readDockerfile, type DockerfileInfo } from './dockerfile.js';
import { loadDockerignore, makeIgnore, type IgnoreInfo } from './dockerignore.js';
import type { ComposeUnit, RepoModel } from './types.js';

export interface RepoOptions {
  /** explicit compose files (relative to root): audit only these, as one unit */
  files?: string[];
  /** profiles to activate (default: every profile, `*`) */
  profiles?: string[];
  /** variables to interpolate with; default: none from the shell (so results do not depend on who runs the audit) */
  env?: Record<string, string | undefined>;
  /** config file path (default: .shipshape.yml in root) */
  configFile?: string;
  config?: AuditConfig;
}

function unitsFromDiscovery(pf: ProjectFiles, isIgnored: (rel: string) => boolean): { label: string; files: ComposeFile[]; kind: ComposeUnit['kind'] }[] {
  const byPath = new Map(pf.composeFiles.map((f) => [f.path, f]));
  const units: { label: string; files: ComposeFile[]; kind: ComposeUnit['kind'] }[] = [];
  for (const f of pf.composeFiles) {
    if (f.kind === 'override' && f.overrides && byPath.has(f.overrides)) continue;
    if (f.template || isIgnored(f.path)) continue;
    const files = [f];
    if (f.overriddenBy && byPath.has(f.overriddenBy)) files.push(byPath.get(f.overriddenBy)!);
    units.push({ label: files.map((x) => x.path).join(' + '), files, kind: f.isDefault ? 'default' : 'standalone' });
  }
  return units;
}

const REQUIRED_RE = /required variable (\w+) is missing a value/;

/**
 * Load a unit Compose would refuse, the way an auditor reads it anyway: without env files that
 * are missing, and with placeholder values for unset required variables. Undefined when the
 * problem is of another kind (bad YAML, schema) or persists.
 */
function loadDegraded(load: (env: Record<string, string>, resolveEnvFiles: boolean) => LoadedProject): { project: LoadedProject; skippedEnvFiles: boolean; placeholders: string[] } | undefined {
  const placeholders: Record<string, string> = {};
  let resolveEnvFiles = true;
  for (let attempt = 0; attempt < 16; attempt++) {
    try {
      return { project: load(placeholders, resolveEnvFiles), skippedEnvFiles: !resolveEnvFiles, placeholders: Object.keys(placeholders) };
    } catch (e) {
      if (!(e instanceof LoadError)) return undefined;
      const m = REQUIRED_RE.exec(e.message);
      if (m && !(m[1]! in placeholders)) placeholders[m[1]!] = `unset-${m[1]!.toLowerCase()}`;
      else if ((e.code === 'env-file' || e.code === 'label-file') && resolveEnvFiles) resolveEnvFiles = false;
      else return undefined;
    }
  }
  return undefined;
}

export async function buildRepoModel(rootArg: string, opts: RepoOptions = {}): Promise<RepoModel> {
  const root = path.resolve(rootArg);
  const config = opts.config ?? loadConfig(root, opts.configFile);
  const ignoreMatcher = makeIgnore(config.ignore);
  const files = await discoverProject(root, { ignore: config.ignore });
  const rel = (abs: string) => {
    const r = path.relative(root, abs);
    if (r === '') return '.';
    return !r.startsWith('..') && !path.isAbsolute(r) ? r.split(path.sep).join('/') : abs;
  };
  const parsed = new Map<string, ParsedDocument[]>();
  const env = opts.env ?? { HOME: process.env.HOME };
  const units: ComposeUnit[] = [];
  const plan = opts.files?.length
    ? [{ label: opts.files.join(' + '), absFiles: opts.files.map((f) => path.resolve(root, f)), kind: 'default' as const }]
    : unitsFromDiscovery(files, (p) => ignoreMatcher.ignores(p)).map((u) => ({ label: u.label, absFiles: u.files.map((f) => path.join(root, f.path)), kind: u.kind }));
  for (const u of plan) {
    const dir = path.dirname(u.absFiles[0]!);
    const raw = new Map<string, Mapping | null>();
    const unit: ComposeUnit = { label: u.label, files: u.absFiles, dir, kind: u.kind, raw };
    for (const f of u.absFiles) {
      try {
        const docs = parsed.get(f) ?? parseYamlDocuments(readTextFile(f, rel(f)), rel(f));
        parsed.set(f, docs);
        raw.set(f, docs.find((d) => d.value)?.value ?? null);
      } catch {
        raw.set(f, null);
      }
    }
    const load = (extraEnv: Record<string, string>, resolveEnvFiles: boolean) =>
      loadProject({
        workingDir: dir,
        files: u.absFiles,
        profiles: opts.profiles?.length ? opts.profiles : ['*'],
        env: { ...env, ...extraEnv },
        tolerant: true,
        resolveEnvFiles,
        root,
        displayBase: root,
        parsed,
      });
    try {
      unit.project = load({}, true);
    } catch (e) {
      unit.error = e instanceof LoadError ? e : new LoadError(String((e as Error)?.message ?? e), { code: 'internal' });
      const degraded = loadDegraded(load);
      if (degraded) {
        unit.project = degraded.project;
        unit.degraded = { skippedEnvFiles: degraded.skippedEnvFiles, placeholders: degraded.placeholders };
      }
    }
    units.push(unit);
  }
  const dockerfiles = new Map<string, DockerfileInfo | null>();
  const ignores = new Map<string, IgnoreInfo>();
  return {
    root,
    files,
    units,
    config,
    rel,
    documents(abs) {
      let docs = parsed.get(abs);
      if (!docs) {
        try {
          docs = parseYamlDocuments(readTextFile(abs, rel(abs)), rel(abs));
        } catch {
          docs = [];
        }
        parsed.set(abs, docs);
      }
      return docs.flatMap((d) => (d.value ? [d.value] : []));
    },
    dockerfile(abs) {
      if (!dockerfiles.has(abs)) {
        try {
          dockerfiles.set(abs, readDockerfile(abs, rel(abs)));
        } catch {
          dockerfiles.set(abs, null);
        }
      }
      return dockerfiles.get(abs) ?? undefined;
    },
    dockerignore(contextDir, dockerfilePath) {
      const key = `${contextDir}\u0000${dockerfilePath ?? ''}`;
      let ig = ignores.get(key);
      if (!ig) ignores.set(key, (ig = loadDockerignore(contextDir, dockerfilePath)));
      return ig;
    },
  };
}
