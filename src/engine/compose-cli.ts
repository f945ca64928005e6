/**
 * Detection of the Docker Compose command-line interface and construction of
 * its argument vectors.
 *
 * Two generations exist in the wild:
 * - v2, the Go rewrite, usually the `docker compose` CLI plugin, sometimes a
 *   standalone `docker-compose` binary (version 2.x);
 * - v1, the Python `docker-compose` (Debian bookworm ships 1.29.2).
 *
 * Detection prefers v2 and falls back to v1. `SHIPSHAPE_COMPOSE` overrides it:
 * `v2`, `v1`, or an executable: a path or a command name on PATH (`docker` or
 * `.../docker` means `docker compose`; anything else is run as a standalone
 * compose binary, taken as v1 or v2 by the version it reports).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export type ComposeKind = 'v1' | 'v2';

export interface ComposeCli {
  kind: ComposeKind;
  /** argv prefix: `['docker', 'compose']`, `['docker-compose']` or `[path]`. */
  argv: string[];
  /** Version without a leading `v`, e.g. `2.24.5` or `1.29.2`. */
  version: string;
}

export interface ComposeProject {
  /** `-p`: must match `^[a-z0-9][a-z0-9_-]*$` (what v2 accepts; v1 would silently rewrite others). */
  projectName?: string;
  /** `-f`, in order (later files override earlier ones). */
  files?: string[];
  /** `--project-directory` */
  projectDir?: string;
  /** `--profile`, one flag per profile (v1 needs >= 1.28). */
  profiles?: string[];
  /** `--env-file` (v1 >= 1.25 takes one; several need v2 >= 2.17). */
  envFiles?: string[];
}

export const COMPOSE_OVERRIDE_ENV = 'SHIPSHAPE_COMPOSE';
export const COMPOSE_INSTALL_DOCS = 'https://docs.docker.com/compose/install/';

const INSTALL_HINT =
  'Install Docker Compose v2 (Debian/Ubuntu with Docker\'s apt repository: `apt-get install docker-compose-plugin`) ' +
  'or v1 (Debian bookworm: `apt-get install docker-compose`); see ' +
  COMPOSE_INSTALL_DOCS +
  `. To pick one explicitly, set ${COMPOSE_OVERRIDE_ENV}=v2, v1 or the path of a compose executable.`;

/** Neither Compose CLI could be run (or the override points to nothing usable). */
export class ComposeCliNotFoundError extends Error {
  /** One line per command tried, with why it was rejected. */
  readonly attempts: string[];
  constructor(message: string, attempts: string[]) {
    super(`${message}\n${attempts.map((a) => `  - ${a}`).join('\n')}\n${INSTALL_HINT}`);
    this.name = 'ComposeCliNotFoundError';
    this.attempts = attempts;
  }
}

/** The requested flags cannot be expressed with this Compose CLI. */
export class ComposeArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComposeArgsError';
  }
}

export interface DetectOptions {
  /** Environment for the probes and for reading `SHIPSHAPE_COMPOSE` (default `process.env`); its PATH is used to find the executables. */
  env?: NodeJS.ProcessEnv;
  /** Per-probe time limit (default 15 s: a cold Python v1 can be slow). */
  timeoutMs?: number;
}

interface ProbeResult {
  ok: boolean;
  version?: string;
  why?: string;
  /** set when the command ran and exited non-zero */
  exited?: boolean;
}

const VERSION_RE = /\bv?(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?)/;

/** Extract the version from `version --short` output (`2.24.5`, `v2.0.0`, `1.29.2`); undefined if none. */
export function parseComposeVersion(output: string): string | undefined {
  for (const line of output.split(/\r?\n/)) {
    const m = VERSION_RE.exec(line.trim());
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** Compare dotted numeric versions (pre-release suffixes ignored): <0, 0 or >0. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function majorOf(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '', 10);
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.trim() ?? '';
}

function probe(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProbeResult> {
  const [cmd, ...rest] = argv;
  return new Promise((resolve) => {
    execFile(
      cmd!,
      [...rest, 'version', '--short'],
      { env, timeout: timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        const shown = `\`${[...argv, 'version', '--short'].join(' ')}\``;
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const exited = typeof code === 'number' && !err.killed;
          const detail =
            code === 'ENOENT'
              ? 'not found'
              : code === 'EACCES'
                ? 'not executable'
                : err.killed
                  ? `timed out after ${timeoutMs} ms`
                  : `exit code ${String(code)}${firstLine(String(stderr)) ? `: ${firstLine(String(stderr))}` : ''}`;
          resolve({ ok: false, why: `${shown}: ${detail}`, exited });
          return;
        }
        const version = parseComposeVersion(String(stdout));
        if (!version) {
          resolve({ ok: false, why: `${shown}: printed no version (${JSON.stringify(String(stdout).trim().slice(0, 80))})` });
          return;
        }
        resolve({ ok: true, version });
      },
    );
  });
}

async function tryV2Plugin(docker: string, env: NodeJS.ProcessEnv, timeoutMs: number, attempts: string[]): Promise<ComposeCli | undefined> {
  const argv = [docker, 'compose'];
  const r = await probe(argv, env, timeoutMs);
  if (!r.ok) {
    // docker itself ran but rejected `compose ...`: the usual sign of a missing plugin.
    attempts.push(r.exited ? `${r.why!} (docker has no compose plugin)` : r.why!);
    return undefined;
  }
  if (majorOf(r.version!) < 2) {
    attempts.push(`\`${argv.join(' ')} version --short\`: unexpected version ${r.version}`);
    return undefined;
  }
  return { kind: 'v2', argv, version: r.version! };
}

async function tryStandalone(
  bin: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  attempts: string[],
  want?: ComposeKind,
): Promise<ComposeCli | undefined> {
  const r = await probe([bin], env, timeoutMs);
  if (!r.ok) {
    attempts.push(r.why!);
    return undefined;
  }
  // A standalone `docker-compose` may be v2 (many installs link it to the plugin).
  const kind: ComposeKind = majorOf(r.version!) >= 2 ? 'v2' : 'v1';
  if (want && kind !== want) {
    attempts.push(`\`${bin} version --short\`: is ${kind} (${r.version}), ${want} was asked for`);
    return undefined;
  }
  return { kind, argv: [bin], version: r.version! };
}

/**
 * Find the Compose CLI to use. Prefers v2 (`docker compose`), falls back to
 * `docker-compose` (v1, or a standalone v2). Throws ComposeCliNotFoundError,
 * listing what was tried and how to install Compose, when nothing works.
 */
export async function detectComposeCli(options: DetectOptions = {}): Promise<ComposeCli> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const override = env[COMPOSE_OVERRIDE_ENV]?.trim();
  const attempts: string[] = [];

  if (override) {
    const choice = override.toLowerCase();
    let found: ComposeCli | undefined;
    if (choice === 'v2') {
      found = (await tryV2Plugin('docker', env, timeoutMs, attempts)) ?? (await tryStandalone('docker-compose', env, timeoutMs, attempts, 'v2'));
    } else if (choice === 'v1') {
      found = await tryStandalone('docker-compose', env, timeoutMs, attempts, 'v1');
    } else {
      // A path (resolved against the cwd) or a bare command name (looked up on PATH).
      const bin = override.includes('/') || override.includes(path.sep) ? path.resolve(override) : override;
      found = /^docker(\.exe)?$/i.test(path.basename(bin))
        ? await tryV2Plugin(bin, env, timeoutMs, attempts)
        : await tryStandalone(bin, env, timeoutMs, attempts);
    }
    if (found) return found;
    throw new ComposeCliNotFoundError(`The Docker Compose CLI chosen by ${COMPOSE_OVERRIDE_ENV}=${override} does not work:`, attempts);
  }

  const found =
    (await tryV2Plugin('docker', env, timeoutMs, attempts)) ?? (await tryStandalone('docker-compose', env, timeoutMs, attempts));
  if (found) return found;
  throw new ComposeCliNotFoundError('No Docker Compose CLI found (tried v2, then v1):', attempts);
}

const PROJECT_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

/** True when both Compose generations accept `name` unchanged as a project name. */
export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME_RE.test(name);
}

/**
 * Build the full argv (prefix, global flags, then `args`) for one Compose
 * invocation. Pure. Global flags go before the subcommand, as both versions
 * require. Throws ComposeArgsError for flags this CLI version lacks.
 */
export function composeArgs(cli: ComposeCli, project: ComposeProject, args: readonly string[]): string[] {
  const out = [...cli.argv];
  const { projectName, files = [], projectDir, profiles = [], envFiles = [] } = project;

  if (projectName !== undefined) {
    if (!isValidProjectName(projectName)) {
      throw new ComposeArgsError(
        `Invalid Compose project name ${JSON.stringify(projectName)}: use lowercase letters, digits, '-' and '_', starting with a letter or digit.`,
      );
    }
    out.push('-p', projectName);
  }
  for (const f of files) out.push('-f', f);
  if (projectDir !== undefined) out.push('--project-directory', projectDir);

  if (profiles.length > 0 && cli.kind === 'v1' && compareVersions(cli.version, '1.28.0') < 0) {
    throw new ComposeArgsError(`Compose ${cli.version} has no --profile (needs docker-compose >= 1.28 or Compose v2).`);
  }
  for (const p of profiles) out.push('--profile', p);

  if (envFiles.length > 0) {
    if (cli.kind === 'v1' && compareVersions(cli.version, '1.25.0') < 0) {
      throw new ComposeArgsError(`Compose ${cli.version} has no --env-file (needs docker-compose >= 1.25 or Compose v2).`);
    }
    if (envFiles.length > 1 && cli.kind === 'v1') {
      throw new ComposeArgsError(`Compose v1 (${cli.version}) accepts a single --env-file; ${envFiles.length} were given (several need Compose v2 >= 2.17).`);
    }
    if (envFiles.length > 1 && compareVersions(cli.version, '2.17.0') < 0) {
      throw new ComposeArgsError(`Compose ${cli.version} uses only the last of several --env-file flags; ${envFiles.length} were given (needs Compose >= 2.17).`);
    }
  }
  for (const e of envFiles) out.push('--env-file', e);

  out.push(...args);
  return out;
}
