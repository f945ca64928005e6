import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { auditFixture, FIXTURE_FILES } from './real.js';
import { SAMPLE_OPTS, sampleResult } from './sample.js';
import { markdownTables, tableProblems, unclosedFences } from './validate.js';

const md = renderMarkdown(sampleResult(), SAMPLE_OPTS);
const lines = md.split('\n');

/** The lines of a section, from its heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = heading.match(/^#+/)![0].length;
  let end = start + 1;
  while (end < lines.length && !(/^#+ /.test(lines[end]!) && lines[end]!.match(/^#+/)![0].length <= level)) end++;
  return lines.slice(start, end).join('\n');
}

describe('markdown report', () => {
  it('has the sections of the seed audits, in order', () => {
    const headings = [
      '# Docker Setup Audit: demo',
      '## Executive Summary',
      '### Key Strengths',
      '### Critical Gaps',
      '## Service Inventory',
      '## Pain Points by Priority',
      '### Priority 1: Critical Issues (Must Fix Before First Run)',
      '### Priority 2: Security Issues (Fix Before Production Deploy)',
      '### Priority 3: Reliability Issues (Fix Before Production Deploy)',
      '### Priority 4: Configuration Improvements (Should Fix)',
      '### Priority 5: Nice to Have (Future Enhancements)',
      '## What Works Well (Preserve)',
      '## Estimated Effort',
      '## Suppressed',
      '## Notes',
    ];
    const at = headings.map((h) => lines.indexOf(h));
    expect(at.every((i) => i >= 0), JSON.stringify(headings.filter((_, i) => at[i]! < 0))).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('has a date-free header and the score with one paragraph of counts', () => {
    expect(md).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
    expect(md).not.toContain('/home/someone');
    expect(lines[2]).toBe('**Tool:** shipshape 0.1.0 · **Rules run:** 6 · **Compose units:** 2 · **Services:** 5');
    const r = sampleResult();
    expect(md).toContain(`**Overall Score: ${r.score.toFixed(1)}/10**`);
    const summary = section('## Executive Summary');
    expect(summary).toContain('found 17 findings — 2 errors, 13 warnings and 2 info.');
    expect(summary).toContain('By priority: P1 1, P2 2, P3 12, P4 1, P5 1.');
    expect(summary).toContain('1 compose unit could not be loaded.');
    expect(summary).toContain('2 findings are suppressed.');
  });

  it('lists strengths and the P1/P2 gaps grouped by rule', () => {
    expect(section('### Key Strengths')).toContain('- ✅ depends\\_on with conditions: Start-up order is gated on health or completion for api.');
    const gaps = section('### Critical Gaps').split('\n').filter((l) => l.startsWith('- '));
    expect(gaps).toEqual([
      '- ❌ A build names a Dockerfile that does not exist (P1, 1 finding: `api`)',
      '- ❌ Container runs `privileged` (P2, 1 finding: `worker`)',
      '- ⚠️ Port published on all interfaces (P2, 1 finding: `db`)',
    ]);
  });

  it('has one inventory table per loaded unit and the error of an unloadable one', () => {
    const inv = section('## Service Inventory');
    expect(inv).toContain('### docker-compose.yml + docker-compose.override.yml\n');
    expect(inv).toContain('| Service | Ports | Image / Build | Profiles | Purpose | Status |');
    expect(inv).toContain('| `api` | 8000→8000 | build: `./api` | — | application / API | ❌ 1 finding |');
    expect(inv).toContain('| `db` | 127.0.0.1:5432→5432 | `postgres:16@sha256:abc` | — | PostgreSQL database | ✅ OK |');
    expect(inv).toContain('| `web` | (random)→80/udp | `nginx:1.27` | web | web server | ✅ OK (1 note) |');
    expect(inv).toContain('| `svc0` | — | `busybox:1` | — | unknown | ⚠️ 1 finding |');
    expect(inv).toMatch(/\| `worker` \| — \| `example\/worker:1\.0`, build: `\.` \| jobs, batch \| worker \\<script\\>.* \\\| pipe \| ❌ 1 finding \|/);
    expect(inv).toContain('### sub dir/docker-compose.yml (standalone)');
    expect(inv).toContain('❌ **Not loadable:** sub dir/docker-compose.yml:3:1: bad \\<script\\>');
  });

  it('writes valid tables and closes every fence', () => {
    expect(markdownTables(md)).toHaveLength(2);
    expect(tableProblems(md)).toEqual([]);
    expect(unclosedFences(md)).toBe(0);
  });

  it('writes one checklist block per rule with location, current, risk, fix and effort', () => {
    const p1 = section('### Priority 1: Critical Issues (Must Fix Before First Run)');
    expect(p1).toContain('#### [ ] P1.1 A build names a Dockerfile that does not exist');
    expect(p1).toContain('**Location:** `docker-compose.yml:4`');
    expect(p1).toContain('**Current:** ❌ service `api` builds `./api/Dockerfile`, which does not exist');
    expect(p1).toContain('**Risk:** `docker compose build` fails before anything starts.');
    // no snippet on the finding: the rule's good example
    expect(p1).toContain('**Fix:** Create the Dockerfile or point `build.dockerfile` at the right file.\n\n```yaml\nservices:\n  api:\n    build:\n      context: ./api\n      dockerfile: Dockerfile\n```');
    expect(p1).toContain('**Effort:** medium');

    const p2 = section('### Priority 2: Security Issues (Fix Before Production Deploy)');
    const blocks = p2.split('\n').filter((l) => l.startsWith('#### '));
    expect(blocks).toEqual(['#### [ ] P2.1 Container runs `privileged`', '#### [ ] P2.2 Port published on all interfaces']);
    // the finding's snippet wins over the good example, and the automatic fix is named
    expect(p2).toContain('Automatic fix available: drop privileged.\n\n```yaml\nworker:\n  cap_add: [SYS_PTRACE]\n```');
    expect(p2).not.toContain('NET_ADMIN');
    expect(p2).toContain('**Location:** `sub dir/docker-compose.yml:7`');
  });

  it('lists the first ten locations and says how many more', () => {
    const p3 = section('### Priority 3: Reliability Issues (Fix Before Production Deploy)');
    const loc = p3.split('\n').find((l) => l.startsWith('**Location:**'))!;
    expect(loc.match(/`docker-compose\.yml:\d+`/g)).toHaveLength(10);
    expect(loc).toMatch(/`docker-compose\.yml:75` and 2 more$/);
    expect(p3).toContain('- ⚠️ service `svc9` has no health check');
    expect(p3).not.toContain('svc10` has');
    expect(p3).toContain('- … and 2 more');
  });

  it('escapes hostile text outside code and keeps code fences closed', () => {
    expect(md).not.toMatch(/(?<!\\)<script/i);
    expect(md).not.toMatch(/(?<!\\)<img/i);
    const p4 = section('### Priority 4: Configuration Improvements (Should Fix)');
    expect(p4).toContain('#### [ ] P4.1 Title with \\| pipe and \\<b\\>tag\\</b\\> and `code|span`');
    // a good example containing ``` gets a longer fence
    expect(p4).toContain('````text\n```\nfenced inside\n```\n````');
  });

  it('has strengths with evidence, the effort table and the suppressions', () => {
    const keep = section('## What Works Well (Preserve)');
    expect(keep).toContain('### ✅ Health checks\n\n2 of 3 long-running services define a health check (db, cache).\n\nEvidence: `docker-compose.yml:12`, `docker-compose.yml:25`');
    const effort = section('## Estimated Effort');
    expect(effort).toContain('| Priority | Tasks | Findings | Estimated Time |');
    expect(effort).toContain('| P1 - Critical | 1 task | 1 | 2–4 h |');
    expect(effort).toContain('| P3 - Reliability | 1 task | 12 | 1.6–3.2 h |');
    expect(effort).toMatch(/\| \*\*Total\*\* \| \*\*6 tasks\*\* \| \*\*17\*\* \| \*\*[\d.]+–[\d.]+ h\*\* \|/);
    const sup = section('## Suppressed');
    expect(sup).toContain('- `docker-compose.yml:44` `privileged` (Container runs `privileged`): needs /dev/kvm \\<script\\>');
    expect(sup).toContain('- `docker-compose.yml:90` `no-healthcheck` (Service has no health check): one-shot job (config)');
    const notes = section('## Notes');
    expect(notes).toContain('unused suppression of `privileged`');
    expect(notes).toContain('- internal error in rule `no-healthcheck`: TypeError: boom');
  });

  it('is deterministic', () => {
    expect(renderMarkdown(sampleResult(), SAMPLE_OPTS)).toBe(md);
    expect(renderMarkdown(structuredClone(sampleResult()), { color: true, rules: [...SAMPLE_OPTS.rules] })).toBe(md);
  });

  it('works without rule modules (falls back to the result rows)', () => {
    const bare = renderMarkdown(sampleResult(), { color: false, rules: [] });
    expect(bare).toContain('#### [ ] P1.1 A build names a Dockerfile that does not exist');
    expect(bare).toContain('**Fix:** see https://github.com/shipshape/shipshape/blob/main/docs/rules/missing-dockerfile.md');
  });

  it('renders a real audit', async () => {
    const { result, rules } = await auditFixture(FIXTURE_FILES);
    const out = renderMarkdown(result, { color: false, rules });
    expect(out).toContain('## Executive Summary');
    expect(out).toContain('| `db` | — | `postgres:16` | — | PostgreSQL database |');
    expect(out).toContain('### ops/docker-compose.broken.yml (standalone)');
    expect(out).toMatch(/#### \[ \] P5\.\d+ The top-level `version` key is obsolete/);
    expect(out).toContain('**Location:** `docker-compose.yml:1`');
    expect(out).not.toContain(result.root);
    expect(renderMarkdown(result, { color: false, rules })).toBe(out);
  });
});
