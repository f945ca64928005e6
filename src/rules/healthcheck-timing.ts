import { defineRule } from '../audit/types.js';
import { keyOriginOf, originOf } from '../load/origin.js';
import { HEALTH_DEFAULTS, buildView, dockerHealthcheck, formatMs, parseDuration, q, slowStarter } from './lib/reliability.js';
import { isMapping, services } from './util.js';

export default defineRule({
  meta: {
    id: 'healthcheck-timing',
    title: 'Health check timing that defeats its purpose',
    category: 'reliability',
    severity: 'warning',
    priority: 'P3',
    effort: 'trivial',
    rationale:
      'A health check is only as good as its timing. Docker runs probes one after another, waiting `interval` from the end of one to the start of the next; a `timeout` longer than the interval multiplies the time to notice a hang. `retries: 0` does not mean "no retries" but "use the default (3)". And a slow starter probed without a `start_period` is declared unhealthy before it has booted, which fails every service gated on `service_healthy`.',
    seed: '003 Testing Checklist (health checks pass within start_period)',
    fixable: false,
    docs: {
      what: 'Checks the timing written in compose health checks (and Dockerfile HEALTHCHECK flags): a `timeout` longer than the `interval` (equal values, like Docker\'s own 30s/30s default, pass), `retries: 0`, and no `start_period` on a slow-starting service (databases, brokers, search engines, JVM services) whose `interval` × `retries` leaves it less time to boot than a cold start takes (15s for PostgreSQL, 40s for MySQL/MariaDB/MongoDB, 60s for the JVM-based and the rest). Only values that are written are judged.',
      why: 'Docker marks a container unhealthy after `retries` consecutive failures; failures during `start_period` do not count. `docker compose up` aborts when a dependency gated with `service_healthy` turns unhealthy, so a too-tight check on a database fails the whole stack on a cold start.',
      bad: 'services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]\n      interval: 2s\n      timeout: 5s\n      retries: 3\n',
      good: 'services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]\n      interval: 5s\n      timeout: 3s\n      retries: 5\n      start_period: 30s\n',
      fix: 'Keep `timeout` at or below `interval`, write `retries` as 1 or more, and give slow starters a `start_period` that covers their cold start (and `start_interval` to probe often meanwhile).',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const ref of services(repo)) {
      const hc = ref.svc.healthcheck;
      const composeHc = isMapping(hc) ? hc : undefined;
      if (composeHc?.disable === true) continue;
      if (Array.isArray(composeHc?.test) && String(composeHc.test[0]) === 'NONE') continue;

      // the Dockerfile's HEALTHCHECK, when compose does not replace it
      const view = ref.svc.build !== undefined ? buildView(repo, ref) : undefined;
      const dockerHc = view ? dockerHealthcheck(view) : undefined;
      const dockerCheck = dockerHc?.check;
      const dockerTest = dockerCheck?.test && dockerCheck.test.mode !== 'none';

      if (composeHc) {
        const interval = parseDuration(composeHc.interval);
        const timeout = parseDuration(composeHc.timeout);
        if (interval !== undefined && timeout !== undefined && interval > 0 && timeout > interval) {
          const retries = typeof composeHc.retries === 'number' && composeHc.retries > 0 ? composeHc.retries : HEALTH_DEFAULTS.retries;
          ctx.report({
            message: `the health check of ${q(ref.name)} has \`timeout: ${String(composeHc.timeout)}\`, longer than \`interval: ${String(composeHc.interval)}\`: a hanging probe is cut off only after ${formatMs(timeout)}, so a hung service is marked unhealthy after ~${formatMs((interval + timeout) * retries)} instead of ~${formatMs(interval * retries)}`,
            origin: originOf(composeHc, 'timeout'),
            unit: ref.unit,
            service: ref.name,
          });
        }
        if (composeHc.retries === 0) {
          ctx.report({
            message: `the health check of ${q(ref.name)} has \`retries: 0\`, which Docker reads as "use the default" (3), not as "no retries"`,
            origin: originOf(composeHc, 'retries'),
            unit: ref.unit,
            service: ref.name,
          });
        }
      } else if (dockerCheck && dockerTest && dockerHc && view) {
        const interval = parseDuration(dockerCheck.flags.interval);
        const timeout = parseDuration(dockerCheck.flags.timeout);
        if (interval !== undefined && timeout !== undefined && interval > 0 && timeout > interval) {
          ctx.report({
            message: `HEALTHCHECK has \`--timeout=${dockerCheck.flags.timeout}\`, longer than \`--interval=${dockerCheck.flags.interval}\`: a hanging probe is cut off only after ${formatMs(timeout)}, which stretches every failing check`,
            file: view.info.path,
            line: dockerHc.line,
            column: dockerHc.column,
            unit: ref.unit,
            service: ref.name,
          });
        }
        if (dockerCheck.flags.retries === '0') {
          ctx.report({
            message: 'HEALTHCHECK has `--retries=0`, which Docker reads as "use the default" (3), not as "no retries"',
            file: view.info.path,
            line: dockerHc.line,
            column: dockerHc.column,
            unit: ref.unit,
            service: ref.name,
          });
        }
      }

      // slow starters without a start period
      const hasTest = (composeHc && composeHc.test !== undefined) || dockerTest;
      if (!hasTest) continue;
      if (composeHc && composeHc.start_period !== undefined) continue;
      // Docker merges compose's health check with the image's field by field
      if (dockerCheck?.flags['start-period'] !== undefined) continue;
      const slow = slowStarter(repo, ref);
      if (!slow) continue;
      const intervalMs =
        (composeHc ? parseDuration(composeHc.interval) : undefined) || parseDuration(dockerCheck?.flags.interval) || HEALTH_DEFAULTS.interval;
      const retriesRaw = composeHc && typeof composeHc.retries === 'number' ? composeHc.retries : Number(dockerCheck?.flags.retries ?? NaN);
      const retries = Number.isFinite(retriesRaw) && retriesRaw > 0 ? retriesRaw : HEALTH_DEFAULTS.retries;
      const window = intervalMs * retries;
      if (window >= slow.budgetMs) continue;
      const origin = composeHc ? keyOriginOf(ref.svc, 'healthcheck') : undefined;
      const where = composeHc ? {} : view && dockerHc ? { file: view.info.path, line: dockerHc.line, column: dockerHc.column } : {};
      ctx.report({
        message: `the health check of ${q(ref.name)} (${slow.why}, slow to start) has no \`start_period\`: after ${retries} failed probes ${formatMs(intervalMs)} apart it is marked unhealthy ~${formatMs(window)} into a cold start, failing everything gated on \`service_healthy\``,
        ...(origin ? { origin } : where),
        unit: ref.unit,
        service: ref.name,
      });
    }
  },
});
