/**
 * A YAML writer that behaves like go-yaml v4's encoder (`yaml.NewEncoder` + `SetIndent(2)`, as
 * compose-go `types/project.go MarshalYAML` sets it up) for the trees `config` prints: block
 * mappings and sequences, `{}`/`[]` for empty ones, scalars without tags, anchors or comments.
 *
 * Two stages, as in go-yaml (internal/libyaml representer.go + desolver.go, then emitter.go):
 * 1. scalarStyle() picks the style a string asks for: plain, or double-quoted when the plain text
 *    would read back as another type (`"8080"`, `"true"`, `""`), single-quoted (v5.3.1+) or
 *    double-quoted (older) for YAML 1.1 booleans and base-60 numbers (`'no'`, `'1:20'`), a
 *    literal block for multi-line text;
 * 2. the emitter (a port of libyaml's state machine) may still change it from what the text
 *    allows (`'- x'`, `": x"`, leading/trailing spaces → single quotes; tabs, control characters,
 *    characters outside the BMP → double quotes) and writes it, folding long lines at the
 *    configured width.
 */

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

export type YNode =
  | { t: 'map'; pairs: [YNode, YNode][] }
  | { t: 'seq'; items: YNode[] }
  | { t: 'scalar'; value: string; style: ScalarStyle };

export interface EmitOptions {
  /** spaces per level (go-yaml BestIndent; compose uses 2) */
  indent: number;
  /** preferred line width; -1 for none. go-yaml rc.5+ NewEncoder: 80; older: none */
  width: number;
}

// ---------------------------------------------------------------------------------------------
// Plain-scalar resolution (internal/libyaml/resolver.go `resolve`)
// ---------------------------------------------------------------------------------------------

const RESOLVE_MAP = new Set([
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
  '-0', '-0.0', '<<',
]);

const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** Go's strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) succeed (underscores already removed). */
function goParsesAsInt(s: string): boolean {
  let body = s;
  let signed = false;
  if (body.startsWith('+') || body.startsWith('-')) {
    signed = body.startsWith('-');
    body = body.slice(1);
  }
  let digits: string;
  let base: bigint;
  let re: RegExp;
  if (/^0[xX]/.test(body)) {
    [digits, base, re] = [body.slice(2), 16n, /^[0-9a-fA-F]+$/];
  } else if (/^0[oO]/.test(body)) {
    [digits, base, re] = [body.slice(2), 8n, /^[0-7]+$/];
  } else if (/^0[bB]/.test(body)) {
    [digits, base, re] = [body.slice(2), 2n, /^[01]+$/];
  } else if (body.length > 1 && body.startsWith('0')) {
    [digits, base, re] = [body.slice(1), 8n, /^[0-7]+$/];
  } else {
    [digits, base, re] = [body, 10n, /^[0-9]+$/];
  }
  if (!re.test(digits)) return false;
  let n = 0n;
  for (const c of digits) n = n * base + BigInt(Number.parseInt(c, 16));
  if (signed) return n <= 1n << 63n;
  // ParseInt up to 2^63-1, ParseUint (no sign) up to 2^64-1
  return s.startsWith('+') ? n < 1n << 63n : n < 1n << 64n;
}

/** Go's strconv.ParseFloat(s, 64) succeeds, for the shapes yamlStyleFloat lets through. */
function goParsesAsFloat(s: string): boolean {
  const n = Number(s);
  return Number.isFinite(n);
}

/** Go's strconv underscoreOK for a decimal number: each `_` sits between two digits. */
function underscoresOK(s: string): boolean {
  let saw = '^';
  for (const c of s.replace(/^[+-]/, '')) {
    if (c >= '0' && c <= '9') saw = '0';
    else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/** strconv.ParseFloat(s, 64) for a string starting with `.` (Go's syntax allows `_` between digits). */
function dotFloat(s: string): boolean {
  if (!/^\.[0-9]/.test(s)) return false;
  if (s.includes('_') && !underscoresOK(s)) return false;
  return /^\.[0-9_]+(?:[eE][+-]?[0-9_]+)?$/.test(s) && goParsesAsFloat(s.replace(/_/g, ''));
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = m === 2 ? (leap ? 29 : 28) : (MONTH_DAYS[m - 1] as number);
  return d <= max;
}

/** go-yaml's parseTimestamp: the formats it tries with Go's time.Parse. */
function isTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
  if (!m) return false;
  if (!validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (m[4] === undefined) return true;
  if (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59) return false;
  const zone = m[8];
  if (m[4] === ' ') return zone === undefined;
  if (zone === undefined) return false;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 24 || Number(zone.slice(4, 6)) > 60)) return false;
  return true;
}

/** Whether the plain scalar `s` would be read back as something other than a string. */
export function resolvesAsNonString(s: string): boolean {
  if (RESOLVE_MAP.has(s)) return true;
  const c = s[0];
  if (c === '.') return dotFloat(s);
  if (c === '+' || c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    if (isTimestamp(s)) return true;
    const plain = s.replace(/_/g, '');
    if (goParsesAsInt(plain)) return true;
    if (YAML_STYLE_FLOAT.test(plain) && goParsesAsFloat(plain)) return true;
  }
  return false;
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

function isBase60Float(s: string): boolean {
  const c = s[0];
  if (c === undefined || !(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return BASE60_FLOAT.test(s);
}

function shouldUseLiteral(s: string): boolean {
  return s.includes('\n') && s.length >= 2 && /[^\s]/u.test(s);
}

/**
 * The style go-yaml's representer (and desolver) give a Go string. `compatQuote` is the quote
 * used for strings YAML 1.1 would read differently (`no`, `on`, `1:20`, `<<`): single quotes in
 * go-yaml v4.0.0-rc.5 and later (docker compose v5.3.1+), double quotes before.
 */
export function scalarStyle(s: string, compatQuote: 'single' | 'double'): ScalarStyle {
  if (s.includes('\n')) return shouldUseLiteral(s) ? 'literal' : 'double';
  if (isBase60Float(s) || OLD_BOOLS.has(s) || s === '<<') return compatQuote;
  if (resolvesAsNonString(s)) return 'double';
  return 'plain';
}

// ---------------------------------------------------------------------------------------------
// Character classes (internal/libyaml/scanner.go), on code points
// ---------------------------------------------------------------------------------------------

function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

function isBreak(c: number | undefined): boolean {
  return c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
}

function isBlankOrEnd(c: number | undefined): boolean {
  return c === undefined || c === 0x20 || c === 0x09 || isBreak(c) || c === 0;
}

function utf8Length(cps: number[]): number {
  let n = 0;
  for (const c of cps) n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  return n;
}

interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar. */
function analyzeScalar(v: number[]): ScalarAnalysis {
  if (v.length === 0) {
    return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let tabCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;

  if (v.length >= 3 && ((v[0] === 0x2d && v[1] === 0x2d && v[2] === 0x2d) || (v[0] === 0x2e && v[1] === 0x2e && v[2] === 0x2e))) {
    blockIndicators = true;
    flowIndicators = true;
  }
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as number;
    const followedByWhitespace = i + 1 >= v.length || v[i + 1] === 0x20 || v[i + 1] === 0x09;
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(ch)) {
      flowIndicators = true;
    } else if (ch === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (ch === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }

    if (c === 0x09) tabCharacters = true;
    else if (!isPrintable(c)) specialCharacters = true;

    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === v.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === v.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(c);
  }

  const a: ScalarAnalysis = { multiline: lineBreaks, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || tabCharacters || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) a.blockAllowed = false;
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Events and the emitter state machine (internal/libyaml/emitter.go)
// ---------------------------------------------------------------------------------------------

type Ev =
  | { type: 'docStart' }
  | { type: 'docEnd' }
  | { type: 'mapStart' }
  | { type: 'mapEnd' }
  | { type: 'seqStart' }
  | { type: 'seqEnd' }
  | { type: 'scalar'; value: number[]; style: ScalarStyle };

type State =
  | 'docStart'
  | 'docContent'
  | 'docEnd'
  | 'flowSeqFirst'
  | 'flowMapFirst'
  | 'blockSeqFirst'
  | 'blockSeqItem'
  | 'blockMapFirstKey'
  | 'blockMapKey'
  | 'blockMapSimpleValue'
  | 'blockMapValue'
  | 'end';

function toEvents(root: YNode): Ev[] {
  const evs: Ev[] = [{ type: 'docStart' }];
  const walk = (n: YNode): void => {
    if (n.t === 'scalar') {
      evs.push({ type: 'scalar', value: Array.from(n.value, (c) => c.codePointAt(0) ?? 0), style: n.style });
    } else if (n.t === 'seq') {
      evs.push({ type: 'seqStart' });
      n.items.forEach(walk);
      evs.push({ type: 'seqEnd' });
    } else {
      evs.push({ type: 'mapStart' });
      for (const [k, v] of n.pairs) {
        walk(k);
        walk(v);
      }
      evs.push({ type: 'mapEnd' });
    }
  };
  walk(root);
  evs.push({ type: 'docEnd' });
  return evs;
}

class Emitter {
  private out: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private indents: number[] = [];
  private states: State[] = [];
  private state: State = 'docStart';
  private flowLevel = 0;
  private simpleKeyContext = false;
  private analysis: ScalarAnalysis | undefined;
  private scalarStyle: ScalarStyle = 'plain';
  private readonly bestIndent: number;
  private readonly bestWidth: number;

  constructor(
    private readonly events: Ev[],
    opts: EmitOptions,
  ) {
    this.bestIndent = opts.indent >= 2 && opts.indent <= 9 ? opts.indent : 2;
    let width = opts.width < 0 ? -1 : opts.width;
    if (width >= 0 && width <= this.bestIndent * 2) width = 80;
    this.bestWidth = width < 0 ? 2 ** 31 - 1 : width;
  }

  run(): string {
    for (let i = 0; i < this.events.length; i++) {
      const ev = this.events[i] as Ev;
      this.analysis = ev.type === 'scalar' ? analyzeScalar(ev.value) : undefined;
      this.step(ev, i);
    }
    return this.out.join('');
  }

  // -- output primitives ------------------------------------------------------------------

  private put(s: string): void {
    this.out.push(s);
    this.column++;
  }

  private putBreak(): void {
    this.out.push('\n');
    this.column = 0;
    this.indention = true;
  }

  private writeCp(c: number): void {
    this.out.push(String.fromCodePoint(c));
    this.column++;
  }

  private writeBreakCp(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
    } else {
      this.out.push(String.fromCodePoint(c));
      this.column = 0;
      this.indention = true;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const c of indicator) this.put(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? this.bestIndent : 0;
    } else if (this.states[this.states.length - 1] === 'blockSeqItem') {
      this.indent += 2;
    } else {
      this.indent = this.bestIndent * Math.floor((this.indent + this.bestIndent) / this.bestIndent);
    }
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  private popState(): void {
    this.state = this.states.pop() ?? 'end';
  }

  // -- state machine ----------------------------------------------------------------------

  private step(ev: Ev, i: number): void {
    switch (this.state) {
      case 'docStart':
        if (ev.type !== 'docStart') throw new Error('yaml emitter: expected DOCUMENT-START');
        this.state = 'docContent';
        return;
      case 'docContent':
        this.states.push('docEnd');
        this.emitNode(ev, i, false);
        return;
      case 'docEnd':
        if (ev.type !== 'docEnd') throw new Error('yaml emitter: expected DOCUMENT-END');
        this.writeIndent();
        this.state = 'docStart';
        return;
      case 'flowSeqFirst':
      case 'flowMapFirst': {
        // only empty collections are written in flow style
        const [open, close, end] = this.state === 'flowSeqFirst' ? ['[', ']', 'seqEnd'] : ['{', '}', 'mapEnd'];
        if (ev.type !== end) throw new Error('yaml emitter: non-empty flow collection');
        this.writeIndicator(open, true, true, false);
        this.increaseIndent(true);
        this.popIndent();
        if (this.column === 0) this.writeIndent();
        this.writeIndicator(close, false, false, false);
        this.popState();
        return;
      }
      case 'blockSeqFirst':
      case 'blockSeqItem':
        if (this.state === 'blockSeqFirst') this.increaseIndent(false);
        if (ev.type === 'seqEnd') {
          this.popIndent();
          this.popState();
          return;
        }
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.states.push('blockSeqItem');
        this.emitNode(ev, i, false);
        return;
      case 'blockMapFirstKey':
      case 'blockMapKey':
        if (this.state === 'blockMapFirstKey') this.increaseIndent(false);
        if (ev.type === 'mapEnd') {
          this.popIndent();
          this.popState();
          return;
        }
        this.writeIndent();
        if (this.checkSimpleKey(ev, i)) {
          this.states.push('blockMapSimpleValue');
          this.emitNode(ev, i, true);
        } else {
          this.writeIndicator('?', true, false, true);
          this.states.push('blockMapValue');
          this.emitNode(ev, i, false);
        }
        return;
      case 'blockMapSimpleValue':
      case 'blockMapValue':
        if (this.state === 'blockMapSimpleValue') {
          this.writeIndicator(':', false, false, false);
        } else {
          this.writeIndent();
          this.writeIndicator(':', true, false, true);
        }
        this.states.push('blockMapKey');
        this.emitNode(ev, i, false);
        return;
      case 'end':
        throw new Error('yaml emitter: expected nothing after STREAM-END');
    }
  }

  private emitNode(ev: Ev, i: number, simpleKey: boolean): void {
    this.simpleKeyContext = simpleKey;
    switch (ev.type) {
      case 'scalar':
        this.emitScalar(ev);
        return;
      case 'seqStart':
        this.state = this.flowLevel > 0 || this.isEmpty(i, 'seqEnd') ? 'flowSeqFirst' : 'blockSeqFirst';
        return;
      case 'mapStart':
        this.state = this.flowLevel > 0 || this.isEmpty(i, 'mapEnd') ? 'flowMapFirst' : 'blockMapFirstKey';
        return;
      default:
        throw new Error(`yaml emitter: expected SCALAR, SEQUENCE-START or MAPPING-START, got ${ev.type}`);
    }
  }

  private isEmpty(i: number, end: Ev['type']): boolean {
    return this.events[i + 1]?.type === end;
  }

  private checkSimpleKey(ev: Ev, i: number): boolean {
    switch (ev.type) {
      case 'scalar':
        if (this.analysis?.multiline) return false;
        return utf8Length(ev.value) <= 128;
      case 'seqStart':
        return this.isEmpty(i, 'seqEnd');
      case 'mapStart':
        return this.isEmpty(i, 'mapEnd');
      default:
        return false;
    }
  }

  private emitScalar(ev: Extract<Ev, { type: 'scalar' }>): void {
    this.selectScalarStyle(ev);
    this.increaseIndent(true);
    const allowBreaks = !this.simpleKeyContext;
    switch (this.scalarStyle) {
      case 'plain':
        this.writePlain(ev.value, allowBreaks);
        break;
      case 'single':
        this.writeSingleQuoted(ev.value, allowBreaks);
        break;
      case 'double':
        this.writeDoubleQuoted(ev.value, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(ev.value);
        break;
    }
    this.popIndent();
    this.popState();
  }

  private selectScalarStyle(ev: Extract<Ev, { type: 'scalar' }>): void {
    const a = this.analysis as ScalarAnalysis;
    let style = ev.style;
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlainAllowed) || (this.flowLevel === 0 && !a.blockPlainAllowed)) style = 'single';
      if (ev.value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext)) style = 'double';
    this.scalarStyle = style;
  }

  // -- scalar writers ---------------------------------------------------------------------

  private writePlain(v: number[], allowBreaks: boolean): void {
    if (v.length > 0 && !this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as number;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && v[i + 1] !== 0x20) {
          this.writeIndent();
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeCp(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (v.length > 0) this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(v: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as number;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < v.length - 1 && v[i + 1] !== 0x20) {
          this.writeIndent();
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.writeCp(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(v: number[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    // libyaml's is_bom() looks at the start of the value, whatever the position
    const startsWithBom = v[0] === 0xfeff;
    let spaces = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as number;
      if (!isPrintable(c) || startsWithBom || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        const short: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r',
          0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        const s = short[c];
        if (s !== undefined) {
          this.put(s);
        } else {
          const [prefix, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(prefix);
          for (const d of c.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < v.length - 1) {
          this.writeIndent();
          if (v[i + 1] === 0x20) this.put('\\');
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else {
        this.writeCp(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(v: number[]): void {
    this.writeIndicator('|', true, false, false);
    // block scalar hints: indentation when the text starts with a space, then chomping
    if (v[0] === 0x20) this.writeIndicator(String(this.bestIndent), false, false, false);
    let chomp = '';
    const last = v.length - 1;
    if (v.length === 0 || !isBreak(v[last])) chomp = '-';
    else if (last === 0 || isBreak(v[last - 1])) chomp = '+';
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.whitespace = true;
    let breaks = true;
    for (const c of v) {
      if (isBreak(c)) {
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeCp(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** Write one YAML document for `root`, ending with a newline. */
export function emitYaml(root: YNode, opts: EmitOptions): string {
  return new Emitter(toEvents(root), opts).run();
}
