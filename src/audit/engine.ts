/**
 * Runs rules over a repository model: rule selection and severity from config and flags,
 * inline suppressions (`# shipshape-ignore <rule-id> <reason>` on the line or the line above),
 * de-duplication across compose units, stable ordering.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatOrigin } from '../load/origin.js';
import type { Finding, RepoModel, ReportInput, Rule, RuleContext, Severity } from './types.js';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export interface AuditOptions {
  /** run only these rules */
  only?: string[];
  /** never run these rules */
  disable?: string[];
  /** drop findings below this severity */
  minSeverity?: Severity;
}

export interface Suppression {
  file: string;
  line: number;
  rule: string;
  reason: string;
  used: boolean;
  /** where the comment is written */
  at: number;
}

export interface AuditRun {
  findings: Finding[];
  suppressed: { finding: Finding; reason: string; by: 'inline' | 'config' }[];
  suppressions: Suppression[];
  /** suppression comments that name no rule or give no reason */
  invalidSuppressions: { file: string; line: number; text: string; why: string }[];
  rulesRun: string[];
  /** rules that threw: a bug in shipshape, reported, never fatal */
  ruleErrors: { rule: string; message: string }[];
}

const SUPPRESS_RE = /#\s*shipshape-ignore\b(.*)$/;

function suppressionsOf(text: string, file: string, invalid: AuditRun['invalidSuppressions'], knownRules: Set<string>): Suppression[] {
  const out: Suppression[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = SUPPRESS_RE.exec(line);
    if (!m) return;
    const words = m[1]!.trim().split(/\s+/).filter(Boolean);
    const rule = words[0];
    const reason = words.slice(1).join(' ');
    if (!rule) {
      invalid.push({ file, line: i + 1, text: line.trim(), why: 'names no rule' });
      return;
    }
    if (!knownRules.has(rule)) {
      invalid.push({ file, line: i + 1, text: line.trim(), why: `unknown rule "${rule}"` });
      return;
    }
    if (!reason) {
      invalid.push({ file, line: i + 1, text: line.trim(), why: 'gives no reason' });
      return;
    }
    const own = line.slice(0, m.index).trim() !== '';
    // a comment on a line of its own covers the next line; at the end of a line, that line
    out.push({ file, line: own ? i + 1 : i + 2, rule, reason, used: false, at: i + 1 });
  });
  return out;
}

export function runRules(repo: RepoModel, rules: Rule[], opts: AuditOptions = {}): AuditRun {
  const known = new Set(rules.map((r) => r.meta.id));
  const selected = rules.filter((r) => {
    const id = r.meta.id;
    if (opts.only?.length && !opts.only.includes(id)) return false;
    if (opts.disable?.includes(id)) return false;
    if (repo.config.rules[id]?.level === 'off' && !opts.only?.includes(id)) return false;
    return true;
  });
  const raw: Finding[] = [];
  const ruleErrors: AuditRun['ruleErrors'] = [];
  for (const rule of selected) {
    const conf = repo.config.rules[rule.meta.id];
    const severity: Severity = conf?.level && conf.level !== 'off' ? conf.level : rule.meta.severity;
    const ctx: RuleContext = {
      repo,
      options: conf?.options ?? {},
      report(input: ReportInput) {
        raw.push(toFinding(repo, rule, severity, input));
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      ruleErrors.push({ rule: rule.meta.id, message: (e as Error)?.stack ?? String(e) });
    }
  }

  // de-duplicate (a file loaded by several units is judged once per place)
  const seen = new Set<string>();
  const unique = raw.filter((f) => {
    const key = `${f.rule}|${f.file}|${f.line}|${f.column}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  const invalid: AuditRun['invalidSuppressions'] = [];
  const byFile = new Map<string, Suppression[]>();
  const suppressionsFor = (file: string): Suppression[] => {
    let s = byFile.get(file);
    if (!s) {
      let text = '';
      try {
        text = readFileSync(path.resolve(repo.root, file), 'utf8');
      } catch {
        /* a finding on a missing file has no comments to honour */
      }
      s = suppressionsOf(text, file, invalid, known);
      byFile.set(file, s);
    }
    return s;
  };
  const findings: Finding[] = [];
  const suppressed: AuditRun['suppressed'] = [];
  for (const f of unique) {
    const hit = suppressionsFor(f.file).find((s) => s.rule === f.rule && s.line === f.line);
    if (hit) {
      hit.used = true;
      suppressed.push({ finding: f, reason: hit.reason, by: 'inline' });
      continue;
    }
    if (opts.minSeverity && SEVERITY_RANK[f.severity] < SEVERITY_RANK[opts.minSeverity]) continue;
    findings.push(f);
  }
  // files with suppressions but no findings still need their comments read for --report-unused-suppressions
  for (const u of repo.units) for (const f of u.files) suppressionsFor(repo.rel(f));
  for (const d of repo.files.dockerfiles) suppressionsFor(d.path);
  findings.sort(compareFindings);
  return {
    findings,
    suppressed,
    suppressions: [...byFile.values()].flat(),
    invalidSuppressions: invalid,
    rulesRun: selected.map((r) => r.meta.id),
    ruleErrors,
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

function toFinding(repo: RepoModel, rule: Rule, severity: Severity, input: ReportInput): Finding {
  const o = input.origin;
  // origins of an audit load are relative to the root already
  let file = input.file ?? o?.file ?? input.unit?.label.split(' + ')[0] ?? '';
  if (path.isAbsolute(file)) file = repo.rel(file);
  const f: Finding = {
    rule: rule.meta.id,
    severity,
    priority: rule.meta.priority,
    category: rule.meta.category,
    message: input.message,
    file,
    line: input.line ?? o?.line ?? 1,
    column: input.column ?? o?.column ?? 1,
  };
  if (input.service) f.service = input.service;
  if (input.unit) f.unit = input.unit.label;
  if (input.fix) f.fix = input.fix;
  if (input.snippet) f.snippet = input.snippet;
  return f;
}

export function findingLocation(f: Finding): string {
  return formatOrigin({ file: f.file, line: f.line, column: f.column });
}
