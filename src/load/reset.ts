/**
 * `!reset` and `!override` (reference §5.4): before a document is merged over what earlier
 * files (or an extends base, or an included resource) built, the tagged attributes are removed
 * from that earlier model; `!reset` also drops the attribute from the document itself.
 */
import { isMapping } from './paths.js';
import type { Mapping } from './types.js';
import { mergeTagsOf } from './origin.js';

export function applyMergeTags(doc: Mapping, base: Mapping | undefined, opts: { keepResetInDoc?: boolean } = {}): void {
  const tags = mergeTagsOf(doc);
  for (const key of Object.keys(doc)) {
    const tag = tags?.get(key);
    if (tag === 'reset') {
      if (!opts.keepResetInDoc) delete doc[key];
      if (base) delete base[key];
      continue;
    }
    if (tag === 'override') {
      if (base) delete base[key];
      continue;
    }
    const child = doc[key];
    if (isMapping(child)) applyMergeTags(child, base && isMapping(base[key]) ? (base[key] as Mapping) : undefined, opts);
  }
}

/** Drop the `!reset` attributes of a document (after extends has applied them to its bases). */
export function dropResetKeys(doc: Mapping): void {
  const tags = mergeTagsOf(doc);
  for (const key of Object.keys(doc)) {
    if (tags?.get(key) === 'reset') delete doc[key];
    else if (isMapping(doc[key])) dropResetKeys(doc[key] as Mapping);
  }
}

/** True when any `!reset` / `!override` tag appears under this value. */
export function hasMergeTags(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (mergeTagsOf(value)?.size) return true;
  return Object.values(value as Record<string, unknown>).some(hasMergeTags);
}
