/**
 * Explicit replicas (seed 004's worker layout): `SERVICE=N` turns one service into `SERVICE-1..N`
 * that share its definition through an anchor, each with its own host port, `scale-<i>` profiles
 * for replicas 2..N, per-replica values where the service's port appears (`WORKER_PORT`,
 * `WORKER_PUBLIC_BASE_URL`, a `--port` in the command …), and Prometheus scrape targets to match.
 *
 * The edit is reversible byte for byte, so it is recognised by markers rather than guessed:
 *
 *   # shipshape scale: worker begin (…)          ← generated
 *   x-worker: &worker                             ← generated
 *   #~scale:worker~  worker:                      ← the original key line, commented out
 *       image: app                                ← the original body, verbatim (its indentation kept)
 *   #~scale:worker~    ports:                     ← entries the replicas set themselves, commented out
 *   #~scale:worker~      - "5003:5003"
 *       environment: &worker-environment          ← one anchor inserted when replicas override variables
 *         WORKER_PORT: 5003
 *   # shipshape scale: worker end
 *
 *   services:
 *     # shipshape scale: worker replicas begin (…)
 *     worker-1:
 *       <<: *worker
 *       ports: …
 *     worker-2: …
 *     # shipshape scale: worker replicas end
 *
 * and references from other services (`depends_on: [worker]` → `worker-1`) carry a trailing
 * `# shipshape scale: worker-1 (was worker)`. Scaling to 1 undoes exactly that; scaling from N to
 * M is "back to 1, then to M". The original definition stays live in the anchor, so edits made
 * there survive a rescale; the replica block is regenerated.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, Scalar, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { TextEdit } from '../audit/types.js';
import { ALREADY_APPLIED, applyEdits } from '../fix/apply.js';
import { isPlainSafe, quoteString, renderEntryLines, renderInline, type QuoteHint, type RenderStyle } from '../fix/render.js';
import { columnOf, firstOnLine, lineEnd, lineStart, nextLineStart } from '../fix/text.js';
import { anchorNodes, entries, parseForEdit, type Entry } from '../fix/yaml-doc.js';
import { LoadError } from '../load/errors.js';
import { isMapping } from '../load/paths.js';
import { loadProject, type LoadedProject } from '../load/project.js';
import type { Mapping, Value } from '../load/types.js';
import { parseYamlDocuments, type ParsedDocument } from '../load/yaml.js';

export const MARK = 'shipshape scale';

const commentPrefix = (svc: string) => `#~scale:${svc}~`;
const refMarker = (svc: string) => ` # ${MARK}: ${svc}-1 (was ${svc})`;
const envAnchorName = (svc: string) => `${svc}-environment`;

/** Keys a replica never overrides (they are the shared definition); a port in them is only reported. */
const SHARED_KEYS = new Set(['ports', 'container_name', 'scale', 'profiles', 'deploy', 'build', 'image', 'volumes', 'networks', 'depends_on', 'extends', 'env_file', 'secrets', 'configs', 'links', 'network_mode']);
/** Entries of the original definition the replicas set themselves (commented out in the anchor). */
const REMOVED_KEYS = new Set(['ports', 'container_name', 'scale']);

export interface ScaleRequest {
  service: string;
  replicas: number;
}

/** Parse `SERVICE=N`. */
export function parseScaleSpec(spec: string): ScaleRequest {
  const m = /^([a-zA-Z0-9][a-zA-Z0-9_.-]*)=(\d+)$/.exec(spec);
  if (!m) throw new LoadError(`${spec}: expected SERVICE=N (e.g. backtest-worker=3)`, { code: 'usage' });
  const replicas = Number(m[2]);
  if (replicas < 1 || replicas > 100) throw new LoadError(`${spec}: the number of replicas must be between 1 and 100`, { code: 'usage' });
  return { service: m[1]!, replicas };
}

// ---------------------------------------------------------------------------------------------
// text helpers

interface Line {
  start: number;
  /** start of the next line (or the text's length) */
  next: number;
  /** the line without its line break */
  body: string;
}

function linesOf(text: string): Line[] {
  const out: Line[] = [];
  let i = 0;
  while (i < text.length) {
    const next = nextLineStart(text, i);
    out.push({ start: i, next, body: text.slice(i, lineEnd(text, i)) });
    i = next;
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replace each port number in `map` found as a whole number in strings, or as a number. */
export function substitutePorts(v: Value, map: Map<number, number>): Value {
  if (!map.size) return v;
  if (typeof v === 'number') return map.get(v) ?? v;
  if (typeof v === 'string') return v.replace(/(?<![0-9])[0-9]+(?![0-9])/g, (d) => String(map.get(Number(d)) ?? d));
  if (Array.isArray(v)) return v.map((x) => substitutePorts(x, map));
  if (v && typeof v === 'object') {
    const out: Mapping = {};
    for (const [k, x] of Object.entries(v)) out[k] = substitutePorts(x, map);
    return out;
  }
  return v;
}

function same(a: Value | undefined, b: Value | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function applyTextEdits(text: string, edits: TextEdit[], file: string): string {
  const real = edits.filter((e) => text.slice(e.start, e.end) !== e.text);
  if (!real.length) return text;
  const res = applyEdits(text, real, file);
  const failed = res.skipped.filter((s) => s.why !== ALREADY_APPLIED);
  if (failed.length) {
    const s = failed[0]!;
    throw new LoadError(`${file}: internal: an edit could not be applied (${s.why})`, { code: 'internal' });
  }
  return res.text;
}

function topEntries(text: string, file: string): { doc: ReturnType<typeof parse>; top: Entry[]; services: Entry; serviceEntries: Entry[] } {
  const p = parse(text, file);
  const root = p.doc.contents as YamlNode | null;
  if (!root || !isMap(root) || root.flow) throw new LoadError(`${file}: the top level is not a block mapping`, { code: 'unsupported' });
  const top = entries(text, root);
  const services = top.find((e) => e.key === 'services');
  if (!services || !services.value || !isMap(services.value) || services.value.flow) throw new LoadError(`${file}: no block services: mapping`, { code: 'unsupported' });
  return { doc: p, top, services, serviceEntries: entries(text, services.value) };
}

function parse(text: string, file: string) {
  const p = parseForEdit(text);
  if (typeof p === 'string') throw new LoadError(`${file}: ${p}`, { code: 'yaml' });
  return p;
}

// ---------------------------------------------------------------------------------------------
// state

interface Markers {
  /** index of the anchor begin and end lines in linesOf(text) */
  ai: number;
  ae: number;
  anchorBegin: Line;
  anchorEnd: Line;
  replicasBegin: Line;
  replicasEnd: Line;
  /** replica names between the replica markers */
  replicas: string[];
  noEol: boolean;
}

function findMarkers(text: string, svc: string): Markers | undefined {
  const lines = linesOf(text);
  const b = new RegExp(`^# ${escapeRe(MARK)}: ${escapeRe(svc)} begin(?: |$)`);
  const e = `# ${MARK}: ${svc} end`;
  const rb = new RegExp(`^\\s*# ${escapeRe(MARK)}: ${escapeRe(svc)} replicas begin(?: |$)`);
  const re = new RegExp(`^\\s*# ${escapeRe(MARK)}: ${escapeRe(svc)} replicas end\\s*$`);
  const ai = lines.findIndex((l) => b.test(l.body));
  const ri = lines.findIndex((l) => rb.test(l.body));
  if (ai < 0 && ri < 0) return undefined;
  const ae = ai < 0 ? -1 : lines.findIndex((l, i) => i > ai && l.body.trimEnd() === e);
  const rei = ri < 0 ? -1 : lines.findIndex((l, i) => i > ri && re.test(l.body));
  if (ai < 0 || ae < 0 || ri < 0 || rei < 0 || ri < ae) {
    throw new LoadError(`the ${MARK} markers for ${svc} are incomplete (edited by hand?): restore the service by hand`, { code: 'unsupported' });
  }
  const indent = /^\s*/.exec(lines[ri]!.body)![0];
  const name = new RegExp(`^${indent}(${escapeRe(svc)}-[0-9]+):`);
  const replicas = lines.slice(ri + 1, rei).flatMap((l) => {
    const m = name.exec(l.body);
    return m ? [m[1]!] : [];
  });
  return { ai, ae, anchorBegin: lines[ai]!, anchorEnd: lines[ae]!, replicasBegin: lines[ri]!, replicasEnd: lines[rei]!, replicas, noEol: lines[ai]!.body.includes('[no final newline]') };
}

/** How many replicas the file has for `svc` (undefined when it is not scaled by shipshape). */
export function scaledReplicas(text: string, svc: string): number | undefined {
  return findMarkers(text, svc)?.replicas.length;
}

/** Scaled services of a file (names from the anchor markers). */
export function scaledServices(text: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`^# ${escapeRe(MARK)}: (\\S+) begin(?: |$)`);
  for (const l of linesOf(text)) {
    const m = re.exec(l.body);
    if (m) out.push(m[1]!);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// back to one

/** Undo `scaleServiceText` for `svc`: the original text, byte for byte. */
export function unscaleServiceText(text: string, svc: string, file = 'compose file'): string {
  return unscale(text, svc, file).text;
}

/** Undo the scaling; `anchorAt` is where the anchor block stood, in the restored text. */
export function unscale(text: string, svc: string, file = 'compose file'): { text: string; anchorAt?: number } {
  const m = findMarkers(text, svc);
  if (!m) return { text };
  const lines = linesOf(text);
  const { ai, ae } = m;
  const header = lines[ai + 1];
  if (!header || !header.body.startsWith(`x-${svc}:`)) throw new LoadError(`${file}: the ${MARK} block of ${svc} lost its x-${svc} line: restore the service by hand`, { code: 'unsupported' });
  const prefix = commentPrefix(svc);
  const envInsert = ` &${envAnchorName(svc)}`;
  let original = '';
  for (const l of lines.slice(ai + 2, ae)) {
    let s = text.slice(l.start, l.next);
    if (s.startsWith(prefix)) s = s.slice(prefix.length);
    else if (/^\s*environment:/.test(s) && s.includes(envInsert)) s = s.replace(envInsert, '');
    original += s;
  }
  if (m.noEol) original = original.replace(/\r?\n$/, '');
  // the blank line written after the end marker
  let anchorEnd = m.anchorEnd.next;
  const after = lines[ae + 1];
  if (after && after.body.trim() === '') anchorEnd = after.next;
  const edits: TextEdit[] = [
    { kind: 'text', file, start: m.replicasBegin.start, end: m.replicasEnd.next, text: original },
    { kind: 'text', file, start: m.anchorBegin.start, end: anchorEnd, text: '' },
  ];
  const marker = refMarker(svc);
  const ref = new RegExp(`(?<![\\w.-])${escapeRe(svc)}-1(?![\\w.-])`, 'g');
  let anchorAt = m.anchorBegin.start;
  for (const l of lines) {
    if (!l.body.endsWith(marker)) continue;
    const restored = l.body.slice(0, -marker.length).replace(ref, svc);
    edits.push({ kind: 'text', file, start: l.start, end: l.start + l.body.length, text: restored });
    if (l.start < m.anchorBegin.start) anchorAt += restored.length - l.body.length;
  }
  return { text: applyTextEdits(text, edits, file), anchorAt };
}

// ---------------------------------------------------------------------------------------------
// scaling up

export interface ReplicaPlan {
  /** host port → host port of this replica (identity for an unchanged replica) */
  hostPorts: Map<number, number>;
}

export interface ScaleTextOptions {
  /** one entry per replica, replica 1 first */
  replicas: ReplicaPlan[];
  profilePrefix: string;
  /** for messages */
  file?: string;
  /** where the anchor block goes (a line start before `services:`), e.g. where it stood before a rescale */
  anchorAt?: number;
}

export interface ScaleTextResult {
  text: string;
  warnings: string[];
  /** keys the replicas override (environment variables as `environment.NAME`) */
  overridden: string[];
}

function refSites(text: string, doc: ReturnType<typeof parse>, svc: string, skip: YamlNode | null): number[] {
  const sites: number[] = [];
  const nameAt = (node: YamlNode | null | undefined, from = 0): void => {
    if (!node || !isScalar(node) || !node.range) return;
    const [s, e] = node.range;
    let i = text.indexOf(svc, s + from);
    while (i >= 0 && i + svc.length <= e) {
      const before = text[i - 1] ?? ' ';
      const after = text[i + svc.length] ?? ' ';
      if (!/[\w.-]/.test(before) || i === s || before === ':' || before === '"' || before === "'") {
        if (!/[\w.-]/.test(after)) {
          sites.push(i + svc.length);
          return;
        }
      }
      i = text.indexOf(svc, i + 1);
    }
  };
  const visitService = (m: YAMLMap) => {
    for (const pair of m.items as Pair<YamlNode | null, YamlNode | null>[]) {
      const k = pair.key;
      const v = pair.value;
      if (!k || !isScalar(k)) continue;
      const key = String(k.value);
      if (key === 'depends_on') {
        if (v && isSeq(v)) for (const it of v.items as YamlNode[]) if (isScalar(it) && it.value === svc) nameAt(it);
        if (v && isMap(v)) for (const p of v.items as Pair<YamlNode | null, YamlNode | null>[]) if (p.key && isScalar(p.key) && p.key.value === svc) nameAt(p.key);
      } else if (key === 'links' || key === 'volumes_from') {
        if (v && isSeq(v)) for (const it of v.items as YamlNode[]) if (isScalar(it) && typeof it.value === 'string' && (it.value === svc || it.value.startsWith(`${svc}:`))) nameAt(it);
      } else if (key === 'network_mode' || key === 'ipc' || key === 'pid') {
        if (v && isScalar(v) && v.value === `service:${svc}`) nameAt(v, 0);
      } else if (key === 'extends') {
        if (v && isMap(v) && !v.has('file')) {
          const s = v.get('service', true) as YamlNode | undefined;
          if (s && isScalar(s) && s.value === svc) nameAt(s);
        }
      }
    }
  };
  const root = doc.doc.contents as YAMLMap;
  for (const pair of root.items as Pair<YamlNode | null, YamlNode | null>[]) {
    if (!pair.key || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (key === 'services' && pair.value && isMap(pair.value)) {
      for (const sp of pair.value.items as Pair<YamlNode | null, YamlNode | null>[]) if (sp.value && sp.value !== skip && isMap(sp.value)) visitService(sp.value);
    } else if (key.startsWith('x-') && pair.value && isMap(pair.value)) visitService(pair.value);
  }
  return sites;
}

/** Quote hint from how the file writes a node's first string scalar. */
function hintOf(node: YamlNode | null | undefined): QuoteHint {
  let n: YamlNode | null | undefined = node;
  while (n && (isSeq(n) || isMap(n))) {
    const first = (n.items as unknown[])[0];
    n = (isSeq(n) ? first : (first as Pair | undefined)?.value) as YamlNode | null | undefined;
  }
  if (n && isScalar(n)) {
    if (n.type === Scalar.QUOTE_DOUBLE) return { quote: '"', always: true };
    if (n.type === Scalar.QUOTE_SINGLE) return { quote: "'", always: true };
  }
  return {};
}

function renderEntry(key: string, value: Value, col: number, style: RenderStyle, node: YamlNode | null | undefined): string[] {
  const hint = hintOf(node);
  if (node && (isSeq(node) || isMap(node)) && node.flow && (Array.isArray(value) || isMapping(value))) {
    return [`${' '.repeat(col)}${key}: ${renderInline(value, style, true, hint)}`];
  }
  return renderEntryLines(key, value, col, style, { hint });
}

/**
 * Turn service `svc` of `text` (not scaled yet) into replicas; replicas.length must be ≥ 2 or a
 * changed port for replica 1.
 */
export function scaleServiceText(text: string, svc: string, o: ScaleTextOptions): ScaleTextResult {
  const file = o.file ?? 'compose file';
  if (findMarkers(text, svc)) throw new LoadError(`${file}: ${svc} is already scaled; restore it first`, { code: 'internal' });
  const { doc, top, services, serviceEntries } = topEntries(text, file);
  const style = doc.style;
  const eol = style.eol;
  const se = serviceEntries.find((e) => e.key === svc);
  if (!se) throw new LoadError(`${file}: no service ${svc}`, { code: 'no-service' });
  const val = se.value;
  if (!val || !isMap(val) || val.flow) throw new LoadError(`${file}: service ${svc} is not written as a block mapping; scale needs one`, { code: 'unsupported' });
  if (!firstOnLine(text, se.start)) throw new LoadError(`${file}: service ${svc} does not start its line`, { code: 'unsupported' });
  for (let i = 1; i <= o.replicas.length; i++) {
    if (serviceEntries.some((e) => e.key === `${svc}-${i}`)) throw new LoadError(`${file}: a service named ${svc}-${i} already exists`, { code: 'unsupported' });
  }
  if (top.some((e) => e.key === `x-${svc}`)) throw new LoadError(`${file}: x-${svc} already exists; scale writes the shared definition there`, { code: 'unsupported' });
  const anchor = val.anchor ?? svc;
  if (!val.anchor && anchorNodes(doc.doc, svc).length) throw new LoadError(`${file}: an anchor named ${svc} already exists`, { code: 'unsupported' });
  const body = entries(text, val);
  if (!body.length) throw new LoadError(`${file}: service ${svc} is empty`, { code: 'unsupported' });
  for (const b of body) if (!firstOnLine(text, b.start)) throw new LoadError(`${file}: service ${svc} has an entry that does not start its line`, { code: 'unsupported' });
  const K = columnOf(text, se.start);
  const U = columnOf(text, body[0]!.start) - K;
  const spanStart = lineStart(text, se.start);
  const spanEnd = nextLineStart(text, se.end);
  const noEol = spanEnd === text.length && !text.endsWith('\n');
  const warnings: string[] = [];

  // the raw definition (merges resolved) for values
  const rawDocs = parseYamlDocuments(text, file);
  const rawSvc = ((rawDocs[0]?.value?.services as Mapping | undefined)?.[svc] ?? {}) as Mapping;

  // entries the replicas set themselves
  const commented: [number, number][] = [[spanStart, nextLineStart(text, se.start)]];
  let portsEntry: Entry | undefined;
  for (const b of body) {
    if (b.key && REMOVED_KEYS.has(b.key)) {
      commented.push([lineStart(text, b.start), nextLineStart(text, b.end)]);
      if (b.key === 'ports') portsEntry = b;
      if (b.key === 'scale') warnings.push(`${svc}: scale: is commented out (each replica is its own service now)`);
    }
    if (b.key === 'deploy' && b.value && isMap(b.value) && !b.value.flow) {
      const r = entries(text, b.value).find((x) => x.key === 'replicas');
      if (r) {
        commented.push([lineStart(text, r.start), nextLineStart(text, r.end)]);
        warnings.push(`${svc}: deploy.replicas is commented out (each replica is its own service now)`);
      }
    }
  }
  if (Array.isArray(rawSvc.profiles) && rawSvc.profiles.length && o.replicas.length > 1) {
    warnings.push(`${svc} has profiles [${rawSvc.profiles.join(', ')}]: replicas 2..N replace them with ${o.profilePrefix}<i> (compose profiles cannot require both)`);
  }

  // what each replica overrides
  const envEntry = body.find((b) => b.key === 'environment');
  const envIsMap = isMapping(rawSvc.environment);
  const perReplica = o.replicas.map((r) => {
    const over: { key: string; value: Value }[] = [];
    const envKeys: { key: string; value: Value }[] = [];
    let envFull: Value | undefined;
    for (const [k, v] of Object.entries(rawSvc)) {
      const s = substitutePorts(v, r.hostPorts);
      if (same(s, v)) continue;
      if (k === 'environment') {
        if (envIsMap && envEntry) {
          for (const [ek, ev] of Object.entries(v as Mapping)) {
            const es = substitutePorts(ev, r.hostPorts);
            if (!same(es, ev)) envKeys.push({ key: ek, value: es });
          }
        } else envFull = s;
      } else if (!SHARED_KEYS.has(k)) over.push({ key: k, value: s });
    }
    return { over, envKeys, envFull };
  });
  for (const [k, v] of Object.entries(rawSvc)) {
    if (!SHARED_KEYS.has(k) || k === 'ports') continue;
    if (o.replicas.some((r) => !same(substitutePorts(v, r.hostPorts), v))) warnings.push(`${svc}: ${k} mentions the port ${[...o.replicas[0]!.hostPorts.keys()].join(', ')}; replicas share it as it is`);
  }
  const needEnvAnchor = perReplica.some((p) => p.envKeys.length > 0);
  let envAnchor: string | undefined;
  let envInsertAt: number | undefined;
  if (needEnvAnchor && envEntry?.value) {
    if (envEntry.value.anchor) envAnchor = envEntry.value.anchor;
    else {
      envAnchor = envAnchorName(svc);
      if (anchorNodes(doc.doc, envAnchor).length) throw new LoadError(`${file}: an anchor named ${envAnchor} already exists`, { code: 'unsupported' });
      envInsertAt = envEntry.sepEnd;
    }
  }

  // the anchor block: the original entry, key line and replica-owned entries commented out
  const prefix = commentPrefix(svc);
  let anchorBody = '';
  for (const l of linesOf(text.slice(0, spanEnd)).filter((x) => x.start >= spanStart)) {
    let s = text.slice(l.start, l.next);
    if (commented.some(([a, b]) => l.start >= a && l.start < b)) s = prefix + s;
    else if (envInsertAt !== undefined && envInsertAt >= l.start && envInsertAt < l.next) {
      const at = envInsertAt - l.start;
      s = `${s.slice(0, at)} &${envAnchor}${s.slice(at)}`;
    }
    anchorBody += s;
  }
  if (noEol) anchorBody += eol;
  const anchorBlock =
    `# ${MARK}: ${svc} begin (generated: the shared definition of ${svc}-1..${o.replicas.length}; \`shipshape scale ${svc}=1\` restores ${svc})${noEol ? ' [no final newline]' : ''}${eol}` +
    `x-${svc}: &${anchor}${eol}` +
    anchorBody +
    `# ${MARK}: ${svc} end${eol}${eol}`;

  // where it goes: before `services:` and the comment lines right above it
  let insertAt = lineStart(text, services.start);
  if (o.anchorAt !== undefined && o.anchorAt <= insertAt && lineStart(text, o.anchorAt) === o.anchorAt) insertAt = o.anchorAt;
  else for (;;) {
    if (insertAt === 0) break;
    const prev = lineStart(text, insertAt - 1);
    const line = text.slice(prev, lineEnd(text, prev));
    if (!line.startsWith('#') || line.startsWith(`# ${MARK}:`)) break;
    insertAt = prev;
  }

  // the replica block
  const pad = ' '.repeat(K);
  const pad2 = ' '.repeat(K + U);
  const portsText = portsEntry ? text.slice(lineStart(text, portsEntry.start), nextLineStart(text, portsEntry.end)).replace(/\r?\n$/, '') : undefined;
  const lines: string[] = [`${pad}# ${MARK}: ${svc} replicas begin (${o.replicas.length} replicas; generated from x-${svc}: edit that, not these)`];
  const overridden = new Set<string>();
  o.replicas.forEach((r, idx) => {
    const i = idx + 1;
    lines.push(`${pad}${svc}-${i}:`);
    lines.push(`${pad2}<<: *${anchor}`);
    if (i > 1) lines.push(`${pad2}profiles: [${renderInline(`${o.profilePrefix}${i}`, style, true)}]`);
    if (portsEntry && rawSvc.ports !== undefined) {
      const ps = substitutePorts(rawSvc.ports, r.hostPorts);
      if (same(ps, rawSvc.ports) && portsText !== undefined) lines.push(...portsText.split(/\r?\n/));
      else lines.push(...renderEntry('ports', ps, K + U, style, portsEntry.value));
    }
    const p = perReplica[idx]!;
    if (p.envKeys.length && envAnchor) {
      lines.push(`${pad2}environment:`);
      lines.push(`${pad2}${' '.repeat(U)}<<: *${envAnchor}`);
      for (const e of p.envKeys) {
        lines.push(...renderEntryLines(e.key, e.value, K + 2 * U, style, { hint: hintOf(envEntry?.value) }));
        overridden.add(`environment.${e.key}`);
      }
    } else if (p.envKeys.length || p.envFull !== undefined) {
      const full = substitutePorts(rawSvc.environment!, r.hostPorts);
      lines.push(...renderEntry('environment', full, K + U, style, envEntry?.value));
      overridden.add('environment');
    }
    for (const x of p.over) {
      const node = body.find((b) => b.key === x.key)?.value;
      lines.push(...renderEntry(x.key, x.value, K + U, style, node));
      overridden.add(x.key);
    }
  });
  lines.push(`${pad}# ${MARK}: ${svc} replicas end`);
  const replicaBlock = lines.join(eol) + (noEol ? '' : eol);

  const edits: TextEdit[] = [
    { kind: 'text', file, start: insertAt, end: insertAt, text: anchorBlock },
    { kind: 'text', file, start: spanStart, end: spanEnd, text: replicaBlock },
  ];
  // references from other services
  const byLine = new Map<number, number[]>();
  for (const site of refSites(text, doc, svc, val)) {
    const ls = lineStart(text, site);
    byLine.set(ls, [...(byLine.get(ls) ?? []), site]);
  }
  for (const [ls, sites] of byLine) {
    const le = lineEnd(text, ls);
    let line = text.slice(ls, le);
    for (const s of [...sites].sort((a, b) => b - a)) line = `${line.slice(0, s - ls)}-1${line.slice(s - ls)}`;
    edits.push({ kind: 'text', file, start: ls, end: le, text: line + refMarker(svc) });
  }
  return { text: applyTextEdits(text, edits, file), warnings, overridden: [...overridden] };
}

// ---------------------------------------------------------------------------------------------
// Prometheus scrape targets

/**
 * Rewrite `static_configs[].targets` entries naming `svc:<port>` or `svc-<k>:<port>` into the
 * list `make(originalPort)` returns, written where the first of them was, in its quoting. The
 * rest of the file is left as it is. Returns undefined when no target names the service.
 */
export function rewriteTargets(text: string, svc: string, make: (port: number) => string[], original: (replica: number | undefined, port: number) => number, file = 'prometheus.yml'): string | undefined {
  const p = parseForEdit(text);
  if (typeof p === 'string') throw new LoadError(`${file}: ${p}`, { code: 'yaml' });
  const re = new RegExp(`^${escapeRe(svc)}(?:-([0-9]+))?:([0-9]+)$`);
  const edits: TextEdit[] = [];
  const root = p.doc.contents as YamlNode | null;
  const seqs: YamlNode[] = [];
  if (root && isMap(root)) {
    const sc = root.get('scrape_configs', true) as YamlNode | undefined;
    if (sc && isSeq(sc)) {
      for (const job of sc.items as YamlNode[]) {
        if (!job || !isMap(job)) continue;
        const st = job.get('static_configs', true) as YamlNode | undefined;
        if (!st || !isSeq(st)) continue;
        for (const g of st.items as YamlNode[]) {
          if (!g || !isMap(g)) continue;
          const t = g.get('targets', true) as YamlNode | undefined;
          if (t && isSeq(t)) seqs.push(t);
        }
      }
    }
  }
  for (const seq of seqs) {
    if (!isSeq(seq)) continue;
    const items = seq.items as YamlNode[];
    const matched: number[] = [];
    let port: number | undefined;
    items.forEach((it, i) => {
      if (!it || !isScalar(it) || typeof it.value !== 'string') return;
      const m = re.exec(it.value);
      if (!m) return;
      matched.push(i);
      if (port === undefined) port = original(m[1] === undefined ? undefined : Number(m[1]), Number(m[2]));
    });
    if (!matched.length || port === undefined) continue;
    const first = items[matched[0]!] as Scalar;
    const quote = first.type === Scalar.QUOTE_DOUBLE ? '"' : first.type === Scalar.QUOTE_SINGLE ? "'" : undefined;
    const write = (s: string) => (quote ? quoteString(s, quote) : isPlainSafe(s, seq.flow) ? s : quoteString(s, '"'));
    const targets = make(port).map(write);
    const [fs, fe] = first.range!;
    if (seq.flow) {
      edits.push({ kind: 'text', file, start: fs, end: fe, text: targets.join(', ') });
      for (const i of matched.slice(1)) {
        const prevEnd = (items[i - 1] as YamlNode).range![1];
        edits.push({ kind: 'text', file, start: prevEnd, end: (items[i] as YamlNode).range![1], text: '' });
      }
    } else {
      const dash = text.lastIndexOf('-', fs);
      const indent = text.slice(lineStart(text, dash), dash);
      const gap = text.slice(dash + 1, fs);
      // the first keeps its place (and its comment); the others follow on lines of their own
      edits.push({ kind: 'text', file, start: fs, end: fe, text: targets[0]! });
      const le = lineEnd(text, fe);
      if (targets.length > 1) edits.push({ kind: 'text', file, start: le, end: le, text: targets.slice(1).map((t) => `${p.style.eol}${indent}-${gap}${t}`).join('') });
      for (const i of matched.slice(1)) {
        const it = items[i] as YamlNode;
        const d = text.lastIndexOf('-', it.range![0]);
        edits.push({ kind: 'text', file, start: lineStart(text, d), end: nextLineStart(text, it.range![1]), text: '' });
      }
    }
  }
  if (!edits.length) return undefined;
  return applyTextEdits(text, edits, file);
}

// ---------------------------------------------------------------------------------------------
// the port table

export interface ReplicaRow {
  service: string;
  name: string;
  /** host ports, the first one shown */
  ports: number[];
  profile: string;
  always: boolean;
}

/** The port allocation table, as seed 004 writes it. */
export function portTable(rows: ReplicaRow[]): string {
  const cells = [['Worker', 'Port', 'Profile', 'Always Running?'], ...rows.map((r) => [r.name, r.ports.length ? r.ports.join(', ') : '-', r.profile, r.always ? 'Yes' : 'No (profile)'])];
  const w = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const row = (c: string[]) => `| ${c.map((x, i) => x.padEnd(w[i]!)).join(' | ')} |`;
  return [row(cells[0]!), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...cells.slice(1).map(row)].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// the project-level plan

export interface ScaleOptions {
  /** the directory compose runs in (absolute) */
  dir: string;
  /** -f files (relative to dir or absolute) */
  files?: string[];
  basePort?: number;
  /** default `scale-` */
  profilePrefix?: string;
  /** a Prometheus config to update (absolute); found from the project when absent */
  prometheus?: string;
  root?: string;
  env?: Record<string, string | undefined>;
  /** paths in messages are relative to this (default: process.cwd()) */
  displayBase?: string;
}

export interface ScaleChange {
  file: string;
  display: string;
  before: string;
  after: string;
}

export interface ScalePlan {
  changes: ScaleChange[];
  table: ReplicaRow[];
  warnings: string[];
  /** the Prometheus config considered (display path), if any */
  prometheus?: string;
}

interface PortEntry {
  published?: number;
  target?: number;
}

function portEntries(svc: Mapping | undefined, name: string): PortEntry[] {
  if (!svc || !Array.isArray(svc.ports)) return [];
  return svc.ports.map((p) => {
    if (!isMapping(p)) return {};
    const pub = p.published;
    const target = typeof p.target === 'number' ? p.target : Number(p.target);
    if (pub === undefined || pub === null || pub === '') return { target };
    const s = String(pub);
    if (!/^[0-9]+$/.test(s)) throw new LoadError(`${name} publishes the host port range ${s}: scale needs single ports`, { code: 'unsupported' });
    return { published: Number(s), target };
  });
}

function allServices(p: LoadedProject): Record<string, Mapping> {
  return { ...p.services, ...p.disabledServices };
}

/** The Prometheus config a project mounts, or a conventional one beside it. */
export function findPrometheusConfig(project: LoadedProject): string | undefined {
  for (const [name, svc] of Object.entries(allServices(project))) {
    const image = typeof svc.image === 'string' ? svc.image : '';
    if (!/prometheus/i.test(image) && !/prometheus/i.test(name)) continue;
    if (!Array.isArray(svc.volumes)) continue;
    for (const v of svc.volumes) {
      if (!isMapping(v) || v.type !== 'bind' || typeof v.source !== 'string' || typeof v.target !== 'string') continue;
      if (/prometheus\.ya?ml$/.test(v.target) && existsSync(v.source)) return v.source;
      if (/\/etc\/prometheus\/?$/.test(v.target) && existsSync(path.join(v.source, 'prometheus.yml'))) return path.join(v.source, 'prometheus.yml');
    }
  }
  for (const rel of ['monitoring/prometheus.yml', 'prometheus/prometheus.yml', 'prometheus.yml']) {
    const f = path.join(project.projectDir, rel);
    if (statSync(f, { throwIfNoEntry: false })?.isFile()) return f;
  }
  return undefined;
}

export function planScale(o: ScaleOptions, requests: ScaleRequest[]): ScalePlan {
  const base = o.displayBase ?? process.cwd();
  const show = (f: string) => {
    const r = path.relative(base, f);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : f;
  };
  const prefix = o.profilePrefix ?? 'scale-';
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(`${prefix}2`)) throw new LoadError(`--profile-prefix ${prefix}: profile names are letters, digits, '_', '.', '-'`, { code: 'usage' });
  const seenReq = new Set<string>();
  for (const r of requests) {
    if (seenReq.has(r.service)) throw new LoadError(`${r.service} is given twice`, { code: 'usage' });
    seenReq.add(r.service);
  }
  const load = (texts?: Map<string, string>, profiles: string[] = ['*']): LoadedProject => {
    const parsed = new Map<string, ParsedDocument[]>();
    if (texts) for (const [f, t] of texts) parsed.set(f, parseYamlDocuments(t, show(f)));
    return loadProject({
      workingDir: o.dir,
      ...(o.files?.length ? { files: o.files } : {}),
      profiles,
      ...(o.root !== undefined ? { root: o.root } : {}),
      ...(o.env !== undefined ? { env: o.env } : {}),
      displayBase: base,
      parsed,
    });
  };
  const current = load();
  const texts = new Map<string, string>();
  const before = new Map<string, string>();
  for (const f of current.files) {
    const t = readFileSync(f, 'utf8').replace(/^\ufeff/, '');
    texts.set(f, t);
    before.set(f, t);
  }

  // which file holds each service
  const fileOf = new Map<string, string>();
  for (const r of requests) {
    const holders = [...texts].filter(([f, t]) => {
      if (findMarkers(t, r.service)) return true;
      const docs = parseYamlDocuments(t, show(f));
      return docs.some((d) => isMapping(d.value?.services) && (d.value!.services as Mapping)[r.service] !== undefined);
    });
    if (!holders.length) throw new LoadError(`no service ${r.service} in ${current.files.map(show).join(', ')}`, { code: 'no-service' });
    if (holders.length > 1) throw new LoadError(`${r.service} is defined in ${holders.map(([f]) => show(f)).join(' and ')}: scale edits a service defined in one file`, { code: 'unsupported' });
    fileOf.set(r.service, holders[0]![0]);
  }

  // current replicas (for reading targets back) and back to one
  const currentAll = allServices(current);
  const currentReplicaPorts = new Map<string, PortEntry[][]>();
  // every requested service back to one, to allocate ports against the rest of the project
  const restoredTexts = new Map(texts);
  for (const r of requests) {
    const f = fileOf.get(r.service)!;
    const m = findMarkers(restoredTexts.get(f)!, r.service);
    if (!m) continue;
    currentReplicaPorts.set(
      r.service,
      m.replicas.map((n) => portEntries(currentAll[n], n)),
    );
    restoredTexts.set(f, unscaleServiceText(restoredTexts.get(f)!, r.service, show(f)));
  }
  const restored = load(new Map([...restoredTexts].filter(([f, t]) => t !== texts.get(f))));
  const restoredAll = allServices(restored);
  const warnings: string[] = [];

  // ports taken by the other services
  const requested = new Set(requests.map((r) => r.service));
  const taken = new Set<number>();
  for (const [name, svc] of Object.entries(restoredAll)) {
    if (requested.has(name)) continue;
    for (const p of portEntries(svc, name)) if (p.published !== undefined) taken.add(p.published);
  }
  const originalPorts = new Map<string, PortEntry[]>();
  for (const r of requests) {
    const svc = restoredAll[r.service];
    if (!svc) throw new LoadError(`no service ${r.service} after restoring it (edited by hand?)`, { code: 'no-service' });
    originalPorts.set(r.service, portEntries(svc, r.service));
  }
  const allocated = new Set<number>();
  const free = (p: number) => !taken.has(p) && !allocated.has(p);
  const plans = new Map<string, ReplicaPlan[]>();
  if (o.basePort !== undefined) {
    let cursor = o.basePort;
    for (const r of requests) {
      if (r.replicas < 2) continue;
      const hosts = originalPorts.get(r.service)!.flatMap((p) => (p.published !== undefined ? [p.published] : []));
      const list: ReplicaPlan[] = [];
      for (let i = 1; i <= r.replicas; i++) {
        const m = new Map<number, number>();
        for (const h of hosts) {
          while (!free(cursor)) cursor++;
          if (cursor > 65535) throw new LoadError('no free host port left below 65536', { code: 'usage' });
          if (h !== cursor) m.set(h, cursor);
          allocated.add(cursor++);
        }
        list.push({ hostPorts: m });
      }
      plans.set(r.service, list);
    }
  } else {
    for (const r of requests) for (const p of originalPorts.get(r.service)!) if (p.published !== undefined && r.replicas >= 2) allocated.add(p.published);
    for (const r of requests) {
      if (r.replicas < 2) continue;
      const hosts = originalPorts.get(r.service)!.flatMap((p) => (p.published !== undefined ? [p.published] : []));
      for (const h of hosts) if (taken.has(h)) warnings.push(`${r.service}: host port ${h} is also published by another service`);
      const cursors = new Map(hosts.map((h) => [h, h + 1]));
      const list: ReplicaPlan[] = [{ hostPorts: new Map() }];
      for (let i = 2; i <= r.replicas; i++) {
        const m = new Map<number, number>();
        for (const h of hosts) {
          let c = cursors.get(h)!;
          while (!free(c)) c++;
          if (c > 65535) throw new LoadError('no free host port left below 65536', { code: 'usage' });
          m.set(h, c);
          allocated.add(c);
          cursors.set(h, c + 1);
        }
        list.push({ hostPorts: m });
      }
      plans.set(r.service, list);
    }
  }

  // each service back to one and scaled again, in turn (the anchor block goes back where it stood)
  for (const r of requests) {
    const f = fileOf.get(r.service)!;
    const u = unscale(texts.get(f)!, r.service, show(f));
    texts.set(f, u.text);
    const list = plans.get(r.service);
    if (!list) continue;
    const res = scaleServiceText(u.text, r.service, { replicas: list, profilePrefix: prefix, file: show(f), ...(u.anchorAt !== undefined ? { anchorAt: u.anchorAt } : {}) });
    texts.set(f, res.text);
    warnings.push(...res.warnings);
    // a port the environment gets from an env file cannot be overridden per replica
    const loadedEnv = restoredAll[r.service]!.environment;
    const rawEnv = parseYamlDocuments(before.get(f)!, show(f))[0]?.value;
    const rawSvcEnv = isMapping(rawEnv?.services) ? ((rawEnv!.services as Mapping)[r.service] as Mapping | undefined)?.environment : undefined;
    const rawKeys = new Set(isMapping(rawSvcEnv) ? Object.keys(rawSvcEnv) : Array.isArray(rawSvcEnv) ? rawSvcEnv.map((e) => String(e).split('=')[0]!) : []);
    if (isMapping(loadedEnv)) {
      for (const [k, v] of Object.entries(loadedEnv)) {
        if (rawKeys.has(k) || typeof v !== 'string') continue;
        if (list.some((rp) => substitutePorts(v, rp.hostPorts) !== v)) warnings.push(`${r.service}: ${k}=${v} comes from an env file: every replica gets it as it is; set it under environment: to have it per replica`);
      }
    }
  }

  // references that will not resolve any more
  for (const r of requests) {
    if (!plans.get(r.service)) continue;
    const hostRef = new RegExp(`(?:^|[/@=\\s"'])${escapeRe(r.service)}(?::[0-9]+|(?=[/"'\\s]|$))`);
    for (const [name, svc] of Object.entries(restoredAll)) {
      if (name === r.service || !isMapping(svc.environment)) continue;
      for (const [k, v] of Object.entries(svc.environment)) {
        if (typeof v === 'string' && hostRef.test(v)) warnings.push(`${name}: ${k}=${v} names the host ${r.service}, which no longer exists (the replicas are ${r.service}-1..${r.replicas})`);
      }
    }
  }

  // check the result
  const changedTexts = new Map([...texts].filter(([f, t]) => t !== before.get(f)));
  const after = load(changedTexts);
  const afterAll = allServices(after);
  const table: ReplicaRow[] = [];
  for (const r of requests) {
    const list = plans.get(r.service);
    const ownProfiles = Array.isArray(restoredAll[r.service]!.profiles) ? (restoredAll[r.service]!.profiles as Value[]).map(String) : [];
    if (!list) {
      if (!afterAll[r.service]) throw new LoadError(`internal: ${r.service} is missing after restoring it`, { code: 'internal' });
      const ps = portEntries(afterAll[r.service], r.service).flatMap((p) => (p.published !== undefined ? [p.published] : []));
      table.push({ service: r.service, name: r.service, ports: ps, profile: ownProfiles.length ? ownProfiles.join(', ') : 'default', always: !ownProfiles.length });
      continue;
    }
    list.forEach((rp, idx) => {
      const name = `${r.service}-${idx + 1}`;
      const svc = afterAll[name];
      if (!svc) throw new LoadError(`internal: ${name} is missing from the scaled file`, { code: 'internal' });
      const expected = originalPorts.get(r.service)!.flatMap((p) => (p.published !== undefined ? [rp.hostPorts.get(p.published) ?? p.published] : []));
      const got = portEntries(svc, name).flatMap((p) => (p.published !== undefined ? [p.published] : []));
      if (JSON.stringify(expected) !== JSON.stringify(got)) throw new LoadError(`internal: ${name} publishes ${got.join(', ')} instead of ${expected.join(', ')}`, { code: 'internal' });
      const profile = idx === 0 ? (ownProfiles.length ? ownProfiles.join(', ') : 'default') : `${prefix}${idx + 1}`;
      table.push({ service: r.service, name, ports: got, profile, always: idx === 0 && !ownProfiles.length });
    });
  }

  // Prometheus
  let promFile: string | undefined;
  if (o.prometheus) {
    if (!statSync(o.prometheus, { throwIfNoEntry: false })?.isFile()) throw new LoadError(`${show(o.prometheus)}: no such file`, { code: 'no-file' });
    promFile = o.prometheus;
  } else promFile = findPrometheusConfig(restored);
  if (promFile) {
    const promBefore = texts.get(promFile) ?? readFileSync(promFile, 'utf8');
    let prom = promBefore;
    for (const r of requests) {
      const orig = originalPorts.get(r.service)!;
      const cur = currentReplicaPorts.get(r.service);
      const toOriginal = (k: number | undefined, port: number): number => {
        if (k === undefined || !cur) return port;
        const entriesK = cur[k - 1];
        if (!entriesK) return port;
        const j = entriesK.findIndex((e) => e.target === port);
        return j >= 0 && orig[j]?.target !== undefined ? orig[j]!.target! : port;
      };
      const list = plans.get(r.service);
      const make = (port: number): string[] => {
        if (!list) return [`${r.service}:${port}`];
        return list.map((rp, idx) => {
          const j = orig.findIndex((e) => e.target === port);
          const e = orig[j];
          const t = e && e.published !== undefined && e.target === e.published ? (rp.hostPorts.get(e.published) ?? port) : port;
          return `${r.service}-${idx + 1}:${t}`;
        });
      };
      const next = rewriteTargets(prom, r.service, make, toOriginal, show(promFile));
      if (next !== undefined) prom = next;
      else if (list) warnings.push(`${show(promFile)}: no scrape target names ${r.service}:<port>; left as it is`);
    }
    if (prom !== promBefore) {
      texts.set(promFile, prom);
      before.set(promFile, promBefore);
    }
  }

  const changes: ScaleChange[] = [...texts].filter(([f, t]) => t !== before.get(f)).map(([f, t]) => ({ file: f, display: show(f), before: before.get(f)!, after: t }));
  return { changes, table, warnings: [...new Set(warnings)], ...(promFile ? { prometheus: show(promFile) } : {}) };
}
