/**
 * Docker engine helpers for end-to-end tests.
 *
 * SHIPSHAPE_E2E:
 *   required  the engine (and Compose CLI and busybox) must be there: e2e suites FAIL without them (CI sets this);
 *   off       skip e2e suites without probing;
 *   unset     run them when everything is there, otherwise skip them with a printed reason.
 *
 * Use in an e2e test file (top-level await is fine in vitest):
 *
 *   const engine = await requireEngine(); // throws when required and missing: the file fails
 *   describe.runIf(engine)('...', () => { ... });
 */
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { composeArgs, detectComposeCli, type ComposeCli, type ComposeProject } from '../../src/engine/compose-cli.js';
import { run, runOk, type RunOptions, type RunResult } from './exec.js';

export const DEFAULT_BUSYBOX_IMAGE = 'shipshape-test/busybox:1';

/** Applets linked in /bin of the test image, besides `busybox` itself (those this busybox lacks are left out). */
export const BUSYBOX_APPLETS = [
  'sh', 'ash', 'httpd', 'wget', 'nc', 'sleep', 'id', 'cat', 'echo', 'ls', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'chmod', 'chown',
  'touch', 'tar', 'gzip', 'gunzip', 'sha256sum', 'md5sum', 'true', 'false', 'env', 'ps', 'kill', 'grep', 'sed', 'awk',
  'head', 'tail', 'wc', 'sort', 'tr', 'cut', 'date', 'test', '[', 'printf', 'hostname', 'uname', 'whoami', 'df', 'du',
  'find', 'xargs', 'stat', 'pwd', 'basename', 'dirname', 'seq', 'timeout', 'dd', 'sync', 'mktemp', 'tee', 'base64',
  'sha512sum', 'uniq', 'readlink', 'realpath', 'rmdir', 'usleep', 'which', 'nproc', 'free', 'top', 'pidof', 'xz', 'unzip',
] as const;

export function e2eMode(): 'required' | 'off' | 'auto' {
  const v = process.env.SHIPSHAPE_E2E?.trim().toLowerCase();
  if (v === 'required') return 'required';
  if (v === 'off' || v === '0' || v === 'false') return 'off';
  return 'auto';
}

let engineProbe: Promise<{ ok: boolean; why: string }> | undefined;

function probeEngine(): Promise<{ ok: boolean; why: string }> {
  engineProbe ??= run(['docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 }).then((r) =>
    r.code === 0 && r.stdout.trim() !== ''
      ? { ok: true, why: `Docker engine ${r.stdout.trim()}` }
      : { ok: false, why: `\`docker info\` failed: ${(r.stderr.trim().split('\n').pop() ?? '') || `exit ${r.code}`}` },
  );
  return engineProbe;
}

/** True when a Docker engine answers `docker info` (memoised per process). */
export async function engineAvailable(): Promise<boolean> {
  return (await probeEngine()).ok;
}

/** Path of a static busybox binary to put in the test image, or undefined. */
export function findBusybox(): string | undefined {
  const fromEnv = process.env.SHIPSHAPE_BUSYBOX;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(p)) return p;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'busybox'))) return path.join(dir, 'busybox');
  }
  return undefined;
}

/** Why e2e tests cannot run here, or undefined when they can (engine, Compose CLI and busybox all present). */
export async function e2eBlocker(): Promise<string | undefined> {
  const engine = await probeEngine();
  if (!engine.ok) return `no Docker engine: ${engine.why}`;
  try {
    await composeInfo();
  } catch (e) {
    return `no Docker Compose CLI: ${(e as Error).message}`;
  }
  if (!findBusybox()) return 'no busybox binary for the test image (Debian: apt-get install busybox-static)';
  return undefined;
}

/**
 * Decide whether e2e suites run. Returns true to run them, false to skip them
 * (printing why). When SHIPSHAPE_E2E=required and something is missing it
 * throws, so the test file fails instead of silently skipping.
 */
export async function requireEngine(): Promise<boolean> {
  const mode = e2eMode();
  if (mode === 'off') {
    console.warn('[shipshape e2e] skipped: SHIPSHAPE_E2E=off');
    return false;
  }
  const blocker = await e2eBlocker();
  if (!blocker) return true;
  if (mode === 'required') {
    throw new Error(
      `[shipshape e2e] SHIPSHAPE_E2E=required but ${blocker}\n` +
        'Start one with `bash .ci/run` (installs docker.io, docker-compose, busybox-static and starts dockerd), ' +
        'or unset SHIPSHAPE_E2E to skip end-to-end tests.',
    );
  }
  console.warn(`[shipshape e2e] skipped: ${blocker} (set SHIPSHAPE_E2E=required to make this a failure)`);
  return false;
}

let composeProbe: Promise<ComposeCli> | undefined;

/** The detected Compose CLI (memoised per process; honours SHIPSHAPE_COMPOSE). */
export function composeInfo(): Promise<ComposeCli> {
  composeProbe ??= detectComposeCli();
  return composeProbe;
}

/** argv prefix to invoke Compose with: `['docker', 'compose']` or `['docker-compose']`. */
export async function composeCli(): Promise<string[]> {
  return [...(await composeInfo()).argv];
}

/** Run a Compose subcommand for a project; throws with the output on a non-zero exit. */
export async function compose(project: ComposeProject, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runOk(composeArgs(await composeInfo(), project, args), { timeoutMs: 120_000, ...options });
}

/** Run `docker ARGS`; throws with the output on a non-zero exit. */
export function docker(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runOk(['docker', ...args], options);
}

const imageBuilds = new Map<string, Promise<string>>();

/**
 * Make sure the tiny test image `tag` exists: a `docker import` of a folder
 * holding static busybox and applet links in /bin, a 1777 /tmp and a minimal
 * /etc/passwd (root, nobody). Built once per machine: an existing image with
 * that tag is reused. Resolves to the tag.
 */
export function buildBusyboxImage(tag = DEFAULT_BUSYBOX_IMAGE): Promise<string> {
  let p = imageBuilds.get(tag);
  if (!p) {
    p = doBuildBusyboxImage(tag);
    imageBuilds.set(tag, p);
    p.catch(() => imageBuilds.delete(tag));
  }
  return p;
}

async function doBuildBusyboxImage(tag: string): Promise<string> {
  const existing = await run(['docker', 'image', 'inspect', '--format', '{{.Id}}', tag], { timeoutMs: 30_000 });
  if (existing.code === 0) return tag;

  const busybox = findBusybox();
  if (!busybox) {
    throw new Error(
      `Cannot build test image ${tag}: no static busybox binary at /bin/busybox or on PATH. ` +
        'Install it with `apt-get install busybox-static` (or set SHIPSHAPE_BUSYBOX to a static busybox).',
    );
  }
  const root = await mkdtemp(path.join(os.tmpdir(), 'shipshape-busybox-'));
  try {
    const fs = path.join(root, 'rootfs');
    for (const d of ['bin', 'etc', 'tmp', 'root', 'www']) await mkdir(path.join(fs, d), { recursive: true });
    await cp(busybox, path.join(fs, 'bin', 'busybox'));
    await chmod(path.join(fs, 'bin', 'busybox'), 0o755);
    const listed = await run([busybox, '--list'], { timeoutMs: 10_000 });
    const available = new Set(listed.code === 0 ? listed.stdout.split('\n').map((l) => l.trim()) : BUSYBOX_APPLETS);
    for (const applet of new Set(BUSYBOX_APPLETS)) {
      if (available.has(applet)) await symlink('busybox', path.join(fs, 'bin', applet));
    }
    await writeFile(path.join(fs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    await writeFile(path.join(fs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    await chmod(fs, 0o755);
    for (const d of ['bin', 'etc', 'root', 'www']) await chmod(path.join(fs, d), 0o755);
    await chmod(path.join(fs, 'tmp'), 0o1777);

    const tarball = path.join(root, 'rootfs.tar');
    await runOk(['tar', '-C', fs, '--numeric-owner', '--owner=0', '--group=0', '-cf', tarball, '.'], { timeoutMs: 60_000 });
    // `--change` needs each instruction separately; PATH is unset in imported images.
    await runOk(
      ['docker', 'import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["sh"]', '--message', 'shipshape test busybox', tarball, tag],
      { timeoutMs: 120_000 },
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return tag;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** A unique Compose project name, valid for v1 and v2. */
export function uniqueProjectName(prefix = 'shipshape-e2e'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface ContainerState {
  Status: string;
  ExitCode: number;
  Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] };
}

export async function containerState(id: string): Promise<ContainerState> {
  const r = await docker(['inspect', '--format', '{{json .State}}', id], { timeoutMs: 30_000 });
  return JSON.parse(r.stdout) as ContainerState;
}

/**
 * Poll until the container's healthcheck reports healthy. Throws early if it
 * exits or turns unhealthy, and after `timeoutMs` (default 30 s), with the
 * last health log lines in the message.
 */
export async function waitHealthy(id: string, timeoutMs = 30_000, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state: ContainerState | undefined;
  for (;;) {
    state = await containerState(id);
    const health = state.Health?.Status;
    if (health === 'healthy') return;
    if (!state.Health) throw new Error(`container ${id} has no healthcheck (state ${state.Status})`);
    if (state.Status === 'exited' || state.Status === 'dead' || health === 'unhealthy' || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const log = (state.Health?.Log ?? []).slice(-3).map((l) => `  exit ${l.ExitCode}: ${l.Output.trim()}`).join('\n');
  throw new Error(
    `container ${id} not healthy: status ${state.Status} (exit ${state.ExitCode}), health ${state.Health?.Status ?? 'none'}` +
      (Date.now() >= deadline ? ` after ${timeoutMs} ms` : '') +
      (log ? `\nlast health checks:\n${log}` : ''),
  );
}
