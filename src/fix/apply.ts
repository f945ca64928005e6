/**
 * The edit engine: applies fixes (edits as data, see audit/types.ts) to a file's text surgically.
 *
 * YAML edits never re-stringify the document: each edit parses the current text with the `yaml`
 * package (source tokens kept), computes the exact spans to change and splices them in. Every
 * byte outside those spans — comments, key order, quoting, anchors, blank lines, indentation,
 * line endings, the trailing newline — stays as it was.
 *
 * Several edits on one file are applied in order, re-parsing after each one, so an edit sees the
 * effect of the previous ones (a later edit whose target an earlier one removed is "already
 * applied"). Paths name places in the original document: indexes of sequence items removed by
 * earlier edits are shifted. Text edits carry offsets into the original text: they are mapped
 * through the changes made before them, and skipped when they overlap one. The targets of one
 * yaml-merge-anchor are spliced together on one parse when they are independent (the usual
 * case), else one by one.
 *
 * Every edit is checked after it is applied: the result must parse; the document tree as written
 * (aliases not expanded, merges not resolved) must be the old one with exactly the intended change;
 * a merge target must mean what it meant; and when the original file loads with the loader, the
 * result must load too. An edit that fails a check is skipped and the text kept as it was.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Node as YamlNode, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Edit, TextEdit, YamlEdit } from '../audit/types.js';
import { parseYamlDocuments } from '../load/yaml.js';
import { AliasRef, isNonEmptyCollection, renderBlockLines, renderEntryLines, renderInline, renderKey, renderMapLines, renderSeqLines, type QuoteHint, type RenderStyle } from './render.js';
import { applySplices, firstOnLine, isBlankLine, isCommentLine, lineAt, lineEnd, lineNumber, lineStart, nextLineStart, type Splice } from './text.js';
import {
  anchorNodes,
  anchorsUsedOutside,
  blockColumn,
  EditError,
  entries,
  isNullNode,
  nodeValue,
  parseForEdit,
  pathText,
  rawValue,
  resolvePath,
  type Coll,
  type Entry,
  type ParsedText,
  type Step,
} from './yaml-doc.js';

export interface ApplyResult {
  /** the text with every applied edit */
  text: string;
  applied: Edit[];
  skipped: { edit: Edit; why: string }[];
  /** applied edits that left part of their work undone (a merge target that could not take the anchor …) */
  notes: { edit: Edit; note: string }[];
}

export interface ApplyOptions {
  /**
   * yaml-merge-anchor with removeKeys on a target written as a `KEY=VALUE` list: rewrite the list
   * as a mapping (true, the default) or skip that target (false).
   */
  listToMap?: boolean;
}

export const ALREADY_APPLIED = 'already applied';

/** An edit (or one target of it) that cannot be made; `already` when there is nothing left to do. */
class Skip extends Error {
  constructor(
    message: string,
    readonly already = false,
  ) {
    super(message);
  }
}

const already = (): Skip => new Skip(ALREADY_APPLIED, true);

/** The current text, its parse, and the log of splices made (for mapping text-edit offsets). */
class Editor {
  private cache: ParsedText | undefined;
  /** the style of the original text, kept for every later parse */
  private style: RenderStyle | undefined;
  log: Splice[][] = [];

  constructor(public text: string) {}

  parsed(): ParsedText {
    if (this.cache?.text === this.text) return this.cache;
    const p = parseForEdit(this.text, this.style);
    if (typeof p === 'string') throw new Skip(p);
    this.cache = p;
    this.style ??= p.style;
    return p;
  }

  /** Apply splices computed on the current text; the result must still parse. */
  apply(splices: Splice[]): void {
    const real = splices.filter((s) => s.start !== s.end || s.insert !== '');
    if (!real.length) return;
    const next = applySplices(this.text, real);
    const p = parseForEdit(next, this.style);
    if (typeof p === 'string') throw new Skip(`internal: the edit would break the file (${p}); not applied`);
    this.text = next;
    this.cache = p;
    this.log.push(real);
  }

  snapshot(): { text: string; n: number } {
    return { text: this.text, n: this.log.length };
  }

  restore(s: { text: string; n: number }): void {
    this.text = s.text;
    this.log.length = s.n;
  }
}

/**
 * Sequence items removed so far, so that the paths of later edits (written against the original
 * document) still name the same items: `ports[3]` after `ports[1]` was deleted is `ports[2]`.
 */
class PathMap {
  private removed: { seq: (string | number)[]; index: number }[] = [];

  /** The path in the current text, or undefined when an earlier edit removed what it names. */
  map(path: (string | number)[]): (string | number)[] | undefined {
    let p = [...path];
    for (const r of this.removed) {
      if (p.length <= r.seq.length || !r.seq.every((seg, i) => seg === p[i])) continue;
      const j = p[r.seq.length];
      if (typeof j !== 'number') continue;
      if (j === r.index) return undefined;
      if (j > r.index) p = [...p.slice(0, r.seq.length), j - 1, ...p.slice(r.seq.length + 1)];
    }
    return p;
  }

  /** Record that item `index` of the sequence at `seq` (a current path) was removed. */
  removedItem(seq: (string | number)[], index: number): void {
    this.removed.push({ seq, index });
  }
}

/**
 * Apply `edits` to `text` (the content of `file`, used in messages and checks; the caller groups
 * edits by file). Pure: returns the new text and which edits were applied or skipped, and why.
 */
export function applyEdits(text: string, edits: Edit[], file: string, opts: ApplyOptions = {}): ApplyResult {
  // Loading with the loader after every edit costs a full load each time: check the end result,
  // and only when it no longer loads (while the original did) go again, checking each edit.
  const fast = run(text, edits, file, opts, false);
  if (fast.text === text || edits.every((e) => e.kind === 'text')) return fast;
  if (loaderValue(fast.text, file).ok || !loaderValue(text, file).ok) return fast;
  return run(text, edits, file, opts, true);
}

function run(text: string, edits: Edit[], file: string, opts: ApplyOptions, checkLoads: boolean): ApplyResult {
  const ed = new Editor(text);
  const applied: Edit[] = [];
  const skipped: ApplyResult['skipped'] = [];
  const notes: ApplyResult['notes'] = [];
  const doneText: TextEdit[] = [];
  const originalParses = typeof parseForEdit(text) !== 'string';
  const paths = new PathMap();
  let memo: { text: string; value: ReturnType<typeof loaderValue> } | undefined;
  const load = (t: string) => {
    if (memo?.text !== t) memo = { text: t, value: loaderValue(t, file) };
    return memo.value;
  };
  for (const edit of edits) {
    const snap = ed.snapshot();
    const shifts: { seq: (string | number)[]; index: number }[] = [];
    try {
      if (edit.kind === 'text') {
        applyText(ed, edit, text.length, doneText, originalParses);
        doneText.push(edit);
      } else {
        const before = checkLoads ? load(ed.text) : undefined;
        const rawBefore = rawTree(ed);
        const res = applyYaml(ed, edit, opts, paths, shifts);
        if (before?.ok) {
          const after = load(ed.text);
          if (!after.ok) throw new Skip(`the result would no longer load (${after.error}); not applied`);
        }
        // the document tree as written (aliases not expanded, merges not resolved) is the old one
        // with exactly the intended change (editing an anchor's definition changes its aliases,
        // as it should; merge targets are checked for an unchanged value on their own)
        const rawAfter = rawTree(ed);
        if (!deepEqual(rawAfter, res.expectRaw(rawBefore, rawAfter))) throw new Skip('internal: the result differs from the intended change; not applied');
        for (const n of res.notes) notes.push({ edit, note: n });
        for (const sh of shifts) paths.removedItem(sh.seq, sh.index);
      }
      applied.push(edit);
    } catch (e) {
      ed.restore(snap);
      if (e instanceof Skip) skipped.push({ edit, why: e.message });
      else if (e instanceof EditError) skipped.push({ edit, why: e.message });
      else skipped.push({ edit, why: `internal error: ${(e as Error)?.message ?? String(e)}` });
    }
  }
  return { text: ed.text, applied, skipped, notes };
}

// ---------------------------------------------------------------------------------------------
// text edits

function applyText(ed: Editor, edit: TextEdit, originalLength: number, done: TextEdit[], mustParse: boolean): void {
  const { start, end } = edit;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > originalLength) throw new Skip(`offsets ${start}..${end} are outside the file`);
  if (done.some((d) => d.start === start && d.end === end && d.text === edit.text)) throw already();
  let a = start;
  let b = end;
  for (const batch of ed.log) {
    let da = 0;
    let db = 0;
    for (const s of batch) {
      const overlaps = s.start < b && a < s.end;
      const insideInsert = s.start === s.end && s.start > a && s.start < b;
      if (overlaps || insideInsert) throw new Skip('overlaps an earlier edit');
      const delta = s.insert.length - (s.end - s.start);
      if (s.end <= a) da += delta;
      if (s.end <= b) db += delta;
    }
    a += da;
    b += db;
  }
  if (ed.text.slice(a, b) === edit.text) throw already();
  const next = applySplices(ed.text, [{ start: a, end: b, insert: edit.text }]);
  if (mustParse) {
    const p = parseForEdit(next);
    if (typeof p === 'string') throw new Skip(`the edit would break the YAML (${p})`);
  }
  ed.text = next;
  ed.log.push([{ start: a, end: b, insert: edit.text }]);
}

// ---------------------------------------------------------------------------------------------
// checks

function loaderValue(text: string, file: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const docs = parseYamlDocuments(text, file);
    return { ok: true, value: docs[0]?.value ?? null };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof AliasRef);
}

/** Structural equality, key order ignored; `loose` compares scalars by their text (Compose reads `3` and `"3"` alike in most places). */
export function deepEqual(a: unknown, b: unknown, loose = false): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i], loose));
  }
  if (isRecord(a) || isRecord(b)) {
    if (!isRecord(a) || !isRecord(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k], loose));
  }
  if (a instanceof AliasRef || b instanceof AliasRef) return a instanceof AliasRef && b instanceof AliasRef && a.name === b.name;
  if (loose && a !== null && b !== null && a !== undefined && b !== undefined && typeof a !== 'object' && typeof b !== 'object') return String(a) === String(b);
  return false;
}

/** A value to write as the written tree holds it (AliasRefs kept, undefined as null). */
function rawOf(v: unknown): unknown {
  if (v instanceof AliasRef) return v;
  if (Array.isArray(v)) return v.map(rawOf);
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: rawOf(v[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v === undefined ? null : v;
}

function setIn(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const [seg, ...rest] = path;
  if (typeof seg === 'number') {
    const arr = Array.isArray(root) ? root : [];
    arr[seg] = setIn(arr[seg], rest, value);
    return arr;
  }
  const obj = isRecord(root) ? root : {};
  Object.defineProperty(obj, seg!, { value: setIn(obj[seg!], rest, value), enumerable: true, writable: true, configurable: true });
  return obj;
}

function deleteIn(root: unknown, path: (string | number)[]): unknown {
  const [seg, ...rest] = path;
  if (seg === undefined) return root;
  if (typeof seg === 'number') {
    if (!Array.isArray(root)) return root;
    if (rest.length) root[seg] = deleteIn(root[seg], rest);
    else root.splice(seg, 1);
    return root;
  }
  if (!isRecord(root)) return root;
  if (rest.length) root[seg] = deleteIn(root[seg], rest);
  else delete root[seg];
  return root;
}

function getIn(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof seg === 'number') v = Array.isArray(v) ? v[seg] : undefined;
    else v = isRecord(v) ? v[seg] : undefined;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// YAML edits

interface YamlResult {
  /** the written tree expected after the edit (see rawValue), from the trees before and after */
  expectRaw: (before: unknown, after: unknown) => unknown;
  notes: string[];
}

function rawTree(ed: Editor): unknown {
  const p = ed.parsed();
  return rawValue(p.doc, p.doc.contents as YamlNode | null);
}

function applyYaml(ed: Editor, edit: YamlEdit, opts: ApplyOptions, paths: PathMap, shifts: { seq: (string | number)[]; index: number }[]): YamlResult {
  switch (edit.kind) {
    case 'yaml-set': {
      if (!edit.path.length) throw new Skip('empty path');
      const path = paths.map(edit.path);
      if (!path) throw new Skip(`${pathText(edit.path)} was removed by an earlier edit`);
      ed.apply(setAt(ed.parsed(), path, edit.value, edit.comment));
      return { expectRaw: (b) => setIn(b, path, rawOf(edit.value)), notes: [] };
    }
    case 'yaml-delete': {
      if (!edit.path.length) throw new Skip('empty path');
      const path = paths.map(edit.path);
      if (!path) throw already();
      ed.apply(deleteAt(ed.parsed(), path));
      const last = path[path.length - 1];
      if (typeof last === 'number') shifts.push({ seq: path.slice(0, -1), index: last });
      return { expectRaw: (b) => deleteIn(b, path), notes: [] };
    }
    case 'yaml-merge-anchor': {
      const targets: (string | number)[][] = [];
      const gone: string[] = [];
      for (const t of edit.targets) {
        const m = paths.map(t);
        if (m) targets.push(m);
        else gone.push(`${pathText(t)}: removed by an earlier edit`);
      }
      const res = mergeAnchor(ed, { ...edit, targets }, opts, gone);
      return res;
    }
    default:
      throw new Skip(`unknown edit kind ${(edit as { kind: string }).kind}`);
  }
}

function cleanComment(c: string | undefined): string | undefined {
  if (c === undefined) return undefined;
  const t = c.replace(/[\r\n]+/g, ' ').replace(/^#\s*/, '').trim();
  return t || undefined;
}

function pad(n: number): string {
  return ' '.repeat(Math.max(0, n));
}

/** How strings are quoted among the scalar values of a collection. */
function nearbyHint(coll: Coll): QuoteHint {
  let plainN = 0;
  let dq = 0;
  let sq = 0;
  for (const it of coll.items) {
    const v = (isMap(coll) ? (it as { value?: unknown }).value : it) as YamlNode | null | undefined;
    if (!v || !isScalar(v) || (v.range && v.range[0] === v.range[1])) continue;
    if (v.type === Scalar.QUOTE_DOUBLE) dq++;
    else if (v.type === Scalar.QUOTE_SINGLE) sq++;
    else if (v.type === Scalar.PLAIN && typeof v.value === 'string' && !/^[-+.0-9]/.test(v.value) && !/^(true|false|null|~)$/i.test(v.value)) plainN++;
  }
  if (!dq && !sq) return {};
  const quote = sq > dq ? "'" : '"';
  return plainN === 0 && dq + sq >= 2 ? { quote, always: true } : { quote };
}

function hintFor(node: YamlNode | null, coll: Coll): QuoteHint {
  if (node && isScalar(node)) {
    if (node.type === Scalar.QUOTE_DOUBLE) return { quote: '"', always: true };
    if (node.type === Scalar.QUOTE_SINGLE) return { quote: "'", always: true };
    if (node.type === Scalar.PLAIN && !isNullNode(node)) return {};
  }
  return nearbyHint(coll);
}

/** The position just after the last flow collection among the steps' collections (for a comment at the end of its line). */
function flowCommentSplice(p: ParsedText, steps: Step[], comment: string | undefined): Splice[] {
  if (!comment) return [];
  const outer = steps.find((s) => s.coll.flow);
  if (!outer) return [];
  const end = outer.coll.range![1];
  const le = lineEnd(p.text, end);
  if (p.text.slice(end, le).includes('#')) return [];
  return [{ start: le, end: le, insert: ` # ${comment}` }];
}

function stepEntry(p: ParsedText, step: Step): Entry {
  const e = entries(p.text, step.coll)[step.index];
  if (!e) throw new EditError('entry not found');
  return e;
}

function isBlockColl(n: YamlNode | null): n is YAMLMap | YAMLSeq {
  return !!n && (isMap(n) || isSeq(n)) && !n.flow;
}

/** Splices replacing the value of the entry the last step points at. */
function replaceValue(p: ParsedText, steps: Step[], value: unknown, rawComment?: string, forceFlow = false): Splice[] {
  const { text, doc, style } = p;
  const eol = style.eol;
  const last = steps[steps.length - 1]!;
  const coll = last.coll;
  const e = stepEntry(p, last);
  const node = e.value;
  if (node) {
    const used = anchorsUsedOutside(doc, node, e.valueStart ?? e.start, e.end);
    if (used.length) throw new Skip(`the value defines ${used.map((a) => `&${a}`).join(', ')}, used elsewhere`);
  }
  const comment = cleanComment(rawComment);
  // a comment already on the line (a second run of the same fix after the value changed) is not written twice
  const sameComment = comment !== undefined && text.slice(e.start, lineEnd(text, e.end)).includes(`# ${comment}`);
  const c = comment && !coll.flow && !sameComment ? ` # ${comment}` : '';
  const hint = hintFor(node, coll);
  const oldFlow = !!node && (isMap(node) || isSeq(node)) && node.flow;
  const inSeq = isSeq(coll);
  const inline = forceFlow || coll.flow || !isNonEmptyCollection(value) || oldFlow || (inSeq && Array.isArray(value));
  const extra = flowCommentSplice(p, steps, coll.flow ? comment : undefined);

  if (inline) {
    const s = renderInline(value, style, coll.flow, hint);
    if (!node || e.valueStart === undefined) return [{ start: e.sepEnd, end: e.sepEnd, insert: ` ${s}${c}` }, ...extra];
    if (isBlockColl(node)) {
      // the block goes; a comment on the key line stays
      const keyRest = text.slice(e.sepEnd, lineEnd(text, e.sepEnd));
      const kept = /(?:^|\s)(#.*)$/.exec(keyRest)?.[1];
      return [{ start: e.sepEnd, end: lineEnd(text, e.end), insert: ` ${s}${c}${kept ? ` ${kept}` : ''}` }];
    }
    let start = e.valueStart;
    let prefix = '';
    if (node.anchor) {
      if (e.tagged) prefix = `&${node.anchor} `;
      else start = node.range![0];
    }
    return [{ start, end: e.end, insert: `${prefix}${s}${c}` }, ...extra];
  }

  if (inSeq) {
    // a mapping as a block sequence item: `- k: v` then the other keys under it
    const lines = renderMapLines(value as Record<string, unknown>, e.start - lineStart(text, e.start) + 2, style, hint);
    const first = lines[0]!.trimStart();
    const rest = lines.slice(1);
    const restText = rest.length ? eol + rest.join(eol) : '';
    if (!node || e.valueStart === undefined) return [{ start: e.sepEnd, end: e.sepEnd, insert: ` ${first}${c}${restText}` }];
    const sameLine = lineStart(text, e.valueStart) === lineStart(text, e.start);
    if (isBlockColl(node) || !sameLine) return [{ start: sameLine ? e.valueStart : e.sepEnd, end: lineEnd(text, e.end), insert: `${sameLine ? '' : ' '}${first}${c}${restText}` }];
    const le = lineEnd(text, e.end);
    return [
      { start: e.valueStart, end: e.end, insert: `${first}${c}` },
      ...(restText ? [{ start: le, end: le, insert: restText }] : []),
    ];
  }

  // a block value of a mapping key
  const keyCol = e.start - lineStart(text, e.start);
  let lines: string[];
  if (node && isBlockColl(node) && isMap(node) && isRecord(value)) lines = renderMapLines(value, blockColumn(text, node), style, hint);
  else if (node && isBlockColl(node) && isSeq(node) && Array.isArray(value)) lines = renderSeqLines(value, blockColumn(text, node), style, hint);
  else lines = renderBlockLines(value, keyCol, style, hint);
  const block = eol + lines.join(eol);
  const keyLineEnd = lineEnd(text, e.sepEnd);
  if (node && e.valueStart !== undefined && (isBlockColl(node) || e.valueStart > keyLineEnd)) {
    const hasComment = text.slice(e.sepEnd, keyLineEnd).includes('#');
    return [{ start: keyLineEnd, end: lineEnd(text, e.end), insert: `${hasComment ? '' : c}${block}` }];
  }
  const valueEnd = node && e.valueStart !== undefined ? e.end : e.sepEnd;
  const le = lineEnd(text, valueEnd);
  if (le === valueEnd) return [{ start: e.sepEnd, end: valueEnd, insert: `${c}${block}` }];
  return [
    { start: e.sepEnd, end: valueEnd, insert: c },
    { start: le, end: le, insert: block },
  ];
}

/** Splices adding `key: value` to a mapping, as its last entry or its first. */
function insertEntry(p: ParsedText, map: YAMLMap, steps: Step[], key: string, value: unknown, rawComment: string | undefined, where: 'first' | 'last', rawKey = false): Splice[] {
  const { text, style } = p;
  const eol = style.eol;
  const comment = cleanComment(rawComment);
  const hint = nearbyHint(map);
  const es = entries(text, map);
  if (map.flow) {
    const s = `${rawKey ? key : renderKey(key, true)}: ${renderInline(value, style, true, hint)}`;
    const extra = flowCommentSplice(p, [...steps, { coll: map, index: 0 }], comment);
    if (!es.length) {
      const open = map.range![0];
      if (text[open] !== '{') throw new EditError('unexpected flow mapping layout');
      return [{ start: open + 1, end: open + 1, insert: s }, ...extra];
    }
    if (where === 'last') return [{ start: es[es.length - 1]!.end, end: es[es.length - 1]!.end, insert: `, ${s}` }, ...extra];
    return [{ start: es[0]!.start, end: es[0]!.start, insert: `${s}, ` }, ...extra];
  }
  const col = blockColumn(text, map);
  const lines = renderEntryLines(key, value, col, style, { rawKey, ...(comment ? { comment } : {}), hint });
  if (where === 'last') {
    const at = lineEnd(text, es[es.length - 1]!.end);
    return [{ start: at, end: at, insert: eol + lines.join(eol) }];
  }
  const f = es[0]!;
  if (firstOnLine(text, f.start)) {
    const at = lineStart(text, f.start);
    return [{ start: at, end: at, insert: lines.join(eol) + eol }];
  }
  return [{ start: f.start, end: f.start, insert: [lines[0]!.trimStart(), ...lines.slice(1)].join(eol) + eol + pad(col) }];
}

/** Splices appending an item to a sequence. */
function appendItem(p: ParsedText, seq: YAMLSeq, steps: Step[], value: unknown, rawComment: string | undefined): Splice[] {
  const { text, style } = p;
  const comment = cleanComment(rawComment);
  const hint = nearbyHint(seq);
  const es = entries(text, seq);
  if (seq.flow) {
    const s = renderInline(value, style, true, hint);
    const extra = flowCommentSplice(p, [...steps, { coll: seq, index: 0 }], comment);
    if (!es.length) {
      const open = seq.range![0];
      if (text[open] !== '[') throw new EditError('unexpected flow sequence layout');
      return [{ start: open + 1, end: open + 1, insert: s }, ...extra];
    }
    const end = es[es.length - 1]!.end;
    return [{ start: end, end, insert: `, ${s}` }, ...extra];
  }
  const col = blockColumn(text, seq);
  const lines = renderSeqLines([value], col, style, hint);
  if (comment) lines[0] = `${lines[0]} # ${comment}`;
  const at = lineEnd(text, es[es.length - 1]!.end);
  return [{ start: at, end: at, insert: style.eol + lines.join(style.eol) }];
}

/** `value` nested under the keys of `segs` (a sequence only for index 0). */
function nest(segs: (string | number)[], value: unknown, full: (string | number)[]): unknown {
  let v = value;
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = segs[i]!;
    if (typeof s === 'number') {
      if (s !== 0) throw new Skip(`${pathText(full)}: cannot create item ${s} of a missing sequence`);
      v = [v];
    } else v = { [s]: v };
  }
  return v;
}

function isAliasTo(node: YamlNode | null, name: string): boolean {
  return !!node && isAlias(node) && node.source === name;
}

function mergedMessage(path: (string | number)[], at: number): string {
  return `${pathText(path.slice(0, at + 1))} comes from a merged anchor (<<), not from this mapping`;
}

/** Splices setting `path` to `value` (created with its missing parents). */
function setAt(p: ParsedText, path: (string | number)[], value: unknown, comment?: string): Splice[] {
  const r = resolvePath(p.doc, path);
  switch (r.kind) {
    case 'error':
      throw new Skip(r.why);
    case 'found': {
      if (value instanceof AliasRef) {
        if (isAliasTo(r.node, value.name)) throw already();
      } else if (r.node && !isAlias(r.node) && deepEqual(nodeValue(p.doc, r.node), rawOf(value))) throw already();
      return replaceValue(p, r.steps, value, comment);
    }
    case 'missing': {
      // the key itself may be overridden here; something inside it cannot without hiding the rest
      if (r.viaMerge && r.at < path.length - 1) throw new Skip(`${mergedMessage(path, r.at)}: setting a key inside it here would hide its other keys`);
      const nested = nest(path.slice(r.at + 1), value, path);
      if (isMap(r.coll)) return insertEntry(p, r.coll, r.steps, String(path[r.at]), nested, comment, 'last');
      return appendItem(p, r.coll as YAMLSeq, r.steps, nested, comment);
    }
    case 'null': {
      const seg = path[r.at]!;
      if (typeof seg === 'number') throw new Skip(`${pathText(path.slice(0, r.at))} is empty: cannot create item ${seg} of it`);
      return replaceValue(p, r.steps, nest(path.slice(r.at), value, path), comment);
    }
  }
}

/** The span of whole lines holding a block entry (tidying the blank lines it would leave). */
function entryLinesSpan(text: string, e: Entry): Splice {
  let start = lineStart(text, e.start);
  let end = nextLineStart(text, e.end);
  if (end === text.length && !text.endsWith('\n')) {
    // the last line has no line break: take the one before it instead, so the file still ends without one
    if (start > 0) start -= start >= 2 && text[start - 2] === '\r' ? 2 : 1;
    return { start, end, insert: '' };
  }
  if (start === 0 || isBlankLine(lineAt(text, start - 1))) {
    // do not leave a blank line at the top, or two blank lines where there was one
    while (end < text.length && isBlankLine(lineAt(text, end))) {
      const next = nextLineStart(text, end);
      if (next === text.length && !text.endsWith('\n')) break;
      end = next;
    }
  }
  return { start, end, insert: '' };
}

/** Splices removing the entry the steps point at. */
function deleteEntry(p: ParsedText, steps: Step[]): Splice[] {
  const { text, doc } = p;
  const last = steps[steps.length - 1]!;
  const coll = last.coll;
  const es = entries(text, coll);
  const e = es[last.index]!;
  const used = anchorsUsedOutside(doc, e.value, e.start, e.end);
  if (used.length) throw new Skip(`the entry defines ${used.map((a) => `&${a}`).join(', ')}, used elsewhere`);
  if (es.length === 1) {
    if (coll.flow) return [{ start: e.start, end: e.end, insert: '' }];
    const parent = steps.slice(0, -1);
    if (!parent.length) throw new Skip('it is the only top-level key: removing it would leave the file empty');
    const empty = isMap(coll) ? '{}' : '[]';
    const pStep = parent[parent.length - 1]!;
    if (isMap(pStep.coll) && !pStep.coll.flow && firstOnLine(text, e.start)) {
      // `key: {}` (an empty key would be null, which means something else), comments under it kept
      const pe = stepEntry(p, pStep);
      const keyRest = text.slice(pe.sepEnd, lineEnd(text, pe.sepEnd));
      if (/^\s*(#.*)?$/.test(keyRest)) return [{ start: pe.sepEnd, end: pe.sepEnd, insert: ` ${empty}` }, entryLinesSpan(text, e)];
    }
    return replaceValue(p, parent, isMap(coll) ? {} : []);
  }
  if (coll.flow) {
    if (last.index > 0) return [{ start: es[last.index - 1]!.end, end: e.end, insert: '' }];
    return [{ start: e.start, end: es[1]!.start, insert: '' }];
  }
  if (!firstOnLine(text, e.start)) return [{ start: e.start, end: es[last.index + 1]!.start, insert: '' }];
  return [entryLinesSpan(text, e)];
}

function deleteAt(p: ParsedText, path: (string | number)[]): Splice[] {
  const r = resolvePath(p.doc, path);
  if (r.kind === 'missing' && r.viaMerge) throw new Skip(`${mergedMessage(path, r.at)}: it cannot be removed here`);
  if (r.kind === 'missing' || r.kind === 'null') throw already();
  if (r.kind === 'error') {
    if (/out of range/.test(r.why)) throw already();
    throw new Skip(r.why);
  }
  return deleteEntry(p, r.steps);
}

// ---------------------------------------------------------------------------------------------
// yaml-merge-anchor

function mergeAnchor(ed: Editor, edit: Extract<YamlEdit, { kind: 'yaml-merge-anchor' }>, opts: ApplyOptions, gone: string[]): YamlResult {
  const { anchor, value, targets } = edit;
  if (!/^[^\s,[\]{}]+$/.test(anchor)) throw new Skip(`invalid anchor name "${anchor}"`);
  if (!targets.length) throw new Skip(gone.length ? gone.join('; ') : 'no targets');
  const merge = Array.isArray(edit.removeKeys);
  if (merge && !isRecord(value)) throw new Skip('a merge key (<<) needs a mapping as the anchor value');
  const start = ed.snapshot();
  const p0 = ed.parsed();
  const defs = anchorNodes(p0.doc, anchor);
  let addedKey: string | undefined;
  if (defs.length > 1) throw new Skip(`&${anchor} is defined ${defs.length} times`);
  if (defs.length === 1) {
    const existing = nodeValue(p0.doc, defs[0]!);
    if (!deepEqual(existing, value, true)) {
      const at = p0.text.lastIndexOf(`&${anchor}`, defs[0]!.range![0]);
      throw new Skip(`&${anchor} already exists (line ${lineNumber(p0.text, at < 0 ? defs[0]!.range![0] : at)}) with a different value`);
    }
  } else {
    const ins = insertAnchorBlock(p0, anchor, value, targets, edit.key);
    ed.apply(ins.splices);
    addedKey = ins.key;
  }
  const notes: string[] = [...gone];
  const aliasTargets: (string | number)[][] = [];
  const mergedTargets: (string | number)[][] = [];
  let done = 0;
  let unchanged = 0;
  const outcome = (target: (string | number)[], r: TargetOutcome) => {
    if (r === 'unchanged') unchanged++;
    else if (typeof r === 'object') notes.push(`${pathText(target)}: ${r.skip}`);
    else {
      done++;
      if (r === 'alias') aliasTargets.push(target);
      else mergedTargets.push(target);
    }
  };
  // all targets at once when they are independent (the usual case); else one by one, re-parsing
  const batch = batchTargets(ed, targets, anchor, merge ? (edit.removeKeys ?? []) : undefined, value);
  if (batch) batch.forEach((r, i) => outcome(targets[i]!, r));
  else {
    for (const target of targets) {
      const snap = ed.snapshot();
      try {
        outcome(target, merge ? mergeInto(ed, target, anchor, edit.removeKeys ?? [], value as Record<string, unknown>, opts) : aliasInto(ed, target, anchor));
      } catch (e) {
        ed.restore(snap);
        if (!(e instanceof Skip || e instanceof EditError)) throw e;
        outcome(target, { skip: e.message });
      }
    }
  }
  if (!done) {
    ed.restore(start);
    if (unchanged === targets.length && !addedKey) throw already();
    throw new Skip(notes.join('; ') || ALREADY_APPLIED, !notes.length);
  }
  return {
    notes,
    expectRaw(before, after) {
      let out = before;
      if (addedKey !== undefined) out = setIn(out, [addedKey], rawOf(value));
      for (const t of aliasTargets) out = setIn(out, t, new AliasRef(anchor));
      for (const t of mergedTargets) out = setIn(out, t, getIn(after, t));
      return out;
    },
  };
}

type TargetOutcome = 'alias' | 'merged' | 'converted' | 'unchanged' | { skip: string };

/**
 * Every target's splices computed on one parse and applied together, then checked; undefined when
 * that cannot be done safely (a list to rewrite, a flow mapping, splices that touch each other, a
 * check that fails) and the targets have to be done one by one.
 */
function batchTargets(ed: Editor, targets: (string | number)[][], anchor: string, removeKeys: string[] | undefined, value: unknown): TargetOutcome[] | undefined {
  const p = ed.parsed();
  const outcomes: TargetOutcome[] = [];
  const all: Splice[] = [];
  const checks: { i: number; before: unknown }[] = [];
  for (const [i, target] of targets.entries()) {
    let splices: Splice[];
    let before: unknown;
    try {
      if (removeKeys) {
        const r = mergeSplices(p, target, anchor, removeKeys, value as Record<string, unknown>);
        if (r === 'one-by-one') return undefined;
        if (r === 'unchanged') {
          outcomes.push('unchanged');
          continue;
        }
        ({ splices, before } = r);
      } else splices = setAt(p, target, new AliasRef(anchor));
    } catch (e) {
      if (!(e instanceof Skip || e instanceof EditError)) throw e;
      outcomes.push(e instanceof Skip && e.already ? 'unchanged' : { skip: e.message });
      continue;
    }
    all.push(...splices);
    checks.push({ i, before });
    outcomes.push(removeKeys ? 'merged' : 'alias');
  }
  const sorted = [...all].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (cur.start < prev.end || (cur.start === prev.start && cur.end === cur.start && prev.end === prev.start)) return undefined;
  }
  const snap = ed.snapshot();
  try {
    ed.apply(all);
  } catch (e) {
    ed.restore(snap);
    if (e instanceof Skip || e instanceof EditError) return undefined;
    throw e;
  }
  const q = ed.parsed();
  for (const { i, before } of checks) {
    const r = resolvePath(q.doc, targets[i]!);
    const ok = r.kind === 'found' && (removeKeys ? deepEqual(nodeValue(q.doc, r.node), before, true) : isAliasTo(r.node, anchor));
    if (!ok) {
      ed.restore(snap);
      return undefined;
    }
  }
  return outcomes;
}

/** mergeInto's splices for one target on a given parse; 'one-by-one' when it needs re-parsing between steps. */
function mergeSplices(p: ParsedText, target: (string | number)[], anchor: string, removeKeys: string[], value: Record<string, unknown>): { splices: Splice[]; before: unknown } | 'unchanged' | 'one-by-one' {
  const r = resolvePath(p.doc, target);
  if (r.kind === 'error') throw new Skip(r.why);
  if (r.kind !== 'found' || !r.node || isNullNode(r.node)) throw new Skip('has no mapping to merge the anchor into');
  const node = r.node;
  if (isAlias(node)) throw new Skip(`is an alias (*${node.source})`);
  if (!isMap(node) || node.flow) return 'one-by-one';
  const before = nodeValue(p.doc, node);
  const missing = Object.keys(value).filter((k) => isRecord(before) && !Object.prototype.hasOwnProperty.call(before, k));
  if (missing.length) throw new Skip(`merging &${anchor} would add ${missing.join(', ')}`);
  const splices: Splice[] = [];
  const mi = node.items.findIndex((pair) => isMergeKey(pair.key));
  const mv = mi >= 0 ? (node.items[mi]!.value as YamlNode | null) : null;
  const hasAnchor = isAliasTo(mv, anchor) || (!!mv && isSeq(mv) && mv.items.some((x) => isAliasTo(x as YamlNode, anchor)));
  if (!hasAnchor) {
    if (mi >= 0) return 'one-by-one';
    splices.push(...insertEntry(p, node, r.steps, '<<', new AliasRef(anchor), undefined, 'first', true));
  }
  const es = entries(p.text, node);
  for (const key of removeKeys) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const idx = node.items.findIndex((pair) => isScalar(pair.key) && String(pair.key.value) === key && !isMergeKey(pair.key));
    if (idx < 0 || !deepEqual(nodeValue(p.doc, node.items[idx]!.value as YamlNode | null), value[key], true)) continue;
    const e = es[idx]!;
    if (anchorsUsedOutside(p.doc, e.value, e.start, e.end).length) return 'one-by-one';
    if (firstOnLine(p.text, e.start)) splices.push(entryLinesSpan(p.text, e));
    else if (es[idx + 1]) splices.push({ start: e.start, end: es[idx + 1]!.start, insert: '' });
    else return 'one-by-one';
  }
  if (!splices.length) return 'unchanged';
  return { splices, before };
}

/** A `KEY=VALUE` list as the mapping it means (null for a bare `KEY`); undefined when it is not one. */
function listToMapping(list: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of list) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') return undefined;
    const s = String(item);
    const eq = s.indexOf('=');
    const k = eq < 0 ? s : s.slice(0, eq);
    if (!k || Object.prototype.hasOwnProperty.call(out, k)) return undefined;
    Object.defineProperty(out, k, { value: eq < 0 ? null : s.slice(eq + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The top-level `x-<anchor>: &<anchor>` block (or `<key>: &<anchor>`), placed before `services:` (and before any top-level key a target lives in). */
function insertAnchorBlock(p: ParsedText, anchor: string, value: unknown, targets: (string | number)[][], wanted?: string): { splices: Splice[]; key: string } {
  const { text, doc, style } = p;
  const eol = style.eol;
  const root = doc.contents as YamlNode | null;
  if (!root || !isMap(root) || root.flow) throw new Skip('the top level is not a block mapping');
  const es = entries(text, root);
  const names = new Set(es.map((e) => e.key));
  // the key asked for, else x-<anchor>; taken already (by another value): the first free -2, -3 …
  const base = wanted || (anchor.startsWith('x-') ? anchor : `x-${anchor}`);
  let key = base;
  for (let n = 2; names.has(key); n++) key = `${base}-${n}`;
  const col = blockColumn(text, root);
  const head = `${pad(col)}${renderKey(key)}: &${anchor}`;
  const lines = isNonEmptyCollection(value) ? [head, ...renderBlockLines(value, col, style)] : [`${head} ${renderInline(value, style)}`];
  const block = lines.join(eol);
  const firstUse = [es.findIndex((e) => e.key === 'services'), ...targets.map((t) => es.findIndex((e) => e.key === String(t[0])))].filter((i) => i >= 0);
  if (!firstUse.length) {
    const at = lineEnd(text, es[es.length - 1]!.end);
    return { key, splices: [{ start: at, end: at, insert: eol + eol + block }] };
  }
  const idx = Math.min(...firstUse);
  const e = es[idx]!;
  let pos = lineStart(text, e.start);
  // comments right above the key describe it: put the anchor above them (but not above the file's header)
  const floor = idx > 0 ? lineEnd(text, es[idx - 1]!.end) : -1;
  let climb = pos;
  while (climb > 0) {
    const prev = lineStart(text, climb - 1);
    if (prev <= floor || !isCommentLine(lineAt(text, prev))) break;
    climb = prev;
  }
  if (climb > 0 || idx > 0) pos = climb;
  const blankBefore = pos > 0 && !isBlankLine(lineAt(text, pos - 1));
  return { key, splices: [{ start: pos, end: pos, insert: `${blankBefore ? eol : ''}${block}${eol}${eol}` }] };
}

/** Set the target to `*anchor`. */
function aliasInto(ed: Editor, target: (string | number)[], anchor: string): 'alias' | 'unchanged' {
  let splices: Splice[];
  try {
    splices = setAt(ed.parsed(), target, new AliasRef(anchor));
  } catch (e) {
    if (e instanceof Skip && e.already) return 'unchanged';
    throw e;
  }
  ed.apply(splices);
  return 'alias';
}

function isMergeKey(k: unknown): boolean {
  return isScalar(k) && k.type === Scalar.PLAIN && k.value === '<<';
}

/** Give the target mapping `<<: *anchor` and remove the keys the anchor now provides. */
function mergeInto(ed: Editor, target: (string | number)[], anchor: string, removeKeys: string[], value: Record<string, unknown>, opts: ApplyOptions): 'merged' | 'converted' | 'unchanged' {
  const startText = ed.text;
  let p = ed.parsed();
  let r = resolvePath(p.doc, target);
  if (r.kind === 'error') throw new Skip(r.why);
  if (r.kind !== 'found') throw new Skip('has no mapping to merge the anchor into');
  let node = r.node;
  if (!node || isNullNode(node)) throw new Skip('has no mapping to merge the anchor into');
  if (isAlias(node)) throw new Skip(`is an alias (*${node.source})`);
  let before = nodeValue(p.doc, node);
  let converted = false;
  if (isSeq(node)) {
    if (opts.listToMap === false) throw new Skip('is a list (KEY=VALUE): a merge key needs a mapping');
    const mapping = listToMapping(before);
    if (!mapping) throw new Skip('is a list that is not KEY=VALUE entries: a merge key needs a mapping');
    ed.apply(listToMapSplices(p, r.steps, node, mapping));
    before = mapping;
    converted = true;
    p = ed.parsed();
    r = resolvePath(p.doc, target);
    if (r.kind !== 'found') throw new EditError('internal: the converted list is gone');
    node = r.node;
  }
  if (!node || !isMap(node)) throw new Skip('is not a mapping');
  const mi = node.items.findIndex((pair) => isMergeKey(pair.key));
  const mv = mi >= 0 ? (node.items[mi]!.value as YamlNode | null) : null;
  const hasAnchor = isAliasTo(mv, anchor) || (!!mv && isSeq(mv) && mv.items.some((x) => isAliasTo(x as YamlNode, anchor)));
  if (!hasAnchor) {
    if (mi < 0) ed.apply(insertEntry(p, node, r.steps, '<<', new AliasRef(anchor), undefined, 'first', true));
    else {
      const sources: YamlNode[] = mv && isSeq(mv) ? (mv.items as YamlNode[]) : mv ? [mv] : [];
      if (!sources.every((s) => isAlias(s))) throw new Skip('already merges a mapping that is not an alias');
      // ours first: earlier merge sources win, as the keys written here did before
      const list = [new AliasRef(anchor), ...sources.map((s) => new AliasRef((s as { source: string }).source))];
      ed.apply(replaceValue(p, [...r.steps, { coll: node, index: mi }], list, undefined, true));
    }
  }
  for (const key of removeKeys) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    p = ed.parsed();
    const rk = resolvePath(p.doc, [...target, key]);
    if (rk.kind !== 'found') continue;
    // a different value stays: keys written in the mapping override the merged ones
    if (!deepEqual(nodeValue(p.doc, rk.node), value[key], true)) continue;
    ed.apply(deleteEntry(p, rk.steps));
  }
  p = ed.parsed();
  const ra = resolvePath(p.doc, target);
  const after = ra.kind === 'found' ? nodeValue(p.doc, ra.node) : undefined;
  if (!deepEqual(after, before, true)) {
    const missing = Object.keys(value).filter((k) => isRecord(before) && !Object.prototype.hasOwnProperty.call(before, k));
    throw new Skip(missing.length ? `merging &${anchor} would add ${missing.join(', ')}` : `merging &${anchor} would change its value`);
  }
  if (ed.text === startText) return 'unchanged';
  return converted ? 'converted' : 'merged';
}

/** Splices rewriting a `KEY=VALUE` list (block or flow) as a mapping, keeping comments and layout. */
function listToMapSplices(p: ParsedText, steps: Step[], seq: YAMLSeq, mapping: Record<string, unknown>): Splice[] {
  const { text, style } = p;
  const hint = nearbyHint(seq);
  if (seq.flow) {
    return [{ start: seq.range![0], end: seq.range![1], insert: renderInline(mapping, style, true, hint) }];
  }
  const es = entries(text, seq);
  const parentEntry = stepEntry(p, steps[steps.length - 1]!);
  const keyCol = parentEntry.start - lineStart(text, parentEntry.start);
  const dashCol = blockColumn(text, seq);
  const extra = dashCol > keyCol ? 0 : keyCol - dashCol + style.indentUnit;
  const keys = Object.keys(mapping);
  return es.map((e, i) => {
    if (!firstOnLine(text, e.start) || (e.value && lineStart(text, e.end) !== lineStart(text, e.start)) || !e.value || !isScalar(e.value)) {
      throw new Skip('is a list with items this engine does not rewrite (multi-line or not plain KEY=VALUE)');
    }
    const k = keys[i]!;
    const v = mapping[k];
    return { start: e.start, end: e.end, insert: `${pad(extra)}${renderKey(k)}:${v === null ? '' : ` ${renderInline(v, style, false, hint)}`}` };
  });
}
