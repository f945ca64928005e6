/**
 * `shipshape up`: pre-flight, converge with `compose up -d`, then our own wait, driven by the
 * engine's events (subscribed to before compose starts, so nothing is missed) plus an inspect of
 * the containers the run did not touch. See waiter.ts for the rules, report.ts for the output.
 */
import type Dockerode from 'dockerode';
import { containerLogTail, engineSince, isOneoff, LABEL, listProjectContainers, subscribeProjectEvents, withTimeout, type EventSubscription, type RawEngineEvent } from '../engine/client.js';
import { ComposeArgsError, type ComposeCli } from '../engine/compose-cli.js';
import { projectFlags, upArgv } from './compose-argv.js';
import { spawnCompose, type ComposeProcess } from '../engine/compose-run.js';
import type { Engine } from '../engine/client.js';
import { criticalChain, type ChainStep } from './critical-chain.js';
import { runPreflight, type Check, type ProjectInputs } from './preflight.js';
import { jsonReporter, plainReporter, ttyReporter, type FailureDetail, type Out, type UpReporter, type UpSummary } from './report.js';
import { buildSpecs } from './specs.js';
import { dependencyOrder, parseRestartPolicy, Waiter, type ContainerEvent, type ContainerSnapshot, type ServiceSpec, type ServiceStatus, type Verdict } from './waiter.js';

export interface UpOptions extends ProjectInputs {
  build?: boolean;
  /** the global deadline for the wait, from the start of `up -d` (default 120) */
  timeoutS?: number;
  /** fail on the first unhealthy / non-zero exit (default true); false: wait until the deadline for recovery */
  failFast?: boolean;
  json?: boolean;
  /** default process.stdout */
  out?: Out;
  /** live redraw (default: out is a TTY, and not json) */
  tty?: boolean;
  color?: boolean;
  /** how long a server without a health check must stay up (default 1 s) */
  settleS?: number;
  /** log lines shown for a failed service (default 20) */
  logLines?: number;
  engine?: Engine;
  cli?: ComposeCli;
}

export interface UpResult {
  exitCode: 0 | 1 | 2;
  ok: boolean;
  project?: string;
  checks: Check[];
  specs: ServiceSpec[];
  services: ServiceStatus[];
  verdict?: Verdict;
  failures: FailureDetail[];
  chain: ChainStep[];
  /** engine health_status event → our output line, in ms */
  latency?: { n: number; maxMs: number; meanMs: number; samples: number[] };
  timings: { preflightS: number; waitS?: number; totalS: number };
}

const RERUNS = 3;

function pickReporter(opts: UpOptions, out: Out, clock: () => number): UpReporter {
  if (opts.json) return jsonReporter(out);
  const color = opts.color ?? (Boolean(out.isTTY) && !process.env.NO_COLOR);
  if (opts.tty ?? Boolean(out.isTTY)) return ttyReporter(out, color, clock);
  return plainReporter(out, color);
}

export function snapshotOf(info: Dockerode.ContainerInspectInfo, service: string, t: number): ContainerSnapshot {
  const labels = info.Config.Labels ?? {};
  const test = info.Config.Healthcheck?.Test;
  const s: ContainerSnapshot = {
    id: info.Id,
    service,
    number: Number(labels[LABEL.number] ?? 1) || 1,
    status: info.State.Status,
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    healthcheck: Boolean(info.State.Health) || (Array.isArray(test) && test.length > 0 && test[0] !== 'NONE'),
    restart: parseRestartPolicy(info.HostConfig.RestartPolicy?.Name || 'no'),
    t,
  };
  if (info.State.Health?.Status) s.health = info.State.Health.Status;
  return s;
}

export async function runUp(opts: UpOptions): Promise<UpResult> {
  const out: Out = opts.out ?? process.stdout;
  const began = Date.now();
  let tZero = 0;
  const clock = () => (tZero ? (Date.now() - tZero) / 1000 : 0);
  const reporter = pickReporter(opts, out, clock);
  const result: UpResult = { exitCode: 2, ok: false, checks: [], specs: [], services: [], failures: [], chain: [], timings: { preflightS: 0, totalS: 0 } };
  const finish = (r: UpResult) => {
    r.timings.totalS = (Date.now() - began) / 1000;
    reporter.close();
    return r;
  };
  const fail = (code: 1 | 2, reason: string, extra: Partial<UpSummary> = {}) => {
    result.exitCode = code;
    reporter.result({ ok: false, exitCode: code, t: clock(), timedOut: false, services: result.services, reason, ...extra });
    return finish(result);
  };

  // 1. pre-flight
  const pre = await runPreflight({ ...opts, onCheck: (c) => reporter.check(c) });
  result.checks = pre.checks;
  result.timings.preflightS = (Date.now() - began) / 1000;
  if (!pre.ok || !pre.project || !pre.engine || !pre.cli) {
    const failed = pre.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    return fail(2, `pre-flight failed: ${failed.join(', ') || 'no project'}`);
  }
  const project = pre.project;
  const { docker } = pre.engine;
  const cli = pre.cli;
  result.project = project.name;

  const specs = dependencyOrder(buildSpecs(project.services, pre.imageHealth));
  result.specs = specs;
  if (!specs.length) return fail(2, 'no services to start (check --profile)');
  const specNames = new Set(specs.map((s) => s.name));

  let argv: string[];
  try {
    argv = upArgv(cli, projectFlags(project, opts.profiles, opts.envFiles), { build: opts.build });
  } catch (e) {
    if (e instanceof ComposeArgsError) return fail(2, e.message);
    throw e;
  }

  // 2. converge and wait
  const failFast = opts.failFast ?? true;
  const timeoutS = opts.timeoutS ?? 120;
  const latency: number[] = [];
  let currentTs: number | undefined;
  let currentIsHealth = false;
  let currentService: string | undefined;
  let offsetMs = 0;
  let settleTimer: NodeJS.Timeout | undefined;
  let settleAt: number | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;
  let sub: EventSubscription | undefined;
  let compose: ComposeProcess | undefined;
  let lastComposeCode: number | undefined;
  let reruns = 0;
  let stoppedByUs = false;
  let resolveDone!: (v: Verdict) => void;
  const done = new Promise<Verdict>((r) => (resolveDone = r));

  const waiter: Waiter = new Waiter(specs, {
    failFast,
    settleS: opts.settleS,
    rerun: !failFast,
    onChange: (s) => {
      const fromEvent = currentService === s.service ? currentTs : undefined;
      reporter.service(s, fromEvent);
      if (currentIsHealth && fromEvent !== undefined) latency.push(Date.now() - (fromEvent + offsetMs));
      if (!failFast && s.ready && compose && !compose.running && lastComposeCode !== 0 && reruns < RERUNS) {
        setImmediate(maybeRerun);
      }
    },
    onDone: (v) => resolveDone(v),
  });

  const inspected = new Set<string>();
  const learn = (id: string) => {
    if (inspected.has(id)) return;
    inspected.add(id);
    docker
      .getContainer(id)
      .inspect()
      .then((info) => {
        const test = info.Config.Healthcheck?.Test;
        waiter.info(id, {
          healthcheck: Boolean(info.State.Health) || (Array.isArray(test) && test.length > 0 && test[0] !== 'NONE'),
          restart: parseRestartPolicy(info.HostConfig.RestartPolicy?.Name || 'no'),
        }, clock());
        scheduleSettle();
      })
      .catch(() => {
        /* removed meanwhile: its events tell the rest */
      });
  };

  const scheduleSettle = () => {
    const due = waiter.nextDue();
    if (due === undefined || waiter.done) return;
    if (settleTimer && settleAt !== undefined && settleAt <= due) return;
    if (settleTimer) clearTimeout(settleTimer);
    settleAt = due;
    settleTimer = setTimeout(() => {
      settleTimer = undefined;
      settleAt = undefined;
      waiter.tick(clock());
      scheduleSettle();
    }, Math.max(0, (due - clock()) * 1000) + 5);
  };

  const onEvent = (raw: RawEngineEvent) => {
    const e = toContainerEvent(raw, specNames, (tsMs) => (tZero ? Math.max(0, (tsMs + offsetMs - tZero) / 1000) : 0));
    if (!e) return;
    currentTs = e.ts;
    currentService = e.service;
    currentIsHealth = e.action.startsWith('health_status');
    try {
      waiter.event(e);
    } finally {
      currentTs = undefined;
      currentService = undefined;
      currentIsHealth = false;
    }
    if (e.action !== 'destroy') learn(e.id);
    scheduleSettle();
  };

  const onComposeExit = async (proc: ComposeProcess, code: number) => {
    lastComposeCode = code;
    reporter.composeExit(code, clock(), proc.output(), stoppedByUs);
    if (waiter.done) return;
    let after: { ids: string[]; snapshots: ContainerSnapshot[] } | undefined;
    try {
      const list = await withTimeout(listProjectContainers(docker, project.name, { all: true }), 15_000, 'listing containers timed out');
      const snapshots: ContainerSnapshot[] = [];
      for (const c of list) {
        const service = c.Labels[LABEL.service];
        if (!service || !specNames.has(service) || waiter.knows(c.Id)) continue;
        try {
          const info = await docker.getContainer(c.Id).inspect();
          inspected.add(c.Id);
          snapshots.push(snapshotOf(info, service, clock()));
        } catch {
          /* gone meanwhile */
        }
      }
      after = { ids: list.map((c) => c.Id), snapshots };
    } catch {
      after = undefined;
    }
    waiter.composeExited(code, clock(), after);
    scheduleSettle();
  };

  const startCompose = (args: string[]) => {
    const proc = spawnCompose(args, { cwd: project.workingDir, env: opts.env ?? process.env });
    compose = proc;
    void proc.exited.then((code) => onComposeExit(proc, code));
  };

  const maybeRerun = () => {
    if (waiter.done || !compose || compose.running || lastComposeCode === 0 || reruns >= RERUNS) return;
    if (!waiter.statuses().some((s) => s.state === 'waiting')) return;
    reruns++;
    waiter.composeRestarted(clock());
    const args = argv.filter((a) => a !== '--build');
    reporter.info(`a dependency recovered: running \`up -d\` again (${reruns}/${RERUNS})`);
    startCompose(args);
  };

  try {
    try {
      const asked = Date.now();
      const info = await withTimeout(docker.info(), 15_000, 'engine info timed out');
      const engineNow = Date.parse(info.SystemTime);
      // same machine, same clock; a remote engine's clock is estimated from the middle of the round trip
      if (!pre.engine.endpoint.local && Number.isFinite(engineNow)) offsetMs = Math.round((asked + Date.now()) / 2 - engineNow);
      sub = await subscribeProjectEvents(docker, project.name, onEvent, {
        since: engineSince(info.SystemTime),
        onEnd: (err) => waiter.abort(clock(), `the engine's event stream ended${err ? `: ${err.message}` : ''}`),
      });
    } catch (e) {
      return fail(1, `cannot subscribe to engine events: ${(e as Error).message}`);
    }

    reporter.start(specs);
    tZero = Date.now();
    reporter.composeStart(cli, argv, 0);
    startCompose(argv);
    deadlineTimer = setTimeout(() => waiter.expire(clock()), timeoutS * 1000);

    const verdict = await done;
    result.verdict = verdict;
    result.timings.waitS = clock();
  } finally {
    if (deadlineTimer) clearTimeout(deadlineTimer);
    if (settleTimer) clearTimeout(settleTimer);
    sub?.close();
    const proc = compose as ComposeProcess | undefined;
    if (proc?.running) {
      stoppedByUs = true;
      proc.stop();
      await withTimeout(proc.exited, 10_000, 'compose did not stop').catch(() => undefined);
    }
  }

  const verdict = result.verdict!;
  result.services = waiter.statuses();
  if (latency.length) {
    result.latency = {
      n: latency.length,
      maxMs: Math.max(...latency),
      meanMs: Math.round((latency.reduce((a, b) => a + b, 0) / latency.length) * 10) / 10,
      samples: latency,
    };
  }

  // 3. why it failed
  for (const f of verdict.failures) {
    const detail: FailureDetail = { service: f.service, state: f.state, reason: f.reason, cause: f.cause };
    if (f.exitCode !== undefined) detail.exitCode = f.exitCode;
    if (f.container) {
      detail.container = f.container;
      if (f.cause) await addDiagnostics(docker, detail, f.container, opts.logLines ?? 20, (ms) => (ms + offsetMs - tZero) / 1000);
    }
    result.failures.push(detail);
    reporter.failure(detail);
  }

  // 4. the critical chain
  if (verdict.ok) {
    const byName = new Map(specs.map((s) => [s.name, s]));
    result.chain = criticalChain(
      result.services.map((s) => ({
        service: s.service,
        state: s.state,
        readyT: s.readyT,
        startedT: s.startedT,
        already: s.already,
        dependsOn: byName.get(s.service)?.dependsOn ?? [],
      })),
    );
    reporter.chain(result.chain);
  }

  result.ok = verdict.ok;
  result.exitCode = verdict.ok ? 0 : 1;
  const summary: UpSummary = { ok: verdict.ok, exitCode: result.exitCode, t: verdict.t, timedOut: verdict.timedOut, services: result.services };
  if (result.latency) summary.latency = { n: result.latency.n, maxMs: result.latency.maxMs, meanMs: result.latency.meanMs };
  const general = verdict.failures.find((f) => f.service === '');
  if (general && !verdict.failures.some((f) => f.service && f.cause)) summary.reason = general.reason;
  reporter.result(summary);
  return finish(result);
}

/**
 * An engine event as the waiter takes it, or undefined for events it does not look at: other
 * types, exec_* (health probes run as execs), one-off containers, services not waited for.
 * `tOf` turns the engine's timestamp (epoch ms) into seconds since the start of the run.
 */
export function toContainerEvent(raw: RawEngineEvent, services: ReadonlySet<string>, tOf: (tsMs: number) => number): (ContainerEvent & { ts: number }) | undefined {
  if (raw.Type && raw.Type !== 'container') return undefined;
  const action = (raw.Action ?? raw.status ?? '').trim();
  if (!action || action.startsWith('exec_')) return undefined;
  const attrs = raw.Actor?.Attributes ?? {};
  if (isOneoff(attrs[LABEL.oneoff])) return undefined;
  const service = attrs[LABEL.service];
  const id = raw.Actor?.ID ?? raw.id;
  if (!service || !id || !services.has(service)) return undefined;
  const ts = raw.timeNano ? raw.timeNano / 1e6 : (raw.time ?? Date.now() / 1000) * 1000;
  const exit = attrs.exitCode !== undefined && attrs.exitCode !== '' ? Number(attrs.exitCode) : undefined;
  const e: ContainerEvent & { ts: number } = { id, service, number: Number(attrs[LABEL.number] ?? 1) || 1, action, t: tOf(ts), ts };
  if (exit !== undefined && Number.isFinite(exit)) e.exitCode = exit;
  return e;
}

/** Exit code, health-check log and log tail of a failed service's container. */
async function addDiagnostics(docker: Dockerode, detail: FailureDetail, id: string, lines: number, toT: (ms: number) => number): Promise<void> {
  try {
    const info = await withTimeout(docker.getContainer(id).inspect(), 10_000, 'inspect timed out');
    detail.containerName = info.Name.replace(/^\//, '');
    if (!info.State.Running && detail.exitCode === undefined) detail.exitCode = info.State.ExitCode;
    const log = info.State.Health?.Log ?? [];
    if (log.length) {
      detail.health = log.slice(-3).map((h) => {
        const end = Date.parse(h.End);
        return { exitCode: h.ExitCode, output: h.Output, ...(Number.isFinite(end) ? { t: Math.max(0, toT(end)) } : {}) };
      });
    }
    detail.logs = await withTimeout(containerLogTail(docker, id, lines, info.Config.Tty), 10_000, 'logs timed out');
  } catch (e) {
    detail.logs ??= [`(could not read the container: ${(e as Error).message})`];
  }
}
