/**
 * Engine calls `verify` and `status` need beyond src/engine/client.ts: exec with exit code and
 * output, one stats sample, a restart, a TCP connect. dockerode's own methods are used, typed here
 * (the shared declaration file leaves them out).
 */
import net from 'node:net';
import type Dockerode from 'dockerode';
import { demuxLogBuffer, withTimeout } from '../engine/client.js';
import type { ExecResult, InspectData } from './verify-checks.js';

interface ExecHandle {
  start(opts: { hijack?: boolean; stdin?: boolean }): Promise<NodeJS.ReadableStream & { destroy?: () => void }>;
  inspect(): Promise<{ ExitCode: number | null; Running: boolean }>;
}

/** One sample of GET /containers/{id}/stats (only what we read). */
export interface RawStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

interface ContainerMore {
  exec(opts: { Cmd: string[]; AttachStdout: boolean; AttachStderr: boolean; User?: string; Tty?: boolean }): Promise<ExecHandle>;
  stats(opts: { stream: false }): Promise<RawStats>;
  restart(opts?: { t?: number }): Promise<unknown>;
  inspect(): Promise<Dockerode.ContainerInspectInfo>;
}

function more(docker: Dockerode, id: string): ContainerMore {
  return docker.getContainer(id) as unknown as ContainerMore;
}

export async function inspectData(docker: Dockerode, id: string, timeoutMs = 10_000): Promise<InspectData> {
  return (await withTimeout(more(docker, id).inspect(), timeoutMs, `inspect of ${id.slice(0, 12)} timed out`)) as unknown as InspectData;
}

/** Run `argv` in the container (as its own user unless `user`), collect output, read the exit code. */
export async function execIn(docker: Dockerode, id: string, argv: string[], opts: { user?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
  try {
    const exec = await withTimeout(
      more(docker, id).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, ...(opts.user ? { User: opts.user } : {}) }),
      10_000,
      'creating the exec timed out',
    );
    stream = await withTimeout(exec.start({ hijack: true, stdin: false }), 10_000, 'starting the exec timed out');
    const chunks: Buffer[] = [];
    const s = stream;
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        s.on('data', (c: Buffer) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c))));
        s.on('end', () => resolve());
        s.on('close', () => resolve());
        s.on('error', (e: Error) => reject(e));
      }),
      timeoutMs,
      `no exit within ${timeoutMs / 1000} s`,
    );
    const output = demuxLogBuffer(Buffer.concat(chunks)).map((c) => c.text).join('');
    const deadline = Date.now() + 5_000;
    for (;;) {
      const st = await exec.inspect();
      if (!st.Running && st.ExitCode !== null) return { exitCode: st.ExitCode, output };
      if (Date.now() > deadline) return { exitCode: -1, output, error: 'the exec did not report an exit code' };
      await sleep(50);
    }
  } catch (e) {
    stream?.destroy?.();
    return { exitCode: -1, output: '', error: (e as Error).message.split('\n')[0]! };
  }
}

/** Output of a failed exec that means "no such binary" (runc's message), to tell it from a real failure. */
export function isNotFound(r: ExecResult): boolean {
  return Boolean(r.error && /executable file not found|no such file or directory/i.test(r.error)) || r.exitCode === 126 || r.exitCode === 127;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Connect to host:port over TCP; ok once connected (then closed). */
export function tcpConnect(host: string, port: number, timeoutMs = 3_000): Promise<{ ok: boolean; ms: number; error?: string }> {
  const began = Date.now();
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean, error?: string) => {
      sock.removeAllListeners();
      sock.destroy();
      resolve({ ok, ms: Date.now() - began, ...(error ? { error } : {}) });
    };
    sock.setTimeout(timeoutMs, () => done(false, `no answer within ${timeoutMs} ms`));
    sock.once('connect', () => done(true));
    sock.once('error', (e: NodeJS.ErrnoException) => done(false, `${e.code ?? 'error'}: ${e.message}`));
  });
}

export async function statsOnce(docker: Dockerode, id: string, timeoutMs = 5_000): Promise<RawStats | undefined> {
  try {
    return await withTimeout(more(docker, id).stats({ stream: false }), timeoutMs, 'stats timed out');
  } catch {
    return undefined;
  }
}

/** CPU % as `docker stats` computes it (100 % = one CPU busy), memory used (without page cache) and limit. */
export function computeStats(s: RawStats): { cpuPercent?: number; memUsage?: number; memLimit?: number } {
  const out: { cpuPercent?: number; memUsage?: number; memLimit?: number } = {};
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const ncpu = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  if (pre?.system_cpu_usage && sysDelta > 0 && cpuDelta >= 0) out.cpuPercent = Math.round((cpuDelta / sysDelta) * ncpu * 100 * 100) / 100;
  const m = s.memory_stats;
  if (m?.usage !== undefined) {
    const cache = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? m.stats?.cache ?? 0;
    out.memUsage = Math.max(0, m.usage - (cache < m.usage ? cache : 0));
  }
  if (m?.limit) out.memLimit = m.limit;
  return out;
}

export async function restartContainer(docker: Dockerode, id: string, stopTimeoutS = 5): Promise<void> {
  await withTimeout(more(docker, id).restart({ t: stopTimeoutS }), (stopTimeoutS + 30) * 1000, 'restart timed out');
}

/**
 * Poll until the container is running and, when it has a health check, healthy; undefined when it
 * got there within `timeoutMs`, else the last state seen.
 */
export async function waitReady(docker: Dockerode, id: string, timeoutMs: number): Promise<{ info?: InspectData; ok: boolean; waitedS: number }> {
  const began = Date.now();
  let info: InspectData | undefined;
  for (;;) {
    try {
      info = await inspectData(docker, id);
      const h = info.State.Health?.Status;
      if (info.State.Status === 'running' && (!h || h === 'healthy')) return { info, ok: true, waitedS: (Date.now() - began) / 1000 };
      if (info.State.Status === 'exited' || info.State.Status === 'dead' || h === 'unhealthy') {
        if (Date.now() - began > 2_000) return { info, ok: false, waitedS: (Date.now() - began) / 1000 };
      }
    } catch {
      /* not there (yet) */
    }
    if (Date.now() - began >= timeoutMs) return { ...(info ? { info } : {}), ok: false, waitedS: (Date.now() - began) / 1000 };
    await sleep(250);
  }
}
