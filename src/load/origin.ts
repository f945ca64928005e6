/**
 * Source positions for values of the loaded model.
 *
 * The model is plain JS data (objects, arrays, scalars), as compose-go works on map[string]any.
 * Positions live beside it in a WeakMap keyed by the containing object or array, so every stage
 * can keep using ordinary data while a rule can still ask "where did services.api.ports[0] come from".
 */
export interface Origin {
  file: string;
  /** 1-based line */
  line: number;
  /** 1-based column */
  column: number;
}

interface Meta {
  /** where the container itself is written (the mapping or sequence node) */
  self?: Origin;
  /** where the value under each key or index is written */
  values: Map<string | number, Origin>;
  /** where each mapping key is written */
  keys: Map<string, Origin>;
  /** `!reset` / `!override` written on a child */
  tags?: Map<string | number, MergeTag>;
}

export type MergeTag = 'reset' | 'override';

const metas = new WeakMap<object, Meta>();

function metaOf(container: object): Meta {
  let m = metas.get(container);
  if (!m) {
    m = { values: new Map(), keys: new Map() };
    metas.set(container, m);
  }
  return m;
}

export function setSelfOrigin(container: object, origin: Origin | undefined): void {
  if (origin) metaOf(container).self = origin;
}

export function selfOrigin(container: object): Origin | undefined {
  return metas.get(container)?.self;
}

export function setValueOrigin(container: object, key: string | number, origin: Origin | undefined): void {
  if (origin) metaOf(container).values.set(key, origin);
}

export function setKeyOrigin(container: object, key: string, origin: Origin | undefined): void {
  if (origin) metaOf(container).keys.set(key, origin);
}

/** Where the value at `container[key]` is written; falls back to the key, then the container. */
export function originOf(container: unknown, key?: string | number): Origin | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  const m = metas.get(container);
  if (!m) return undefined;
  if (key === undefined) return m.self;
  const value = (container as Record<string | number, unknown>)[key];
  if (value !== null && typeof value === 'object') {
    const inner = metas.get(value)?.self;
    if (inner) return inner;
  }
  return m.values.get(key) ?? (typeof key === 'string' ? m.keys.get(key) : undefined) ?? m.self;
}

/** Where the key `key` of a mapping is written (falls back to its value). */
export function keyOriginOf(container: unknown, key: string): Origin | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  const m = metas.get(container);
  return m?.keys.get(key) ?? originOf(container, key);
}

/** Copy the position of `from[fromKey]` to `to[toKey]` (value and key positions). */
export function copyOrigin(from: object, fromKey: string | number, to: object, toKey: string | number = fromKey): void {
  const m = metas.get(from);
  if (!m) return;
  const v = m.values.get(fromKey);
  if (v) metaOf(to).values.set(toKey, v);
  if (typeof fromKey === 'string' && typeof toKey === 'string') {
    const k = m.keys.get(fromKey);
    if (k) metaOf(to).keys.set(toKey, k);
  }
}

/** Copy every position known for `from` onto `to` (used when a container is rebuilt). */
export function copyAllOrigins(from: object, to: object): void {
  const m = metas.get(from);
  if (!m) return;
  const t = metaOf(to);
  if (m.self && !t.self) t.self = m.self;
  for (const [k, v] of m.values) t.values.set(k, v);
  for (const [k, v] of m.keys) t.keys.set(k, v);
  if (m.tags) for (const [k, v] of m.tags) (t.tags ??= new Map()).set(k, v);
}

/** The `!reset` / `!override` tags written on the children of a container. */
export function mergeTagsOf(container: object): ReadonlyMap<string | number, MergeTag> | undefined {
  return metas.get(container)?.tags;
}

export function setMergeTag(container: object, key: string | number, tag: MergeTag): void {
  (metaOf(container).tags ??= new Map()).set(key, tag);
}

/** Resolve a dotted path (`services.api.ports.0`) to the best known position. */
export function originAtPath(root: unknown, path: ReadonlyArray<string | number>): Origin | undefined {
  let node: unknown = root;
  let best = originOf(root);
  for (const seg of path) {
    if (node === null || typeof node !== 'object') break;
    const o = originOf(node, seg);
    if (o) best = o;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return best;
}

export function formatOrigin(o: Origin | undefined): string {
  return o ? `${o.file}:${o.line}:${o.column}` : '';
}

/** Deep copy of a plain tree that keeps every position. */
export function cloneWithOrigins<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = value.map((v) => cloneWithOrigins(v));
    copyAllOrigins(value, out);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = cloneWithOrigins((value as Record<string, unknown>)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  copyAllOrigins(value, out);
  return out as T;
}
