/**
 * The checklist logic of `shipshape verify`, pure: each function takes what the engine said
 * (container inspect data, an exec's result) and what the Compose model declares, and returns one
 * checklist item with its evidence. The engine work is in verify.ts.
 */
import { parseBytes } from '../load/formats/bytes.js';
import { parseDuration } from '../load/formats/duration.js';
import type { Mapping, Value } from '../load/types.js';
import { globMatch } from '../rules/lib/security.js';
import { restartOf } from './specs.js';

export const VERIFY_VERSION = 1;

export type ItemStatus = 'pass' | 'fail' | 'skip';

export type ItemKind = 'up' | 'running' | 'healthcheck' | 'port' | 'user' | 'limits' | 'logging' | 'restart' | 'persistence';

export interface VerifyItem {
  kind: ItemKind;
  service: string;
  /** container name, when the item is about one container */
  container?: string;
  status: ItemStatus;
  /** one line: what was checked and the outcome */
  title: string;
  /** what was seen: command output, inspect values, declared values */
  evidence: string[];
}

/** The part of a container inspect the checks read (Engine API field names). */
export interface InspectData {
  Id: string;
  Name: string;
  RestartCount?: number;
  State: {
    Status: string;
    Running?: boolean;
    ExitCode?: number;
    StartedAt?: string;
    Health?: { Status: string; FailingStreak?: number; Log?: { ExitCode: number; Output: string }[] | null } | null;
  };
  Config: {
    User?: string;
    Image?: string;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] | null; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number } | null;
  };
  HostConfig: {
    Memory?: number;
    NanoCpus?: number;
    CpuQuota?: number;
    CpuPeriod?: number;
    RestartPolicy?: { Name: string; MaximumRetryCount?: number } | null;
    LogConfig?: { Type: string; Config?: Record<string, string> | null } | null;
  };
  NetworkSettings?: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null } | null;
  Mounts?: { Type: string; Name?: string; Source?: string; Destination: string; RW?: boolean }[] | null;
}

export interface ExecResult {
  exitCode: number;
  output: string;
  /** the exec could not be made at all (no such binary, engine error) */
  error?: string;
}

function isMap(v: Value | undefined): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const cname = (info: InspectData) => info.Name.replace(/^\//, '');

function clip(text: string, max = 300): string {
  const t = text.trim().replace(/\s+\n/g, '\n');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Seconds from a compose duration (`5s`, `1m30s`), undefined when absent or malformed. */
export function durationS(v: Value | undefined): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try {
    return Number(parseDuration(v)) / 1e9;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// health-check command

export type HealthCommand = { argv: string[]; shown: string; source: 'compose' | 'container' | 'image' } | { none: string };

/**
 * The argv to exec for a health-check `test`: `CMD a b` → [a, b]; `CMD-SHELL s` (or a plain
 * string) → [sh, -c, s]; `NONE` / empty → none.
 */
export function healthArgv(test: Value | readonly string[] | null | undefined): string[] | undefined {
  if (typeof test === 'string') return test.trim() ? ['sh', '-c', test] : undefined;
  if (!Array.isArray(test) || test.length === 0) return undefined;
  const [head, ...rest] = test.map((x) => String(x));
  const kind = head!.toUpperCase();
  if (kind === 'NONE') return undefined;
  if (kind === 'CMD') return rest.length ? rest : undefined;
  if (kind === 'CMD-SHELL') return rest.length ? ['sh', '-c', rest.join(' ')] : undefined;
  return ['sh', '-c', test.map(String).join(' ')];
}

/** Which health check a container has: the compose file's, else the container's (which includes the image's), else the image's. */
export function healthCommand(svc: Mapping | undefined, info: InspectData, imageTest?: readonly string[] | null): HealthCommand {
  const hc = svc?.healthcheck;
  if (isMap(hc)) {
    if (hc.disable === true) return { none: 'health check disabled in the compose file' };
    if (hc.test !== undefined && hc.test !== null) {
      const argv = healthArgv(hc.test);
      return argv ? { argv, shown: shownArgv(argv), source: 'compose' } : { none: 'health check is NONE in the compose file' };
    }
  }
  const fromContainer = info.Config.Healthcheck?.Test;
  if (fromContainer?.length) {
    const argv = healthArgv(fromContainer);
    return argv ? { argv, shown: shownArgv(argv), source: 'container' } : { none: 'health check is NONE' };
  }
  if (imageTest?.length) {
    const argv = healthArgv(imageTest);
    return argv ? { argv, shown: shownArgv(argv), source: 'image' } : { none: "the image's HEALTHCHECK is NONE" };
  }
  return { none: 'no health check declared (compose file or image)' };
}

function shownArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function healthItem(service: string, info: InspectData, cmd: HealthCommand, res?: ExecResult): VerifyItem {
  const base = { kind: 'healthcheck' as const, service, container: cname(info) };
  if ('none' in cmd) return { ...base, status: 'skip', title: `${cname(info)}: health check not run: ${cmd.none}`, evidence: [] };
  const evidence = [`command (${cmd.source}): ${cmd.shown}`];
  if (!res) return { ...base, status: 'fail', title: `${cname(info)}: health check could not be run`, evidence };
  if (res.error) return { ...base, status: 'fail', title: `${cname(info)}: health check could not be run: ${res.error}`, evidence };
  evidence.push(`exit code ${res.exitCode}`);
  if (res.output.trim()) evidence.push(`output: ${clip(res.output)}`);
  return res.exitCode === 0
    ? { ...base, status: 'pass', title: `${cname(info)}: health check passes when run now (exit 0)`, evidence }
    : { ...base, status: 'fail', title: `${cname(info)}: health check fails when run now (exit ${res.exitCode})`, evidence };
}

// ---------------------------------------------------------------------------------------------
// running and healthy

/** How long to wait for a `starting` container: its start period, plus one interval and timeout. */
export function startWaitS(info: InspectData): number {
  const hc = info.Config.Healthcheck;
  const ns = (v: number | undefined, d: number) => (v && v > 0 ? v / 1e9 : d);
  return ns(hc?.StartPeriod, 0) + ns(hc?.Interval, 30) + ns(hc?.Timeout, 30);
}

export function runningItem(service: string, info: InspectData, waitedS = 0): VerifyItem {
  const base = { kind: 'running' as const, service, container: cname(info) };
  const st = info.State;
  const health = st.Health?.Status;
  const evidence = [`state ${st.Status}${health ? `, health ${health}` : ''}`, `restarts ${info.RestartCount ?? 0}`];
  if (waitedS > 0) evidence.push(`waited ${waitedS.toFixed(1)} s for the start period`);
  const last = st.Health?.Log?.slice(-1)[0];
  if (last && health !== 'healthy') evidence.push(`last health check: exit ${last.ExitCode}${last.Output.trim() ? `: ${clip(last.Output, 200)}` : ''}`);
  if (st.Status === 'running') {
    if (!health || health === 'healthy') return { ...base, status: 'pass', title: `${cname(info)} is running${health ? ' and healthy' : ' (no health check)'}`, evidence };
    return { ...base, status: 'fail', title: `${cname(info)} is running but ${health}`, evidence };
  }
  if (st.Status === 'exited' && st.ExitCode === 0) return { ...base, status: 'pass', title: `${cname(info)} completed (exit 0)`, evidence };
  return { ...base, status: 'fail', title: `${cname(info)} is ${st.Status}${st.Status === 'exited' ? ` (exit ${st.ExitCode ?? '?'})` : ''}`, evidence };
}

export function notCreatedItem(service: string): VerifyItem {
  return { kind: 'running', service, status: 'fail', title: `${service}: no container (not created)`, evidence: [] };
}

// ---------------------------------------------------------------------------------------------
// user

export function isAllowedRoot(service: string, allowRoot: readonly string[]): string | undefined {
  return allowRoot.find((p) => globMatch(service, p));
}

/** `uid=65534(nobody) gid=…` or a bare `65534` → 65534. */
export function parseUid(output: string): number | undefined {
  const m = /uid=(\d+)/.exec(output) ?? /^\s*(\d+)\s*$/.exec(output);
  return m ? Number(m[1]) : undefined;
}

/**
 * Root or not: from `id` run in the container, else from Config.User (empty: the image's
 * default, root). Root fails unless the service is in allowRoot.
 */
export function userItem(service: string, info: InspectData, id: ExecResult | undefined, allowRoot: readonly string[]): VerifyItem {
  const base = { kind: 'user' as const, service, container: cname(info) };
  const evidence: string[] = [];
  let uid: number | undefined;
  let how: string;
  if (id && !id.error && id.exitCode === 0 && parseUid(id.output) !== undefined) {
    uid = parseUid(id.output)!;
    how = 'id';
    evidence.push(`\`id\` in the container: ${clip(id.output, 200)}`);
  } else {
    if (id) evidence.push(`\`id\` could not be run: ${id.error ?? `exit ${id.exitCode}${id.output.trim() ? `: ${clip(id.output, 200)}` : ''}`}`);
    const user = (info.Config.User ?? '').trim();
    evidence.push(`inspect Config.User: ${user ? JSON.stringify(user) : '(empty: the image default, root)'}`);
    const u = user.split(':')[0]!.trim();
    how = 'inspect';
    uid = u === '' || u === 'root' || u === '0' ? 0 : /^\d+$/.test(u) ? Number(u) : -1;
  }
  if (uid !== 0) return { ...base, status: 'pass', title: `${cname(info)} does not run as root (${uid >= 0 ? `uid ${uid}` : 'named user'}, from ${how})`, evidence };
  const allowed = isAllowedRoot(service, allowRoot);
  if (allowed) {
    evidence.push(`allowed by allowRoot: ${JSON.stringify(allowed)}`);
    return { ...base, status: 'pass', title: `${cname(info)} runs as root, allowed by allowRoot`, evidence };
  }
  return { ...base, status: 'fail', title: `${cname(info)} runs as root (uid 0); not in allowRoot`, evidence };
}

// ---------------------------------------------------------------------------------------------
// limits, logging, restart

export interface DeclaredLimits {
  memory?: number;
  /** CPUs, fractional */
  cpus?: number;
  memorySource?: string;
  cpusSource?: string;
}

function toBytes(v: Value | undefined): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try {
    const n = parseBytes(v);
    return n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function toCpus(v: Value | undefined): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** mem_limit / cpus, else deploy.resources.limits.memory / cpus. */
export function declaredLimits(svc: Mapping): DeclaredLimits {
  const out: DeclaredLimits = {};
  const lim = isMap(svc.deploy) && isMap(svc.deploy.resources) && isMap(svc.deploy.resources.limits) ? svc.deploy.resources.limits : undefined;
  const mem = toBytes(svc.mem_limit);
  if (mem !== undefined) Object.assign(out, { memory: mem, memorySource: `mem_limit: ${String(svc.mem_limit)}` });
  else if (lim && toBytes(lim.memory) !== undefined) Object.assign(out, { memory: toBytes(lim.memory), memorySource: `deploy.resources.limits.memory: ${String(lim.memory)}` });
  const cpus = toCpus(svc.cpus);
  if (cpus !== undefined) Object.assign(out, { cpus, cpusSource: `cpus: ${String(svc.cpus)}` });
  else if (lim && toCpus(lim.cpus) !== undefined) Object.assign(out, { cpus: toCpus(lim.cpus), cpusSource: `deploy.resources.limits.cpus: ${String(lim.cpus)}` });
  return out;
}

export function formatMiB(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return mib >= 1024 ? `${(mib / 1024).toFixed(mib % 1024 === 0 ? 0 : 2)} GiB` : `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

/** The CPUs the engine enforces: NanoCpus, else CpuQuota / CpuPeriod. */
export function appliedCpus(info: InspectData): number | undefined {
  const hc = info.HostConfig;
  if (hc.NanoCpus && hc.NanoCpus > 0) return hc.NanoCpus / 1e9;
  if (hc.CpuQuota && hc.CpuQuota > 0) return hc.CpuQuota / (hc.CpuPeriod && hc.CpuPeriod > 0 ? hc.CpuPeriod : 100_000);
  return undefined;
}

export function limitsItem(service: string, svc: Mapping, info: InspectData): VerifyItem {
  const base = { kind: 'limits' as const, service, container: cname(info) };
  const d = declaredLimits(svc);
  const mem = info.HostConfig.Memory ?? 0;
  const cpus = appliedCpus(info);
  const applied = `applied: memory ${mem > 0 ? formatMiB(mem) : 'unlimited'}, CPUs ${cpus ?? 'unlimited'}`;
  if (d.memory === undefined && d.cpus === undefined) return { ...base, status: 'skip', title: `${cname(info)}: no memory or CPU limit declared`, evidence: [applied] };
  const evidence: string[] = [];
  const wrong: string[] = [];
  if (d.memory !== undefined) {
    evidence.push(`declared ${d.memorySource} (${d.memory} bytes); HostConfig.Memory ${mem}`);
    if (mem !== d.memory) wrong.push(`memory ${mem > 0 ? formatMiB(mem) : 'unlimited'} instead of ${formatMiB(d.memory)}`);
  }
  if (d.cpus !== undefined) {
    evidence.push(`declared ${d.cpusSource}; HostConfig.NanoCpus ${info.HostConfig.NanoCpus ?? 0}${info.HostConfig.CpuQuota ? `, CpuQuota ${info.HostConfig.CpuQuota}/${info.HostConfig.CpuPeriod ?? 100000}` : ''}`);
    if (cpus === undefined || Math.abs(cpus - d.cpus) > 1e-6) wrong.push(`CPUs ${cpus ?? 'unlimited'} instead of ${d.cpus}`);
  }
  const what = [d.memory !== undefined ? `memory ${formatMiB(d.memory)}` : '', d.cpus !== undefined ? `${d.cpus} CPUs` : ''].filter(Boolean).join(', ');
  if (wrong.length) {
    const hint = svc.deploy !== undefined ? ' (Compose v1 applies deploy.resources only with --compatibility)' : '';
    return { ...base, status: 'fail', title: `${cname(info)}: declared limits not applied: ${wrong.join('; ')}${hint}`, evidence };
  }
  return { ...base, status: 'pass', title: `${cname(info)}: declared limits applied (${what})`, evidence };
}

export function loggingItem(service: string, svc: Mapping, info: InspectData): VerifyItem {
  const base = { kind: 'logging' as const, service, container: cname(info) };
  const lc = info.HostConfig.LogConfig;
  const actualOpts = lc?.Config ?? {};
  const applied = `applied: driver ${lc?.Type ?? '?'}${Object.keys(actualOpts).length ? `, ${Object.entries(actualOpts).map(([k, v]) => `${k}=${v}`).join(', ')}` : ', no options'}`;
  const logging = svc.logging;
  if (!isMap(logging) || (logging.driver === undefined && !isMap(logging.options))) {
    return { ...base, status: 'skip', title: `${cname(info)}: no logging configuration declared`, evidence: [applied] };
  }
  const wrong: string[] = [];
  const declared: string[] = [];
  if (typeof logging.driver === 'string') {
    declared.push(`driver ${logging.driver}`);
    if (lc?.Type !== logging.driver) wrong.push(`driver ${lc?.Type ?? 'unknown'} instead of ${logging.driver}`);
  }
  if (isMap(logging.options)) {
    for (const [k, v] of Object.entries(logging.options)) {
      const want = v === null ? '' : String(v);
      declared.push(`${k}=${want}`);
      if (actualOpts[k] !== want) wrong.push(`${k} ${actualOpts[k] === undefined ? 'not set' : `is ${actualOpts[k]}`} instead of ${want}`);
    }
  }
  const evidence = [`declared: ${declared.join(', ')}`, applied];
  const rotation = isMap(logging.options) && ('max-size' in logging.options) ? 'log rotation' : 'logging';
  return wrong.length
    ? { ...base, status: 'fail', title: `${cname(info)}: declared ${rotation} not applied: ${wrong.join('; ')}`, evidence }
    : { ...base, status: 'pass', title: `${cname(info)}: declared ${rotation} applied (${declared.join(', ')})`, evidence };
}

/** `on-failure:3` → 3; the deploy form's max_attempts. */
function declaredRetries(svc: Mapping): number | undefined {
  if (typeof svc.restart === 'string') {
    const m = /^on-failure:(\d+)$/i.exec(svc.restart.trim());
    return m ? Number(m[1]) : undefined;
  }
  return undefined;
}

export function restartItem(service: string, svc: Mapping, info: InspectData): VerifyItem {
  const base = { kind: 'restart' as const, service, container: cname(info) };
  const want = restartOf(svc);
  const rp = info.HostConfig.RestartPolicy;
  const got = rp?.Name ? rp.Name : 'no';
  const source = typeof svc.restart === 'string' ? `restart: ${svc.restart}` : isMap(svc.deploy) && isMap(svc.deploy.restart_policy) ? 'deploy.restart_policy' : 'nothing declared (no)';
  const evidence = [`declared: ${source}`, `HostConfig.RestartPolicy: ${got}${rp?.MaximumRetryCount ? ` (max ${rp.MaximumRetryCount} retries)` : ''}`];
  const retries = declaredRetries(svc);
  if (got !== want) return { ...base, status: 'fail', title: `${cname(info)}: restart policy is ${got}, declared ${want}`, evidence };
  if (retries !== undefined && (rp?.MaximumRetryCount ?? 0) !== retries) {
    return { ...base, status: 'fail', title: `${cname(info)}: restart policy allows ${rp?.MaximumRetryCount ?? 0} retries, declared ${retries}`, evidence };
  }
  return { ...base, status: 'pass', title: `${cname(info)}: restart policy ${got} as declared`, evidence };
}

// ---------------------------------------------------------------------------------------------
// ports and volumes

export interface PortTarget {
  /** `8080/tcp` */
  containerPort: string;
  hostIp: string;
  hostPort: number;
  /** where we connect, or undefined: skipped, with `why` */
  connect?: string;
  why?: string;
}

/** Published ports from inspect NetworkSettings.Ports; 0.0.0.0 / :: / 127.0.0.1 are tried on 127.0.0.1, others skipped. */
export function portTargets(info: InspectData): PortTarget[] {
  const out: PortTarget[] = [];
  const seen = new Set<string>();
  for (const [cport, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    for (const b of bindings ?? []) {
      const hostPort = Number(b.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      const ip = (b.HostIp ?? '').trim();
      const local = ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '127.0.0.1';
      const key = local ? `local:${hostPort}:${cport}` : `${ip}:${hostPort}:${cport}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const t: PortTarget = { containerPort: cport, hostIp: ip || '0.0.0.0', hostPort };
      if (!cport.endsWith('/tcp')) t.why = 'not TCP';
      else if (local) t.connect = '127.0.0.1';
      else t.why = `published on ${ip}, not on 127.0.0.1 or all addresses`;
      out.push(t);
    }
  }
  return out.sort((a, b) => a.hostPort - b.hostPort);
}

export function portItem(service: string, info: InspectData, t: PortTarget, res?: { ok: boolean; ms?: number; error?: string }): VerifyItem {
  const base = { kind: 'port' as const, service, container: cname(info) };
  const where = `${t.hostIp.includes(':') ? `[${t.hostIp}]` : t.hostIp}:${t.hostPort}->${t.containerPort}`;
  if (!t.connect) return { ...base, status: 'skip', title: `${cname(info)}: port ${where} skipped: ${t.why}`, evidence: [] };
  if (!res) return { ...base, status: 'fail', title: `${cname(info)}: port ${where} not tried`, evidence: [] };
  return res.ok
    ? { ...base, status: 'pass', title: `${cname(info)}: port ${where} accepts TCP on 127.0.0.1:${t.hostPort}`, evidence: [`connected in ${res.ms ?? 0} ms`] }
    : { ...base, status: 'fail', title: `${cname(info)}: port ${where} refuses TCP on 127.0.0.1:${t.hostPort}`, evidence: [res.error ?? 'connect failed'] };
}

export interface NamedMount {
  volume: string;
  target: string;
  readOnly: boolean;
}

/** Named volumes (type volume with a source) a service mounts, from the compose model. */
export function namedVolumeMounts(svc: Mapping): NamedMount[] {
  const out: NamedMount[] = [];
  if (!Array.isArray(svc.volumes)) return out;
  for (const v of svc.volumes) {
    if (!isMap(v) || v.type !== 'volume' || typeof v.source !== 'string' || !v.source || typeof v.target !== 'string') continue;
    out.push({ volume: v.source, target: v.target, readOnly: v.read_only === true });
  }
  return out;
}
