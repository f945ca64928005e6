import { defineRule } from '../audit/types.js';
import { keyOriginOf, originOf, type Origin } from '../load/origin.js';
import type { Mapping, Value } from '../load/types.js';
import { definedElsewhere, enabledIn, profileCombos, projectOf, referenceScope, unitServices } from './lib/correctness.js';
import { at, isMapping, type ServiceRef } from './util.js';

type Kind = 'networks' | 'volumes' | 'secrets' | 'configs' | 'models';

const WORD: Record<Kind, string> = { networks: 'network', volumes: 'volume', secrets: 'secret', configs: 'config', models: 'model' };

/** How a service came to depend on another (normalization folds links, volumes_from and service: modes into depends_on). */
function dependencyVerb(ref: ServiceRef, dep: string): string {
  const s = ref.svc;
  if (Array.isArray(s.links) && s.links.some((l) => String(l).split(':')[0] === dep)) return 'links to';
  for (const ns of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) if (s[ns] === `service:${dep}`) return `uses the ${ns === 'network_mode' ? 'network' : ns} namespace of`;
  if (Array.isArray(s.volumes_from) && s.volumes_from.some((v) => String(v).split(':')[0] === dep)) return 'mounts volumes from';
  return 'depends on';
}

function profileText(ps: string[]): string {
  return ps.map((p) => `\`${p}\``).join(', ');
}

export default defineRule({
  meta: {
    id: 'reference-undefined',
    title: 'A reference points to nothing',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'low',
    rationale:
      'Compose checks every reference before it starts anything: a `depends_on` on a service that does not exist (or is switched off by profiles), a network, named volume, secret or config that is not declared at the top level, all make the whole project fail to load with "invalid compose project".',
    fixable: false,
    docs: {
      what:
        'Reports, at the reference: `depends_on` (also `links`, `volumes_from`, `network_mode: service:…`) on an undefined service; service `networks`, named volumes, `secrets`, `configs`, build secrets and models that the top level does not declare; `additional_contexts` of `service:` that does not exist; and a required `depends_on` on a service that only runs under a profile the dependent service can run without — a plain `docker compose up` (or `--profile x up`) then fails with "depends on undefined service". Profiles are judged one at a time on top of `COMPOSE_PROFILES` from `.env`. A file that only completes services defined in another compose file (an overlay used with `-f base -f overlay`) may refer to what the other file declares.',
      why: 'An undefined reference fails the whole project, not just one service, and the error only shows up when someone runs it.',
      bad: 'services:\n  api:\n    image: example/api:1.4\n    depends_on: [db]\n  db:\n    image: postgres:16\n    profiles: [dev]   # plain `docker compose up` fails\n',
      good: 'services:\n  api:\n    image: example/api:1.4\n    depends_on: [db]\n  db:\n    image: postgres:16\n',
      fix: 'Declare the missing resource at the top level, correct the name, or make the dependency optional (`required: false`) or give both services the same profile.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    for (const unit of repo.units) {
      const project = projectOf(repo, unit);
      if (!project) continue;
      const refs = unitServices(repo, unit);
      const byName = new Map(refs.map((r) => [r.name, r]));
      const scope = referenceScope(repo, unit);
      const elsewhere = (kind: 'services' | Kind, name: string) => scope.length > 0 && definedElsewhere(repo, unit, kind, name, undefined, scope);
      const report = (ref: ServiceRef, message: string, origin: Origin | undefined) => ctx.report({ message, origin, unit, service: ref.name });
      const combos = profileCombos(repo, unit, refs);

      for (const ref of refs) {
        const s = ref.svc;
        // services
        if (isMapping(s.depends_on)) {
          for (const [dep, cfg] of Object.entries(s.depends_on)) {
            const required = !isMapping(cfg) || cfg.required !== false;
            const origin = keyOriginOf(s.depends_on, dep);
            const target = byName.get(dep);
            if (!target) {
              if (!elsewhere('services', dep)) report(ref, `service \`${ref.name}\` ${dependencyVerb(ref, dep)} \`${dep}\`, which is not defined: Compose refuses to load the project`, origin);
              continue;
            }
            if (!required || dep === ref.name) continue;
            const failing = combos.find((c) => enabledIn(ref, c) && !enabledIn(target, c));
            if (!failing) continue;
            const run = failing.profiles.length ? `\`docker compose ${failing.profiles.map((p) => `--profile ${p}`).join(' ')} up\`` : 'a plain `docker compose up`';
            report(
              ref,
              `service \`${ref.name}\` ${dependencyVerb(ref, dep)} \`${dep}\`, which only runs with profile ${profileText(target.profiles)}: ${run} fails with "depends on undefined service"`,
              origin,
            );
          }
        }
        // top-level resources
        const check = (kind: Kind, name: string, origin: Origin | undefined) => {
          const group = project[kind] as Mapping;
          if (name in group || elsewhere(kind, name)) return;
          report(ref, `service \`${ref.name}\` refers to ${WORD[kind]} \`${name}\`, which the top-level \`${kind}:\` does not declare: Compose refuses to load the project`, origin);
        };
        if (isMapping(s.networks)) for (const n of Object.keys(s.networks)) check('networks', n, keyOriginOf(s.networks, n));
        if (Array.isArray(s.volumes)) {
          s.volumes.forEach((v, i) => {
            if (isMapping(v) && v.type === 'volume' && typeof v.source === 'string' && v.source !== '') check('volumes', v.source, at(ref, 'volumes', i));
          });
        }
        const list = (kind: Kind, value: Value | undefined, path: (string | number)[]) => {
          if (!Array.isArray(value)) return;
          value.forEach((e, i) => {
            const src = isMapping(e) ? e.source : e;
            if (typeof src === 'string') check(kind, src, at(ref, ...path, i));
          });
        };
        list('secrets', s.secrets, ['secrets']);
        list('configs', s.configs, ['configs']);
        if (isMapping(s.models)) for (const m of Object.keys(s.models)) check('models', m, keyOriginOf(s.models, m));
        const b = s.build;
        if (isMapping(b)) {
          list('secrets', b.secrets, ['build', 'secrets']);
          if (isMapping(b.additional_contexts)) {
            for (const [name, c] of Object.entries(b.additional_contexts)) {
              if (typeof c !== 'string' || !c.startsWith('service:')) continue;
              const t = c.slice('service:'.length);
              if (byName.has(t) || elsewhere('services', t)) continue;
              report(ref, `additional build context \`${name}\` of service \`${ref.name}\` names service \`${t}\`, which is not defined`, originOf(b.additional_contexts, name));
            }
          }
        }
      }
    }
  },
});
