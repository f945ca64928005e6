/**
 * Pre-flight checks for `shipshape up`, each one pass / fail / warn / skip line:
 *
 *   engine      the Docker engine answers (DOCKER_HOST / context, as the CLI resolves them)
 *   compose     a Compose CLI is there (v2 preferred, v1 accepted), which one
 *   variables   the project loads; every required variable (${X:?}) is set; unset plain ones warn
 *   env files   each service's env_file exists (or is optional)
 *   binds       bind-mount sources exist (a missing short-syntax source is created by the engine: warn)
 *   ports       fixed host ports are free: not published by another container, and bindable here;
 *               ports this project's running containers already publish are fine
 *   images      each image is present locally, or buildable (build context and Dockerfile exist)
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { connectEngine, containerName, engineVersion, LABEL, statusCode, withTimeout, type Engine } from '../engine/client.js';
import { detectComposeCli, type ComposeCli } from '../engine/compose-cli.js';
import { describeEndpoint } from '../engine/docker-host.js';
import { LoadError } from '../load/errors.js';
import { MissingRequiredError } from '../load/interpolate.js';
import { loadProject, type LoadedProject } from '../load/project.js';
import type { Mapping, Value } from '../load/types.js';
import { addressesOverlap, formatHostPort, probePort, publishedPorts, type PublishedPort } from './ports.js';
import { imageHasHealthcheck } from './specs.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';
export type CheckId = 'engine' | 'compose' | 'variables' | 'env-files' | 'binds' | 'ports' | 'images';

export interface Check {
  id: CheckId;
  status: CheckStatus;
  message: string;
  /** one line per item, for checks that looked at several */
  details?: string[];
}

export interface ProjectInputs {
  dir: string;
  files?: string[];
  profiles?: string[];
  envFiles?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
  env?: NodeJS.ProcessEnv;
}

export interface PreflightOptions extends ProjectInputs {
  build?: boolean;
  /** use this engine instead of resolving one (tests) */
  engine?: Engine;
  /** use this Compose CLI instead of detecting one (tests) */
  cli?: ComposeCli;
  /** skip detection; the compose check is not made */
  skipCompose?: boolean;
  onCheck?: (c: Check) => void;
}

export interface PreflightResult {
  ok: boolean;
  checks: Check[];
  project?: LoadedProject;
  engine?: Engine;
  engineVersion?: Dockerode.VersionInfo;
  cli?: ComposeCli;
  /** per service: its image (present locally) has a HEALTHCHECK */
  imageHealth: Map<string, boolean | undefined>;
}

/** `using docker compose v2.24.5` / `using docker-compose 1.29.2 (v1)` */
export function describeCompose(cli: ComposeCli): string {
  const cmd = cli.argv.length === 1 ? path.basename(cli.argv[0]!) : cli.argv.join(' ');
  return cli.kind === 'v1' ? `using ${cmd} ${cli.version} (v1)` : `using ${cmd} v${cli.version}`;
}

/** The name Compose gives a built image when the service names none. */
export function defaultImageName(project: string, service: string, kind: 'v1' | 'v2'): string {
  return kind === 'v1' ? `${project}_${service}` : `${project}-${service}`;
}

const PLACEHOLDER = '1';

export interface MissingVariable {
  name: string;
  message: string;
}

/**
 * Load the project; for each required variable that is missing, note it, set a placeholder and
 * load again, so that all of them are reported at once. `project` is the model loaded without
 * placeholders, or with them when `placeholders` is true; `error` is any other load error.
 */
export function loadForPreflight(inputs: ProjectInputs): { project?: LoadedProject; placeholders: boolean; missing: MissingVariable[]; error?: unknown } {
  const env: Record<string, string | undefined> = { ...(inputs.env ?? process.env) };
  const missing: MissingVariable[] = [];
  for (let i = 0; i < 64; i++) {
    try {
      const project = loadProject({
        workingDir: path.resolve(inputs.dir),
        files: inputs.files,
        profiles: inputs.profiles,
        envFiles: inputs.envFiles,
        projectName: inputs.projectName,
        projectDir: inputs.projectDirectory,
        root: inputs.root,
        env,
        resolveEnvFiles: false,
        displayBase: process.cwd(),
      });
      return { project, placeholders: missing.length > 0, missing };
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause;
      if (e instanceof LoadError && cause instanceof MissingRequiredError && !missing.some((m) => m.name === cause.variable)) {
        missing.push({ name: cause.variable, message: e.toLine() });
        env[cause.variable] = PLACEHOLDER;
        continue;
      }
      // after a placeholder, another error is likely the placeholder's doing: report the variables only
      return missing.length ? { placeholders: true, missing } : { placeholders: false, missing, error: e };
    }
  }
  return { placeholders: true, missing };
}

function isMap(v: Value | undefined): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stat(p: string) {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function runPreflight(opts: PreflightOptions): Promise<PreflightResult> {
  const checks: Check[] = [];
  const emit = (c: Check) => {
    checks.push(c);
    opts.onCheck?.(c);
  };
  const result: PreflightResult = { ok: false, checks, imageHealth: new Map() };

  // engine and compose in parallel; reported in order
  let engine: Engine | undefined;
  const enginePromise = (async (): Promise<Check> => {
    try {
      engine = opts.engine ?? connectEngine({ env: opts.env });
      const v = await engineVersion(engine);
      result.engineVersion = v;
      return { id: 'engine', status: 'pass', message: `engine reachable: Docker ${v.Version} (API ${v.ApiVersion}) at ${describeEndpoint(engine.endpoint)}` };
    } catch (e) {
      engine = undefined;
      return { id: 'engine', status: 'fail', message: (e as Error).message };
    }
  })();
  const composePromise = (async (): Promise<Check | undefined> => {
    if (opts.skipCompose) return undefined;
    try {
      const cli = opts.cli ?? (await detectComposeCli({ env: opts.env }));
      result.cli = cli;
      return { id: 'compose', status: 'pass', message: describeCompose(cli) };
    } catch (e) {
      const [first, ...rest] = (e as Error).message.split('\n');
      return { id: 'compose', status: 'fail', message: first ?? 'no Docker Compose CLI', details: rest.map((l) => l.trim()).filter(Boolean) };
    }
  })();
  // loading is synchronous work: do it while the probes' child processes and requests run
  await new Promise((r) => setImmediate(r));
  const loaded = loadForPreflight(opts);

  emit(await enginePromise);
  result.engine = engine;
  const composeCheck = await composePromise;
  if (composeCheck) emit(composeCheck);

  // variables (and the project itself)
  let project = loaded.project;
  if (loaded.error) {
    const err = loaded.error;
    const line = err instanceof LoadError ? err.toLine() : (err as Error).message;
    const id: CheckId = err instanceof LoadError && err.code === 'env-file' ? 'env-files' : 'variables';
    emit({ id, status: 'fail', message: id === 'env-files' ? `env files: ${line}` : `project does not load: ${line}`, ...(err instanceof LoadError && err.hint ? { details: [`hint: ${err.hint}`] } : {}) });
  } else if (loaded.missing.length) {
    emit({
      id: 'variables',
      status: 'fail',
      message: `variables: ${plural(loaded.missing.length, 'required variable')} not set: ${loaded.missing.map((m) => m.name).join(', ')}`,
      details: loaded.missing.map((m) => m.message),
    });
  } else if (project) {
    const unset = [
      ...new Set(
        project.warnings.map((w) => /^The "([^"]+)" variable is not set/.exec(w.message)?.[1]).filter((n): n is string => n !== undefined),
      ),
    ];
    const required = new Set(project.variables.filter((v) => v.required).map((v) => v.name));
    if (unset.length) {
      emit({ id: 'variables', status: 'warn', message: `variables: not set, defaulting to a blank string: ${unset.join(', ')}`, details: unset.map((n) => `${n} is used with no default`) });
    } else {
      emit({ id: 'variables', status: 'pass', message: `variables: ${required.size ? `all ${plural(required.size, 'required variable')} set` : 'none required'}` });
    }
  }
  if (loaded.placeholders) project = undefined;
  result.project = loaded.placeholders ? undefined : project;
  if (!project) {
    result.ok = false;
    return result;
  }
  const services = project.services;

  // env files
  const envProblems: string[] = [];
  let envCount = 0;
  for (const [name, svc] of Object.entries(services)) {
    if (!Array.isArray(svc.env_file)) continue;
    for (const ef of svc.env_file) {
      if (!isMap(ef) || typeof ef.path !== 'string') continue;
      envCount++;
      if (!stat(ef.path)?.isFile()) {
        if (ef.required === false) continue;
        envProblems.push(`${project.display(ef.path)} (service ${name}): not found`);
      }
    }
  }
  if (envProblems.length) emit({ id: 'env-files', status: 'fail', message: `env files: ${plural(envProblems.length, 'missing file')}`, details: envProblems });
  else emit({ id: 'env-files', status: envCount ? 'pass' : 'skip', message: envCount ? `env files: ${plural(envCount, 'file')} found` : 'env files: none used' });

  const remote = engine !== undefined && !engine.endpoint.local;

  // bind sources
  const bindFail: string[] = [];
  const bindWarn: string[] = [];
  let bindCount = 0;
  for (const [name, svc] of Object.entries(services)) {
    if (!Array.isArray(svc.volumes)) continue;
    for (const v of svc.volumes) {
      if (!isMap(v) || v.type !== 'bind' || typeof v.source !== 'string') continue;
      bindCount++;
      if (remote || stat(v.source)) continue;
      const create = isMap(v.bind) && v.bind.create_host_path === true;
      const line = `${project.display(v.source)} (service ${name})`;
      if (create) bindWarn.push(`${line}: does not exist; the engine will create an empty directory`);
      else bindFail.push(`${line}: does not exist`);
    }
  }
  if (remote && bindCount) emit({ id: 'binds', status: 'skip', message: `bind sources: the engine is remote (${engine!.endpoint.host}); not checked from here` });
  else if (bindFail.length) emit({ id: 'binds', status: 'fail', message: `bind sources: ${plural(bindFail.length, 'missing source')}`, details: [...bindFail, ...bindWarn] });
  else if (bindWarn.length) emit({ id: 'binds', status: 'warn', message: `bind sources: ${plural(bindWarn.length, 'source')} will be created`, details: bindWarn });
  else emit({ id: 'binds', status: bindCount ? 'pass' : 'skip', message: bindCount ? `bind sources: ${plural(bindCount, 'source')} found` : 'bind sources: none' });

  // ports
  emit(await checkPorts(project.name, publishedPorts(services), engine, remote));

  // images
  if (!engine) emit({ id: 'images', status: 'skip', message: 'images: not checked (no engine)' });
  else emit(await checkImages(engine.docker, project, opts.build ?? false, result.cli?.kind ?? 'v2', result.imageHealth));

  result.ok = !checks.some((c) => c.status === 'fail');
  return result;
}

/** Ports: conflicts inside the stack, with other containers' published ports, then a bind on this host. */
export async function checkPorts(project: string, ports: PublishedPort[], engine: Engine | undefined, remote: boolean): Promise<Check> {
  if (!ports.length) return { id: 'ports', status: 'skip', message: 'ports: no fixed host ports published' };
  const problems: string[] = [];
  const notes: string[] = [];
  // the same port twice in the stack
  for (let i = 0; i < ports.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = ports[i]!;
      const b = ports[j]!;
      if (a.port === b.port && a.protocol === b.protocol && addressesOverlap(a.hostIp, b.hostIp) && !(a.service === b.service && a.target === b.target)) {
        problems.push(`${formatHostPort(a)} is published by both ${b.service} and ${a.service}`);
      }
    }
  }
  const ours = new Set<string>();
  const others = new Map<string, string>();
  if (engine) {
    try {
      const running = await withTimeout(engine.docker.listContainers({ all: false }), 15_000, 'listing containers timed out');
      for (const c of running) {
        const mine = c.Labels[LABEL.project] === project;
        for (const p of c.Ports ?? []) {
          if (!p.PublicPort) continue;
          const key = `${p.PublicPort}/${p.Type}`;
          if (mine) ours.add(key);
          else if (!others.has(key)) others.set(key, `${containerName(c)}${c.Labels[LABEL.project] ? ` (project ${c.Labels[LABEL.project]})` : ''}`);
        }
      }
    } catch (e) {
      notes.push(`could not list running containers: ${(e as Error).message}`);
    }
  }
  let probed = 0;
  for (const p of ports) {
    const key = `${p.port}/${p.protocol}`;
    const where = `${formatHostPort(p)} (service ${p.service})`;
    if (ours.has(key)) {
      notes.push(`${where}: already published by this project's running container`);
      continue;
    }
    const other = others.get(key);
    if (other) {
      problems.push(`${where}: already published by container ${other}`);
      continue;
    }
    if (remote) continue;
    probed++;
    const r = await probePort(p.hostIp, p.port, p.protocol);
    if (!r.free) {
      if (r.code === 'EACCES') notes.push(`${where}: ${r.reason}`);
      else problems.push(`${where}: ${r.reason}`);
    }
  }
  if (problems.length) return { id: 'ports', status: 'fail', message: `ports: ${plural(problems.length, 'conflict')}: ${problems[0]}`, details: [...problems, ...notes] };
  if (remote) return { id: 'ports', status: 'skip', message: `ports: the engine is remote; ${plural(ports.length, 'port')} not probed from here`, ...(notes.length ? { details: notes } : {}) };
  return { id: 'ports', status: 'pass', message: `ports: ${plural(ports.length, 'host port')} free${probed < ports.length ? ` (${ports.length - probed} already ours)` : ''}`, ...(notes.length ? { details: notes } : {}) };
}

const REMOTE_CONTEXT = /^(https?:\/\/|git@|git:\/\/|github\.com\/|ssh:\/\/)/i;

/** Build context (and Dockerfile) present? Returns a problem, or undefined. */
export function buildProblem(build: Mapping): string | undefined {
  const context = typeof build.context === 'string' ? build.context : '.';
  if (REMOTE_CONTEXT.test(context)) return undefined;
  const st = stat(context);
  if (!st) return `build context ${context} does not exist`;
  if (!st.isDirectory()) return `build context ${context} is not a directory`;
  if (typeof build.dockerfile_inline === 'string') return undefined;
  const dockerfile = typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
  const file = path.isAbsolute(dockerfile) ? dockerfile : path.join(context, dockerfile);
  if (!stat(file)?.isFile()) return `Dockerfile ${file} does not exist`;
  return undefined;
}

export async function checkImages(
  docker: Dockerode,
  project: LoadedProject,
  build: boolean,
  kind: 'v1' | 'v2',
  imageHealth: Map<string, boolean | undefined>,
): Promise<Check> {
  const problems: string[] = [];
  const lines: string[] = [];
  let present = 0;
  let toBuild = 0;
  const pullCmd = kind === 'v1' ? 'docker-compose pull' : 'docker compose pull';
  for (const [name, svc] of Object.entries(project.services)) {
    const buildSpec = isMap(svc.build) ? svc.build : undefined;
    const ref = typeof svc.image === 'string' && svc.image ? svc.image : defaultImageName(project.name, name, kind);
    const pullPolicy = typeof svc.pull_policy === 'string' ? svc.pull_policy : undefined;
    const forceBuild = buildSpec && (build || pullPolicy === 'build');
    if (!forceBuild) {
      try {
        const info = await withTimeout(docker.getImage(ref).inspect(), 15_000, 'image inspect timed out');
        imageHealth.set(name, imageHasHealthcheck(info.Config?.Healthcheck?.Test));
        present++;
        lines.push(`${name}: ${ref} present`);
        continue;
      } catch (e) {
        if (statusCode(e) !== 404) {
          problems.push(`${name}: ${ref}: ${(e as Error).message}`);
          continue;
        }
      }
    }
    if (buildSpec) {
      const problem = buildProblem(buildSpec);
      if (problem) problems.push(`${name}: ${ref} not present locally and not buildable: ${problem}`);
      else {
        toBuild++;
        lines.push(`${name}: ${ref} will be built`);
      }
      continue;
    }
    problems.push(`${name}: ${ref} not present locally; \`${pullCmd}\` needed`);
  }
  if (problems.length) return { id: 'images', status: 'fail', message: `images: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, details: problems };
  const parts = [present ? `${present} present` : '', toBuild ? `${toBuild} to build` : ''].filter(Boolean);
  return { id: 'images', status: 'pass', message: `images: ${parts.join(', ') || 'none'}`, details: lines };
}
