/**
 * `shipshape status`: the health dashboard. Per service and container: state, health, uptime,
 * restart count, CPU %, memory use and limit, published ports, the last log lines. Colour-coded on
 * a TTY, plain otherwise, one versioned JSON document with --json; --watch redraws every 2 s.
 *
 * ok (exit 0) when every service has a container and each is running (healthy, or without a
 * health check) or completed with exit 0; anything starting, restarting, unhealthy, exited
 * non-zero, dead or not created makes it 1.
 */
import path from 'node:path';
import type Dockerode from 'dockerode';
import pc from 'picocolors';
import { connectEngine, containerLogTail, containerName, engineVersion, LABEL, listProjectContainers, withTimeout, type Engine } from '../engine/client.js';
import { LoadError } from '../load/errors.js';
import { loadProject } from '../load/project.js';
import type { ProjectInputs } from './preflight.js';
import type { Out } from './report.js';
import { formatMiB } from './verify-checks.js';
import { computeStats, inspectData, statsOnce } from './verify-engine.js';

export const STATUS_VERSION = 1;

export interface ContainerStatus {
  name: string;
  id: string;
  number: number;
  state: string;
  health?: string;
  exitCode?: number;
  startedAt?: string;
  uptimeS?: number;
  restartCount: number;
  cpuPercent?: number;
  memUsage?: number;
  memLimit?: number;
  ports: string[];
  logs: string[];
}

export type Level = 'ok' | 'warn' | 'bad';

export interface ServiceStatusRow {
  service: string;
  /** `not created` when no container exists */
  state: string;
  level: Level;
  containers: ContainerStatus[];
}

export interface StatusReport {
  v: number;
  project: string;
  ok: boolean;
  at: string;
  services: ServiceStatusRow[];
}

export interface StatusOptions extends ProjectInputs {
  json?: boolean;
  watch?: boolean;
  /** seconds between refreshes with --watch (default 2) */
  intervalS?: number;
  logLines?: number;
  out?: Out;
  err?: Out;
  color?: boolean;
  /** ends --watch (default: SIGINT / SIGTERM) */
  signal?: AbortSignal;
  engine?: Engine;
  /** skip the CPU/memory sample (faster) */
  noStats?: boolean;
}

export interface StatusResult {
  exitCode: 0 | 1 | 2;
  report?: StatusReport;
}

/** green / yellow / red */
export function containerLevel(c: Pick<ContainerStatus, 'state' | 'health' | 'exitCode'>): Level {
  if (c.state === 'running') return !c.health || c.health === 'healthy' ? 'ok' : c.health === 'starting' ? 'warn' : 'bad';
  if (c.state === 'restarting' || c.state === 'created' || c.state === 'paused' || c.state === 'removing') return 'warn';
  if (c.state === 'exited' && c.exitCode === 0) return 'ok';
  return 'bad';
}

export function serviceRow(service: string, containers: ContainerStatus[]): ServiceStatusRow {
  if (!containers.length) return { service, state: 'not created', level: 'bad', containers };
  const levels = containers.map(containerLevel);
  const level: Level = levels.includes('bad') ? 'bad' : levels.includes('warn') ? 'warn' : 'ok';
  const states = [...new Set(containers.map((c) => (c.health ? `${c.state} (${c.health})` : c.state === 'exited' ? `exited (${c.exitCode ?? '?'})` : c.state)))];
  return { service, state: states.join(', '), level, containers };
}

export function formatUptime(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '-';
  const t = Math.max(0, Math.floor(s));
  const d = Math.floor(t / 86400);
  const h = Math.floor((t % 86400) / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${sec}s`;
  return `${sec}s`;
}

function portsOf(c: Dockerode.ContainerInfo): string[] {
  const seen = new Set<string>();
  for (const p of c.Ports ?? []) {
    if (!p.PublicPort) continue;
    const ip = !p.IP || p.IP === '::' ? '0.0.0.0' : p.IP;
    seen.add(`${ip.includes(':') ? `[${ip}]` : ip}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`);
  }
  return [...seen].sort();
}

async function containerStatus(docker: Dockerode, c: Dockerode.ContainerInfo, opts: StatusOptions, now: number): Promise<ContainerStatus> {
  const info = await inspectData(docker, c.Id);
  const st: ContainerStatus = {
    name: containerName(c),
    id: c.Id.slice(0, 12),
    number: Number(c.Labels[LABEL.number] ?? 1) || 1,
    state: info.State.Status,
    restartCount: info.RestartCount ?? 0,
    ports: portsOf(c),
    logs: [],
  };
  // a stopped container's last health status is stale: shown only while it runs
  if (info.State.Health?.Status && info.State.Status === 'running') st.health = info.State.Health.Status;
  if (info.State.Status !== 'running' && info.State.Status !== 'created') st.exitCode = info.State.ExitCode;
  if (info.State.Status === 'running' && info.State.StartedAt) {
    st.startedAt = info.State.StartedAt;
    const t = Date.parse(info.State.StartedAt);
    if (Number.isFinite(t)) st.uptimeS = Math.max(0, Math.round((now - t) / 1000));
  }
  const [stats, logs] = await Promise.all([
    info.State.Status === 'running' && !opts.noStats ? statsOnce(docker, c.Id) : Promise.resolve(undefined),
    withTimeout(containerLogTail(docker, c.Id, opts.logLines ?? 3), 5_000, 'logs timed out').catch(() => [] as string[]),
  ]);
  if (stats) Object.assign(st, computeStats(stats));
  st.logs = logs.map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l));
  return st;
}

/** One look at the project: every service of the model, with its containers. */
export async function collectStatus(docker: Dockerode, project: string, services: readonly string[], opts: StatusOptions = { dir: '.' }): Promise<StatusReport> {
  const now = Date.now();
  const list = await withTimeout(listProjectContainers(docker, project, { all: true }), 15_000, 'listing containers timed out');
  const byService = new Map<string, Dockerode.ContainerInfo[]>();
  for (const c of list) {
    const s = c.Labels[LABEL.service];
    if (s) byService.set(s, [...(byService.get(s) ?? []), c]);
  }
  const names = [...new Set([...services, ...byService.keys()])].sort();
  const rows = await Promise.all(
    names.map(async (service) => {
      const ctrs = await Promise.all(
        (byService.get(service) ?? []).map((c) =>
          containerStatus(docker, c, opts, now).catch(
            (): ContainerStatus => ({ name: containerName(c), id: c.Id.slice(0, 12), number: 1, state: 'removed', restartCount: 0, ports: [], logs: [] }),
          ),
        ),
      );
      ctrs.sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));
      return serviceRow(service, ctrs);
    }),
  );
  return { v: STATUS_VERSION, project, ok: rows.every((r) => r.level === 'ok'), at: new Date(now).toISOString(), services: rows };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function renderStatus(r: StatusReport, color = false, width = 100): string {
  const c = pc.createColors(color);
  const paint = (l: Level, s: string) => (l === 'ok' ? c.green(s) : l === 'warn' ? c.yellow(s) : c.red(s));
  const lines = [c.bold(`project ${r.project}`) + c.dim(`  ${r.at}`)];
  const head = `${pad('SERVICE / CONTAINER', 28)} ${pad('STATE', 22)} ${pad('UPTIME', 8)} ${pad('RESTARTS', 8)} ${pad('CPU', 7)} ${pad('MEMORY', 20)} PORTS`;
  lines.push(c.dim(head));
  for (const s of r.services) {
    if (!s.containers.length) {
      lines.push(`${pad(s.service, 28)} ${paint(s.level, pad(s.state, 22))}`);
      continue;
    }
    lines.push(c.bold(s.service));
    for (const ct of s.containers) {
      const state = ct.health ? `${ct.state} (${ct.health})` : ct.state === 'exited' ? `exited (${ct.exitCode ?? '?'})` : ct.state;
      const mem = ct.memUsage !== undefined ? `${formatMiB(ct.memUsage)}${ct.memLimit ? ` / ${formatMiB(ct.memLimit)}` : ''}` : '-';
      const cpu = ct.cpuPercent !== undefined ? `${ct.cpuPercent.toFixed(1)}%` : '-';
      lines.push(
        `  ${pad(ct.name, 26)} ${paint(containerLevel(ct), pad(state, 22))} ${pad(formatUptime(ct.uptimeS), 8)} ${pad(String(ct.restartCount), 8)} ${pad(cpu, 7)} ${pad(mem, 20)} ${ct.ports.join(', ') || '-'}`,
      );
      for (const l of ct.logs) lines.push(c.dim(`    │ ${l.length > width - 6 ? `${l.slice(0, width - 7)}…` : l}`));
    }
  }
  const bad = r.services.filter((s) => s.level !== 'ok').map((s) => s.service);
  lines.push('', r.ok ? c.green('all services running / healthy') : c.red(`not healthy: ${bad.join(', ')}`));
  return `${lines.join('\n')}\n`;
}

export function statusJson(r: StatusReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export async function runStatus(opts: StatusOptions): Promise<StatusResult> {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const color = opts.color ?? (!opts.json && Boolean(out.isTTY) && !process.env.NO_COLOR);
  let projectName: string;
  let services: string[];
  try {
    const p = loadProject({
      workingDir: path.resolve(opts.dir),
      files: opts.files,
      profiles: opts.profiles,
      envFiles: opts.envFiles,
      projectName: opts.projectName,
      projectDir: opts.projectDirectory,
      root: opts.root,
      env: { ...(opts.env ?? process.env) },
      resolveEnvFiles: false,
      displayBase: process.cwd(),
    });
    projectName = p.name;
    services = Object.keys(p.services);
  } catch (e) {
    err.write(`error: ${e instanceof LoadError ? e.toLine() : (e as Error).message}\n`);
    return { exitCode: 2 };
  }
  let engine: Engine;
  try {
    engine = opts.engine ?? connectEngine({ env: opts.env });
    await engineVersion(engine);
  } catch (e) {
    err.write(`error: ${(e as Error).message}\n`);
    return { exitCode: 2 };
  }

  if (!opts.watch) {
    try {
      const report = await collectStatus(engine.docker, projectName, services, opts);
      out.write(opts.json ? statusJson(report) : renderStatus(report, color, out.columns ?? 100));
      return { exitCode: report.ok ? 0 : 1, report };
    } catch (e) {
      err.write(`error: ${(e as Error).message}\n`);
      return { exitCode: 2 };
    }
  }
  return watch(engine.docker, projectName, services, opts, out, color);
}

/** Redraw every interval until the signal (or Ctrl-C); the terminal is restored at the end. */
async function watch(docker: Dockerode, project: string, services: string[], opts: StatusOptions, out: Out, color: boolean): Promise<StatusResult> {
  const tty = Boolean(out.isTTY) && !opts.json;
  const intervalMs = (opts.intervalS ?? 2) * 1000;
  const abort = new AbortController();
  const onSig = () => abort.abort();
  const external = opts.signal;
  if (external) external.addEventListener('abort', onSig, { once: true });
  else {
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
  }
  let last: StatusReport | undefined;
  if (tty) out.write('\x1b[?1049h\x1b[?25l'); // alternate screen, hide cursor
  try {
    while (!abort.signal.aborted) {
      const began = Date.now();
      try {
        last = await collectStatus(docker, project, services, opts);
        if (abort.signal.aborted) break;
        if (opts.json) out.write(`${JSON.stringify(last)}\n`);
        else if (tty) out.write(`\x1b[H\x1b[2J${renderStatus(last, color, out.columns ?? 100)}${pc.createColors(color).dim(`refreshing every ${intervalMs / 1000} s; Ctrl-C to stop`)}\n`);
        else out.write(`${renderStatus(last, color, out.columns ?? 100)}\n`);
      } catch (e) {
        if (!tty) out.write(`error: ${(e as Error).message}\n`);
        else out.write(`\x1b[H\x1b[2Jerror: ${(e as Error).message}\n`);
      }
      const wait = Math.max(0, intervalMs - (Date.now() - began));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        abort.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  } finally {
    if (tty) {
      out.write('\x1b[?25h\x1b[?1049l'); // cursor back, main screen
      if (last) out.write(renderStatus(last, color, out.columns ?? 100));
    }
    if (external) external.removeEventListener('abort', onSig);
    else {
      process.removeListener('SIGINT', onSig);
      process.removeListener('SIGTERM', onSig);
    }
  }
  return { exitCode: last ? (last.ok ? 0 : 1) : 2, ...(last ? { report: last } : {}) };
}
