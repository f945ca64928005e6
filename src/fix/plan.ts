/**
 * From findings to file changes: pick the fixes `shipshape fix` may apply (safe ones, unsafe ones
 * only when asked), group their edits by file, drop repeats (several findings often carry the
 * same edit, e.g. one shared x-logging anchor), and apply them in memory.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { Edit, Finding } from '../audit/types.js';
import { parseYamlDocuments } from '../load/yaml.js';
import { applyEdits } from './apply.js';

export interface FileFix {
  /** absolute path */
  file: string;
  /** relative to the audited root */
  rel: string;
  before: string;
  after: string;
  applied: Edit[];
  skipped: { edit: Edit; why: string }[];
  /** why the result was refused (it no longer parses), if it was */
  refused?: string;
}

export interface FixPlan {
  files: FileFix[];
  /** findings whose fix is part of the plan */
  fixed: Finding[];
  /** findings with a fix that needs a human (unsafe, not requested) */
  suggestions: Finding[];
}

function key(e: Edit): string {
  return JSON.stringify(e);
}

export function planFixes(root: string, findings: Finding[], opts: { unsafe?: boolean; rules?: string[] } = {}): FixPlan {
  const chosen: Finding[] = [];
  const suggestions: Finding[] = [];
  for (const f of findings) {
    if (!f.fix) continue;
    if (opts.rules?.length && !opts.rules.includes(f.rule)) continue;
    if (f.fix.safety === 'safe' || opts.unsafe) chosen.push(f);
    else suggestions.push(f);
  }
  const byFile = new Map<string, { edits: Edit[]; seen: Set<string> }>();
  for (const f of chosen) {
    for (const e of f.fix!.edits) {
      const abs = path.resolve(root, e.file);
      const entry = byFile.get(abs) ?? { edits: [], seen: new Set<string>() };
      const k = key(e);
      if (!entry.seen.has(k)) {
        entry.seen.add(k);
        entry.edits.push(e);
      }
      byFile.set(abs, entry);
    }
  }
  const files: FileFix[] = [];
  for (const [abs, { edits }] of [...byFile.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let before: string;
    try {
      before = readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
    } catch {
      continue;
    }
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const result = applyEdits(before, edits, rel);
    const fix: FileFix = { file: abs, rel, before, after: result.text, applied: result.applied, skipped: result.skipped };
    if (/\.ya?ml$/i.test(abs) && result.text !== before) {
      try {
        parseYamlDocuments(result.text, rel);
      } catch (e) {
        fix.refused = `the fixed file would not parse (${(e as Error).message}); left unchanged`;
        fix.after = before;
      }
    }
    files.push(fix);
  }
  return { files, fixed: chosen, suggestions };
}
