/** `shipshape rules`: every rule with its metadata. */
import { colors } from '../cli/output.js';
import { RULES } from '../rules/index.js';

export function rulesCommand(flags: { json?: boolean }): number {
  if (flags.json) {
    const rows = RULES.map((r) => ({ ...r.meta, docsPage: `docs/rules/${r.meta.id}.md` }));
    process.stdout.write(`${JSON.stringify({ version: 1, rules: rows }, null, 2)}\n`);
    return 0;
  }
  const c = colors();
  const width = Math.max(...RULES.map((r) => r.meta.id.length));
  let category = '';
  for (const r of RULES) {
    const m = r.meta;
    if (m.category !== category) {
      category = m.category;
      process.stdout.write(`\n${c.bold(category)}\n`);
    }
    const fix = m.fixable === true ? 'fix' : m.fixable === 'suggestion' ? 'sugg' : '';
    process.stdout.write(`  ${m.id.padEnd(width)}  ${m.severity.padEnd(7)} ${m.priority}  ${fix.padEnd(4)}  ${m.title}\n`);
  }
  process.stdout.write(`\n${RULES.length} rules. Docs: docs/rules/<id>.md\n`);
  return 0;
}
