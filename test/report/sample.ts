/**
 * A hand-built AuditResult for the renderer tests: every priority but P4's clean twin, a rule with
 * more than ten locations, fix snippets, suppressions, an unloadable unit, and hostile strings
 * (HTML, pipes, backticks) where a repository can put them: messages, purposes, load errors,
 * suppression reasons, file names.
 */
import { effortTable, REPORT_VERSION, scoreFindings, type AuditResult } from '../../src/audit/result.js';
import { defineRule, type Finding, type Rule, type RuleMeta } from '../../src/audit/types.js';
import { ruleById } from '../../src/rules/index.js';

export const HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> | pipe';

function rule(meta: Omit<RuleMeta, 'rationale' | 'fixable'> & Partial<Pick<RuleMeta, 'rationale' | 'fixable'>>): Rule {
  return defineRule({ meta: { rationale: `${meta.title}.`, fixable: false, ...meta }, check() {} });
}

export const SAMPLE_RULES: Rule[] = [
  rule({
    id: 'missing-dockerfile',
    title: 'A build names a Dockerfile that does not exist',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'medium',
    docs: {
      what: 'Finds builds whose Dockerfile is missing.',
      why: '`docker compose build` fails before anything starts.',
      bad: 'services:\n  api:\n    build: ./api\n',
      good: 'services:\n  api:\n    build:\n      context: ./api\n      dockerfile: Dockerfile\n',
      fix: 'Create the Dockerfile or point `build.dockerfile` at the right file.',
    },
  }),
  rule({
    id: 'privileged',
    title: 'Container runs `privileged`',
    category: 'security',
    severity: 'error',
    priority: 'P2',
    effort: 'low',
    docs: {
      what: 'Finds services with `privileged: true`.',
      why: 'A privileged container can take over the host.',
      bad: 'services:\n  worker:\n    privileged: true\n',
      good: 'services:\n  worker:\n    cap_add: [NET_ADMIN]\n',
      fix: 'Remove `privileged` and add only the capabilities the service needs.',
    },
  }),
  rule({
    id: 'port-all-interfaces',
    title: 'Port published on all interfaces',
    category: 'security',
    severity: 'warning',
    priority: 'P2',
    effort: 'trivial',
    docs: {
      what: 'Finds ports published on 0.0.0.0.',
      why: 'Anyone on the network can reach the service.',
      bad: 'ports: ["5432:5432"]\n',
      good: 'ports: ["127.0.0.1:5432:5432"]\n',
      fix: 'Bind to 127.0.0.1.',
    },
  }),
  rule({
    id: 'no-healthcheck',
    title: 'Service has no health check',
    category: 'reliability',
    severity: 'warning',
    priority: 'P3',
    effort: 'low',
    docs: {
      what: 'Finds long-running services without a health check.',
      why: 'Nothing can wait for the service to be ready.',
      bad: 'services:\n  api:\n    image: api\n',
      good: 'services:\n  api:\n    image: api\n    healthcheck:\n      test: ["CMD", "true"]\n',
      fix: 'Add a `healthcheck`.',
    },
  }),
  rule({
    id: 'hostile-title',
    title: 'Title with | pipe and <b>tag</b> and `code|span`',
    category: 'maintainability',
    severity: 'info',
    priority: 'P4',
    effort: 'trivial',
    docs: {
      what: 'A rule whose text tries to break the markup.',
      why: 'Because <script>alert(1)</script> happens.',
      bad: 'x: 1\n',
      good: '```\nfenced inside\n```\n',
      fix: 'Nothing | really.',
      lang: 'text',
    },
  }),
  ruleById('obsolete-version')!,
];

function f(partial: Partial<Finding> & Pick<Finding, 'rule' | 'file' | 'line' | 'message'>): Finding {
  const meta = SAMPLE_RULES.find((r) => r.meta.id === partial.rule)!.meta;
  return { severity: meta.severity, priority: meta.priority, category: meta.category, column: 5, ...partial };
}

export function sampleFindings(): Finding[] {
  const findings: Finding[] = [
    f({ rule: 'missing-dockerfile', file: 'docker-compose.yml', line: 4, message: 'service `api` builds `./api/Dockerfile`, which does not exist', service: 'api', unit: 'docker-compose.yml + docker-compose.override.yml' }),
    f({
      rule: 'privileged',
      file: 'docker-compose.yml',
      line: 20,
      message: `service \`worker\` runs privileged ${HOSTILE}`,
      service: 'worker',
      unit: 'docker-compose.yml + docker-compose.override.yml',
      snippet: 'worker:\n  cap_add: [SYS_PTRACE]\n',
      fix: { description: 'drop privileged', safety: 'unsafe', edits: [] },
    }),
    f({ rule: 'port-all-interfaces', file: 'sub dir/docker-compose.yml', line: 7, column: 9, message: 'port 5432 of `db` is published on all interfaces', service: 'db', unit: 'sub dir/docker-compose.yml' }),
    f({ rule: 'hostile-title', file: 'docker-compose.override.yml', line: 3, message: 'a | b `c|d` <em>e</em>', service: 'web' }),
    f({ rule: 'obsolete-version', file: 'docker-compose.yml', line: 1, column: 1, message: '`version: 3.8` is obsolete: Compose ignores it and warns on every run', unit: 'docker-compose.yml + docker-compose.override.yml' }),
  ];
  for (let i = 0; i < 12; i++) {
    findings.push(f({ rule: 'no-healthcheck', file: 'docker-compose.yml', line: 30 + i * 5, message: `service \`svc${i}\` has no health check`, service: `svc${i}`, unit: 'docker-compose.yml + docker-compose.override.yml' }));
  }
  // the engine's order: file, line, column, rule
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

export function sampleResult(): AuditResult {
  const findings = sampleFindings();
  const { score, deductions } = scoreFindings(findings);
  const counts = { total: findings.length, error: 0, warning: 0, info: 0, byPriority: { P1: 0, P2: 0, P3: 0, P4: 0, P5: 0 } };
  for (const x of findings) {
    counts[x.severity]++;
    counts.byPriority[x.priority]++;
  }
  return {
    version: REPORT_VERSION,
    tool: { name: 'shipshape', version: '0.1.0' },
    root: '/home/someone/projects/demo',
    score,
    scoreDeductions: deductions,
    counts,
    findings,
    strengths: [
      { id: 'health-checks', title: 'Health checks', detail: '2 of 3 long-running services define a health check (db, cache).', evidence: [{ file: 'docker-compose.yml', line: 12, column: 5 }, { file: 'docker-compose.yml', line: 25, column: 5 }] },
      { id: 'depends-on-conditions', title: 'depends_on with conditions', detail: 'Start-up order is gated on health or completion for api.', evidence: [{ file: 'docker-compose.yml', line: 8, column: 5 }] },
    ],
    inventory: [
      {
        unit: 'docker-compose.yml + docker-compose.override.yml',
        files: ['docker-compose.yml', 'docker-compose.override.yml'],
        kind: 'default',
        loaded: true,
        services: [
          { name: 'api', ports: ['8000→8000'], build: './api', profiles: [], purpose: 'application / API', status: 'error', findings: 1 },
          { name: 'db', ports: ['127.0.0.1:5432→5432'], image: 'postgres:16@sha256:abc', profiles: [], purpose: 'PostgreSQL database', status: 'ok', findings: 0 },
          { name: 'worker', ports: [], image: 'example/worker:1.0', build: '.', profiles: ['jobs', 'batch'], purpose: `worker ${HOSTILE}`, status: 'error', findings: 1 },
          { name: 'web', ports: ['(random)→80/udp'], image: 'nginx:1.27', profiles: ['web'], purpose: 'web server', status: 'info', findings: 1 },
          { name: 'svc0', ports: [], image: 'busybox:1', profiles: [], purpose: 'unknown', status: 'warning', findings: 1 },
        ],
      },
      { unit: 'sub dir/docker-compose.yml', files: ['sub dir/docker-compose.yml'], kind: 'standalone', loaded: false, error: `sub dir/docker-compose.yml:3:1: bad ${HOSTILE}`, services: [] },
    ],
    effort: effortTable(findings, SAMPLE_RULES),
    rules: SAMPLE_RULES.map((r) => ({ id: r.meta.id, title: r.meta.title, category: r.meta.category, severity: r.meta.severity, priority: r.meta.priority, effort: r.meta.effort })),
    suppressed: [
      { rule: 'privileged', file: 'docker-compose.yml', line: 44, reason: `needs /dev/kvm ${HOSTILE}`, by: 'inline' },
      { rule: 'no-healthcheck', file: 'docker-compose.yml', line: 90, reason: 'one-shot job', by: 'config' },
    ],
    unusedSuppressions: [{ rule: 'privileged', file: 'docker-compose.yml', line: 50, reason: 'old' }],
    invalidSuppressions: [{ file: 'docker-compose.yml', line: 60, why: 'gives no reason' }],
    ruleErrors: [{ rule: 'no-healthcheck', message: 'TypeError: boom\n    at /home/someone/x.js:1:1' }],
  };
}

/** Render options the CLI would pass. */
export const SAMPLE_OPTS = { color: false, rules: SAMPLE_RULES };
