import { defineRule, type ReportInput } from '../audit/types.js';
import { buildTools, buildView, healthOf, imageTools, parseImageRef, q, toolsCalled, type HealthcheckTest, type ToolFacts } from './lib/reliability.js';
import { services } from './util.js';

/** The fetch tools a health check test runs. */
function toolsOf(test: HealthcheckTest): ('curl' | 'wget')[] {
  if (test.mode === 'exec') {
    const bin = (test.argv[0] ?? '').split('/').pop() ?? '';
    if (bin === 'curl' || bin === 'wget') return [bin];
    return [];
  }
  if (test.mode === 'shell') return toolsCalled(test.shell ?? '');
  return [];
}

function advice(tool: 'curl' | 'wget', facts: ToolFacts, built: boolean): string {
  const repo = parseImageRef(facts.label)?.repo ?? '';
  if (!built && repo === 'postgres') return 'use `pg_isready` instead';
  if (!built && (repo === 'redis' || repo === 'valkey/valkey')) return 'use `redis-cli ping` instead';
  if (tool === 'curl' && facts.wget === true) return built ? 'install curl in the final stage, or probe with `wget -q --spider`' : 'probe with `wget -q --spider` instead';
  if (built) return `install ${tool} in the final stage, or probe with a tool the image has`;
  return 'probe with a tool the image has (or a small script in the service\'s own language)';
}

export default defineRule({
  meta: {
    id: 'healthcheck-tool-missing',
    title: 'The health check calls curl or wget, which the image does not have',
    category: 'reliability',
    severity: 'error',
    priority: 'P3',
    effort: 'low',
    rationale:
      'A health check that runs a missing binary exits 127 every time: the container is never healthy, everything gated on `service_healthy` waits and fails, and `docker compose ps` reports a working service as unhealthy. Slim, Alpine and distroless images rarely have curl; distroless and scratch images do not even have the shell that `CMD-SHELL` needs.',
    seed: '003 §3.2',
    fixable: false,
    docs: {
      what: 'Finds health checks (compose `healthcheck.test`, or the Dockerfile `HEALTHCHECK` when compose sets none) whose command is `curl` or `wget` while the image cannot have it: built images whose final stage starts from a base without the tool (Debian `-slim`, Alpine/busybox without curl, distroless, scratch) and where no `RUN` in the stages leading to the final one installs or uses it; pulled images known not to ship it. `CMD-SHELL` on distroless/scratch is reported too. Unknown images are never judged.',
      why: 'The check can never pass, so the service is reported unhealthy forever and `depends_on: condition: service_healthy` never lets its dependents start.',
      bad: '# Dockerfile: FROM python:3.12-slim (no RUN installs curl)\nservices:\n  api:\n    build: .\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n',
      good: 'services:\n  api:\n    build: .\n    healthcheck:\n      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/health\')"]\n',
      fix: 'Probe with a tool the image has (busybox `wget -q --spider` on Alpine, the runtime\'s own language, `pg_isready`, `redis-cli`), or install the tool in the final stage (`apt-get install -y --no-install-recommends curl`, `apk add --no-cache curl`).',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const ref of services(repo)) {
      const h = healthOf(repo, ref);
      let test: HealthcheckTest;
      let where: Pick<ReportInput, 'origin' | 'file' | 'line' | 'column'>;
      if (h.kind === 'compose') {
        test = h.test;
        where = { origin: h.origin };
      } else if (h.kind === 'dockerfile') {
        if (!h.check.test) continue;
        test = h.check.test;
        where = { file: h.view.info.path, line: h.line, column: h.column };
      } else continue;

      let facts: ToolFacts | undefined;
      let built = false;
      if (ref.svc.build !== undefined) {
        const view = h.kind === 'dockerfile' ? h.view : buildView(repo, ref);
        if (!view) continue;
        facts = buildTools(view);
        built = true;
      } else if (typeof ref.svc.image === 'string') {
        facts = imageTools(ref.svc.image);
      }
      if (!facts) continue;

      const subject = h.kind === 'compose' ? `the health check of ${q(ref.name)}` : `the HEALTHCHECK of ${q(ref.name)}'s image`;
      const image = built ? `its image (${facts.label})` : `its image ${q(facts.label)}`;
      if (test.mode === 'shell' && facts.shell === false) {
        ctx.report({
          message: `${subject} runs through /bin/sh (${h.kind === 'compose' ? '`CMD-SHELL` or a string' : 'shell form'}), but ${image} has no shell: the check can never run, so ${q(ref.name)} never becomes healthy; use the exec form with a binary the image has`,
          ...where,
          unit: ref.unit,
          service: ref.name,
        });
        continue;
      }
      const used = toolsOf(test);
      if (!used.length) continue;
      // a `curl … || wget …` fallback works when either is there
      if (!used.every((t) => facts[t] === false)) continue;
      const tool = used[0]!;
      const tools = used.map(q).join(' and ');
      const missing = used.length > 1 ? `neither of which ${image} has` : `which ${image} does not have`;
      ctx.report({
        message: `${subject} runs ${tools}, ${missing}${built ? ' (no RUN in the stages it is built from installs it)' : ''}: the check always fails, so ${q(ref.name)} never becomes healthy; ${advice(tool, facts, built)}`,
        ...where,
        unit: ref.unit,
        service: ref.name,
      });
    }
  },
});
