/** `shipshape fix`: apply the audit's safe fixes, as a diff, or written atomically with --write. */
import path from 'node:path';
import { runRules } from '../audit/engine.js';
import { buildRepoModel } from '../audit/repo.js';
import type { ComposeUnit } from '../audit/types.js';
import { colors, EXIT, reportError, useColor } from '../cli/output.js';
import { unifiedDiff } from '../fix/diff.js';
import { planFixes } from '../fix/plan.js';
import { writeFixes } from '../fix/write.js';
import { LoadError } from '../load/errors.js';
import { RULES } from '../rules/index.js';

export interface FixFlags {
  rule?: string[];
  write?: boolean;
  backup?: boolean;
  unsafe?: boolean;
  json?: boolean;
}

const loaded = (units: ComposeUnit[]) => new Set(units.filter((u) => u.project && !u.error).map((u) => u.label));

export async function fixCommand(dir: string | undefined, flags: FixFlags): Promise<number> {
  try {
    const root = path.resolve(dir ?? '.');
    for (const id of flags.rule ?? []) {
      const r = RULES.find((x) => x.meta.id === id);
      if (!r) throw new LoadError(`unknown rule "${id}"`, { code: 'usage', hint: 'run `shipshape rules` for the list' });
    }
    const rules = flags.rule?.length ? RULES.filter((r) => flags.rule!.includes(r.meta.id)) : RULES;
    const repo = await buildRepoModel(root);
    const run = runRules(repo, rules);
    const plan = planFixes(root, run.findings, { unsafe: flags.unsafe, rules: flags.rule });
    const changed = plan.files.filter((f) => f.after !== f.before);
    const c = colors(process.stdout);

    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          {
            version: 1,
            written: Boolean(flags.write),
            files: plan.files.map((f) => ({ file: f.rel, changed: f.after !== f.before, applied: f.applied.length, skipped: f.skipped.map((s) => ({ kind: s.edit.kind, why: s.why })), refused: f.refused ?? null, diff: unifiedDiff(f.before, f.after, f.rel) })),
            fixed: plan.fixed.map((f) => ({ rule: f.rule, file: f.file, line: f.line, message: f.message, fix: f.fix!.description })),
            suggestions: plan.suggestions.map((f) => ({ rule: f.rule, file: f.file, line: f.line, message: f.message, fix: f.fix!.description })),
          },
          null,
          2,
        )}\n`,
      );
    }

    if (!flags.write) {
      if (!flags.json) {
        for (const f of changed) {
          const diff = unifiedDiff(f.before, f.after, f.rel);
          process.stdout.write(useColor(process.stdout) ? diff.replace(/^(\+[^+].*|\+)$/gm, (l) => c.green(l)).replace(/^(-[^-].*|-)$/gm, (l) => c.red(l)) : diff);
        }
      }
    } else if (changed.length) {
      const before = loaded(repo.units);
      writeFixes(changed.map((f) => ({ file: f.file, before: f.before, after: f.after })), { backup: flags.backup });
      // safety: every unit that loaded before still loads; otherwise put the old text back
      const after = await buildRepoModel(root);
      const lost = [...before].filter((l) => !loaded(after.units).has(l));
      if (lost.length) {
        writeFixes(changed.map((f) => ({ file: f.file, before: f.after, after: f.before })));
        throw new LoadError(`the fixes made ${lost.join(', ')} fail to load; every file was restored`, { code: 'fix', hint: 'please report this as a shipshape bug' });
      }
    }

    if (!flags.json) {
      const out = process.stderr;
      for (const f of plan.files) {
        for (const s of f.skipped) if (s.why !== 'already applied') out.write(`${f.rel}: skipped ${s.edit.kind}: ${s.why}\n`);
        if (f.refused) out.write(`${f.rel}: ${f.refused}\n`);
      }
      const n = plan.fixed.length;
      if (!n && !plan.suggestions.length) out.write('nothing to fix\n');
      else {
        out.write(`${flags.write ? 'fixed' : 'would fix'} ${n} finding${n === 1 ? '' : 's'} in ${changed.length} file${changed.length === 1 ? '' : 's'}${flags.write ? '' : ' (run with --write to apply)'}\n`);
        if (plan.suggestions.length) {
          out.write(`${plan.suggestions.length} more need a decision (unsafe fixes, applied only with --unsafe):\n`);
          for (const f of plan.suggestions) out.write(`  ${f.file}:${f.line}  ${f.rule}: ${f.fix!.description}\n`);
        }
      }
    }
    return EXIT.ok;
  } catch (e) {
    return reportError(e);
  }
}
