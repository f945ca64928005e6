/** Validators shared by the report tests. */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'vitest';

/**
 * The official OASIS SARIF 2.1.0 schema (errata 01, the OASIS Standard), shipped verbatim as test
 * data: see schema/README.md. It is written for JSON Schema draft-04; the only draft-04 keyword in
 * it whose meaning changed in draft-07 is `id` (now `$id`) — it uses neither boolean
 * `exclusiveMinimum`/`exclusiveMaximum` nor anything else that differs — so it is compiled as
 * draft-07 (Ajv's default dialect) after renaming that one keyword.
 */
export function sarifValidator(): ValidateFunction {
  const raw = JSON.parse(readFileSync(new URL('./schema/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  expect(raw.$schema).toBe('http://json-schema.org/draft-04/schema#');
  const { id, ...rest } = raw;
  const schema = { ...rest, $schema: 'http://json-schema.org/draft-07/schema#', $id: String(id) };
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  // approximate checks of the formats the schema uses (Ajv 8 ships none; ajv-formats is not a dependency)
  ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s) && URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => !/[\s\\<>"{}|^`]/.test(s) && URL.canParse(s, 'file:///base/'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s));
  return ajv.compile(schema);
}

/** Split a markdown table row into cells on the pipes GFM treats as separators (not `\\|`). */
export function tableCells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Every markdown table in a document: header, separator, rows. */
export function markdownTables(text: string): string[][] {
  const out: string[][] = [];
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) (cur ??= []).push(line);
    else if (cur) {
      out.push(cur);
      cur = undefined;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Problems with markdown tables: rows whose cell count differs from the header's. */
export function tableProblems(text: string): string[] {
  const problems: string[] = [];
  for (const t of markdownTables(text)) {
    const n = tableCells(t[0]!).length;
    if (!tableCells(t[1]!).every((c) => /^:?-+:?$/.test(c))) problems.push(`bad separator: ${t[1]}`);
    for (const row of t) if (tableCells(row).length !== n) problems.push(`${tableCells(row).length} cells, want ${n}: ${row}`);
  }
  return problems;
}

/** Fenced code blocks that are never closed. */
export function unclosedFences(text: string): number {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^(`{3,}|~{3,})/.exec(line);
    if (!m) continue;
    if (!open) open = m[1];
    else if (m[1]![0] === open[0] && m[1]!.length >= open.length && line.trim() === m[1]) open = undefined;
  }
  return open ? 1 : 0;
}

const VOID = new Set(['meta', 'input', 'br', 'hr', 'img', 'link']);

/** A small well-formedness check of HTML: every non-void element is closed, in order. */
export function unbalancedTags(doc: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  const body = doc.replace(/<style>[\s\S]*?<\/style>/, '<style></style>').replace(/<!DOCTYPE html>/i, '');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const [, close, name] = m;
    const tag = name!.toLowerCase();
    if (VOID.has(tag)) continue;
    if (!close) stack.push(tag);
    else if (stack.pop() !== tag) problems.push(`unexpected </${tag}> at ${m.index}`);
  }
  return [...problems, ...stack.map((t) => `unclosed <${t}>`)];
}
