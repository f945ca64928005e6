/**
 * The waiter's state machine, fed with engine events recorded from real runs (Docker 20.10,
 * docker-compose 1.29.2; see fixtures/events/*.jsonl: attributes trimmed to what we read).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawEngineEvent } from '../../src/engine/client.js';
import { criticalChain, formatChain } from '../../src/run/critical-chain.js';
import { toContainerEvent } from '../../src/run/up.js';
import { dependencyOrder, Waiter, type ContainerEvent, type ServiceSpec, type ServiceStatus, type Verdict, type WaiterOptions } from '../../src/run/waiter.js';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'events');

function recorded(name: string): RawEngineEvent[] {
  return readFileSync(path.join(FIXTURES, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RawEngineEvent);
}

/** Events as the waiter gets them, t in seconds since the first event (minus `lead`). */
function normalized(raw: RawEngineEvent[], services: string[], lead = 0.5): ContainerEvent[] {
  const t0 = raw[0]!.timeNano! / 1e6 - lead * 1000;
  return raw.map((r) => toContainerEvent(r, new Set(services), (ms) => (ms - t0) / 1000)).filter((e): e is ContainerEvent & { ts: number } => e !== undefined);
}

const spec = (name: string, over: Partial<ServiceSpec> = {}): ServiceSpec => ({ name, kind: 'server', restart: 'no', dependsOn: [], ...over });

function harness(specs: ServiceSpec[], opts: Partial<WaiterOptions> = {}) {
  const changes: ServiceStatus[] = [];
  let verdict: Verdict | undefined;
  const w = new Waiter(specs, { failFast: true, ...opts, onChange: (s) => changes.push(s), onDone: (v) => (verdict = v) });
  return { w, changes, verdict: () => verdict, states: (svc: string) => changes.filter((c) => c.service === svc).map((c) => c.state) };
}

const CHAIN_SPECS = [
  spec('init', { kind: 'job' }),
  spec('db', { healthcheck: true, dependsOn: ['init'] }),
  spec('api', { healthcheck: true, dependsOn: ['db'] }),
  spec('side', { healthcheck: false }),
];

describe('toContainerEvent', () => {
  it('drops health-probe exec events and keeps the rest', () => {
    const raw = recorded('healthy');
    const all = normalized(raw, ['init', 'db', 'api', 'side']);
    expect(raw.some((r) => r.Action?.startsWith('exec_'))).toBe(true);
    expect(all.some((e) => e.action.startsWith('exec_'))).toBe(false);
    expect(all.map((e) => e.action)).toContain('health_status: healthy');
    const die = all.find((e) => e.action === 'die')!;
    expect(die).toMatchObject({ service: 'init', exitCode: 0, number: 1 });
  });

  it('ignores one-off containers, other types and services not waited for', () => {
    const base: RawEngineEvent = { Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: { 'com.docker.compose.service': 'web' } }, timeNano: 1e18 };
    const tOf = () => 1;
    expect(toContainerEvent(base, new Set(['web']), tOf)).toMatchObject({ id: 'abc', service: 'web', action: 'start', t: 1 });
    expect(toContainerEvent(base, new Set(['db']), tOf)).toBeUndefined();
    expect(toContainerEvent({ ...base, Type: 'network' }, new Set(['web']), tOf)).toBeUndefined();
    const oneoff = { ...base, Actor: { ID: 'abc', Attributes: { 'com.docker.compose.service': 'web', 'com.docker.compose.oneoff': 'True' } } };
    expect(toContainerEvent(oneoff, new Set(['web']), tOf)).toBeUndefined();
  });
});

describe('Waiter with recorded events', () => {
  it('healthy: a job, a three-level chain and a server without a check all get ready', () => {
    const h = harness(CHAIN_SPECS);
    const events = normalized(recorded('healthy'), ['init', 'db', 'api', 'side']);
    const apiStart = events.findIndex((e) => e.service === 'api' && e.action === 'start');
    events.forEach((e, i) => {
      h.w.event(e);
      if (i === apiStart) h.w.composeExited(0, e.t + 0.1);
    });
    const v = h.verdict();
    expect(v?.ok).toBe(true);
    expect(h.states('init')).toEqual(['created', 'running', 'completed']);
    expect(h.states('db')).toEqual(['waiting', 'created', 'starting', 'healthy']);
    expect(h.states('api')).toEqual(['waiting', 'created', 'starting', 'healthy']);
    expect(h.states('side')).toEqual(['waiting', 'created', 'running', 'running']); // running, then running and ready (settled)
    const st = Object.fromEntries(h.w.statuses().map((s) => [s.service, s]));
    expect(st.init).toMatchObject({ state: 'completed', ready: true, exitCode: 0 });
    expect(st.api!.readyT!).toBeGreaterThan(st.db!.readyT!);
    expect(st.db!.readyT!).toBeGreaterThan(st.init!.readyT!);

    const chain = criticalChain(h.w.statuses().map((s) => ({ ...s, dependsOn: CHAIN_SPECS.find((x) => x.name === s.service)!.dependsOn })));
    expect(chain.map((c) => `${c.service} ${c.state}`)).toEqual(['api healthy', 'db healthy', 'init completed']);
    expect(formatChain(chain)).toMatch(/^api healthy \+\d+\.\ds ← db healthy \+\d+\.\ds ← init completed \+\d+\.\ds$/);
  });

  it('does not finish before compose has exited', () => {
    const h = harness(CHAIN_SPECS);
    for (const e of normalized(recorded('healthy'), ['init', 'db', 'api', 'side'])) h.w.event(e);
    expect(h.w.statuses().every((s) => s.ready)).toBe(true);
    expect(h.verdict()).toBeUndefined();
    h.w.composeExited(0, 10);
    expect(h.verdict()?.ok).toBe(true);
  });

  it('recreate: the replaced container is stopped by compose, which is not a failure; untouched ones come from a snapshot', () => {
    const h = harness(CHAIN_SPECS);
    const raw = recorded('recreate');
    const events = normalized(raw, ['init', 'db', 'api', 'side']);
    const oldApi = events.find((e) => e.service === 'api')!.id;
    // db only ran health probes (exec_* events, dropped): the waiter learns about it from a snapshot
    expect(events.some((e) => e.service === 'db')).toBe(false);
    const db = raw.find((r) => r.Actor?.Attributes?.['com.docker.compose.service'] === 'db')!.Actor!.ID!;
    for (const e of events) h.w.event(e);
    // the old api container was killed, died with 137 and destroyed: no verdict from that
    expect(h.verdict()).toBeUndefined();
    const newApi = events.filter((e) => e.service === 'api' && e.action === 'create').at(-1)!.id;
    expect(newApi).not.toBe(oldApi);
    h.w.composeExited(0, 8, {
      ids: [newApi, db, 'side1', events.find((e) => e.service === 'init')!.id],
      snapshots: [
        { id: db, service: 'db', status: 'running', health: 'healthy', exitCode: 0, healthcheck: true, restart: 'no', t: 8 },
        { id: 'side1', service: 'side', status: 'running', exitCode: 0, healthcheck: false, restart: 'no', t: 8 },
      ],
    });
    const v = h.verdict();
    expect(v?.ok).toBe(true);
    const st = Object.fromEntries(h.w.statuses().map((s) => [s.service, s]));
    expect(st.db).toMatchObject({ state: 'healthy', already: true, ready: true });
    expect(st.side).toMatchObject({ state: 'running', already: true, ready: true });
    expect(st.api).toMatchObject({ state: 'healthy', container: newApi });
  });

  it('unhealthy: fail-fast stops at the health_status event, naming the blocked dependant too', () => {
    const specs = [spec('sick', { healthcheck: true }), spec('after', { dependsOn: ['sick'] })];
    const h = harness(specs);
    const events = normalized(recorded('unhealthy'), ['sick', 'after']);
    const at = events.findIndex((e) => e.action === 'health_status: unhealthy');
    events.slice(0, at + 1).forEach((e) => h.w.event(e));
    const v = h.verdict();
    expect(v?.ok).toBe(false);
    expect(v?.timedOut).toBe(false);
    expect(v?.failures[0]).toMatchObject({ service: 'sick', state: 'unhealthy', cause: true });
    expect(v?.failures[1]).toMatchObject({ service: 'after', state: 'waiting', cause: false });
    expect(v?.failures[1]!.reason).toBe('not started: depends on sick (unhealthy)');
    expect(v!.t).toBeCloseTo(events[at]!.t, 6);
  });

  it('unhealthy, tolerated: waits for recovery until the deadline', () => {
    const specs = [spec('sick', { healthcheck: true }), spec('after', { dependsOn: ['sick'] })];
    const h = harness(specs, { failFast: false, rerun: true });
    const events = normalized(recorded('unhealthy'), ['sick', 'after']);
    events.forEach((e) => h.w.event(e));
    h.w.composeExited(1, events.at(-1)!.t); // compose v1 gives up on `after`
    expect(h.verdict()).toBeUndefined();
    h.w.expire(30);
    const v = h.verdict()!;
    expect(v.ok).toBe(false);
    expect(v.timedOut).toBe(true);
    expect(v.failures.map((f) => [f.service, f.state])).toEqual([
      ['sick', 'unhealthy'],
      ['after', 'waiting'],
    ]);
  });

  it('unhealthy, tolerated: a recovery before the deadline succeeds', () => {
    const h = harness([spec('web', { healthcheck: true })], { failFast: false });
    h.w.event({ id: 'w', service: 'web', action: 'create', t: 0.1 });
    h.w.event({ id: 'w', service: 'web', action: 'start', t: 0.2 });
    h.w.composeExited(0, 0.3);
    h.w.event({ id: 'w', service: 'web', action: 'health_status: unhealthy', t: 2 });
    expect(h.verdict()).toBeUndefined();
    h.w.event({ id: 'w', service: 'web', action: 'health_status: healthy', t: 4 });
    expect(h.verdict()).toMatchObject({ ok: true, t: 4 });
    expect(h.states('web')).toEqual(['created', 'starting', 'unhealthy', 'healthy']);
  });

  it('crash at start: a non-zero exit fails at once, with its code', () => {
    const h = harness([spec('crashy')]);
    const events = normalized(recorded('crash'), ['crashy']);
    events.forEach((e) => h.w.event(e));
    const v = h.verdict()!;
    expect(v.ok).toBe(false);
    expect(v.failures).toEqual([expect.objectContaining({ service: 'crashy', state: 'exited', exitCode: 3, reason: 'exited with code 3', cause: true })]);
  });

  it('crash with a restart policy: fail-fast still fails on the first non-zero exit', () => {
    const h = harness([spec('flappy', { restart: 'always' })]);
    h.w.event({ id: 'f', service: 'flappy', action: 'create', t: 0.1 });
    h.w.event({ id: 'f', service: 'flappy', action: 'start', t: 0.2 });
    h.w.event({ id: 'f', service: 'flappy', action: 'die', exitCode: 2, t: 0.4 });
    expect(h.verdict()?.failures[0]).toMatchObject({ reason: 'exited with code 2 (restart policy always)' });
  });

  it('job failed: the job exits 1, its dependant never starts', () => {
    const h = harness([spec('migrate', { kind: 'job' }), spec('app', { dependsOn: ['migrate'] })]);
    const events = normalized(recorded('jobfail'), ['migrate', 'app']);
    events.forEach((e) => h.w.event(e));
    const v = h.verdict()!;
    expect(v.ok).toBe(false);
    expect(v.failures.map((f) => [f.service, f.state, f.cause])).toEqual([
      ['migrate', 'exited', true],
      ['app', 'waiting', false],
    ]);
    expect(v.failures[0]!.exitCode).toBe(1);
  });

  it('job completed: exit 0 is ready; a job that is merely running or healthy is not', () => {
    const h = harness([spec('seed', { kind: 'job', healthcheck: true })]);
    h.w.event({ id: 's', service: 'seed', action: 'create', t: 0.1 });
    h.w.event({ id: 's', service: 'seed', action: 'start', t: 0.2 });
    h.w.event({ id: 's', service: 'seed', action: 'health_status: healthy', t: 1.2 });
    h.w.composeExited(0, 1.3);
    expect(h.w.statuses()[0]).toMatchObject({ state: 'healthy', ready: false });
    h.w.event({ id: 's', service: 'seed', action: 'die', exitCode: 0, t: 2.5 });
    expect(h.verdict()).toMatchObject({ ok: true });
    expect(h.w.statuses()[0]).toMatchObject({ state: 'completed', ready: true, readyT: 2.5 });
  });

  it('a server without a check that exits 0 and is not restarted counts as completed', () => {
    const h = harness([spec('once')]);
    h.w.event({ id: 'o', service: 'once', action: 'start', t: 0.2 });
    h.w.event({ id: 'o', service: 'once', action: 'die', exitCode: 0, t: 0.5 });
    h.w.composeExited(0, 0.6);
    expect(h.verdict()).toMatchObject({ ok: true });
  });

  it('a server without a check must stay up for the settle time (a crash right after start is caught)', () => {
    const h = harness([spec('srv')], { settleS: 1 });
    h.w.event({ id: 'x', service: 'srv', action: 'start', t: 0.2 });
    h.w.composeExited(0, 0.3);
    expect(h.w.nextDue()).toBeCloseTo(1.2, 6);
    h.w.tick(0.9);
    expect(h.verdict()).toBeUndefined();
    h.w.event({ id: 'x', service: 'srv', action: 'die', exitCode: 1, t: 1.0 });
    expect(h.verdict()?.failures[0]).toMatchObject({ service: 'srv', reason: 'exited with code 1' });

    const ok = harness([spec('srv')], { settleS: 1 });
    ok.w.event({ id: 'y', service: 'srv', action: 'start', t: 0.2 });
    ok.w.composeExited(0, 0.3);
    ok.w.tick(1.2);
    expect(ok.verdict()).toMatchObject({ ok: true });
    expect(ok.w.statuses()[0]).toMatchObject({ readyT: 0.2 });
  });

  it('learns from an inspect that the image brings a health check', () => {
    const h = harness([spec('web')]);
    h.w.event({ id: 'w', service: 'web', action: 'start', t: 0.2 });
    expect(h.w.statuses()[0]!.state).toBe('running');
    h.w.info('w', { healthcheck: true, restart: 'no' }, 0.25);
    expect(h.w.statuses()[0]!.state).toBe('starting');
    h.w.composeExited(0, 0.3);
    h.w.tick(5);
    expect(h.verdict()).toBeUndefined();
    h.w.event({ id: 'w', service: 'web', action: 'health_status: healthy', t: 5.5 });
    expect(h.verdict()?.ok).toBe(true);
  });

  it('deadline: whatever is not ready fails, saying what it was doing', () => {
    const h = harness(CHAIN_SPECS);
    const events = normalized(recorded('healthy'), ['init', 'db', 'api', 'side']);
    const apiHealthy = events.findIndex((e) => e.service === 'api' && e.action.startsWith('health_status'));
    events.slice(0, apiHealthy).forEach((e) => h.w.event(e));
    h.w.composeExited(0, events[apiHealthy - 1]!.t);
    h.w.expire(4.0);
    const v = h.verdict()!;
    expect(v).toMatchObject({ ok: false, timedOut: true, t: 4 });
    expect(v.failures).toEqual([expect.objectContaining({ service: 'api', state: 'starting', reason: 'not ready after 4.0s: starting', cause: true })]);
  });

  it('a container stopped by someone else after compose is done is a failure; during compose it is not', () => {
    const h = harness([spec('web')], { settleS: 0.5 });
    h.w.event({ id: 'a', service: 'web', action: 'start', t: 0.1 });
    h.w.event({ id: 'a', service: 'web', action: 'kill', t: 0.2 });
    h.w.event({ id: 'a', service: 'web', action: 'die', exitCode: 137, t: 0.3 });
    expect(h.verdict()).toBeUndefined();
    h.w.composeExited(0, 0.4);
    expect(h.verdict()?.failures[0]).toMatchObject({ service: 'web', state: 'stopped', reason: 'stopped (killed, exit code 137)' });
  });

  it('compose failing with nothing created is reported as compose failing', () => {
    const h = harness([spec('web')]);
    h.w.composeExited(1, 0.5, { ids: [], snapshots: [] });
    const v = h.verdict()!;
    expect(v.ok).toBe(false);
    expect(v.failures[0]).toMatchObject({ service: '', reason: 'compose exited with code 1', cause: true });
    expect(v.failures[1]).toMatchObject({ service: 'web', state: 'waiting', reason: 'not created (compose exited with code 1)' });
  });

  it('abort ends the wait with the given reason', () => {
    const h = harness([spec('web')]);
    h.w.abort(1, "the engine's event stream ended");
    expect(h.verdict()?.failures[0]).toMatchObject({ service: '', reason: "the engine's event stream ended" });
  });
});

describe('dependencyOrder', () => {
  it('puts dependencies first and keeps the given order otherwise', () => {
    const order = dependencyOrder([spec('web', { dependsOn: ['api'] }), spec('api', { dependsOn: ['db', 'cache'] }), spec('db'), spec('cache'), spec('tool')]);
    expect(order.map((s) => s.name)).toEqual(['cache', 'db', 'api', 'web', 'tool']);
  });

  it('survives a cycle', () => {
    expect(dependencyOrder([spec('a', { dependsOn: ['b'] }), spec('b', { dependsOn: ['a'] })]).map((s) => s.name)).toEqual(['b', 'a']);
  });
});

describe('Waiter: containers removed under it', () => {
  it('a container removed after compose is done fails its service', () => {
    const h = harness([spec('web', { healthcheck: true })]);
    h.w.event({ id: 'a', service: 'web', action: 'create', t: 0.1 });
    h.w.event({ id: 'a', service: 'web', action: 'start', t: 0.2 });
    h.w.composeExited(0, 0.3);
    h.w.event({ id: 'a', service: 'web', action: 'kill', t: 1 });
    h.w.event({ id: 'a', service: 'web', action: 'die', exitCode: 137, t: 1.1 });
    expect(h.verdict()?.failures[0]).toMatchObject({ service: 'web', state: 'stopped' });
    const h2 = harness([spec('web', { healthcheck: true })]);
    h2.w.event({ id: 'a', service: 'web', action: 'start', t: 0.2 });
    h2.w.composeExited(0, 0.3);
    h2.w.event({ id: 'a', service: 'web', action: 'destroy', t: 1 });
    expect(h2.verdict()?.failures[0]).toMatchObject({ service: 'web', state: 'waiting', reason: 'container removed' });
  });
});
