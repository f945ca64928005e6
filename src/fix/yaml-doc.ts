/**
 * The parsed view the edit engine works on: the `yaml` package's document (parsed as the loader
 * parses, failsafe schema, with source tokens kept), located entries of collections with the
 * offsets an edit needs (key or dash, colon, value with its properties, end of content), values of
 * nodes as the loader reads them, anchors and aliases.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, visit, type CST, type Document, type Node as YamlNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { resolvePlain } from '../load/yaml.js';
import { detectEol, firstOnLine, lineStart } from './text.js';
import { AliasRef, type RenderStyle } from './render.js';

export type Coll = YAMLMap | YAMLSeq;
type SourceToken = CST.SourceToken;

export class EditError extends Error {}

export interface ParsedText {
  text: string;
  doc: Document.Parsed;
  style: RenderStyle;
}

/** Parse `text` for editing; a string says why it cannot be edited as YAML. */
export function parseForEdit(text: string, style?: RenderStyle): ParsedText | string {
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { keepSourceTokens: true, schema: 'failsafe', merge: false, uniqueKeys: false, strict: false, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    return `the file does not parse as YAML (${(e as Error).message})`;
  }
  if (!Array.isArray(docs)) docs = [docs as Document.Parsed];
  if (docs.length === 0) return 'the file holds no YAML document';
  if (docs.length > 1) return `the file holds ${docs.length} YAML documents`;
  const doc = docs[0]!;
  const err = doc.errors[0];
  if (err) return `the file does not parse as YAML (${err.message.split('\n')[0]})`;
  return { text, doc, style: style ?? detectStyle(text, doc) };
}

/** Indentation unit, sequence indentation and preferred quote, as the file writes them. */
function detectStyle(text: string, doc: Document.Parsed): RenderStyle {
  const units = new Map<number, number>();
  let seqIn = 0;
  let seqOut = 0;
  let dq = 0;
  let sq = 0;
  visit(doc, {
    Pair(_, pair) {
      const p = pair as Pair<YamlNode, YamlNode | null>;
      const k = p.key;
      const v = p.value;
      if (!k || !v || !isScalar(k) || !k.range) return;
      const keyCol = k.range[0] - lineStart(text, k.range[0]);
      if (isMap(v) && !v.flow && v.items.length) {
        const first = v.items[0]!.key as YamlNode | null;
        if (first?.range && firstOnLine(text, first.range[0])) {
          const d = first.range[0] - lineStart(text, first.range[0]) - keyCol;
          if (d > 0) units.set(d, (units.get(d) ?? 0) + 1);
        }
      } else if (isSeq(v) && !v.flow && v.items.length) {
        const item = v.items[0] as YamlNode | null;
        const dash = item?.range ? text.lastIndexOf('-', item.range[0]) : -1;
        if (dash >= 0 && firstOnLine(text, dash)) {
          if (dash - lineStart(text, dash) > keyCol) seqIn++;
          else seqOut++;
        }
      }
    },
    Scalar(key, node) {
      if (key === 'key') return;
      if (node.type === Scalar.QUOTE_DOUBLE) dq++;
      else if (node.type === Scalar.QUOTE_SINGLE) sq++;
    },
  });
  let unit = 2;
  let best = 0;
  for (const [u, n] of units) if (n > best || (n === best && u < unit)) [unit, best] = [u, n];
  return { eol: detectEol(text), indentUnit: Math.min(Math.max(unit, 1), 8), seqIndent: seqIn >= seqOut, quote: sq > dq ? "'" : '"' };
}

/** One entry of a collection, with the offsets edits need. */
export interface Entry {
  index: number;
  /** a mapping entry's key text; undefined for sequence items */
  key?: string;
  /** where the entry's own text starts: the key, or the dash of a block sequence item (the item for flow) */
  start: number;
  /** just after the `:` or the `-` (block); where a missing value goes */
  sepEnd: number;
  /** where the value's text starts, its anchor or tag included; undefined when no value is written */
  valueStart?: number;
  /** the value node; null when no value is written */
  value: YamlNode | null;
  /** the value carries a tag written in the source */
  tagged: boolean;
  /** end of the entry's content (trailing comments and line breaks excluded) */
  end: number;
}

/** End of a node's content: for a block scalar, its last non-blank character; for collections, their last entry's. */
export function contentEnd(text: string, node: YamlNode): number {
  if (isScalar(node)) {
    const r = node.range!;
    if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
      let e = r[1];
      const header = /^[|>][-+0-9]*/.exec(text.slice(r[0], r[0] + 4))?.[0] ?? '';
      if (header.includes('+')) {
        // keep chomping: the trailing blank lines are content; end before the last line break
        if (text[e - 1] === '\n') e--;
        if (text[e - 1] === '\r') e--;
        return e;
      }
      while (e > r[0] && /\s/.test(text[e - 1]!)) e--;
      return e;
    }
    return r[1];
  }
  if ((isMap(node) || isSeq(node)) && !node.flow) {
    const es = entries(text, node);
    const last = es[es.length - 1];
    return last ? last.end : node.range![1];
  }
  return node.range![1];
}

function findTok(tokens: SourceToken[] | undefined, type: SourceToken['type']): SourceToken | undefined {
  return tokens?.find((t) => t.type === type);
}

function propStart(tokens: SourceToken[] | undefined, after: number): number | undefined {
  const t = tokens?.find((x) => x.offset >= after && (x.type === 'anchor' || x.type === 'tag'));
  return t?.offset;
}

function hasTag(tokens: SourceToken[] | undefined, after: number): boolean {
  return !!tokens?.some((x) => x.offset >= after && x.type === 'tag');
}

function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return k.value === null || k.value === undefined ? undefined : String(k.value);
  return undefined;
}

/** The entries of a collection with their offsets. Throws EditError on layouts the engine does not edit (complex keys …). */
export function entries(text: string, coll: Coll): Entry[] {
  const out: Entry[] = [];
  const tok = coll.srcToken as { type: string; items?: unknown[] } | undefined;
  if (!coll.flow && tok && tok.type === 'block-map' && isMap(coll)) {
    // comments after the last entry make an item of their own
    const items = (tok.items as { start: SourceToken[]; key?: { offset: number } | null; sep?: SourceToken[]; value?: { offset: number } }[]).filter((it) => it.key || it.sep || it.value);
    if (items.length !== coll.items.length) throw new EditError('unexpected mapping layout');
    coll.items.forEach((pair, i) => {
      const it = items[i]!;
      const key = pair.key as YamlNode | null;
      const colon = findTok(it.sep, 'map-value-ind');
      if (!it.key || !key || !key.range || it.key.offset !== key.range[0] || !colon || findTok(it.start, 'explicit-key-ind')) {
        throw new EditError('a mapping key this engine does not edit (complex or explicit key)');
      }
      const sepEnd = colon.offset + 1;
      const value = it.value ? ((pair.value as YamlNode | null) ?? null) : null;
      const valueStart = value ? (propStart(it.sep, sepEnd) ?? value.range![0]) : undefined;
      out.push({ index: i, key: keyText(key), start: key.range[0], sepEnd, ...(valueStart !== undefined ? { valueStart } : {}), value, tagged: hasTag(it.sep, sepEnd), end: value ? contentEnd(text, value) : sepEnd });
    });
    return out;
  }
  if (!coll.flow && tok && tok.type === 'block-seq' && isSeq(coll)) {
    const items = (tok.items as { start: SourceToken[]; value?: { offset: number } }[]).filter((it) => it.value || findTok(it.start, 'seq-item-ind'));
    if (items.length !== coll.items.length) throw new EditError('unexpected sequence layout');
    coll.items.forEach((item, i) => {
      const it = items[i]!;
      const dash = findTok(it.start, 'seq-item-ind');
      if (!dash) throw new EditError('unexpected sequence layout');
      const sepEnd = dash.offset + 1;
      const value = it.value ? ((item as YamlNode | null) ?? null) : null;
      if (value && !value.range) throw new EditError('unexpected sequence layout');
      const valueStart = value ? (propStart(it.start, sepEnd) ?? value.range![0]) : undefined;
      out.push({ index: i, start: dash.offset, sepEnd, ...(valueStart !== undefined ? { valueStart } : {}), value, tagged: hasTag(it.start, sepEnd), end: value ? contentEnd(text, value) : sepEnd });
    });
    return out;
  }
  if (coll.flow) {
    coll.items.forEach((raw, i) => {
      if (isMap(coll)) {
        const pair = raw as Pair<YamlNode | null, YamlNode | null>;
        const key = pair.key;
        if (!key || !isScalar(key) || !key.range) throw new EditError('a flow mapping key this engine does not edit');
        const value = pair.value && pair.value.range && !(isScalar(pair.value) && pair.value.range[0] === pair.value.range[1]) ? pair.value : null;
        const kEnd = key.range[1];
        const colon = text.indexOf(':', kEnd);
        out.push({
          index: i,
          key: keyText(key),
          start: key.range[0],
          sepEnd: colon >= 0 ? colon + 1 : kEnd,
          ...(value ? { valueStart: value.range![0] } : {}),
          value,
          tagged: !!value?.tag,
          end: value ? value.range![1] : kEnd,
        });
      } else {
        if (isPair(raw)) throw new EditError('a flow sequence holding a single-pair mapping');
        const node = raw as YamlNode | null;
        if (!node || !node.range) throw new EditError('unexpected flow sequence layout');
        out.push({ index: i, start: node.range[0], sepEnd: node.range[0], valueStart: node.range[0], value: node, tagged: !!node.tag, end: node.range[1] });
      }
    });
    return out;
  }
  throw new EditError('unexpected collection layout');
}

/** Column of a block collection's entries (keys or dashes). */
export function blockColumn(text: string, coll: Coll): number {
  const first = entries(text, coll)[0];
  if (!first) throw new EditError('empty block collection');
  return first.start - lineStart(text, first.start);
}

/** A scalar that the loader reads as null (`~`, `null`, nothing). */
export function isNullNode(node: YamlNode | null): boolean {
  if (node === null) return true;
  if (!isScalar(node)) return false;
  if (node.range?.[0] !== undefined && node.range[0] === node.range[1]) return true;
  return node.type === Scalar.PLAIN && !node.tag && typeof node.value === 'string' && resolvePlain(node.value) === null;
}

const MAX_VISITS = 100_000;

// Alias.resolve(doc) walks the whole document each time: index the anchors once per document
const anchorIndex = new WeakMap<Document.Parsed, Map<string, { at: number; node: YamlNode }[]>>();

/** The node an alias stands for: the last node before it that defines the anchor. */
export function resolveAlias(doc: Document.Parsed, alias: YamlNode): YamlNode | undefined {
  if (!isAlias(alias)) return undefined;
  let index = anchorIndex.get(doc);
  if (!index) {
    const idx = new Map<string, { at: number; node: YamlNode }[]>();
    visit(doc, {
      Node(_, n) {
        const node = n as YamlNode;
        if (node.anchor && node.range) {
          const list = idx.get(node.anchor) ?? [];
          list.push({ at: node.range[0], node });
          idx.set(node.anchor, list);
        }
      },
    });
    anchorIndex.set(doc, idx);
    index = idx;
  }
  const at = alias.range?.[0] ?? Infinity;
  let found: YamlNode | undefined;
  for (const d of index.get(alias.source) ?? []) if (d.at < at) found = d.node;
  return found;
}

/**
 * The value of a node as the loader reads it (go-yaml scalars, aliases followed, `<<` merges with
 * keys written in the mapping winning, then earlier sources).
 */
export function nodeValue(doc: Document.Parsed, node: YamlNode | null | undefined, budget = { n: 0 }): unknown {
  if (++budget.n > MAX_VISITS) throw new EditError('the document expands too many aliases');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = resolveAlias(doc, node);
    if (!target) throw new EditError(`unknown anchor ${node.source}`);
    return nodeValue(doc, target, budget);
  }
  if (isScalar(node)) {
    const raw = node.value;
    if (typeof raw !== 'string') return raw ?? null;
    if (node.tag === 'tag:yaml.org,2002:str' || node.tag === '!!str') return raw;
    if (node.type !== Scalar.PLAIN) return raw;
    return resolvePlain(raw);
  }
  if (isSeq(node)) return node.items.map((it) => nodeValue(doc, it as YamlNode | null, budget));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const merges: YamlNode[] = [];
    for (const pair of node.items) {
      const k = pair.key as YamlNode | null;
      let kn = k;
      if (kn && isAlias(kn)) kn = resolveAlias(doc, kn) ?? kn;
      const key = kn && isScalar(kn) ? (kn.value === null || kn.value === undefined ? '' : String(kn.value)) : '';
      if (key === '<<' && kn && isScalar(kn) && kn.type === Scalar.PLAIN) {
        if (pair.value) merges.push(pair.value as YamlNode);
        continue;
      }
      Object.defineProperty(out, key, { value: nodeValue(doc, pair.value as YamlNode | null, budget), enumerable: true, writable: true, configurable: true });
    }
    for (const src of merges) {
      const resolved = isAlias(src) ? resolveAlias(doc, src) : src;
      const list = resolved && isSeq(resolved) ? (resolved.items as YamlNode[]) : [src];
      for (const item of list) {
        const v = nodeValue(doc, item, budget);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
        for (const k of Object.keys(v)) {
          if (Object.prototype.hasOwnProperty.call(out, k)) continue;
          Object.defineProperty(out, k, { value: (v as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
        }
      }
    }
    return out;
  }
  return null;
}

/**
 * The document tree as written: scalars as the loader reads them, aliases as AliasRef (not
 * expanded), `<<` entries kept as keys (merges not resolved).
 */
export function rawValue(doc: Document.Parsed, node: YamlNode | null | undefined): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return new AliasRef(node.source);
  if (isScalar(node)) return nodeValue(doc, node);
  if (isSeq(node)) return node.items.map((it) => rawValue(doc, it as YamlNode | null));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const k = pair.key as YamlNode | null;
      const key = k && isScalar(k) ? (k.value === null || k.value === undefined ? '' : String(k.value)) : k && isAlias(k) ? `*${k.source}` : '';
      Object.defineProperty(out, key, { value: rawValue(doc, pair.value as YamlNode | null), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return null;
}

/** Anchors defined in the subtree of `node` (itself included). */
export function anchorsIn(node: YamlNode | null): Set<string> {
  const out = new Set<string>();
  if (!node) return out;
  if (node.anchor) out.add(node.anchor);
  visit(node, {
    Node(_, n) {
      if ((n as YamlNode).anchor) out.add((n as YamlNode).anchor!);
    },
  });
  return out;
}

/** Every alias of the document with its source (anchor name) and offset. */
export function aliasesOf(doc: Document.Parsed): { name: string; at: number }[] {
  const out: { name: string; at: number }[] = [];
  visit(doc, {
    Alias(_, a) {
      out.push({ name: a.source, at: a.range?.[0] ?? -1 });
    },
  });
  return out;
}

/** Every node of the document that defines `anchor`. */
export function anchorNodes(doc: Document.Parsed, anchor: string): YamlNode[] {
  const out: YamlNode[] = [];
  visit(doc, {
    Node(_, n) {
      if ((n as YamlNode).anchor === anchor) out.push(n as YamlNode);
    },
  });
  return out;
}

/**
 * Anchors defined inside [start, end) that an alias outside that span uses: removing or
 * replacing the span would break (or silently change) those aliases.
 */
export function anchorsUsedOutside(doc: Document.Parsed, node: YamlNode | null, start: number, end: number): string[] {
  const defined = anchorsIn(node);
  if (!defined.size) return [];
  const used = new Set<string>();
  for (const a of aliasesOf(doc)) if (defined.has(a.name) && (a.at < start || a.at >= end)) used.add(a.name);
  return [...used];
}

/** One step of a resolved path: the collection and the entry index in it. */
export interface Step {
  coll: Coll;
  index: number;
}

export type Resolved =
  /** the path exists: `steps` lead to it (the last step is the entry itself) */
  | { kind: 'found'; steps: Step[]; node: YamlNode | null }
  /** path[at] is missing from `coll` (steps lead to coll's own entry); `viaMerge` when a `<<` merge of coll provides it */
  | { kind: 'missing'; at: number; coll: Coll; steps: Step[]; viaMerge: boolean }
  /** path[at - 1] exists but is null/empty: the rest has to be created in its place */
  | { kind: 'null'; at: number; steps: Step[] }
  | { kind: 'error'; why: string };

export function pathText(p: (string | number)[]): string {
  return p.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
}

/** Resolve a path of keys and indexes in the document, without going through aliases. */
export function resolvePath(doc: Document.Parsed, path: (string | number)[]): Resolved {
  let node = doc.contents as YamlNode | null;
  const steps: Step[] = [];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const here = pathText(path.slice(0, i)) || 'the document';
    if (node && isAlias(node)) return { kind: 'error', why: `${here} is an alias (*${node.source}): editing through it would change every use of the anchor` };
    if (isNullNode(node)) {
      if (i === 0) return { kind: 'error', why: 'the document is empty' };
      return { kind: 'null', at: i, steps };
    }
    if (typeof seg === 'string') {
      if (!node || !isMap(node)) return { kind: 'error', why: `${here} is not a mapping` };
      const idx = node.items.findIndex((p) => keyText(p.key) === seg && !(seg === '<<' && isScalar(p.key) && p.key.type === Scalar.PLAIN));
      if (idx < 0) {
        const merged = node.items.some((p) => isScalar(p.key) && p.key.type === Scalar.PLAIN && p.key.value === '<<');
        let viaMerge = false;
        if (merged) {
          try {
            const v = nodeValue(doc, node);
            viaMerge = !!v && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, seg);
          } catch {
            viaMerge = true;
          }
        }
        return { kind: 'missing', at: i, coll: node, steps, viaMerge };
      }
      steps.push({ coll: node, index: idx });
      node = (node.items[idx]!.value as YamlNode | null) ?? null;
    } else {
      if (!node || !isSeq(node)) return { kind: 'error', why: `${here} is not a sequence` };
      if (!Number.isInteger(seg) || seg < 0 || seg > node.items.length) return { kind: 'error', why: `${pathText(path.slice(0, i + 1))} is out of range (${node.items.length} items)` };
      if (seg === node.items.length) return { kind: 'missing', at: i, coll: node, steps, viaMerge: false };
      steps.push({ coll: node, index: seg });
      node = (node.items[seg] as YamlNode | null) ?? null;
    }
  }
  return { kind: 'found', steps, node };
}
