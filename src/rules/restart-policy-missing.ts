import { defineRule } from '../audit/types.js';
import { isOneShot, isOverlayService, isSwarmStack, q, restartPolicy, serviceFile, serviceFlavor } from './lib/reliability.js';
import { serviceOrigin, services } from './util.js';

export default defineRule({
  meta: {
    id: 'restart-policy-missing',
    title: 'A long-running service has no restart policy',
    category: 'reliability',
    severity: 'info',
    priority: 'P3',
    effort: 'trivial',
    rationale:
      'Compose\'s default restart policy is "no": a service that crashes, is OOM-killed, or was running when the host rebooted stays down until someone notices. `unless-stopped` brings it back without fighting an operator who stopped it on purpose.',
    fixable: true,
    docs: {
      what: 'Finds long-running services with neither `restart` nor `deploy.restart_policy`. One-shot jobs (migrations, init containers) and an explicit `restart: "no"` are left alone, as are files evidently for tests or development, Swarm stack files (where tasks restart by default) and services of overlay fragments (no `image` or `build` of their own, layered with `-f` on the file that defines them: that file is judged).',
      why: 'Without a policy, one crash is an outage that lasts until a human runs `docker compose up` again.',
      bad: 'services:\n  api:\n    image: example/api:1.0\n',
      good: 'services:\n  api:\n    image: example/api:1.0\n    restart: unless-stopped\n',
      fix: 'Add `restart: unless-stopped` (or `always`, or `on-failure` for services that may exit cleanly). `shipshape fix` adds `unless-stopped`.',
    },
  },
  check(ctx) {
    for (const ref of services(ctx.repo)) {
      if (restartPolicy(ref.svc) !== undefined) continue;
      if (isOneShot(ref) || serviceFlavor(ref) !== 'main' || isSwarmStack(ref) || isOverlayService(ctx.repo, ref)) continue;
      const file = serviceFile(ctx.repo, ref);
      ctx.report({
        message: `${q(ref.name)} has no restart policy: if it crashes or the host reboots, it stays down`,
        origin: serviceOrigin(ref),
        unit: ref.unit,
        service: ref.name,
        snippet: `${ref.name}:\n  restart: unless-stopped`,
        ...(file
          ? { fix: { description: `restart ${ref.name} unless stopped`, safety: 'safe' as const, edits: [{ kind: 'yaml-set' as const, file, path: ['services', ref.name, 'restart'], value: 'unless-stopped' }] } }
          : {}),
      });
    }
  },
});
