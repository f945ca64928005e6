/** The `shipshape verify` report, three ways: text (colour on a TTY), markdown checklist, JSON document. */
import pc from 'picocolors';
import { VERIFY_VERSION, type ItemStatus, type VerifyItem } from './verify-checks.js';

export type VerifyFormat = 'text' | 'markdown' | 'json';

export interface VerifyReport {
  project: string;
  /** the isolated project `--up` started (and removed), when used */
  upProject?: string;
  ok: boolean;
  exitCode: 0 | 1 | 2;
  items: VerifyItem[];
  durationS: number;
  /** one line when verification could not be made at all */
  error?: string;
}

export function countByStatus(items: readonly VerifyItem[]): Record<ItemStatus, number> {
  const c: Record<ItemStatus, number> = { pass: 0, fail: 0, skip: 0 };
  for (const i of items) c[i.status]++;
  return c;
}

const KIND_TITLE: Record<VerifyItem['kind'], string> = {
  up: 'Stack started',
  running: 'Containers running and healthy',
  healthcheck: 'Health checks pass when run now',
  port: 'Published ports accept TCP',
  user: 'No process runs as root (unless allowed)',
  limits: 'Declared memory/CPU limits applied',
  logging: 'Declared logging / log rotation applied',
  restart: 'Restart policy as declared',
  persistence: 'Named volumes keep data across a restart',
};

const ORDER = Object.keys(KIND_TITLE) as VerifyItem['kind'][];

function groups(items: readonly VerifyItem[]): [VerifyItem['kind'], VerifyItem[]][] {
  return ORDER.map((k) => [k, items.filter((i) => i.kind === k)] as [VerifyItem['kind'], VerifyItem[]]).filter(([, l]) => l.length > 0);
}

function summary(r: VerifyReport): string {
  const c = countByStatus(r.items);
  // worded so that no CI log parser mistakes it for a test runner's "N passed, N failed" line
  return `${r.ok ? 'verified' : 'NOT verified'}: ${c.fail} of ${c.pass + c.fail} checks failed, ${c.skip} skipped (${r.durationS.toFixed(1)} s)`;
}

export function renderText(r: VerifyReport, color = false): string {
  const c = pc.createColors(color);
  const mark = (s: ItemStatus) => (s === 'pass' ? c.green('✔') : s === 'fail' ? c.red('✘') : c.dim('-'));
  const lines = [c.bold(`shipshape verify: project ${r.project}${r.upProject ? ` (started as ${r.upProject}, removed afterwards)` : ''}`)];
  if (r.error) lines.push(`${c.red('error')}: ${r.error}`);
  for (const [kind, list] of groups(r.items)) {
    lines.push('', c.bold(KIND_TITLE[kind]));
    for (const i of list) {
      const title = i.status === 'fail' ? c.red(i.title) : i.status === 'skip' ? c.dim(i.title) : i.title;
      lines.push(`  ${mark(i.status)} ${title}`);
      for (const e of i.evidence) lines.push(c.dim(`      ${e.replace(/\n/g, '\n      ')}`));
    }
  }
  lines.push('', r.ok ? c.green(summary(r)) : c.red(summary(r)));
  return `${lines.join('\n')}\n`;
}

function mdEscape(s: string): string {
  return s.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

export function renderMarkdown(r: VerifyReport): string {
  const lines = [`# shipshape verify: \`${r.project}\``, ''];
  if (r.upProject) lines.push(`Started as \`${r.upProject}\` for this run and removed afterwards.`, '');
  if (r.error) lines.push(`**Error:** ${mdEscape(r.error)}`, '');
  lines.push(`**${summary(r)}**`, '');
  for (const [kind, list] of groups(r.items)) {
    lines.push(`## ${KIND_TITLE[kind]}`, '');
    for (const i of list) {
      const box = i.status === 'pass' ? '[x]' : '[ ]';
      lines.push(`- ${box} ${i.status === 'skip' ? '(skipped) ' : ''}${mdEscape(i.title)}`);
      for (const e of i.evidence) lines.push(`  - \`${e.replace(/`/g, "'").replace(/\n/g, ' ⏎ ')}\``);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderJson(r: VerifyReport): string {
  const c = countByStatus(r.items);
  const doc = {
    v: VERIFY_VERSION,
    project: r.project,
    ...(r.upProject ? { upProject: r.upProject } : {}),
    ok: r.ok,
    exitCode: r.exitCode,
    summary: c,
    durationS: Math.round(r.durationS * 1000) / 1000,
    ...(r.error ? { error: r.error } : {}),
    items: r.items,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function renderVerify(r: VerifyReport, format: VerifyFormat, color = false): string {
  return format === 'json' ? renderJson(r) : format === 'markdown' ? renderMarkdown(r) : renderText(r, color);
}
