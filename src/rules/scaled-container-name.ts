import { defineRule, type Fix } from '../audit/types.js';
import { keyOriginOf } from '../load/origin.js';
import { allServices, insideRoot, mergeRuns, scaledRuns, wrapperScales } from './lib/correctness.js';
import { at, isMapping } from './util.js';

export default defineRule({
  meta: {
    id: 'scaled-container-name',
    title: 'A service with `container_name` runs several replicas',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'low',
    rationale:
      'A container name is unique on a Docker host, so a service with a fixed `container_name` can only ever have one container. Compose rejects `container_name` together with `scale`/`deploy.replicas` > 1, and `up --scale svc=N` on such a service fails.',
    fixable: 'suggestion',
    docs: {
      what:
        'Finds services that set `container_name` and run more than one replica: `scale`, `deploy.replicas`, or a wrapper script calling `docker compose up --scale svc=N`.',
      why: 'Compose refuses the project (or the scale command), so not even the first replica starts.',
      bad: 'services:\n  worker:\n    image: example/worker:1.4\n    container_name: worker\n    deploy:\n      replicas: 2\n',
      good: 'services:\n  worker:\n    image: example/worker:1.4\n    deploy:\n      replicas: 2\n',
      fix: 'Remove `container_name` and let Compose name the replicas (`<project>-worker-1`, `-2`, …); other containers reach them by the service name. The suggested fix deletes the key; it is not applied by default because scripts or configs may use the fixed name.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    const scales = wrapperScales(repo);
    for (const ref of allServices(repo)) {
      const name = ref.svc.container_name;
      if (typeof name !== 'string' || !name) continue;
      const runs = scaledRuns(repo, ref, scales);
      if (!runs.length) continue;
      const origin = at(ref, 'container_name');
      let fix: Fix | undefined;
      const file = origin ? ref.unit.files.find((f) => insideRoot(repo, f) === origin.file) : undefined;
      const raw = file ? ref.unit.raw.get(file) : undefined;
      const services = raw?.services;
      const own = isMapping(services) && isMapping(services[ref.name]) ? services[ref.name] : undefined;
      // only a key written in the service's own block can be deleted there (not one merged in from an anchor)
      const keyLine = isMapping(own) ? keyOriginOf(own, 'container_name')?.line : undefined;
      const serviceLine = isMapping(services) ? keyOriginOf(services, ref.name)?.line : undefined;
      if (origin && isMapping(own) && 'container_name' in own && keyLine !== undefined && serviceLine !== undefined && keyLine > serviceLine) {
        fix = { description: `remove container_name from service ${ref.name}`, safety: 'unsafe', edits: [{ kind: 'yaml-delete', file: origin.file, path: ['services', ref.name, 'container_name'] }] };
      }
      {
        const run = mergeRuns(runs);
        ctx.report({
          message: `service \`${ref.name}\` sets \`container_name: ${name}\` but runs ${runs.some((r) => r.count !== run.count) ? 'up to ' : ''}${run.count} replicas (${run.how}): container names are unique, so Compose refuses to create the replicas`,
          origin,
          unit: ref.unit,
          service: ref.name,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});
