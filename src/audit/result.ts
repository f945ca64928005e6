/**
 * The audit result every report format renders: findings, score, strengths, inventory and
 * effort. The JSON report is this object (schema version 1, documented in docs/report-json.md).
 */
import path from 'node:path';
import { guessPurpose } from '../rules/images.js';
import { imageOf, publishedPorts, services, type ServiceRef } from '../rules/util.js';
import type { AuditRun } from './engine.js';
import { SEVERITY_RANK } from './engine.js';
import { findStrengths, type Strength } from './strengths.js';
import type { Effort, Finding, Priority, RepoModel, Rule, Severity } from './types.js';

export const REPORT_VERSION = 1;

export interface InventoryService {
  name: string;
  ports: string[];
  image?: string;
  build?: string;
  profiles: string[];
  purpose: string;
  status: 'ok' | Severity;
  findings: number;
}

export interface InventoryUnit {
  unit: string;
  files: string[];
  kind: 'default' | 'standalone';
  loaded: boolean;
  error?: string;
  services: InventoryService[];
}

export interface EffortRow {
  priority: Priority;
  tasks: number;
  findings: number;
  /** estimated hours, low and high */
  hours: [number, number];
}

export interface ScoreDeduction {
  rule: string;
  findings: number;
  deduction: number;
}

export interface AuditResult {
  version: number;
  tool: { name: 'shipshape'; version: string };
  root: string;
  score: number;
  scoreDeductions: ScoreDeduction[];
  counts: { total: number; error: number; warning: number; info: number; byPriority: Record<Priority, number> };
  findings: Finding[];
  strengths: Strength[];
  inventory: InventoryUnit[];
  effort: EffortRow[];
  rules: { id: string; title: string; category: string; severity: Severity; priority: Priority; effort: Effort; seed?: string }[];
  suppressed: { rule: string; file: string; line: number; reason: string; by: 'inline' | 'config' }[];
  unusedSuppressions: { rule: string; file: string; line: number; reason: string }[];
  invalidSuppressions: { file: string; line: number; why: string }[];
  ruleErrors: { rule: string; message: string }[];
}

const SEVERITY_WEIGHT: Record<Severity, number> = { error: 1, warning: 0.4, info: 0.1 };
const PRIORITY_FACTOR: Record<Priority, number> = { P1: 1.5, P2: 1.25, P3: 1, P4: 0.75, P5: 0.5 };
/** no single rule may cost more than this */
const RULE_CAP = 1.5;
/** the cost at which the score has fallen to 10/e (about 3.7) */
const SCALE = 15;
const EFFORT_HOURS: Record<Effort, [number, number]> = { trivial: [0.1, 0.25], low: [0.5, 1], medium: [2, 4], high: [4, 8] };

/**
 * Score out of 10 (docs/scoring.md): each finding costs severity weight × priority factor; a
 * rule's findings cost at most RULE_CAP together (the second identical mistake says less than
 * the first); the score is 10 × e^(−total cost / SCALE), one decimal: every problem lowers it,
 * and no number of problems drives it below zero or makes two bad repositories look the same.
 */
export function scoreFindings(findings: Finding[]): { score: number; deductions: ScoreDeduction[] } {
  const byRule = new Map<string, { n: number; cost: number }>();
  for (const f of findings) {
    const e = byRule.get(f.rule) ?? { n: 0, cost: 0 };
    e.n++;
    e.cost += SEVERITY_WEIGHT[f.severity] * PRIORITY_FACTOR[f.priority];
    byRule.set(f.rule, e);
  }
  const deductions = [...byRule.entries()]
    .map(([rule, e]) => ({ rule, findings: e.n, deduction: Math.round(Math.min(RULE_CAP, e.cost) * 100) / 100 }))
    .sort((a, b) => b.deduction - a.deduction || (a.rule < b.rule ? -1 : 1));
  const total = deductions.reduce((s, d) => s + d.deduction, 0);
  return { score: Math.round(10 * Math.exp(-total / SCALE) * 10) / 10, deductions };
}

function worst(findings: Finding[]): 'ok' | Severity {
  let w: 'ok' | Severity = 'ok';
  for (const f of findings) if (w === 'ok' || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w]) w = f.severity;
  return w;
}

function portText(ref: ServiceRef): string[] {
  return publishedPorts(ref).map((p) => {
    const host = p.published ? `${p.hostIp && p.hostIp !== '0.0.0.0' ? `${p.hostIp}:` : ''}${p.published}` : '(random)';
    return `${host}→${p.target}${p.protocol !== 'tcp' ? `/${p.protocol}` : ''}`;
  });
}

export function inventory(repo: RepoModel, findings: Finding[]): InventoryUnit[] {
  const refs = services(repo);
  return repo.units.map((unit) => {
    const inv: InventoryUnit = { unit: unit.label, files: unit.files.map((f) => repo.rel(f)), kind: unit.kind, loaded: !!unit.project, services: [] };
    if (unit.error) inv.error = unit.error.toLine();
    for (const ref of refs.filter((r) => r.unit === unit)) {
      const own = findings.filter((f) => f.service === ref.name && (f.unit === unit.label || inv.files.includes(f.file)));
      const s: InventoryService = {
        name: ref.name,
        ports: portText(ref),
        profiles: ref.profiles,
        purpose: guessPurpose(ref).purpose,
        status: worst(own),
        findings: own.length,
      };
      const img = imageOf(ref);
      if (img) s.image = img.full;
      const b = ref.svc.build;
      if (b && typeof b === 'object' && !Array.isArray(b)) {
        const ctx = typeof b.context === 'string' ? b.context : '.';
        const rel = path.isAbsolute(ctx) ? repo.rel(ctx) : ctx;
        s.build = `${rel || '.'}${typeof b.dockerfile === 'string' && b.dockerfile !== 'Dockerfile' ? ` (${b.dockerfile})` : ''}`;
      }
      inv.services.push(s);
    }
    return inv;
  });
}

export function effortTable(findings: Finding[], rules: Rule[]): EffortRow[] {
  const byPriority = new Map<Priority, Map<string, number>>();
  for (const f of findings) {
    const m = byPriority.get(f.priority) ?? new Map<string, number>();
    m.set(f.rule, (m.get(f.rule) ?? 0) + 1);
    byPriority.set(f.priority, m);
  }
  const rows: EffortRow[] = [];
  for (const p of ['P1', 'P2', 'P3', 'P4', 'P5'] as Priority[]) {
    const m = byPriority.get(p);
    if (!m) continue;
    let lo = 0;
    let hi = 0;
    let n = 0;
    for (const [rule, count] of m) {
      const effort = rules.find((r) => r.meta.id === rule)?.meta.effort ?? 'low';
      const [a, b] = EFFORT_HOURS[effort];
      // the first occurrence costs the full estimate, each further one a fifth of it
      const scale = 1 + 0.2 * (count - 1);
      lo += a * scale;
      hi += b * scale;
      n += count;
    }
    rows.push({ priority: p, tasks: m.size, findings: n, hours: [Math.round(lo * 10) / 10, Math.round(hi * 10) / 10] });
  }
  return rows;
}

export function buildResult(repo: RepoModel, run: AuditRun, rules: Rule[], toolVersion: string): AuditResult {
  const { score, deductions } = scoreFindings(run.findings);
  const counts = { total: run.findings.length, error: 0, warning: 0, info: 0, byPriority: { P1: 0, P2: 0, P3: 0, P4: 0, P5: 0 } as Record<Priority, number> };
  for (const f of run.findings) {
    counts[f.severity]++;
    counts.byPriority[f.priority]++;
  }
  return {
    version: REPORT_VERSION,
    tool: { name: 'shipshape', version: toolVersion },
    root: repo.root,
    score,
    scoreDeductions: deductions,
    counts,
    findings: run.findings,
    strengths: findStrengths(repo),
    inventory: inventory(repo, run.findings),
    effort: effortTable(run.findings, rules),
    rules: rules
      .filter((r) => run.rulesRun.includes(r.meta.id))
      .map((r) => {
        const m = r.meta;
        const row: AuditResult['rules'][number] = { id: m.id, title: m.title, category: m.category, severity: m.severity, priority: m.priority, effort: m.effort };
        if (m.seed) row.seed = m.seed;
        return row;
      }),
    suppressed: run.suppressed.map((s) => ({ rule: s.finding.rule, file: s.finding.file, line: s.finding.line, reason: s.reason, by: s.by })),
    unusedSuppressions: run.suppressions.filter((s) => !s.used).map((s) => ({ rule: s.rule, file: s.file, line: s.at, reason: s.reason })),
    invalidSuppressions: run.invalidSuppressions.map((s) => ({ file: s.file, line: s.line, why: s.why })),
    ruleErrors: run.ruleErrors,
  };
}
