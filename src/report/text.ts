/** `--format text`: findings grouped by file, then a summary; colour only when asked (a TTY). */
import pc from 'picocolors';
import type { Finding, Severity } from '../audit/types.js';
import type { Renderer } from './types.js';

export const renderText: Renderer = (result, opts) => {
  const c = pc.createColors(opts.color);
  const sev: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  const lines: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  for (const [file, list] of byFile) {
    lines.push(c.underline(file));
    for (const f of list) {
      const where = c.dim(`${f.line}:${f.column}`.padEnd(8));
      lines.push(`  ${where} ${sev[f.severity](f.severity.padEnd(7))} ${c.dim(f.priority)}  ${f.message}  ${c.dim(f.rule)}`);
    }
    lines.push('');
  }
  const n = result.counts;
  const scoreColor = result.score >= 8 ? c.green : result.score >= 5 ? c.yellow : c.red;
  lines.push(
    `${c.bold('Score')} ${scoreColor(`${result.score.toFixed(1)}/10`)}  ` +
      `${n.total} finding${n.total === 1 ? '' : 's'}: ${c.red(`${n.error} error${n.error === 1 ? '' : 's'}`)}, ${c.yellow(`${n.warning} warning${n.warning === 1 ? '' : 's'}`)}, ${c.blue(`${n.info} info`)}` +
      `  (P1 ${n.byPriority.P1} · P2 ${n.byPriority.P2} · P3 ${n.byPriority.P3} · P4 ${n.byPriority.P4} · P5 ${n.byPriority.P5})`,
  );
  const units = result.inventory;
  const broken = units.filter((u) => !u.loaded);
  lines.push(`${units.length} compose unit${units.length === 1 ? '' : 's'}, ${units.reduce((s, u) => s + u.services.length, 0)} services${broken.length ? `, ${c.red(`${broken.length} not loadable`)}` : ''}`);
  if (result.strengths.length) lines.push(`${c.green('Strengths')}: ${result.strengths.map((s) => s.title).join(', ')}`);
  if (result.suppressed.length) lines.push(c.dim(`${result.suppressed.length} finding${result.suppressed.length === 1 ? '' : 's'} suppressed`));
  for (const s of result.invalidSuppressions) lines.push(c.yellow(`${s.file}:${s.line}: shipshape-ignore comment ignored: ${s.why}`));
  for (const e of result.ruleErrors) lines.push(c.red(`internal error in rule ${e.rule}: ${e.message.split('\n')[0]}`));
  return `${lines.join('\n')}\n`;
};
