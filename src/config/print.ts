/**
 * printYaml / printJson: a bound project (bind.ts) written as `docker compose config` writes it.
 *
 * YAML is compose-go `types/project.go Project.MarshalYAML` (go-yaml v4 encoder, indent 2, block
 * sequences indented under their key); JSON is `Project.MarshalJSON` (a Go map at the top, so
 * its keys are sorted, `json.MarshalIndent` with two spaces). docker compose then doubles every
 * `$` of the text (`cmd/compose/config.go runConfig`, unless `--no-interpolate`) and prints it as
 * it is: the YAML ends with a newline, the JSON does not.
 *
 * Both printers walk the Go type descriptors (schema.ts) alongside the data: struct fields in Go
 * order, map keys sorted (go-yaml's natural order for YAML, byte order for JSON), and the
 * per-type marshalling rules.
 */
import { isZero, zeroValue } from './bind.js';
import { compareBytes, compareNatural, formatInt, isGoInt, jsonFloat, yamlFloat } from './gofmt.js';
import { STRUCTS, type GoType, type StructName } from './schema.js';
import { emitYaml, scalarStyle, type YNode } from './yaml-emit.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface PrintOptions {
  /** write every `$` as `$$`, as `config` does unless `--no-interpolate` (default true) */
  escapeDollar?: boolean;
}

export interface YamlPrintOptions extends PrintOptions {
  /**
   * go-yaml flavour:
   * - `v5` (default): go.yaml.in/yaml/v4 v4.0.0-rc.5 and later, linked by docker compose
   *   v5.3.1 and later: YAML 1.1 booleans and base-60 numbers in single quotes (`'no'`),
   *   long plain/quoted strings folded at 80 columns (the encoder's `WithV3Defaults` width);
   * - `legacy`: go-yaml up to v4.0.0-rc.4 (docker compose v5.0–v5.3.0) and yaml.v3
   *   (docker compose v2): double quotes (`"no"`), no folding.
   */
  flavor?: 'v5' | 'legacy';
  /** override the line width (-1: none) */
  lineWidth?: number;
}

function escapeDollars(s: string, opts: PrintOptions): string {
  return opts.escapeDollar === false ? s : s.replaceAll('$', '$$$$');
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

class YamlBuilder {
  constructor(private readonly compat: 'single' | 'double') {}

  str(s: string): YNode {
    return { t: 'scalar', value: s, style: scalarStyle(s, this.compat) };
  }

  plain(s: string): YNode {
    return { t: 'scalar', value: s, style: 'plain' };
  }

  nil(): YNode {
    return this.plain('null');
  }

  text(v: unknown): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return isGoInt(v) ? formatInt(v) : yamlFloat(v, 64);
    return String(v);
  }

  any(v: unknown): YNode {
    if (v === null || v === undefined) return this.nil();
    if (typeof v === 'string') return this.str(v);
    if (typeof v === 'boolean') return this.plain(v ? 'true' : 'false');
    if (typeof v === 'number') return this.plain(isGoInt(v) ? formatInt(v) : yamlFloat(v, 64));
    if (typeof v === 'bigint') return this.plain(v.toString());
    if (Array.isArray(v)) return { t: 'seq', items: v.map((e) => this.any(e)) };
    if (isObj(v)) {
      const keys = Object.keys(v).sort(compareNatural);
      return { t: 'map', pairs: keys.map((k) => [this.str(k), this.any(v[k])]) };
    }
    return this.str(String(v));
  }

  strings(v: unknown): YNode {
    const list = Array.isArray(v) ? v : [];
    return { t: 'seq', items: list.map((e) => this.str(this.text(e))) };
  }

  node(t: GoType, v: unknown): YNode {
    switch (t.k) {
      case 'string':
      case 'duration':
      case 'bytes':
      case 'filemode':
        return this.str(this.text(v));
      case 'bool':
      case 'optout':
        return this.plain(v ? 'true' : 'false');
      case 'int':
      case 'devcount':
        return this.plain(typeof v === 'number' ? formatInt(v) : this.text(v));
      case 'float32':
        return this.plain(typeof v === 'number' ? yamlFloat(v, 32) : this.text(v));
      case 'ulimit':
        // UlimitsConfig.MarshalYAML: the single value, or an untagged {Soft, Hard} struct
        if (typeof v === 'number') return this.plain(formatInt(v));
        if (isObj(v)) {
          return {
            t: 'map',
            pairs: [
              [this.str('soft'), this.plain(formatInt(Number(v.soft ?? 0)))],
              [this.str('hard'), this.plain(formatInt(Number(v.hard ?? 0)))],
            ],
          };
        }
        return this.nil();
      case 'command':
        return v === null || v === undefined ? this.nil() : this.strings(v);
      case 'healthtest':
      case 'hosts':
      case 'ssh':
        return this.strings(v);
      case 'any':
        return this.any(v);
      case 'ptr':
        return v === null || v === undefined ? this.nil() : this.node(t.elem, v);
      case 'slice':
        return { t: 'seq', items: (Array.isArray(v) ? v : []).map((e) => this.node(t.elem, e)) };
      case 'map': {
        const m = isObj(v) ? v : {};
        const keys = Object.keys(m).sort(compareNatural);
        return { t: 'map', pairs: keys.map((k) => [this.str(k), this.node(t.elem, m[k])]) };
      }
      case 'struct':
        return this.struct(t.name, isObj(v) ? v : {});
    }
  }

  struct(name: StructName, v: Obj): YNode {
    const desc = STRUCTS[name];
    const pairs: [YNode, YNode][] = [];
    for (const field of desc.fields) {
      const value = field.omit ? v[field.name] : (v[field.name] ?? zeroValue(field.type));
      if (value === undefined || (field.omit && isZero(field.type, value))) continue;
      pairs.push([this.str(field.name), this.node(field.type, value)]);
    }
    if (desc.ext) {
      for (const k of Object.keys(v).filter((key) => key.startsWith('x-')).sort(compareNatural)) {
        pairs.push([this.str(k), this.any(v[k])]);
      }
    }
    return { t: 'map', pairs };
  }
}

/**
 * The YAML `docker compose config` prints for a bound project (bindProject), `$` doubled,
 * ending with a newline.
 */
export function printYaml(bound: Record<string, unknown>, opts: YamlPrintOptions = {}): string {
  const flavor = opts.flavor ?? 'v5';
  const width = opts.lineWidth ?? (flavor === 'v5' ? 80 : -1);
  const builder = new YamlBuilder(flavor === 'v5' ? 'single' : 'double');
  const text = emitYaml(builder.struct('Project', bound), { indent: 2, width });
  return escapeDollars(text, opts);
}

/**
 * Any plain value (strings, numbers, booleans, null, arrays, objects) as go-yaml marshals the
 * same data held in Go `any` (maps with keys in go-yaml order), e.g. an `x-*` extension.
 */
export function printYamlValue(value: unknown, opts: YamlPrintOptions = {}): string {
  const flavor = opts.flavor ?? 'v5';
  const width = opts.lineWidth ?? (flavor === 'v5' ? 80 : -1);
  const builder = new YamlBuilder(flavor === 'v5' ? 'single' : 'double');
  return escapeDollars(emitYaml(builder.any(value), { indent: 2, width }), opts);
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/** encoding/json's string: HTML-safe escapes, `\u2028`/`\u2029`, `\b` `\f` `\n` `\r` `\t`. */
export function jsonQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i] + (s[i + 1] as string);
        i++;
      } else {
        out += '\\ufffd';
      }
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x3c:
      case 0x3e:
      case 0x26:
      case 0x2028:
      case 0x2029:
        out += `\\u${c.toString(16).padStart(4, '0')}`;
        break;
      default:
        out += c < 0x20 ? `\\u${c.toString(16).padStart(4, '0')}` : s[i];
    }
  }
  return `${out}"`;
}

type JNode = { t: 'obj'; entries: [string, JNode][] } | { t: 'arr'; items: JNode[] } | { t: 'raw'; text: string };

const raw = (text: string): JNode => ({ t: 'raw', text });
const NULL = raw('null');

function jsonAny(v: unknown): JNode {
  if (v === null || v === undefined) return NULL;
  if (typeof v === 'string') return raw(jsonQuote(v));
  if (typeof v === 'boolean') return raw(v ? 'true' : 'false');
  if (typeof v === 'number') return raw(isGoInt(v) ? formatInt(v) : jsonFloat(v, 64));
  if (typeof v === 'bigint') return raw(v.toString());
  if (Array.isArray(v)) return { t: 'arr', items: v.map(jsonAny) };
  if (isObj(v)) {
    const keys = Object.keys(v).sort(compareBytes);
    return { t: 'obj', entries: keys.map((k) => [k, jsonAny(v[k])]) };
  }
  return raw(jsonQuote(String(v)));
}

function jsonText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? formatInt(v) : String(v);
}

function jsonStrings(v: unknown): JNode {
  if (!Array.isArray(v)) return NULL;
  return { t: 'arr', items: v.map((e) => raw(jsonQuote(jsonText(e)))) };
}

/** encoding/json's omitempty (isEmptyValue) and omitzero (OptOut.IsZero) on a bound value. */
function jsonEmpty(t: GoType, v: unknown): boolean {
  switch (t.k) {
    case 'string':
      return v === '';
    case 'duration':
      return v === '0s';
    case 'bytes':
      return v === '0';
    case 'bool':
      return v === false;
    case 'optout':
      return v === true;
    case 'int':
    case 'float32':
    case 'devcount':
      return v === 0;
    case 'filemode':
    case 'ulimit':
    case 'command':
    case 'any':
    case 'ptr':
      return v === null;
    case 'healthtest':
    case 'hosts':
    case 'ssh':
    case 'slice':
      return !Array.isArray(v) || v.length === 0;
    case 'map':
      return !isObj(v) || Object.keys(v).length === 0;
    case 'struct':
      return false;
  }
}

function jsonNode(t: GoType, v: unknown): JNode {
  switch (t.k) {
    case 'string':
    case 'duration':
    case 'bytes':
    case 'filemode':
      return raw(jsonQuote(jsonText(v)));
    case 'bool':
    case 'optout':
      return raw(v ? 'true' : 'false');
    case 'int':
    case 'devcount':
      return raw(typeof v === 'number' ? formatInt(v) : jsonText(v));
    case 'float32':
      return raw(typeof v === 'number' ? jsonFloat(v, 32) : jsonText(v));
    case 'ulimit': {
      // UlimitsConfig.MarshalJSON: the single value, or the struct with omitempty fields
      if (typeof v === 'number') return raw(formatInt(v));
      if (!isObj(v)) return NULL;
      const entries: [string, JNode][] = [];
      for (const k of ['soft', 'hard']) {
        const n = Number(v[k] ?? 0);
        if (n !== 0) entries.push([k, raw(formatInt(n))]);
      }
      return { t: 'obj', entries };
    }
    case 'command':
      return v === null || v === undefined ? NULL : jsonStrings(v);
    case 'healthtest':
    case 'hosts':
      return jsonStrings(v);
    case 'ssh': {
      // SSHKey.MarshalJSON writes `"id": path` for a key with a path, which is not JSON:
      // encoding/json rejects it and `config --format json` fails
      const list = Array.isArray(v) ? v : [];
      if (list.some((e) => typeof e === 'string' && e.includes(': '))) {
        throw new Error("json: error calling MarshalJSON for type types.SSHKey: invalid character ':' after top-level value");
      }
      return jsonStrings(list);
    }
    case 'any':
      return jsonAny(v);
    case 'ptr':
      return v === null || v === undefined ? NULL : jsonNode(t.elem, v);
    case 'slice':
      return Array.isArray(v) ? { t: 'arr', items: v.map((e) => jsonNode(t.elem, e)) } : NULL;
    case 'map': {
      if (!isObj(v)) return NULL;
      const keys = Object.keys(v).sort(compareBytes);
      return { t: 'obj', entries: keys.map((k) => [k, jsonNode(t.elem, v[k])]) };
    }
    case 'struct':
      return jsonStruct(t.name, isObj(v) ? v : {});
  }
}

function jsonStruct(name: StructName, v: Obj): JNode {
  const entries: [string, JNode][] = [];
  for (const field of STRUCTS[name].fields) {
    if (field.noJson) continue;
    const key = field.json ?? field.name;
    const value = v[field.name];
    if (value === undefined) {
      // absent = left out of the YAML view: a nil command is `null` in JSON, a struct value is
      // never left out by encoding/json, a field without omitempty is written as its zero
      if (field.jsonAlways) entries.push([key, NULL]);
      else if (field.type.k === 'struct') entries.push([key, jsonStruct(field.type.name, {})]);
      else if (!field.omit) entries.push([key, jsonNode(field.type, zeroValue(field.type))]);
      continue;
    }
    if (field.omit && !field.jsonAlways && jsonEmpty(field.type, value)) continue;
    entries.push([key, jsonNode(field.type, value)]);
  }
  return { t: 'obj', entries };
}

function serialize(n: JNode, indent: string): string {
  switch (n.t) {
    case 'raw':
      return n.text;
    case 'arr': {
      if (n.items.length === 0) return '[]';
      const inner = `${indent}  `;
      return `[\n${n.items.map((e) => inner + serialize(e, inner)).join(',\n')}\n${indent}]`;
    }
    case 'obj': {
      if (n.entries.length === 0) return '{}';
      const inner = `${indent}  `;
      return `{\n${n.entries.map(([k, e]) => `${inner}${jsonQuote(k)}: ${serialize(e, inner)}`).join(',\n')}\n${indent}}`;
    }
  }
}

/**
 * The JSON `docker compose config --format json` prints for a bound project: top-level keys
 * sorted (`configs`, `name`, `networks`, `secrets`, `services`, `volumes` and the top-level
 * `x-*`), no `models`, `$` doubled, no trailing newline. Throws when Go's encoder fails (an
 * `ssh` build key with a path).
 */
export function printJson(bound: Record<string, unknown>, opts: PrintOptions = {}): string {
  const entries: [string, JNode][] = [
    ['name', raw(jsonQuote(jsonText(bound.name ?? '')))],
    ['services', jsonNode({ k: 'map', elem: { k: 'struct', name: 'Service' }, parse: 'plain' }, bound.services ?? {})],
  ];
  for (const [key, elem] of [
    ['networks', 'Network'],
    ['volumes', 'Volume'],
    ['secrets', 'FileObject'],
    ['configs', 'FileObject'],
  ] as const) {
    const m = bound[key];
    if (isObj(m) && Object.keys(m).length > 0) entries.push([key, jsonNode({ k: 'map', elem: { k: 'struct', name: elem }, parse: 'plain' }, m)]);
  }
  for (const k of Object.keys(bound)) {
    if (k.startsWith('x-')) entries.push([k, jsonAny(bound[k])]);
  }
  // a Go map: later keys replace earlier ones, then the keys are sorted
  const unique = new Map(entries);
  const sorted = Array.from(unique).sort((a, b) => compareBytes(a[0], b[0]));
  return escapeDollars(serialize({ t: 'obj', entries: sorted }, ''), opts);
}
