/**
 * A thin typed layer over dockerode: connect the way the docker CLI does, find a Compose
 * project's containers by their labels, read the event stream and container logs.
 */
import Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import { describeEndpoint, resolveEngineEndpoint, type EngineEndpoint, type ResolveEndpointOptions } from './docker-host.js';

/** Labels both Compose generations put on the containers they create. */
export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  oneoff: 'com.docker.compose.oneoff',
  number: 'com.docker.compose.container-number',
  volume: 'com.docker.compose.volume',
} as const;

export interface Engine {
  docker: Dockerode;
  endpoint: EngineEndpoint;
}

/** Resolve the endpoint (DOCKER_HOST / context) and build a client; does not talk to the engine yet. */
export function connectEngine(opts: ResolveEndpointOptions = {}): Engine {
  const endpoint = resolveEngineEndpoint(opts);
  let docker: Dockerode;
  try {
    docker = new Dockerode(endpoint.options);
  } catch (e) {
    throw new Error(`cannot set up a Docker client for ${describeEndpoint(endpoint)}: ${(e as Error).message}`);
  }
  return { docker, endpoint };
}

/** Reject after `ms` with `message` unless `p` settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Ping the engine and read its version; rejects with a readable message when it does not answer. */
export async function engineVersion(engine: Engine, timeoutMs = 10_000): Promise<Dockerode.VersionInfo> {
  const where = describeEndpoint(engine.endpoint);
  try {
    await withTimeout(engine.docker.ping(), timeoutMs, `no answer within ${timeoutMs / 1000} s`);
    return await withTimeout(engine.docker.version(), timeoutMs, `no answer within ${timeoutMs / 1000} s`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'the socket does not exist (is the Docker daemon running?)'
        : err.code === 'EACCES'
          ? 'permission denied on the socket (add yourself to the docker group, or use sudo)'
          : err.code === 'ECONNREFUSED'
            ? 'connection refused (is the Docker daemon running?)'
            : err.message;
    throw new Error(`cannot reach the Docker engine at ${where}: ${why}`);
  }
}

/** `label=com.docker.compose.project=NAME` (plus more filters). */
export function projectFilters(project: string, extra: Dockerode.Filters = {}): Dockerode.Filters {
  const labels = Array.isArray(extra.label) ? extra.label : [];
  return { ...extra, label: [`${LABEL.project}=${project}`, ...labels] };
}

/** The project's service containers (one-off `run` containers left out unless asked for). */
export async function listProjectContainers(
  docker: Dockerode,
  project: string,
  opts: { all?: boolean; oneoff?: boolean } = {},
): Promise<Dockerode.ContainerInfo[]> {
  const list = await docker.listContainers({ all: opts.all ?? true, filters: projectFilters(project) });
  return list.filter((c) => opts.oneoff || !isOneoff(c.Labels[LABEL.oneoff]));
}

/** v1 writes "False"/"True", v2 "False"/"True" too; be lenient. */
export function isOneoff(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|yes)$/i.test(value.trim());
}

export function containerName(c: Dockerode.ContainerInfo): string {
  return (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
}

/** An Engine API error's HTTP status (dockerode puts it in statusCode), if any. */
export function statusCode(e: unknown): number | undefined {
  const v = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof v === 'number' ? v : undefined;
}

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

/**
 * Split a non-TTY log body into its frames (8-byte header: stream, 0, 0, 0, length BE32).
 * With `tty` the body is raw and all stdout. A truncated or malformed frame ends the walk and
 * the rest is taken as raw stdout, as the docker CLI does.
 */
export function demuxLogBuffer(buf: Buffer, tty = false): LogChunk[] {
  if (tty) return buf.length ? [{ stream: 'stdout', text: buf.toString('utf8') }] : [];
  const out: LogChunk[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i]!;
    const len = buf.readUInt32BE(i + 4);
    if ((type !== 0 && type !== 1 && type !== 2) || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0 || i + 8 + len > buf.length) break;
    out.push({ stream: type === 2 ? 'stderr' : 'stdout', text: buf.subarray(i + 8, i + 8 + len).toString('utf8') });
    i += 8 + len;
  }
  if (i < buf.length) out.push({ stream: 'stdout', text: buf.subarray(i).toString('utf8') });
  return out;
}

/** Incremental frame splitter for a followed (streamed) non-TTY log. */
export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly tty: boolean) {}

  push(chunk: Buffer): LogChunk[] {
    if (this.tty) return chunk.length ? [{ stream: 'stdout', text: chunk.toString('utf8') }] : [];
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: LogChunk[] = [];
    let i = 0;
    while (i + 8 <= this.pending.length) {
      const type = this.pending[i]!;
      const len = this.pending.readUInt32BE(i + 4);
      if (type !== 0 && type !== 1 && type !== 2) {
        // not multiplexed after all: pass the rest through
        out.push({ stream: 'stdout', text: this.pending.subarray(i).toString('utf8') });
        i = this.pending.length;
        break;
      }
      if (i + 8 + len > this.pending.length) break;
      out.push({ stream: type === 2 ? 'stderr' : 'stdout', text: this.pending.subarray(i + 8, i + 8 + len).toString('utf8') });
      i += 8 + len;
    }
    this.pending = this.pending.subarray(i);
    return out;
  }
}

/** Lines of log text; a trailing newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The last `tail` lines of a container's output (stdout and stderr, in order). */
export async function containerLogTail(docker: Dockerode, id: string, tail = 20, tty?: boolean): Promise<string[]> {
  const c = docker.getContainer(id);
  const isTty = tty ?? (await c.inspect()).Config.Tty;
  const body = await c.logs({ stdout: true, stderr: true, tail, follow: false });
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
  return splitLines(demuxLogBuffer(buf, isTty).map((c) => c.text).join(''));
}

/** One event as the Engine API sends it (only what we read). */
export interface RawEngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** Newline-delimited JSON, fed in arbitrary chunks. Malformed lines are handed to onError and skipped. */
export class JsonLineParser<T = unknown> {
  private buf = '';
  constructor(
    private readonly onValue: (v: T) => void,
    private readonly onError: (line: string, e: Error) => void = () => {},
  ) {}

  push(chunk: Buffer | string): void {
    this.buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (line) this.parse(line);
    }
  }

  end(): void {
    const line = this.buf.trim();
    this.buf = '';
    if (line) this.parse(line);
  }

  private parse(line: string): void {
    try {
      this.onValue(JSON.parse(line) as T);
    } catch (e) {
      this.onError(line, e as Error);
    }
  }
}

export interface EventSubscription {
  /** stop listening and close the connection */
  close(): void;
  /** resolves when the stream ends (closed by us, or the engine went away) */
  ended: Promise<void>;
}

/**
 * Subscribe to container events of one Compose project. Resolves once the engine has answered,
 * so that nothing that happens afterwards is missed.
 */
export async function subscribeProjectEvents(
  docker: Dockerode,
  project: string,
  onEvent: (e: RawEngineEvent) => void,
  opts: { since?: string; onEnd?: (err?: Error) => void } = {},
): Promise<EventSubscription> {
  const abort = new AbortController();
  const stream: Readable = await docker.getEvents({
    filters: projectFilters(project, { type: ['container'] }),
    ...(opts.since ? { since: opts.since } : {}),
    abortSignal: abort.signal,
  });
  const parser = new JsonLineParser<RawEngineEvent>(onEvent);
  let closed = false;
  const ended = new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => parser.push(chunk));
    stream.on('end', () => {
      parser.end();
      if (!closed) opts.onEnd?.();
      resolve();
    });
    stream.on('close', () => resolve());
    stream.on('error', (err: Error) => {
      if (!closed) opts.onEnd?.(err);
      resolve();
    });
  });
  return {
    close() {
      if (closed) return;
      closed = true;
      abort.abort();
      stream.destroy();
    },
    ended,
  };
}

/** Engine time (seconds with fraction, as `since` takes it) from an RFC 3339 timestamp. */
export function engineSince(systemTime: string | undefined, fallbackMs = Date.now()): string {
  const ms = systemTime ? Date.parse(systemTime) : Number.NaN;
  const at = Number.isFinite(ms) ? ms : fallbackMs;
  return (at / 1000).toFixed(3);
}
