import { defineRule } from '../audit/types.js';
import { keyOriginOf } from '../load/origin.js';
import type { Mapping } from '../load/types.js';
import { projectOf } from './lib/correctness.js';
import { isMapping } from './util.js';

/** Strongly connected components of the depends_on graph (Tarjan), each with more than one node or a self-loop. */
function cyclicComponents(services: Record<string, Mapping>): string[][] {
  const children = (n: string): string[] => {
    const d = services[n]?.depends_on;
    return isMapping(d) ? Object.keys(d).filter((k) => services[k]).sort() : [];
  };
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of children(v)) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || children(v).includes(v)) out.push(comp.sort());
    }
  };
  for (const n of Object.keys(services).sort()) if (!idx.has(n)) strong(n);
  return out;
}

/** A shortest cycle through the first node of a component, staying inside it. */
function cycleIn(services: Record<string, Mapping>, comp: string[]): string[] {
  const inComp = new Set(comp);
  const start = comp[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    const d = services[v]?.depends_on;
    for (const w of isMapping(d) ? Object.keys(d).sort() : []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start];
      }
      if (seen.has(w)) continue;
      seen.add(w);
      prev.set(w, v);
      queue.push(w);
    }
  }
  return [start, start];
}

export default defineRule({
  meta: {
    id: 'dependency-cycle',
    title: 'Services depend on each other in a cycle',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'medium',
    rationale:
      'Compose starts services in dependency order; a cycle has no order, so Compose refuses the whole project ("dependency cycle detected"). Cycles usually appear when two services each wait for the other to be healthy, or through `links` and `volumes_from`, which imply a dependency.',
    fixable: false,
    docs: {
      what:
        'Finds cycles in the service dependency graph (`depends_on`, and the dependencies `links`, `volumes_from` and `network_mode: service:…` imply), one finding per group of services that depend on each other, at the first edge of the cycle.',
      why: 'No service of the project starts while the cycle exists.',
      bad: 'services:\n  api:\n    image: example/api:1.4\n    depends_on: [worker]\n  worker:\n    image: example/worker:1.4\n    depends_on: [api]\n',
      good: 'services:\n  api:\n    image: example/api:1.4\n  worker:\n    image: example/worker:1.4\n    depends_on: [api]\n',
      fix: 'Decide which service really has to start first and drop the other edge; a service that only needs to reach another at runtime should retry the connection instead of depending on it.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    for (const unit of repo.units) {
      const project = projectOf(repo, unit);
      if (!project) continue;
      const services = { ...project.services, ...project.disabledServices };
      for (const comp of cyclicComponents(services)) {
        const cycle = cycleIn(services, comp);
        const [a, b] = [cycle[0]!, cycle[1]!];
        const others = comp.filter((n) => !cycle.includes(n));
        ctx.report({
          message: `dependency cycle: ${cycle.join(' -> ')}${others.length ? ` (also involving ${others.map((o) => `\`${o}\``).join(', ')})` : ''}: Compose refuses to start the project`,
          origin: keyOriginOf(services[a]!.depends_on, b),
          unit,
          service: a,
        });
      }
    }
  },
});
