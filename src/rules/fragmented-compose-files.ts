import { defineRule } from '../audit/types.js';
import { keyOriginOf } from '../load/origin.js';
import { canonical, listSome, overlappingUnits, serviceKeyOrigin, unitServices } from './lib/maintainability.js';

export default defineRule({
  meta: {
    id: 'fragmented-compose-files',
    title: 'Sibling compose files redefine the same services and drift apart',
    category: 'maintainability',
    severity: 'warning',
    priority: 'P4',
    effort: 'medium',
    rationale:
      'Two full compose files for one stack, each defining the backend, the workers and the observability services its own way, leave nobody sure which file to use, and every fix lands in one copy only. The result is a dev stack that behaves differently depending on which file someone happened to start.',
    seed: '000 §1',
    fixable: false,
    docs: {
      what: 'Finds pairs of standalone compose files that each define the same services in full (at least two, one of them built from the same local context in both), with differences, and are not an explicit override pair.',
      why: 'Overlapping standalone files drift: ports, images and environment differ between copies, and "which file do I run?" has no answer. Files meant to be layered with `-f base.yml -f extra.yml` (as a wrapper script, the README or COMPOSE_FILE loads them), files whose services only patch the base (no `image`/`build`), `include:`/`extends` links, and catalogues of alternative stacks that share only third-party images (no service built from the project\'s own code in both) are not reported.',
      bad: '# docker/docker-compose.yml\nservices:\n  backend: { build: .., ports: ["8000:8000"] }\n  jaeger: { image: "jaegertracing/all-in-one:1.57" }\n\n# docker/docker-compose.dev.yml\nservices:\n  backend: { build: .., ports: ["8000:8000"], environment: [DEBUG=1] }\n  jaeger: { image: "jaegertracing/all-in-one:1.52" }\n  training-worker: { build: .. }\n',
      good: '# docker/compose.yaml: one file, optional parts behind profiles\nservices:\n  backend: { build: .., ports: ["8000:8000"] }\n  jaeger: { image: "jaegertracing/all-in-one:1.57" }\n  training-worker:\n    build: ..\n    profiles: [workers]\n',
      fix: 'Merge the files into one (`shipshape consolidate` proposes the merged file), putting optional services behind `profiles:`; or keep a base file plus an override that only states what differs, loaded with `-f docker-compose.yml -f docker-compose.dev.yml`. The option `minShared` (default 2) sets how many shared services make a finding.',
    },
  },
  check(ctx) {
    const minShared = typeof ctx.options.minShared === 'number' && ctx.options.minShared >= 1 ? ctx.options.minShared : 2;
    for (const { first, second, shared, built } of overlappingUnits(ctx.repo)) {
      // alternative stacks of third-party images (a catalogue of variants) are left alone: the project's own services must be among them
      if (shared.length < minShared || !built.length) continue;
      const sa = unitServices(first);
      const sb = unitServices(second);
      const drifted = shared.filter((n) => sa[n] && sb[n] && canonical(sa[n]) !== canonical(sb[n]));
      if (!drifted.length) continue;
      const origin = serviceKeyOrigin(second, shared[0]!) ?? keyOriginOf(second.raw, 'services');
      const drift = drifted.length === shared.length ? (shared.length === 1 ? 'it differs' : 'all differ') : `${listSome(drifted, 4)} differ${drifted.length === 1 ? 's' : ''}`;
      ctx.report({
        message: `${second.rel} redefines ${shared.length} services of ${first.rel} (${listSome(shared, 6)}) and ${drift}: consolidate them into one file with profiles or a base file plus an override (\`shipshape consolidate\`)`,
        ...(origin ? { origin } : { file: second.rel }),
        unit: second.unit,
      });
    }
  },
});
