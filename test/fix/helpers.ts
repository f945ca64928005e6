/** Shared checks for the fix engine's tests. */
import { expect } from 'vitest';
import { Lexer, parseAllDocuments } from 'yaml';
import type { Edit } from '../../src/audit/types.js';
import { applyEdits, type ApplyOptions, type ApplyResult } from '../../src/fix/apply.js';
import { diffLines } from '../../src/fix/diff.js';
import { parseYamlDocuments } from '../../src/load/yaml.js';

export const FILE = 'compose.yaml';

/** The number of comments in a YAML text (as the lexer sees them: never a `#` inside a scalar). */
export function commentCount(text: string): number {
  let n = 0;
  for (const tok of new Lexer().lex(text)) if (tok.startsWith('#')) n++;
  return n;
}

/** The file's value as the loader reads it (merges resolved, go-yaml scalars). */
export function loaded(text: string): unknown {
  const docs = parseYamlDocuments(text, FILE);
  return JSON.parse(JSON.stringify(docs[0]?.value ?? null));
}

/** Lines removed from the old text (1-based numbers) and lines added (their text, no line break). */
export function changedLines(oldText: string, newText: string): { removed: number[]; added: string[] } {
  const removed: number[] = [];
  const added: string[] = [];
  for (const op of diffLines(oldText, newText)) {
    if (op.op === '-') removed.push(op.oldIndex + 1);
    else if (op.op === '+') added.push(op.line.replace(/\r?\n$/, ''));
  }
  return { removed, added };
}

/**
 * The untouched-bytes property: every old line outside `allowedOld` (1-based line numbers) is in
 * the new text unchanged and in order — i.e. the diff removes no other line.
 */
export function expectOnlyLinesChanged(oldText: string, newText: string, allowedOld: number[]): void {
  const { removed } = changedLines(oldText, newText);
  const extra = removed.filter((l) => !allowedOld.includes(l));
  expect(extra, `lines changed outside ${allowedOld.join(',')}`).toEqual([]);
}

export function parses(text: string): boolean {
  const docs = parseAllDocuments(text);
  return Array.isArray(docs) && docs.every((d) => d.errors.length === 0);
}

/**
 * Apply edits and check what must hold for every edit: the result parses, applying the same
 * edits again changes nothing (not for deletions of sequence items, which are by position), no comment is lost (`lostComments` allows deleted same-line ones),
 * and CRLF files stay CRLF.
 */
export function applyChecked(text: string, edits: Edit[], opts: ApplyOptions & { lostComments?: number; byPosition?: boolean } = {}): ApplyResult {
  const r = applyEdits(text, edits, FILE, opts);
  expect(parses(r.text), `result parses:\n${r.text}`).toBe(true);
  if (!opts.byPosition) {
    const again = applyEdits(r.text, edits, FILE, opts);
    expect(again.text, 'idempotent').toBe(r.text);
    expect(again.applied, 'nothing left to apply').toEqual([]);
  }
  expect(commentCount(r.text)).toBeGreaterThanOrEqual(commentCount(text) - (opts.lostComments ?? 0));
  if (text.includes('\r\n')) expect(r.text.replace(/\r\n/g, '').includes('\n'), 'only CRLF line breaks').toBe(false);
  return r;
}

export function set(path: (string | number)[], value: unknown, comment?: string): Edit {
  return { kind: 'yaml-set', file: FILE, path, value, ...(comment ? { comment } : {}) };
}

export function del(path: (string | number)[]): Edit {
  return { kind: 'yaml-delete', file: FILE, path };
}

export function mergeAnchor(anchor: string, value: unknown, targets: (string | number)[][], removeKeys?: string[]): Edit {
  return { kind: 'yaml-merge-anchor', file: FILE, anchor, value, targets, ...(removeKeys ? { removeKeys } : {}) };
}

/** Join lines with LF and a final line break. */
export function y(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

export function crlf(text: string): string {
  return text.replace(/\n/g, '\r\n');
}
