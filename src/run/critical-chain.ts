/**
 * The start-up critical chain, as `systemd-analyze critical-chain` shows it: start from the
 * service that got ready last, then repeatedly step to the dependency (depends_on) that got ready
 * last before it — the one that held it back.
 *
 *   api healthy +4.2s ← db healthy +3.1s ← migrate completed +1.0s
 *
 * `+t` is when the step met its rule, in seconds since `up` started; `took` is how long it took
 * from its container's start (or, for a step that waited on nothing, from the start of the run).
 */

export interface ChainInput {
  service: string;
  /** the state it is ready in: healthy, running, completed */
  state: string;
  /** seconds since the start of the run; undefined: never got ready */
  readyT?: number;
  startedT?: number;
  /** it was already ready before the run */
  already?: boolean;
  dependsOn: readonly string[];
}

export interface ChainStep {
  service: string;
  state: string;
  t: number;
  /** seconds from its container's start to ready, when known */
  took?: number;
  already?: boolean;
}

export function criticalChain(services: readonly ChainInput[]): ChainStep[] {
  const byName = new Map(services.map((s) => [s.service, s]));
  const ready = services.filter((s) => s.readyT !== undefined);
  if (!ready.length) return [];

  // depth of the longest ready dependency path, to break ties between equally late services
  const depthMemo = new Map<string, number>();
  const depth = (n: string, stack = new Set<string>()): number => {
    const memo = depthMemo.get(n);
    if (memo !== undefined) return memo;
    if (stack.has(n)) return 0;
    stack.add(n);
    const s = byName.get(n);
    let d = 0;
    for (const dep of s?.dependsOn ?? []) if (byName.get(dep)?.readyT !== undefined) d = Math.max(d, 1 + depth(dep, stack));
    stack.delete(n);
    depthMemo.set(n, d);
    return d;
  };

  const later = (a: ChainInput, b: ChainInput) =>
    a.readyT! - b.readyT! || depth(a.service) - depth(b.service) || (a.service < b.service ? 1 : a.service > b.service ? -1 : 0);
  let cur = ready.reduce((a, b) => (later(b, a) > 0 ? b : a));
  const chain: ChainStep[] = [];
  const seen = new Set<string>();
  for (;;) {
    seen.add(cur.service);
    const step: ChainStep = { service: cur.service, state: cur.state, t: cur.readyT! };
    if (cur.startedT !== undefined && !cur.already) step.took = Math.max(0, cur.readyT! - cur.startedT);
    if (cur.already) step.already = true;
    chain.push(step);
    const deps = cur.dependsOn
      .map((d) => byName.get(d))
      .filter((d): d is ChainInput => d !== undefined && d.readyT !== undefined && d.readyT <= cur.readyT! + 1e-9 && !seen.has(d.service));
    if (!deps.length) break;
    cur = deps.reduce((a, b) => (later(b, a) > 0 ? b : a));
  }
  return chain;
}

/** `api healthy +4.2s ← db healthy +3.1s ← migrate completed +1.0s` */
export function formatChain(chain: readonly ChainStep[]): string {
  return chain.map((s) => `${s.service} ${s.state} ${s.already ? '(already up)' : `+${s.t.toFixed(1)}s`}`).join(' ← ');
}
