import { defineRule } from '../audit/types.js';
import { isOneShot, isOverlayService, q, serviceFlavor } from './lib/reliability.js';
import { isMapping, serviceOrigin, services } from './util.js';

export default defineRule({
  meta: {
    id: 'resource-limits-missing',
    title: 'A long-running service has no memory limit',
    category: 'reliability',
    severity: 'info',
    priority: 'P3',
    effort: 'low',
    rationale:
      'A container without a memory limit can take all the host\'s memory: one leak or one spike and the kernel\'s OOM killer picks a victim, often another service (or dockerd). A limit confines the damage to the faulty container, which Docker then restarts.',
    seed: '003 §2.2',
    fixable: false,
    docs: {
      what: 'Finds long-running services with no memory limit (`mem_limit` or `deploy.resources.limits.memory`). One-shot jobs (migrations, init and permission-fixing containers), files that are evidently for tests or development (by their path: `test`, `ci`, `e2e`, `dev`, `local`…) and services of overlay fragments (no `image` or `build` of their own; judged in the file that defines them) are skipped. CPU limits are advisory and not reported.',
      why: 'Seed 003 asks for limits on every service of the production compose file: without them, resource exhaustion on one service becomes an outage of all of them.',
      bad: 'services:\n  worker:\n    image: example/worker:1.0\n',
      good: 'services:\n  worker:\n    image: example/worker:1.0\n    deploy:\n      resources:\n        limits:\n          memory: 1G\n          cpus: "2"\n',
      fix: 'Measure the service under load and set `deploy.resources.limits.memory` (or `mem_limit`) with some headroom; add `cpus` for CPU-hungry services.',
    },
  },
  check(ctx) {
    for (const ref of services(ctx.repo)) {
      if (isOneShot(ref) || serviceFlavor(ref) !== 'main' || isOverlayService(ctx.repo, ref)) continue;
      const svc = ref.svc;
      if (svc.mem_limit !== undefined && svc.mem_limit !== null && svc.mem_limit !== 0 && svc.mem_limit !== '0') continue;
      const deploy = svc.deploy;
      if (isMapping(deploy) && isMapping(deploy.resources) && isMapping(deploy.resources.limits) && deploy.resources.limits.memory !== undefined) continue;
      ctx.report({
        message: `${q(ref.name)} has no memory limit: a leak or a spike can take the memory of every other container on the host`,
        origin: serviceOrigin(ref),
        unit: ref.unit,
        service: ref.name,
        snippet: `${ref.name}:\n  deploy:\n    resources:\n      limits:\n        memory: 512M`,
      });
    }
  },
});
