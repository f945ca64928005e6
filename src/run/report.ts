/**
 * What `shipshape up` prints, three ways:
 *   json   one JSON event per line (schema: docs/events-json.md, version EVENTS_VERSION);
 *   tty    pre-flight lines, then one line per service redrawn in place, in dependency order;
 *   plain  pre-flight lines, then one line per state change.
 */
import pc from 'picocolors';
import type { ComposeCli } from '../engine/compose-cli.js';
import type { ComposeLine } from '../engine/compose-run.js';
import { formatChain, type ChainStep } from './critical-chain.js';
import type { Check } from './preflight.js';
import { describeState, type ServiceSpec, type ServiceStatus } from './waiter.js';

export const EVENTS_VERSION = 1;

export interface Out {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface HealthEntry {
  exitCode: number;
  output: string;
  /** seconds since the start of the run, when known */
  t?: number;
}

export interface FailureDetail {
  service: string;
  state: string;
  reason: string;
  /** failed itself (true) or was blocked by another failure (false) */
  cause: boolean;
  container?: string;
  containerName?: string;
  exitCode?: number;
  health?: HealthEntry[];
  logs?: string[];
}

export interface UpSummary {
  ok: boolean;
  exitCode: number;
  t: number;
  timedOut: boolean;
  services: ServiceStatus[];
  /** one line, for a failure that is not a service's (pre-flight, compose) */
  reason?: string;
  /** engine event → our output, for health_status events (ms) */
  latency?: { n: number; maxMs: number; meanMs: number };
}

export interface UpReporter {
  check(c: Check): void;
  info(message: string): void;
  composeStart(cli: ComposeCli, argv: readonly string[], t: number): void;
  /** `stopped`: we stopped it (the wait had ended) */
  composeExit(code: number, t: number, output: readonly ComposeLine[], stopped?: boolean): void;
  /** the services that will be waited for, in display order */
  start(specs: readonly ServiceSpec[]): void;
  /** `ts`: the engine's timestamp (epoch ms) of the event behind this change */
  service(s: ServiceStatus, ts?: number): void;
  failure(f: FailureDetail): void;
  chain(steps: readonly ChainStep[]): void;
  result(r: UpSummary): void;
  close(): void;
}

const r3 = (t: number) => Math.round(t * 1000) / 1000;

export function serviceEvent(s: ServiceStatus, ts?: number): Record<string, unknown> {
  const e: Record<string, unknown> = { v: EVENTS_VERSION, type: 'service', service: s.service, state: s.state, t: r3(s.t), ready: s.ready };
  if (s.readyT !== undefined) e.readyT = r3(s.readyT);
  if (s.exitCode !== undefined) e.exitCode = s.exitCode;
  if (s.already) e.already = true;
  if (s.failed) e.failed = true;
  if (s.reason) e.reason = s.reason;
  if (s.container) e.container = s.container.slice(0, 12);
  if (ts !== undefined) e.ts = Math.round(ts);
  return e;
}

export function jsonReporter(out: Out): UpReporter {
  const emit = (e: Record<string, unknown>) => out.write(`${JSON.stringify(e)}\n`);
  return {
    check: (c) => emit({ v: EVENTS_VERSION, type: 'check', check: c.id, status: c.status, message: c.message, ...(c.details?.length ? { details: c.details } : {}) }),
    info: (message) => emit({ v: EVENTS_VERSION, type: 'info', message }),
    composeStart: (cli, argv, t) => emit({ v: EVENTS_VERSION, type: 'compose', phase: 'start', kind: cli.kind, version: cli.version, argv, t: r3(t) }),
    composeExit: (code, t, output, stopped) =>
      emit({ v: EVENTS_VERSION, type: 'compose', phase: 'exit', code, t: r3(t), ...(stopped ? { stopped: true } : {}), ...(code !== 0 ? { output: output.slice(-20).map((l) => l.text) } : {}) }),
    start: (specs) => emit({ v: EVENTS_VERSION, type: 'plan', services: specs.map((s) => ({ service: s.name, kind: s.kind, healthcheck: s.healthcheck ?? null, dependsOn: s.dependsOn })) }),
    service: (s, ts) => emit(serviceEvent(s, ts)),
    failure: (f) => emit({ v: EVENTS_VERSION, type: 'failure', ...f, ...(f.container ? { container: f.container.slice(0, 12) } : {}) }),
    chain: (steps) => emit({ v: EVENTS_VERSION, type: 'chain', steps: steps.map((s) => ({ ...s, t: r3(s.t), ...(s.took !== undefined ? { took: r3(s.took) } : {}) })), text: formatChain(steps) }),
    result: (r) =>
      emit({
        v: EVENTS_VERSION,
        type: 'result',
        ok: r.ok,
        exitCode: r.exitCode,
        t: r3(r.t),
        timedOut: r.timedOut,
        ...(r.reason ? { reason: r.reason } : {}),
        services: Object.fromEntries(r.services.map((s) => [s.service, { state: s.state, ready: s.ready, ...(s.readyT !== undefined ? { readyT: r3(s.readyT) } : {}), ...(s.exitCode !== undefined ? { exitCode: s.exitCode } : {}) }])),
        ...(r.latency ? { latency: r.latency } : {}),
      }),
    close: () => {},
  };
}

type Colors = ReturnType<typeof pc.createColors>;

function checkLine(c: Check, col: Colors): string[] {
  const icon = c.status === 'pass' ? col.green('✔') : c.status === 'fail' ? col.red('✘') : c.status === 'warn' ? col.yellow('!') : col.dim('-');
  const lines = [`${icon} ${c.message}`];
  if (c.status !== 'pass') for (const d of c.details ?? []) lines.push(`    ${col.dim(d)}`);
  return lines;
}

function failureLines(f: FailureDetail, col: Colors): string[] {
  const name = f.service || 'compose';
  const head = f.cause ? `${col.red('✘')} ${col.bold(name)}: ${f.reason}` : `${col.yellow('·')} ${col.bold(name)}: ${f.reason}`;
  const lines = [f.containerName ? `${head} ${col.dim(`(${f.containerName})`)}` : head];
  if (f.health?.length) {
    lines.push(`    last health checks:`);
    for (const h of f.health) {
      const when = h.t !== undefined ? `+${h.t.toFixed(1)}s ` : '';
      const output = h.output.trim().replace(/\s*\n\s*/g, ' ⏎ ') || '(no output)';
      lines.push(`      ${when}exit ${h.exitCode}: ${output}`);
    }
  }
  if (f.logs) {
    if (f.logs.length) {
      lines.push(`    last ${f.logs.length} log line${f.logs.length === 1 ? '' : 's'}:`);
      for (const l of f.logs) lines.push(`      ${col.dim('|')} ${l}`);
    } else lines.push(`    ${col.dim('(no log output)')}`);
  }
  return lines;
}

function summaryLines(r: UpSummary, col: Colors): string[] {
  const n = r.services.length;
  if (r.ok) {
    return [`${col.green('✔')} ${n === 1 ? '1 service' : `all ${n} services`} ready in ${r.t.toFixed(1)}s: ${r.services.map((s) => `${s.service} ${s.state}`).join(', ')}`];
  }
  if (r.reason) return [`${col.red('✘')} ${r.reason}`];
  const bad = r.services.filter((s) => !s.ready);
  return [`${col.red('✘')} ${bad.length} of ${n} service${n === 1 ? '' : 's'} not ready${r.timedOut ? ` after ${r.t.toFixed(1)}s (timeout)` : ''}: ${bad.map((s) => `${s.service} ${describeState(s)}`).join(', ')}`];
}

/** Plain lines (no cursor movement), for logs and pipes. */
export function plainReporter(out: Out, color = false): UpReporter {
  const col = pc.createColors(color);
  const print = (lines: string[]) => out.write(lines.map((l) => `${l}\n`).join(''));
  let width = 8;
  return {
    check: (c) => print(checkLine(c, col)),
    info: (m) => print([col.dim(m)]),
    composeStart: (_cli, argv) => print([col.dim(`$ ${argv.join(' ')}`)]),
    composeExit: (code, t, output, stopped) => {
      if (code === 0) print([col.dim(`compose up -d done (+${t.toFixed(1)}s)`)]);
      else if (stopped) print([col.dim(`compose up -d stopped: the wait is over (+${t.toFixed(1)}s)`)]);
      else print([`${col.red('✘')} compose exited with code ${code} (+${t.toFixed(1)}s):`, ...output.slice(-20).map((l) => `    ${col.dim('|')} ${l.text}`)]);
    },
    start: (specs) => {
      width = Math.max(8, ...specs.map((s) => s.name.length));
    },
    service: (s) => {
      if (s.state === 'waiting') {
        if (s.reason) print([`  ${s.service.padEnd(width)}  ${'waiting'.padEnd(13)} ${col.dim(s.reason)}`]);
        return;
      }
      const mark = s.ready ? ` ${col.green('✔')}` : s.failed ? ` ${col.red('✘')}` : '';
      const when = s.already ? 'already' : `+${s.t.toFixed(2)}s`;
      print([`  ${s.service.padEnd(width)}  ${describeState(s).padEnd(13)} ${when}${mark}`]);
    },
    failure: (f) => print(failureLines(f, col)),
    chain: (steps) => {
      if (steps.length) print([`critical chain: ${formatChain(steps)}`]);
    },
    result: (r) => print(summaryLines(r, col)),
    close: () => {},
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Live block on a terminal: one line per service, redrawn in place. */
export function ttyReporter(out: Out, color = true, now: () => number = () => 0): UpReporter {
  const col = pc.createColors(color);
  const base = plainReporter(out, color);
  let order: string[] = [];
  const state = new Map<string, ServiceStatus>();
  let drawn = 0;
  let width = 8;
  let frame = 0;
  let ticker: NodeJS.Timeout | undefined;
  let live = false;

  const line = (name: string): string => {
    const s = state.get(name);
    if (!s) return `  ${col.dim('·')} ${name.padEnd(width)}  ${col.dim('waiting')}`;
    const icon = s.ready ? col.green('✔') : s.failed ? col.red('✘') : s.state === 'waiting' ? col.dim('·') : col.cyan(FRAMES[frame % FRAMES.length]!);
    const label = describeState(s).padEnd(13);
    const stateText = s.ready ? col.green(label) : s.failed ? col.red(label) : label;
    let when: string;
    if (s.already) when = col.dim('already');
    else if (s.ready) when = `+${(s.readyT ?? s.t).toFixed(1)}s`;
    else if (s.state === 'waiting') when = s.reason ? col.dim(s.reason) : '';
    else when = `+${s.t.toFixed(1)}s ${col.dim(`(${Math.max(0, now() - s.t).toFixed(1)}s)`)}`;
    const text = `  ${icon} ${name.padEnd(width)}  ${stateText} ${when}`;
    const cols = out.columns ?? 0;
    return cols > 20 && visibleLength(text) > cols - 1 ? truncate(text, cols - 1) : text;
  };

  const clear = () => {
    if (drawn) out.write(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (!live) return;
    clear();
    out.write(order.map((n) => `${line(n)}\n`).join(''));
    drawn = order.length;
  };
  const finalize = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    if (live) draw();
    live = false;
    drawn = 0;
  };
  const above = (fn: () => void) => {
    if (live) clear();
    fn();
    if (live) draw();
  };

  return {
    check: (c) => above(() => base.check(c)),
    info: (m) => above(() => base.info(m)),
    composeStart: (cli, argv, t) => above(() => base.composeStart(cli, argv, t)),
    composeExit: (code, t, output, stopped) => {
      if (code !== 0 && !stopped) above(() => base.composeExit(code, t, output));
    },
    start: (specs) => {
      order = specs.map((s) => s.name);
      width = Math.max(8, ...order.map((n) => n.length));
      live = true;
      draw();
      ticker = setInterval(() => {
        frame++;
        draw();
      }, 200);
      ticker.unref();
    },
    service: (s) => {
      state.set(s.service, s);
      draw();
    },
    // the end: leave the block where it is and print below it
    failure: (f) => {
      finalize();
      base.failure(f);
    },
    chain: (steps) => {
      finalize();
      base.chain(steps);
    },
    result: (r) => {
      finalize();
      base.result(r);
    },
    close: () => finalize(),
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

function truncate(s: string, max: number): string {
  let out = '';
  let n = 0;
  // eslint-disable-next-line no-control-regex
  for (const part of s.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) out += part;
    else {
      const room = max - n;
      if (room <= 0) continue;
      out += part.slice(0, room);
      n += Math.min(part.length, room);
    }
  }
  return `${out}\x1b[0m`;
}
