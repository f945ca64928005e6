/**
 * `shipshape logs`: the project's container logs through the Engine API (dockerode), not the
 * Compose CLI: the same behaviour with v1 and v2 (v1's `logs` has no --since). Without -f the
 * lines of all containers are merged by timestamp; with -f they are printed as they come, and
 * containers that start later (or restart) are picked up from the engine's events.
 */
import type Dockerode from 'dockerode';
import pc from 'picocolors';
import type { Readable } from 'node:stream';
import { connectEngine, demuxLogBuffer, engineVersion, LABEL, listProjectContainers, LogDemuxer, subscribeProjectEvents, type Engine, type EventSubscription, type RawEngineEvent, isOneoff } from '../engine/client.js';
import { LoadError } from '../load/errors.js';
import { loadForPreflight, type ProjectInputs } from './preflight.js';
import type { Out } from './report.js';

export interface LogsOptions extends ProjectInputs {
  services?: string[];
  follow?: boolean;
  /** a duration (10m, 1h30m), an RFC 3339 time, or unix seconds */
  since?: string;
  /** lines per container at the start: a number or "all" */
  tail?: string | number;
  timestamps?: boolean;
  color?: boolean;
  out?: Out;
  err?: Out;
  engine?: Engine;
  /** stops following */
  signal?: AbortSignal;
}

export interface LogsResult {
  exitCode: 0 | 1 | 2;
  lines: number;
}

const GO_DURATION = /^(?:(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--since` to the Engine API's form (unix seconds, with a fraction). */
export function parseSince(v: string, nowMs = Date.now()): string {
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return s;
  if (GO_DURATION.test(s)) {
    let ms = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    return ((nowMs - ms) / 1000).toFixed(3);
  }
  const at = Date.parse(s);
  if (Number.isFinite(at)) return (at / 1000).toFixed(3);
  throw new Error(`--since: expected a duration (10m, 1h30m), a time (2024-05-01T10:00:00Z) or unix seconds, got ${JSON.stringify(v)}`);
}

export function parseTail(v: string | number | undefined): number | 'all' {
  if (v === undefined || v === 'all' || v === '-1' || v === -1) return 'all';
  const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 0) throw new Error(`--tail: expected a number of lines or "all", got ${JSON.stringify(v)}`);
  return n;
}

/** Split `2024-05-01T10:00:00.123456789Z text` into a sortable key and the text. */
export function splitTimestamp(line: string): { key: [number, number]; ts: string; text: string } {
  const sp = line.indexOf(' ');
  const ts = sp > 0 ? line.slice(0, sp) : line;
  const text = sp > 0 ? line.slice(sp + 1) : '';
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return { key: [0, 0], ts: '', text: line };
  const secs = Date.parse(`${m[1]}${m[3]}`);
  const nanos = Number((m[2] ?? '').padEnd(9, '0').slice(0, 9));
  return { key: [Number.isFinite(secs) ? secs : 0, nanos], ts, text };
}

const PALETTE = ['cyan', 'yellow', 'green', 'magenta', 'blue', 'red'] as const;

interface Target {
  id: string;
  service: string;
  number: number;
  label: string;
  tty?: boolean;
}

export async function runLogs(opts: LogsOptions): Promise<LogsResult> {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const col = pc.createColors(opts.color ?? (Boolean(out.isTTY) && !process.env.NO_COLOR));

  let tail: number | 'all';
  let since: string | undefined;
  try {
    tail = parseTail(opts.tail);
    since = opts.since ? parseSince(opts.since) : undefined;
  } catch (e) {
    err.write(`error: ${(e as Error).message}\n`);
    return { exitCode: 2, lines: 0 };
  }

  const loaded = loadForPreflight(opts);
  if (loaded.error || !loaded.project) {
    const e = loaded.error;
    err.write(`error: ${e instanceof LoadError ? e.toLine() : e ? (e as Error).message : 'the project does not load'}\n`);
    return { exitCode: 2, lines: 0 };
  }
  const project = loaded.project;
  const known = new Set([...Object.keys(project.services), ...Object.keys(project.disabledServices)]);
  for (const s of opts.services ?? []) {
    if (!known.has(s)) {
      err.write(`error: no such service: ${s}\n`);
      return { exitCode: 2, lines: 0 };
    }
  }
  const wanted = opts.services?.length ? new Set(opts.services) : undefined;

  let engine: Engine;
  try {
    engine = opts.engine ?? connectEngine({ env: opts.env });
    await engineVersion(engine);
  } catch (e) {
    err.write(`error: ${(e as Error).message}\n`);
    return { exitCode: 2, lines: 0 };
  }
  const docker = engine.docker;

  const list = (await listProjectContainers(docker, project.name, { all: true })).filter((c) => !wanted || wanted.has(c.Labels[LABEL.service] ?? ''));
  const perService = new Map<string, number>();
  for (const c of list) perService.set(c.Labels[LABEL.service] ?? '', (perService.get(c.Labels[LABEL.service] ?? '') ?? 0) + 1);
  const targets: Target[] = list
    .map((c) => {
      const service = c.Labels[LABEL.service] ?? '?';
      const number = Number(c.Labels[LABEL.number] ?? 1) || 1;
      return { id: c.Id, service, number, label: (perService.get(service) ?? 0) > 1 ? `${service}-${number}` : service };
    })
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.number - b.number));

  const colorOf = new Map<string, (s: string) => string>();
  const serviceNames = [...new Set([...Object.keys(project.services), ...targets.map((t) => t.service)])].sort();
  serviceNames.forEach((s, i) => colorOf.set(s, col[PALETTE[i % PALETTE.length]!]));
  let width = Math.max(0, ...targets.map((t) => t.label.length), ...[...(wanted ?? [])].map((s) => s.length));
  const prefix = (t: Target) => `${(colorOf.get(t.service) ?? ((s: string) => s))(t.label.padEnd(width))} ${col.dim('|')} `;
  let printed = 0;

  if (!opts.follow) {
    const all: { key: [number, number]; seq: number; line: string }[] = [];
    let seq = 0;
    for (const t of targets) {
      const c = docker.getContainer(t.id);
      let tty = false;
      try {
        tty = (await c.inspect()).Config.Tty;
      } catch {
        continue;
      }
      const body = await c.logs({ stdout: true, stderr: true, timestamps: true, tail, ...(since ? { since } : {}) });
      const text = demuxLogBuffer(Buffer.isBuffer(body) ? body : Buffer.from(String(body)), tty)
        .map((x) => x.text)
        .join('');
      for (const raw of text.split(/\r?\n/)) {
        if (!raw) continue;
        const { key, ts, text: msg } = splitTimestamp(raw);
        all.push({ key, seq: seq++, line: `${prefix(t)}${opts.timestamps && ts ? `${ts} ` : ''}${msg}` });
      }
    }
    all.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.seq - b.seq);
    out.write(all.map((l) => `${l.line}\n`).join(''));
    return { exitCode: 0, lines: all.length };
  }

  // follow
  const active = new Map<string, Readable>();
  let sub: EventSubscription | undefined;
  let finished = false;
  let resolveEnd!: () => void;
  const ended = new Promise<void>((r) => (resolveEnd = r));
  const end = () => {
    if (finished) return;
    finished = true;
    sub?.close();
    for (const s of active.values()) s.destroy();
    active.clear();
    resolveEnd();
  };
  opts.signal?.addEventListener('abort', end, { once: true });
  if (opts.signal?.aborted) end();

  const maybeEnd = async () => {
    if (finished || active.size) return;
    try {
      const running = (await listProjectContainers(docker, project.name, { all: false })).filter((c) => !wanted || wanted.has(c.Labels[LABEL.service] ?? ''));
      if (!running.length && !active.size) end();
    } catch {
      end();
    }
  };

  const attach = async (t: Target, fromSince: string | undefined, fromTail: number | 'all') => {
    if (finished || active.has(t.id)) return;
    const c = docker.getContainer(t.id);
    let info: Dockerode.ContainerInspectInfo;
    try {
      info = await c.inspect();
    } catch {
      return;
    }
    const stream = await c.logs({ follow: true, stdout: true, stderr: true, timestamps: Boolean(opts.timestamps), tail: fromTail, ...(fromSince ? { since: fromSince } : {}) });
    if (finished) {
      stream.destroy();
      return;
    }
    active.set(t.id, stream);
    const demux = new LogDemuxer(info.Config.Tty);
    const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    stream.on('data', (chunk: Buffer) => {
      for (const part of demux.push(chunk)) {
        partial[part.stream] += part.text;
        let nl: number;
        while ((nl = partial[part.stream].indexOf('\n')) >= 0) {
          const line = partial[part.stream].slice(0, nl).replace(/\r$/, '');
          partial[part.stream] = partial[part.stream].slice(nl + 1);
          out.write(`${prefix(t)}${line}\n`);
          printed++;
        }
      }
    });
    const done = () => {
      if (active.get(t.id) !== stream) return;
      for (const s of ['stdout', 'stderr'] as const) if (partial[s]) out.write(`${prefix(t)}${partial[s]}\n`);
      active.delete(t.id);
      void maybeEnd();
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  };

  try {
    sub = await subscribeProjectEvents(docker, project.name, (e: RawEngineEvent) => {
      const action = e.Action ?? e.status ?? '';
      if (action !== 'start') return;
      const attrs = e.Actor?.Attributes ?? {};
      const service = attrs[LABEL.service];
      const id = e.Actor?.ID ?? e.id;
      if (!service || !id || isOneoff(attrs[LABEL.oneoff]) || (wanted && !wanted.has(service))) return;
      let t = targets.find((x) => x.id === id);
      if (!t) {
        const number = Number(attrs[LABEL.number] ?? 1) || 1;
        t = { id, service, number, label: service };
        targets.push(t);
        width = Math.max(width, t.label.length);
      }
      const at = e.timeNano ? (e.timeNano / 1e9).toFixed(3) : e.time ? String(e.time) : undefined;
      void attach(t, at, 'all');
    });
  } catch (e) {
    err.write(`warning: cannot follow new containers: ${(e as Error).message}\n`);
  }
  await Promise.all(targets.map((t) => attach(t, since, tail)));
  void maybeEnd();
  await ended;
  return { exitCode: 0, lines: printed };
}
