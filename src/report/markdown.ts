/**
 * `--format markdown`: the audit as a document a person reads top to bottom, shaped like the
 * hand-written audits the project started from (seeds 000 and 003): executive summary with the
 * score, strengths, critical gaps, a service inventory per compose unit, pain points by priority
 * (one checklist block per rule), what to preserve, and an effort table.
 *
 * Deterministic: no dates, no absolute paths, every list in a fixed order. The grouping helpers
 * here (`reportModel`, `docsUrl`, `formatHours`, …) are shared with the HTML and SARIF renderers.
 */
import path from 'node:path';
import type { AuditResult, InventoryService } from '../audit/result.js';
import type { Category, Effort, Finding, Priority, RuleDocs, Severity } from '../audit/types.js';
import type { RenderOptions, Renderer } from './types.js';

// ---------------------------------------------------------------------------------------------
// Shared model (markdown, html, sarif)
// ---------------------------------------------------------------------------------------------

export const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4', 'P5'];

/** Section headings of "Pain Points by Priority", as in seed 003. */
export const PRIORITY_HEADINGS: Record<Priority, string> = {
  P1: 'Critical Issues (Must Fix Before First Run)',
  P2: 'Security Issues (Fix Before Production Deploy)',
  P3: 'Reliability Issues (Fix Before Production Deploy)',
  P4: 'Configuration Improvements (Should Fix)',
  P5: 'Nice to Have (Future Enhancements)',
};

/** Short labels for the effort table ("P1 - Critical"). */
export const PRIORITY_LABELS: Record<Priority, string> = {
  P1: 'Critical',
  P2: 'Security',
  P3: 'Reliability',
  P4: 'Configuration',
  P5: 'Nice to Have',
};

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export const DOCS_BASE = 'https://github.com/shipshape/shipshape/blob/main/docs/rules/';

/** The documentation page of a rule (absolute: GitHub code scanning wants absolute help URIs). */
export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${encodeURIComponent(ruleId)}.md`;
}

/** What the reports know about a rule: the result's row, completed from the rule module when it is at hand. */
export interface RuleInfo {
  id: string;
  title: string;
  category: Category | string;
  severity: Severity;
  priority: Priority;
  effort: Effort;
  rationale?: string;
  docs?: RuleDocs;
}

export interface RuleGroup {
  /** "P1.1", "P1.2", … numbered within the priority */
  key: string;
  rule: RuleInfo;
  findings: Finding[];
  /** the worst severity among the findings */
  worst: Severity;
}

export interface PrioritySection {
  priority: Priority;
  heading: string;
  groups: RuleGroup[];
}

export interface ReportModel {
  /** index of rule information by id (every rule run, and every rule a finding names) */
  rules: Map<string, RuleInfo>;
  /** one section per priority, P1 first, empty ones included */
  sections: PrioritySection[];
  serviceCount: number;
  brokenUnits: number;
}

function worstOf(findings: Finding[]): Severity {
  let w: Severity = 'info';
  for (const f of findings) if (SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[w]) w = f.severity;
  return w;
}

export function ruleInfos(result: AuditResult, opts: Pick<RenderOptions, 'rules'>): Map<string, RuleInfo> {
  const byId = new Map<string, RuleInfo>();
  const modules = new Map((opts.rules ?? []).map((r) => [r.meta.id, r.meta]));
  const add = (id: string, row?: AuditResult['rules'][number], finding?: Finding) => {
    if (byId.has(id)) return;
    const m = modules.get(id);
    const info: RuleInfo = {
      id,
      title: row?.title ?? m?.title ?? id,
      category: row?.category ?? m?.category ?? finding?.category ?? 'maintainability',
      severity: row?.severity ?? m?.severity ?? finding?.severity ?? 'warning',
      priority: row?.priority ?? m?.priority ?? finding?.priority ?? 'P4',
      effort: row?.effort ?? m?.effort ?? 'low',
    };
    if (m?.rationale) info.rationale = m.rationale;
    if (m?.docs) info.docs = m.docs;
    byId.set(id, info);
  };
  for (const row of result.rules) add(row.id, row);
  for (const f of result.findings) add(f.rule, undefined, f);
  for (const s of result.suppressed) add(s.rule);
  return byId;
}

export function reportModel(result: AuditResult, opts: Pick<RenderOptions, 'rules'>): ReportModel {
  const rules = ruleInfos(result, opts);
  const order = new Map([...rules.keys()].map((id, i) => [id, i]));
  const sections: PrioritySection[] = PRIORITIES.map((p) => {
    const byRule = new Map<string, Finding[]>();
    for (const f of result.findings) {
      if (f.priority !== p) continue;
      const list = byRule.get(f.rule) ?? [];
      list.push(f);
      byRule.set(f.rule, list);
    }
    const groups = [...byRule.entries()]
      .map(([id, findings]) => ({ key: '', rule: rules.get(id)!, findings, worst: worstOf(findings) }))
      .sort((a, b) => SEVERITY_ORDER[a.worst] - SEVERITY_ORDER[b.worst] || (order.get(a.rule.id) ?? 0) - (order.get(b.rule.id) ?? 0) || (a.rule.id < b.rule.id ? -1 : 1));
    groups.forEach((g, i) => (g.key = `${p}.${i + 1}`));
    return { priority: p, heading: PRIORITY_HEADINGS[p], groups };
  });
  return {
    rules,
    sections,
    serviceCount: result.inventory.reduce((s, u) => s + u.services.length, 0),
    brokenUnits: result.inventory.filter((u) => !u.loaded).length,
  };
}

/** "6–15 min" under an hour, else "2–4 h". */
export function formatHours([lo, hi]: [number, number]): string {
  const r1 = (n: number) => String(Math.round(n * 10) / 10);
  if (hi < 1) return `${Math.round(lo * 60)}–${Math.round(hi * 60)} min`;
  return lo === hi ? `${r1(lo)} h` : `${r1(lo)}–${r1(hi)} h`;
}

export function effortTotals(result: AuditResult): { tasks: number; findings: number; hours: [number, number] } {
  let tasks = 0;
  let findings = 0;
  let lo = 0;
  let hi = 0;
  for (const r of result.effort) {
    tasks += r.tasks;
    findings += r.findings;
    lo += r.hours[0];
    hi += r.hours[1];
  }
  return { tasks, findings, hours: [Math.round(lo * 10) / 10, Math.round(hi * 10) / 10] };
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The last part of the audited root, for titles (never the absolute path: reports are portable). */
export function projectName(result: AuditResult): string {
  const base = path.basename(result.root.replace(/[\\/]+$/, ''));
  return base || 'project';
}

export function verdict(score: number): string {
  if (score >= 9) return 'The setup is in very good shape';
  if (score >= 7) return 'The setup is sound, with some gaps to close';
  if (score >= 5) return 'The setup works but needs attention';
  return 'The setup needs significant work';
}

/** The one-paragraph summary of counts shared by markdown and html (plain text). */
export function countsSentences(result: AuditResult, model: ReportModel): string[] {
  const n = result.counts;
  const units = result.inventory.length;
  const out: string[] = [];
  out.push(
    `${verdict(result.score)}: shipshape checked ${plural(units, 'compose unit')} (${plural(model.serviceCount, 'service')}) with ${plural(result.rules.length, 'rule')} and found ${plural(n.total, 'finding')}` +
      (n.total ? ` — ${plural(n.error, 'error')}, ${plural(n.warning, 'warning')} and ${n.info} info.` : '.'),
  );
  if (n.total) out.push(`By priority: P1 ${n.byPriority.P1}, P2 ${n.byPriority.P2}, P3 ${n.byPriority.P3}, P4 ${n.byPriority.P4}, P5 ${n.byPriority.P5}.`);
  if (model.brokenUnits) out.push(`${plural(model.brokenUnits, 'compose unit')} could not be loaded.`);
  if (result.suppressed.length) out.push(`${plural(result.suppressed.length, 'finding')} ${result.suppressed.length === 1 ? 'is' : 'are'} suppressed.`);
  if (result.ruleErrors.length) out.push(`${plural(result.ruleErrors.length, 'rule')} failed with an internal error.`);
  return out;
}

export function statusLabel(s: InventoryService): { icon: string; text: string } {
  switch (s.status) {
    case 'ok':
      return { icon: '✅', text: 'OK' };
    case 'info':
      return { icon: '✅', text: `OK (${plural(s.findings, 'note')})` };
    case 'warning':
      return { icon: '⚠️', text: plural(s.findings, 'finding') };
    case 'error':
      return { icon: '❌', text: plural(s.findings, 'finding') };
  }
}

export const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

export function location(f: { file: string; line: number }): string {
  return `${f.file}:${f.line}`;
}

/** Distinct fix snippets of a group's findings, in finding order. */
export function snippetsOf(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.snippet).filter((s): s is string => !!s && s.trim() !== ''))];
}

/** Distinct fix descriptions of a group's findings. */
export function fixDescriptions(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.fix?.description).filter((s): s is string => !!s))];
}

export const MAX_LOCATIONS = 10;

/** Whether to name a finding's service after its message (when the message does not already). */
export function serviceSuffix(f: Finding): boolean {
  return !!f.service && !f.message.includes(f.service);
}

// ---------------------------------------------------------------------------------------------
// Markdown text helpers
// ---------------------------------------------------------------------------------------------

/** Escape text so it renders literally (CommonMark allows a backslash before any ASCII punctuation). */
export function mdEscape(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]<>#|~&]/g, (c) => `\\${c}`);
}

/** Text that starts a paragraph: also keep a leading "-", "+", "=" or "1." from starting a list or heading. */
export function mdParagraph(s: string): string {
  return s.replace(/^(\s*)([-+=])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** An inline code span holding `s` verbatim (a fence longer than any backtick run inside). */
export function mdCode(s: string, table = false): string {
  const text = s.replace(/\r?\n/g, ' ');
  if (text === '') return '—';
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  const body = table ? text.replace(/\|/g, '\\|') : text;
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * Rule-written text (messages, titles, docs prose) uses `backticks` for code. Keep those spans
 * as code and escape everything else; unbalanced backticks make the whole text literal.
 */
export function mdInline(s: string, table = false): string {
  const text = s.replace(/\r?\n/g, ' ');
  const parts = text.split('`');
  if (parts.length % 2 === 0) return mdEscape(text);
  return parts.map((p, i) => (i % 2 === 0 ? mdEscape(p) : p === '' ? '' : mdCode(p, table))).join('');
}

/** A fenced code block that no line of `body` can close early. */
export function mdFence(body: string, lang = ''): string {
  const runs = body.match(/^[ \t]*(`{3,}|~{3,})/gm) ?? [];
  const longest = Math.max(0, ...runs.map((r) => r.trim().length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const info = lang.replace(/[^A-Za-z0-9_+-]/g, '');
  return `${fence}${info}\n${body.replace(/\s+$/, '')}\n${fence}`;
}

function tableRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function cellOrDash(s: string): string {
  return s === '' ? '—' : s;
}

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

function executiveSummary(result: AuditResult, model: ReportModel): string[] {
  const out: string[] = ['## Executive Summary', '', `**Overall Score: ${result.score.toFixed(1)}/10**`, '', mdParagraph(mdEscape(countsSentences(result, model).join(' '))), ''];
  out.push('### Key Strengths', '');
  if (result.strengths.length) for (const s of result.strengths) out.push(`- ✅ ${mdInline(s.title)}: ${mdInline(s.detail)}`);
  else out.push('- None detected.');
  out.push('', '### Critical Gaps', '');
  const gaps = model.sections.filter((s) => s.priority === 'P1' || s.priority === 'P2').flatMap((s) => s.groups);
  if (gaps.length) {
    for (const g of gaps) {
      const icon = g.worst === 'error' ? '❌' : '⚠️';
      const services = [...new Set(g.findings.map((f) => f.service).filter((x): x is string => !!x))];
      const where = services.length ? `: ${services.slice(0, 6).map((x) => mdCode(x)).join(', ')}${services.length > 6 ? ` and ${services.length - 6} more` : ''}` : '';
      out.push(`- ${icon} ${mdInline(g.rule.title)} (${g.rule.priority}, ${plural(g.findings.length, 'finding')}${where})`);
    }
  } else out.push('- None: no P1 or P2 findings.');
  out.push('');
  return out;
}

function inventorySection(result: AuditResult): string[] {
  const out: string[] = ['## Service Inventory', ''];
  if (!result.inventory.length) {
    out.push('No compose files found.', '');
    return out;
  }
  for (const unit of result.inventory) {
    out.push(`### ${mdInline(unit.unit)}${unit.kind === 'standalone' ? ' (standalone)' : ''}`, '');
    if (unit.files.length > 1) out.push(`Files: ${unit.files.map((f) => mdCode(f)).join(' + ')}`, '');
    if (!unit.loaded) {
      out.push(`❌ **Not loadable:** ${mdEscape(unit.error ?? 'unknown error')}`, '');
      continue;
    }
    if (!unit.services.length) {
      out.push('No services.', '');
      continue;
    }
    out.push(tableRow(['Service', 'Ports', 'Image / Build', 'Profiles', 'Purpose', 'Status']), tableRow(['---', '---', '---', '---', '---', '---']));
    for (const s of unit.services) {
      const source: string[] = [];
      if (s.image) source.push(mdCode(s.image, true));
      if (s.build) source.push(`build: ${mdCode(s.build, true)}`);
      const st = statusLabel(s);
      out.push(
        tableRow([
          mdCode(s.name, true),
          cellOrDash(s.ports.map((p) => mdEscape(p)).join(', ')),
          cellOrDash(source.join(', ')),
          cellOrDash(s.profiles.map((p) => mdEscape(p)).join(', ')),
          cellOrDash(mdEscape(s.purpose)),
          `${st.icon} ${mdEscape(st.text)}`,
        ]),
      );
    }
    out.push('');
  }
  return out;
}

function ruleBlock(g: RuleGroup): string[] {
  const r = g.rule;
  const out: string[] = [`#### [ ] ${g.key} ${mdInline(r.title)}`, ''];
  out.push(`**Rule:** [${mdCode(r.id)}](${docsUrl(r.id)}) · ${r.severity} · ${mdEscape(String(r.category))} · ${plural(g.findings.length, 'finding')}`, '');
  const locs = [...new Set(g.findings.map(location))];
  const shown = locs.slice(0, MAX_LOCATIONS).map((l) => mdCode(l));
  out.push(`**Location:** ${shown.join(', ')}${locs.length > MAX_LOCATIONS ? ` and ${locs.length - MAX_LOCATIONS} more` : ''}`, '');
  const messages = g.findings.map((f) => `${SEVERITY_ICON[f.severity]} ${mdInline(f.message)}${serviceSuffix(f) ? ` (${mdCode(f.service!)})` : ''}`);
  const uniqueMessages = [...new Set(messages)];
  if (uniqueMessages.length === 1) out.push(`**Current:** ${uniqueMessages[0]}`, '');
  else {
    out.push('**Current:**', '');
    for (const m of uniqueMessages.slice(0, MAX_LOCATIONS)) out.push(`- ${m}`);
    if (uniqueMessages.length > MAX_LOCATIONS) out.push(`- … and ${uniqueMessages.length - MAX_LOCATIONS} more`);
    out.push('');
  }
  const risk = r.docs?.why ?? r.rationale;
  if (risk) out.push(`**Risk:** ${mdInline(risk)}`, '');
  const words = [r.docs?.fix, ...fixDescriptions(g.findings).map((d) => `Automatic fix available: ${d}.`)].filter((s): s is string => !!s);
  out.push(`**Fix:** ${words.length ? words.map((w) => mdInline(w)).join(' ') : `see ${docsUrl(r.id)}`}`, '');
  const snippet = snippetsOf(g.findings)[0];
  if (snippet) out.push(mdFence(snippet, 'yaml'), '');
  else if (r.docs?.good) out.push(mdFence(r.docs.good, r.docs.lang ?? 'yaml'), '');
  out.push(`**Effort:** ${r.effort}`, '', '---', '');
  return out;
}

function painPoints(model: ReportModel): string[] {
  const out: string[] = ['## Pain Points by Priority', ''];
  for (const s of model.sections) {
    out.push(`### Priority ${s.priority.slice(1)}: ${s.heading}`, '');
    if (!s.groups.length) {
      out.push('No findings.', '');
      continue;
    }
    for (const g of s.groups) out.push(...ruleBlock(g));
  }
  return out;
}

function preserve(result: AuditResult): string[] {
  const out: string[] = ['## What Works Well (Preserve)', ''];
  if (!result.strengths.length) {
    out.push('Nothing detected yet: health checks, named volumes, non-root users, pinned images and profiles are what shipshape looks for.', '');
    return out;
  }
  for (const s of result.strengths) {
    out.push(`### ✅ ${mdInline(s.title)}`, '', mdParagraph(mdInline(s.detail)), '');
    if (s.evidence.length) {
      out.push(`Evidence: ${[...new Set(s.evidence.map(location))].map((l) => mdCode(l)).join(', ')}`, '');
    }
  }
  return out;
}

function effortSection(result: AuditResult): string[] {
  const out: string[] = ['## Estimated Effort', ''];
  if (!result.effort.length) {
    out.push('Nothing to do.', '');
    return out;
  }
  out.push(tableRow(['Priority', 'Tasks', 'Findings', 'Estimated Time']), tableRow(['---', '---:', '---:', '---']));
  for (const r of result.effort) out.push(tableRow([`${r.priority} - ${PRIORITY_LABELS[r.priority]}`, plural(r.tasks, 'task'), String(r.findings), formatHours(r.hours)]));
  const t = effortTotals(result);
  out.push(tableRow(['**Total**', `**${plural(t.tasks, 'task')}**`, `**${t.findings}**`, `**${formatHours(t.hours)}**`]), '');
  return out;
}

function notesSection(result: AuditResult, model: ReportModel): string[] {
  const out: string[] = [];
  if (result.suppressed.length) {
    out.push('## Suppressed', '');
    for (const s of result.suppressed) {
      const title = model.rules.get(s.rule)?.title;
      out.push(`- ${mdCode(location(s))} ${mdCode(s.rule)}${title ? ` (${mdInline(title)})` : ''}: ${mdEscape(s.reason)} (${s.by})`);
    }
    out.push('');
  }
  const notes: string[] = [];
  for (const s of result.unusedSuppressions) notes.push(`- ${mdCode(location(s))}: unused suppression of ${mdCode(s.rule)} (${mdEscape(s.reason)})`);
  for (const s of result.invalidSuppressions) notes.push(`- ${mdCode(location(s))}: ignored shipshape-ignore comment: ${mdEscape(s.why)}`);
  for (const e of result.ruleErrors) notes.push(`- internal error in rule ${mdCode(e.rule)}: ${mdEscape(e.message.split('\n')[0] ?? '')}`);
  if (notes.length) out.push('## Notes', '', ...notes, '');
  return out;
}

export function markdownDocument(result: AuditResult, opts: Pick<RenderOptions, 'rules'>): string {
  const model = reportModel(result, opts);
  const lines: string[] = [
    `# Docker Setup Audit: ${mdEscape(projectName(result))}`,
    '',
    `**Tool:** shipshape ${mdEscape(result.tool.version)} · **Rules run:** ${result.rules.length} · **Compose units:** ${result.inventory.length} · **Services:** ${model.serviceCount}`,
    '',
    '---',
    '',
    ...executiveSummary(result, model),
    '---',
    '',
    ...inventorySection(result),
    '---',
    '',
    ...painPoints(model),
    ...preserve(result),
    '---',
    '',
    ...effortSection(result),
    ...notesSection(result, model),
  ];
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

export const renderMarkdown: Renderer = (result, opts) => markdownDocument(result, opts);
