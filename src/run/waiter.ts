/**
 * The wait after `compose up -d`: a state machine fed with the engine's container events (and
 * an inspect snapshot of containers the run did not touch), deciding per service whether it met
 * its rule:
 *
 *   job    (exits by design): must exit 0                        → completed
 *   server with a health check: must report healthy             → healthy
 *   server without one: must stay running for `settleMs`       → running
 *   any service that exits 0 and is not restarted by its policy → completed (a job in disguise)
 *
 * Failures: a non-zero exit, `unhealthy`, a container stopped by someone else, a service that
 * was never created once Compose has exited, or the deadline. With failFast the first failure
 * ends the wait; otherwise a failure may still recover (health back to healthy, a restart policy)
 * until the deadline, and the wait ends early only when nothing can change any more.
 *
 * Pure: no clock, no I/O. Times are seconds since the start of the run, given by the caller.
 */

export type ServiceKind = 'job' | 'server';
export type RestartPolicy = 'no' | 'always' | 'on-failure' | 'unless-stopped';

export interface ServiceSpec {
  name: string;
  kind: ServiceKind;
  /** the compose file or image defines a health check (undefined: not known until a container is inspected) */
  healthcheck?: boolean;
  restart: RestartPolicy;
  /** depends_on, restricted to the selected services */
  dependsOn: string[];
}

export type ContainerStateName =
  | 'created'
  | 'starting'
  | 'running'
  | 'healthy'
  | 'unhealthy'
  | 'completed'
  | 'exited'
  | 'restarting'
  | 'stopped'
  | 'paused'
  | 'removed';

/** `waiting`: no container yet. */
export type ServiceStateName = 'waiting' | ContainerStateName;

/** One container event (exec_* health-probe events are dropped before they get here). */
export interface ContainerEvent {
  id: string;
  service: string;
  /** com.docker.compose.container-number */
  number?: number;
  /** create, start, die, kill, stop, destroy, oom, pause, unpause, restart, health_status: healthy, ... */
  action: string;
  /** for die */
  exitCode?: number;
  t: number;
}

/** What an inspect says about a container that events have not (yet) described. */
export interface ContainerSnapshot {
  id: string;
  service: string;
  number?: number;
  /** State.Status: created, running, paused, restarting, removing, exited, dead */
  status: string;
  /** State.Health.Status */
  health?: string;
  exitCode: number;
  oomKilled?: boolean;
  healthcheck: boolean;
  restart: RestartPolicy;
  t: number;
}

export interface ContainerInfo {
  healthcheck: boolean;
  restart: RestartPolicy;
}

export interface ServiceStatus {
  service: string;
  kind: ServiceKind;
  state: ServiceStateName;
  /** when it entered this state */
  t: number;
  /** met its rule */
  ready: boolean;
  /** when it met its rule (for a `running` server: when it started) */
  readyT?: number;
  /** when its (current) container started */
  startedT?: number;
  /** it was already in this state before the run (from the snapshot, not events) */
  already?: boolean;
  exitCode?: number;
  oomKilled?: boolean;
  /** the container that decides the state */
  container?: string;
  /** failed its rule (recoverable unless `final`) */
  failed: boolean;
  final: boolean;
  /** why it failed or is blocked, in words */
  reason?: string;
}

export interface Failure {
  service: string;
  state: ServiceStateName;
  reason: string;
  container?: string;
  exitCode?: number;
  /** true for a service that failed itself, false for one blocked by another's failure */
  cause: boolean;
}

export interface Verdict {
  ok: boolean;
  t: number;
  failures: Failure[];
  /** the deadline ended the wait */
  timedOut: boolean;
}

export interface WaiterOptions {
  failFast: boolean;
  /** how long a server without a health check must stay up (default 1 s) */
  settleS?: number;
  /**
   * The caller re-runs `compose up -d` when a failed dependency recovers (tolerant mode), so a
   * service compose never created is not given up on when compose fails.
   */
  rerun?: boolean;
  onChange?: (s: ServiceStatus) => void;
  onDone?: (v: Verdict) => void;
}

interface Ctr {
  id: string;
  service: string;
  number: number;
  seq: number;
  state: ContainerStateName;
  stateT: number;
  exitCode?: number;
  startedT?: number;
  readyT?: number;
  healthcheck?: boolean;
  restart?: RestartPolicy;
  killed: boolean;
  oom: boolean;
  /** described by events (true) or only by a snapshot */
  evented: boolean;
  already: boolean;
}

const RESTARTS_ON_ZERO: ReadonlySet<RestartPolicy> = new Set(['always', 'unless-stopped']);

/** Map Compose's `restart:` (or deploy.restart_policy.condition) to a policy name. */
export function parseRestartPolicy(v: unknown): RestartPolicy {
  if (typeof v !== 'string') return 'no';
  const s = v.trim().toLowerCase();
  if (s === 'always' || s === 'any') return 'always';
  if (s === 'unless-stopped') return 'unless-stopped';
  if (s.startsWith('on-failure')) return 'on-failure';
  return 'no';
}

export class Waiter {
  private readonly specs = new Map<string, ServiceSpec>();
  private readonly ctrs = new Map<string, Ctr>();
  /** service -> container number -> id of the newest container */
  private readonly current = new Map<string, Map<number, string>>();
  private readonly last = new Map<string, string>();
  private seq = 0;
  private composeDone = false;
  private composeCode: number | undefined;
  private batch = false;
  /** services whose current container was removed (not replaced) */
  private readonly removedFrom = new Set<string>();
  private verdict: Verdict | undefined;
  private lastT = 0;
  readonly settleS: number;

  constructor(
    specs: readonly ServiceSpec[],
    private readonly opts: WaiterOptions,
  ) {
    for (const s of specs) {
      this.specs.set(s.name, s);
      this.current.set(s.name, new Map());
    }
    this.settleS = opts.settleS ?? 1;
  }

  get done(): Verdict | undefined {
    return this.verdict;
  }

  /** Some event has described this container. */
  knows(id: string): boolean {
    return this.ctrs.get(id)?.evented ?? false;
  }

  /** Services in the order they were given. */
  statuses(): ServiceStatus[] {
    return [...this.specs.keys()].map((n) => this.status(n, this.lastT));
  }

  /** A container event. Events of services we do not wait for are ignored. */
  event(e: ContainerEvent): void {
    if (this.verdict || !this.specs.has(e.service)) return;
    this.lastT = Math.max(this.lastT, e.t);
    let c = this.ctrs.get(e.id);
    const action = e.action.trim();
    if (action.startsWith('exec_')) return;
    if (!c) {
      if (action === 'destroy') return;
      c = this.track(e.id, e.service, e.number, e.t);
    }
    c.evented = true;
    c.already = false;
    const spec = this.specs.get(c.service)!;
    const hc = () => c.healthcheck ?? spec.healthcheck ?? false;
    const restart = c.restart ?? spec.restart;

    if (action === 'create') {
      this.set(c, 'created', e.t);
    } else if (action === 'start' || action === 'restart' || action === 'unpause') {
      if (action !== 'unpause') {
        c.killed = false;
        c.oom = false;
        c.exitCode = undefined;
        c.startedT = e.t;
        c.readyT = undefined;
        this.set(c, hc() ? 'starting' : 'running', e.t);
      } else this.set(c, hc() ? (c.readyT !== undefined ? 'healthy' : 'starting') : 'running', e.t);
    } else if (action.startsWith('health_status')) {
      const h = action.slice(action.indexOf(':') + 1).trim();
      c.healthcheck = true;
      if (c.state === 'exited' || c.state === 'completed' || c.state === 'stopped' || c.state === 'removed') return this.evaluate(e.t);
      if (h === 'healthy') this.set(c, 'healthy', e.t);
      else if (h === 'unhealthy') this.set(c, 'unhealthy', e.t);
      else if (h === 'starting') this.set(c, 'starting', e.t);
    } else if (action === 'kill' || action === 'stop') {
      c.killed = true;
    } else if (action === 'oom') {
      c.oom = true;
    } else if (action === 'die') {
      const code = e.exitCode ?? 0;
      c.exitCode = code;
      if (c.killed && !c.oom) this.set(c, 'stopped', e.t);
      else if (code === 0) this.set(c, RESTARTS_ON_ZERO.has(restart) ? 'restarting' : 'completed', e.t);
      else this.set(c, 'exited', e.t);
    } else if (action === 'pause') {
      this.set(c, 'paused', e.t);
    } else if (action === 'destroy') {
      this.set(c, 'removed', e.t);
      const cur = this.current.get(c.service)!;
      if (cur.get(c.number) === c.id) {
        cur.delete(c.number);
        this.removedFrom.add(c.service);
      }
    }
    this.evaluate(e.t);
  }

  /** What an inspect found for a container (health check present, restart policy). */
  info(id: string, info: ContainerInfo, t: number = this.lastT): void {
    const c = this.ctrs.get(id);
    if (!c || this.verdict) return;
    c.healthcheck = info.healthcheck;
    c.restart = info.restart;
    if (info.healthcheck && c.state === 'running') this.set(c, 'starting', c.stateT);
    else if (!info.healthcheck && c.state === 'starting') this.set(c, 'running', c.stateT);
    this.evaluate(Math.max(t, this.lastT));
  }

  /** State from an inspect, for a container no event has described (it was up before the run). */
  snapshot(s: ContainerSnapshot): void {
    if (this.verdict || !this.specs.has(s.service)) return;
    this.lastT = Math.max(this.lastT, s.t);
    const existing = this.ctrs.get(s.id);
    if (existing?.evented) return;
    const c = existing ?? this.track(s.id, s.service, s.number, s.t);
    c.healthcheck = s.healthcheck;
    c.restart = s.restart;
    c.already = true;
    c.oom = Boolean(s.oomKilled);
    const status = s.status.toLowerCase();
    let state: ContainerStateName;
    if (status === 'running') {
      c.startedT = 0;
      const h = s.health?.toLowerCase();
      state = !s.healthcheck ? 'running' : h === 'healthy' ? 'healthy' : h === 'unhealthy' ? 'unhealthy' : 'starting';
    } else if (status === 'exited' || status === 'dead') {
      c.exitCode = s.exitCode;
      state = s.exitCode === 0 ? (RESTARTS_ON_ZERO.has(s.restart) ? 'restarting' : 'completed') : 'exited';
    } else if (status === 'restarting') state = 'restarting';
    else if (status === 'paused') state = 'paused';
    else if (status === 'removing') state = 'removed';
    else state = 'created';
    c.state = state;
    c.stateT = 0;
    if (state === 'healthy' || state === 'completed' || state === 'running') c.readyT = 0;
    this.evaluate(s.t);
  }

  /**
   * `compose up -d` has exited. `after`, when given, is what the project holds now: the ids of
   * its containers (any other container we tracked was replaced and no longer counts) and
   * snapshots of those no event has described (they were up before the run and left alone).
   */
  composeExited(code: number, t: number, after?: { ids: readonly string[]; snapshots?: readonly ContainerSnapshot[] }): void {
    if (this.verdict) return;
    this.lastT = Math.max(this.lastT, t);
    this.batch = true;
    try {
      for (const s of after?.snapshots ?? []) this.snapshot(s);
    } finally {
      this.batch = false;
    }
    this.composeDone = true;
    this.composeCode = code;
    if (after) {
      const keep = new Set(after.ids);
      for (const byNumber of this.current.values()) {
        for (const [n, id] of [...byNumber]) if (!keep.has(id)) byNumber.delete(n);
      }
    }
    this.evaluate(t);
  }

  /** Compose is running again (tolerant mode re-runs `up -d` after a dependency recovered). */
  composeRestarted(t: number): void {
    if (this.verdict) return;
    this.composeDone = false;
    this.composeCode = undefined;
    this.evaluate(t);
  }

  /** When the next settle timer is due (a server without health check that has not been up long enough yet). */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const c of this.currentContainers()) {
      if (c.state !== 'running' || c.startedT === undefined) continue;
      const spec = this.specs.get(c.service)!;
      if (spec.kind === 'job' || (c.healthcheck ?? spec.healthcheck)) continue;
      const at = c.startedT + this.settleS;
      if (at > this.lastT && (due === undefined || at < due)) due = at;
    }
    return due;
  }

  /** Time passes (settle timers). */
  tick(t: number): void {
    if (this.verdict) return;
    this.lastT = Math.max(this.lastT, t);
    this.evaluate(t);
  }

  /** The deadline: everything not ready fails. */
  expire(t: number): void {
    if (this.verdict) return;
    this.lastT = Math.max(this.lastT, t);
    this.evaluate(t);
    if (this.verdict) return;
    const statuses = [...this.specs.keys()].map((n) => this.status(n, t));
    const failures = statuses
      .filter((s) => !s.ready)
      .map((s) => ({
        service: s.service,
        state: s.state,
        reason: s.failed || s.reason ? (s.reason ?? s.state) : `not ready after ${fmtS(t)}: ${describeState(s)}`,
        container: s.container,
        exitCode: s.exitCode,
        cause: s.failed || !s.reason?.startsWith('not started'),
      }));
    this.finish({ ok: false, t, failures: orderFailures(failures), timedOut: true });
  }

  /** Stop with a failure from outside (Compose could not be run, the event stream broke). */
  abort(t: number, reason: string): void {
    if (this.verdict) return;
    const statuses = [...this.specs.keys()].map((n) => this.status(n, t));
    const failures: Failure[] = statuses
      .filter((s) => !s.ready)
      .map((s) => ({ service: s.service, state: s.state, reason: s.reason ?? describeState(s), container: s.container, exitCode: s.exitCode, cause: s.failed }));
    this.finish({ ok: false, t, failures: orderFailures([{ service: '', state: 'waiting', reason, cause: true }, ...failures]), timedOut: false });
  }

  private track(id: string, service: string, number: number | undefined, t: number): Ctr {
    const c: Ctr = {
      id,
      service,
      number: number ?? 1,
      seq: ++this.seq,
      state: 'created',
      stateT: t,
      killed: false,
      oom: false,
      evented: false,
      already: false,
    };
    this.ctrs.set(id, c);
    // a newer container for the same slot replaces the old one (recreate)
    this.current.get(service)!.set(c.number, id);
    this.removedFrom.delete(service);
    return c;
  }

  private set(c: Ctr, state: ContainerStateName, t: number): void {
    if (c.state === state && state !== 'starting') return;
    c.state = state;
    c.stateT = t;
    if ((state === 'healthy' || state === 'completed') && c.readyT === undefined) c.readyT = t;
    if (state === 'running') c.readyT = undefined;
  }

  private *currentContainers(): Iterable<Ctr> {
    for (const byNumber of this.current.values()) for (const id of byNumber.values()) yield this.ctrs.get(id)!;
  }

  /** Judge one container against its service's rule. */
  private judge(c: Ctr, spec: ServiceSpec, t: number): { ready: boolean; readyT?: number; failed: boolean; final: boolean; reason?: string } {
    const restart = c.restart ?? spec.restart;
    const hc = c.healthcheck ?? spec.healthcheck ?? false;
    switch (c.state) {
      case 'completed':
        return { ready: true, readyT: c.stateT, failed: false, final: false };
      case 'healthy':
        return spec.kind === 'job' ? { ready: false, failed: false, final: false } : { ready: true, readyT: c.readyT ?? c.stateT, failed: false, final: false };
      case 'running': {
        if (spec.kind === 'job' || hc) return { ready: false, failed: false, final: false };
        const started = c.startedT ?? c.stateT;
        if (c.already || t - started >= this.settleS - 1e-9) return { ready: true, readyT: c.already ? 0 : started, failed: false, final: false };
        return { ready: false, failed: false, final: false };
      }
      case 'unhealthy':
        return { ready: false, failed: true, final: false, reason: 'unhealthy' };
      case 'exited': {
        const restarts = restart !== 'no';
        const reason = `exited with code ${c.exitCode ?? '?'}${c.oom ? ' (out of memory)' : ''}${restarts ? ` (restart policy ${restart})` : ''}`;
        return { ready: false, failed: true, final: !restarts, reason };
      }
      case 'stopped':
        // compose stops containers it recreates: only a failure once compose is done
        if (!this.composeDone) return { ready: false, failed: false, final: false };
        return { ready: false, failed: true, final: true, reason: `stopped (killed, exit code ${c.exitCode ?? '?'})` };
      case 'removed':
        if (!this.composeDone) return { ready: false, failed: false, final: false };
        return { ready: false, failed: true, final: true, reason: 'container removed' };
      case 'created':
        if (this.composeDone && this.composeCode !== 0) return { ready: false, failed: true, final: true, reason: `created but not started (compose exited with code ${this.composeCode})` };
        return { ready: false, failed: false, final: false };
      default:
        return { ready: false, failed: false, final: false };
    }
  }

  private status(name: string, t: number): ServiceStatus {
    const spec = this.specs.get(name)!;
    const ids = [...this.current.get(name)!.values()];
    const base = { service: name, kind: spec.kind };
    if (ids.length === 0) {
      const blockers = this.failedDependencies(name, t);
      let reason: string | undefined;
      let final = false;
      let failed = false;
      if (blockers.length) reason = `not started: depends on ${blockers.map((b) => `${b.service} (${describeState(b)})`).join(', ')}`;
      if (this.composeDone) {
        if (this.composeCode !== 0) {
          reason ??= `not created (compose exited with code ${this.composeCode})`;
          // with re-runs, a service compose did not get to may still be created once its dependencies recover
          final = blockers.some((b) => b.final) || !this.opts.rerun;
        } else {
          reason ??= this.removedFrom.has(name) ? 'container removed' : 'no container (compose created none)';
          failed = true;
          final = true;
        }
      }
      return { ...base, state: 'waiting', t: 0, ready: false, failed, final, reason };
    }
    const ctrs = ids.map((id) => this.ctrs.get(id)!).sort((a, b) => a.number - b.number);
    const judged = ctrs.map((c) => ({ c, j: this.judge(c, spec, t) }));
    // the container that decides: a failed one, else a not-yet-ready one, else the last to get ready
    const pick =
      judged.find((x) => x.j.failed) ??
      judged.find((x) => !x.j.ready) ??
      judged.reduce((a, b) => ((b.j.readyT ?? 0) >= (a.j.readyT ?? 0) ? b : a));
    const { c, j } = pick;
    const ready = judged.every((x) => x.j.ready);
    const st: ServiceStatus = {
      ...base,
      state: c.state,
      t: c.stateT,
      ready,
      failed: j.failed,
      final: j.final,
      container: c.id,
    };
    if (ready) st.readyT = Math.max(...judged.map((x) => x.j.readyT ?? 0));
    if (c.startedT !== undefined) st.startedT = c.startedT;
    if (c.already) st.already = true;
    if (c.exitCode !== undefined) st.exitCode = c.exitCode;
    if (c.oom) st.oomKilled = true;
    if (j.reason) st.reason = j.reason;
    return st;
  }

  private failedDependencies(name: string, t: number, seen = new Set<string>()): ServiceStatus[] {
    const out: ServiceStatus[] = [];
    for (const dep of this.specs.get(name)!.dependsOn) {
      if (seen.has(dep) || !this.specs.has(dep)) continue;
      seen.add(dep);
      const s = this.status(dep, t);
      if (s.failed || (s.state === 'waiting' && s.reason)) out.push(s);
    }
    return out;
  }

  private evaluate(t: number): void {
    if (this.verdict || this.batch) return;
    const statuses = [...this.specs.keys()].map((n) => this.status(n, t));
    for (const s of statuses) {
      const key = `${s.state}|${s.ready}|${s.failed}|${s.exitCode ?? ''}|${s.container ?? ''}|${s.reason ?? ''}`;
      if (this.last.get(s.service) !== key) {
        this.last.set(s.service, key);
        this.opts.onChange?.(s);
      }
    }
    const failures = (): Failure[] =>
      orderFailures(
        statuses
          .filter((s) => !s.ready && (s.failed || s.reason))
          .map((s) => ({ service: s.service, state: s.state, reason: s.reason ?? s.state, container: s.container, exitCode: s.exitCode, cause: s.failed })),
      );

    if (statuses.every((s) => s.ready)) {
      if (!this.composeDone) return;
      if (this.composeCode === 0) return this.finish({ ok: true, t, failures: [], timedOut: false });
      return this.finish({ ok: false, t, failures: [{ service: '', state: 'waiting', reason: `compose exited with code ${this.composeCode}`, cause: true }], timedOut: false });
    }
    if (this.opts.failFast) {
      if (statuses.some((s) => s.failed)) return this.finish({ ok: false, t, failures: failures(), timedOut: false });
      if (this.composeDone && this.composeCode !== 0 && statuses.every((s) => s.ready || s.final || !this.canStillChange(s))) {
        return this.finish({ ok: false, t, failures: withComposeFailure(failures(), this.composeCode), timedOut: false });
      }
      return;
    }
    // tolerant: end early only when nothing can change any more
    if (this.composeDone && statuses.every((s) => s.ready || s.final)) {
      const f = failures();
      return this.finish({ ok: false, t, failures: this.composeCode ? withComposeFailure(f, this.composeCode) : f, timedOut: false });
    }
  }

  /** After compose failed: a service still starting (or restarting by policy) may yet get ready. */
  private canStillChange(s: ServiceStatus): boolean {
    return s.state === 'starting' || s.state === 'running' || s.state === 'restarting' || s.state === 'healthy';
  }

  private finish(v: Verdict): void {
    if (this.verdict) return;
    this.verdict = v;
    this.opts.onDone?.(v);
  }
}

function withComposeFailure(failures: Failure[], code: number | undefined): Failure[] {
  if (failures.some((f) => f.cause)) return failures;
  return [{ service: '', state: 'waiting', reason: `compose exited with code ${code}`, cause: true }, ...failures];
}

function orderFailures(f: Failure[]): Failure[] {
  return [...f].sort((a, b) => Number(b.cause) - Number(a.cause));
}

export function fmtS(t: number): string {
  return `${t.toFixed(1)}s`;
}

/** `exited (3)`, `unhealthy`, `waiting`. */
export function describeState(s: Pick<ServiceStatus, 'state' | 'exitCode'>): string {
  if ((s.state === 'exited' || s.state === 'stopped') && s.exitCode !== undefined) return `${s.state} (${s.exitCode})`;
  return s.state;
}

/** Services in dependency order (dependencies first; otherwise in the given order). */
export function dependencyOrder(specs: readonly ServiceSpec[]): ServiceSpec[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: ServiceSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: ServiceSpec) => {
    const st = state.get(s.name);
    if (st) return; // done, or a cycle (compose rejects those; keep going)
    state.set(s.name, 'visiting');
    for (const d of [...s.dependsOn].sort()) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    state.set(s.name, 'done');
    out.push(s);
  };
  for (const s of specs) visit(s);
  return out;
}
