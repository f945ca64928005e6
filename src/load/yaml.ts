/**
 * YAML layer: text -> plain JS documents with source positions, resolved the way compose-go's
 * go-yaml does (see reference §4): Go scalar rules, shallow `<<` merges with earlier sources
 * winning, duplicate keys rejected, alias expansion capped, `!reset` / `!override` noted.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  Alias,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  Scalar,
  visit,
  type Document,
  type Node as YamlNode,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { LoadError } from './errors.js';
import { copyOrigin, mergeTagsOf, setKeyOrigin, setMergeTag, setSelfOrigin, setValueOrigin, type MergeTag, type Origin } from './origin.js';
import type { Mapping, Value } from './types.js';

export const LIMITS = {
  /** largest compose file read (bytes) */
  maxFileBytes: 8 * 1024 * 1024,
  /** nodes visited per document, aliases counted each time they are expanded (compose-go: 100,000) */
  maxNodeVisits: 100_000,
  /** deepest nesting of mappings and sequences */
  maxDepth: 256,
};


export interface ParsedDocument {
  /** the document's top-level mapping, or null for an empty document */
  value: Mapping | null;
  index: number;
}

/** Read a file as UTF-8 text, refusing binaries, invalid UTF-8 and oversized files. */
export function readTextFile(file: string, displayName = file, maxBytes = LIMITS.maxFileBytes): string {
  let size: number;
  try {
    // no exception for the common "missing" case: building one costs more than the read
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) throw new LoadError(`${displayName}: no such file`, { code: 'io', hint: 'check the path and the current directory' });
    if (st.isDirectory()) throw new LoadError(`${displayName} is a directory, not a file`, { code: 'io' });
    size = st.size;
  } catch (e) {
    if (e instanceof LoadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'ELOOP' ? 'too many levels of symbolic links' : String((e as Error).message);
    throw new LoadError(`${displayName}: ${why}`, { code: 'io', hint: code === 'ENOENT' ? 'check the path and the current directory' : undefined });
  }
  if (size > maxBytes) {
    throw new LoadError(`${displayName}: file is ${size} bytes, over the ${maxBytes}-byte limit for compose files`, {
      code: 'too-large',
      origin: { file: displayName, line: 1, column: 1 },
    });
  }
  const buf = readFileSync(file);
  return decodeText(buf, displayName);
}

export function decodeText(buf: Uint8Array, displayName: string): string {
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    throw new LoadError('binary file (contains a NUL byte); expected YAML text', {
      code: 'binary',
      origin: positionOfByte(buf, nul, displayName),
    });
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const bad = firstInvalidUtf8(buf);
    throw new LoadError('file is not valid UTF-8', { code: 'encoding', origin: positionOfByte(buf, bad, displayName) });
  }
}

function positionOfByte(buf: Uint8Array, index: number, file: string): Origin {
  let line = 1;
  let col = 1;
  for (let i = 0; i < index; i++) {
    if (buf[i] === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return { file, line, column: col };
}

function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0) return i;
    for (let k = 1; k < n; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n;
  }
  return 0;
}

/** Parse every `---` document of a compose file. */
export function parseYamlDocuments(text: string, file: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      schema: 'failsafe',
      merge: false,
      uniqueKeys: false,
      strict: false,
      prettyErrors: false,
    }) as Document.Parsed[];
  } catch (e) {
    if (e instanceof RangeError) {
      throw new LoadError('YAML nesting is too deep to parse', { code: 'yaml', origin: { file, line: 1, column: 1 } });
    }
    throw e;
  }
  if (!Array.isArray(docs)) docs = [docs as Document.Parsed];
  const out: ParsedDocument[] = [];
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const [line, column] = linePos(lineCounter, err.pos[0]);
      throw new LoadError(cleanYamlMessage(err.message), { code: 'yaml', origin: { file, line, column }, hint: 'fix the YAML syntax at this position' });
    }
    const conv = new Converter(doc, lineCounter, file);
    const contents = doc.contents as YamlNode | null;
    if (contents === null || (isScalar(contents) && contents.value === null) || (isScalar(contents) && isNullPlain(contents))) {
      out.push({ value: null, index });
      return;
    }
    const value = conv.convert(contents, 0, '');
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new LoadError('top-level object must be a mapping', { code: 'shape', origin: conv.origin(contents) });
    }
    out.push({ value, index });
  });
  return out;
}

function isNullPlain(s: Scalar): boolean {
  return s.type === Scalar.PLAIN && typeof s.value === 'string' && resolvePlain(s.value) === null && !s.tag;
}

function linePos(lc: LineCounter, offset: number): [number, number] {
  const p = lc.linePos(offset);
  return [p.line, p.col];
}

function cleanYamlMessage(msg: string): string {
  if (/Maximum call stack/i.test(msg)) return `YAML nesting is too deep to parse (over ${LIMITS.maxDepth} levels)`;
  return msg.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

const MERGE_KEY = '<<';

class Converter {
  private visits = 0;
  /** anchor name -> its definitions in document order (yaml's Alias.resolve walks the whole document per call) */
  private anchors: Map<string, { start: number; node: YamlNode }[]> | undefined;
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lc: LineCounter,
    private readonly file: string,
  ) {}

  /** The node an alias refers to: the last anchor of that name defined before it. */
  resolveAlias(alias: Alias): YamlNode | undefined {
    if (!this.anchors) {
      const anchors = new Map<string, { start: number; node: YamlNode }[]>();
      visit(this.doc, (_key, node) => {
        const n = node as YamlNode;
        if ((isMap(n) || isSeq(n) || isScalar(n)) && n.anchor) {
          const list = anchors.get(n.anchor) ?? [];
          list.push({ start: n.range?.[0] ?? 0, node: n });
          anchors.set(n.anchor, list);
        }
      });
      this.anchors = anchors;
    }
    const at = alias.range?.[0] ?? Infinity;
    let found: YamlNode | undefined;
    for (const a of this.anchors.get(alias.source) ?? []) if (a.start < at) found = a.node;
    return found;
  }

  origin(node: YamlNode | null | undefined): Origin | undefined {
    const r = node?.range;
    if (!r) return undefined;
    const [line, column] = linePos(this.lc, r[0]);
    return { file: this.file, line, column };
  }

  private visit(node: YamlNode, depth: number): void {
    if (++this.visits > LIMITS.maxNodeVisits) {
      throw new LoadError('compose file exceeds maximum node visit limit (alias expansion too large)', {
        code: 'alias-bomb',
        origin: this.origin(node),
        hint: 'an anchor is expanded too many times; this looks like an alias bomb',
      });
    }
    if (depth > LIMITS.maxDepth) {
      throw new LoadError(`YAML nesting deeper than ${LIMITS.maxDepth} levels`, { code: 'too-deep', origin: this.origin(node) });
    }
  }

  convert(node: YamlNode, depth: number, path: string, aliasDepth = 0): Value {
    this.visit(node, depth);
    if (isAlias(node)) return this.convertAlias(node, depth, path, aliasDepth);
    if (isMap(node)) return this.convertMap(node, depth, path, aliasDepth);
    if (isSeq(node)) return this.convertSeq(node, depth, path, aliasDepth);
    if (isScalar(node)) return this.convertScalar(node);
    throw new LoadError('unsupported YAML node', { code: 'yaml', origin: this.origin(node) });
  }

  private convertAlias(node: Alias, depth: number, path: string, aliasDepth: number): Value {
    const target = this.resolveAlias(node);
    if (!target) throw new LoadError(`unknown anchor '${node.source}' referenced`, { code: 'yaml', origin: this.origin(node) });
    if (aliasDepth > 64) throw new LoadError('anchors nest too deeply', { code: 'alias-bomb', origin: this.origin(node) });
    return this.convert(target as YamlNode, depth, path, aliasDepth + 1);
  }

  private convertScalar(node: Scalar): Value {
    const raw = node.value;
    if (typeof raw !== 'string') return raw === null || raw === undefined ? null : (raw as Value);
    const tag = node.tag;
    if (tag === 'tag:yaml.org,2002:str' || tag === '!!str') return raw;
    if (node.type !== Scalar.PLAIN) {
      if (tag === 'tag:yaml.org,2002:int' || tag === 'tag:yaml.org,2002:float') {
        const v = resolvePlain(raw);
        if (typeof v === 'number') return v;
      }
      return raw;
    }
    return resolvePlain(raw);
  }

  private keyOf(keyNode: YamlNode | null, parentPath: string): { key: string; isMerge: boolean } {
    if (keyNode === null) return { key: '', isMerge: false };
    let k: YamlNode = keyNode;
    if (isAlias(k)) k = (this.resolveAlias(k) as YamlNode) ?? k;
    if (isScalar(k)) {
      const raw = k.value;
      const key = raw === null || raw === undefined ? '' : String(raw);
      const quoted = k.type !== Scalar.PLAIN || k.tag === 'tag:yaml.org,2002:str';
      // compose-go refuses keys that YAML resolves to anything but a string (convertToStringKeysRecursive)
      if (!quoted && typeof resolvePlain(key) !== 'string') {
        const where = parentPath ? `in ${parentPath}` : 'at top level';
        throw new LoadError(`non-string key ${where}: ${key}`, { code: 'shape', origin: this.origin(keyNode), hint: 'quote the key to make it a string' });
      }
      return { key, isMerge: key === MERGE_KEY && k.type === Scalar.PLAIN };
    }
    throw new LoadError(`non-string key in ${parentPath || 'top level'}`, { code: 'shape', origin: this.origin(keyNode) });
  }

  private convertMap(node: YAMLMap, depth: number, path: string, aliasDepth: number): Mapping {
    const out: Mapping = {};
    setSelfOrigin(out, this.origin(node));
    const seen = new Map<string, YamlNode | null>();
    const merges: YamlNode[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const { key, isMerge } = this.keyOf(keyNode, path);
      if (isMerge) {
        if (pair.value) merges.push(pair.value as YamlNode);
        continue;
      }
      const prev = seen.get(key);
      if (prev !== undefined) {
        const here = this.origin(keyNode);
        const there = this.origin(prev);
        throw new LoadError(`line ${here?.line ?? '?'}: mapping key "${key}" already defined at line ${there?.line ?? '?'}`, {
          code: 'duplicate-key',
          origin: here,
          hint: 'remove or rename one of the two entries',
        });
      }
      seen.set(key, keyNode);
      const valueNode = pair.value as YamlNode | null;
      const childPath = path ? `${path}.${key}` : key;
      const value = valueNode ? this.convert(valueNode, depth + 1, childPath, aliasDepth) : null;
      defineKey(out, key, value);
      setKeyOrigin(out, key, this.origin(keyNode));
      setValueOrigin(out, key, this.origin(valueNode) ?? this.origin(keyNode));
      const tag = valueNode ? this.mergeTag(valueNode) : undefined;
      if (tag) setMergeTag(out, key, tag);
    }
    // `<<` sources: keys written in the mapping win, then earlier sources win over later ones.
    for (const src of merges) {
      const resolved = isAlias(src) ? (this.resolveAlias(src) as YamlNode | undefined) : src;
      const list: YamlNode[] = resolved && isSeq(resolved) ? (resolved.items as YamlNode[]) : [src];
      for (const item of list) {
        const v = this.convert(item, depth + 1, path, aliasDepth);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
          throw new LoadError('map merge requires map or sequence of maps as the value', { code: 'yaml', origin: this.origin(item) });
        }
        for (const k of Object.keys(v)) {
          if (Object.prototype.hasOwnProperty.call(out, k)) continue;
          defineKey(out, k, v[k]!);
          copyPositions(v, k, out);
          const t = mergeTagsOf(v)?.get(k);
          if (t) setMergeTag(out, k, t);
        }
      }
    }
    return out;
  }

  private convertSeq(node: YAMLSeq, depth: number, path: string, aliasDepth: number): Value[] {
    const out: Value[] = [];
    setSelfOrigin(out, this.origin(node));
    node.items.forEach((item, i) => {
      const n = item as YamlNode | null;
      out.push(n ? this.convert(n, depth + 1, `${path}.${i}`, aliasDepth) : null);
      setValueOrigin(out, i, this.origin(n));
    });
    return out;
  }

  private mergeTag(node: YamlNode): MergeTag | undefined {
    let n: YamlNode | undefined = node;
    if (isAlias(n)) n = this.resolveAlias(n) as YamlNode | undefined;
    const t = n?.tag;
    if (t === '!reset') return 'reset';
    if (t === '!override') return 'override';
    return undefined;
  }
}

function copyPositions(from: Mapping, key: string, to: Mapping): void {
  copyOrigin(from, key, to, key);
}

/** Set a key without tripping over `__proto__` and friends. */
export function defineKey(obj: Mapping, key: string, value: Value): void {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

const INT_RE = /^[-+]?(?:0[bB][01_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/;

/**
 * Resolve an untagged plain scalar as go-yaml v3/v4 does: only true/false (three casings) are
 * booleans, yes/no/on/off stay strings; Go integer literals (0755 is octal); YAML floats.
 * Timestamps are kept as strings (shipshape decision: they only occur in values Compose prints as text).
 */
export function resolvePlain(s: string): Value {
  switch (s) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return Infinity;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return -Infinity;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return NaN;
  }
  const c = s.charCodeAt(0);
  const numeric = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
  if (!numeric) return s;
  if (INT_RE.test(s)) {
    const v = parseGoInt(s.replace(/_/g, ''));
    if (v !== undefined) return v;
  }
  if (FLOAT_RE.test(s)) {
    const v = Number(s.replace(/_/g, ''));
    if (!Number.isNaN(v)) return v;
  }
  return s;
}

function parseGoInt(s: string): number | undefined {
  let sign = 1;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  if (body === '') return undefined;
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8);
  else if (body.length > 1 && body[0] === '0') {
    if (!/^[0-7]+$/.test(body)) return undefined;
    v = parseInt(body, 8);
  } else v = parseInt(body, 10);
  return Number.isNaN(v) ? undefined : sign * v;
}
