import path from 'node:path';
import { defineRule, type Fix } from '../audit/types.js';
import { originOf } from '../load/origin.js';
import { mounts, q, rawService, tmpfsEntries } from './lib/reliability.js';
import { at, isMapping, services } from './util.js';

const SIZE = '64m';
const COMMENT = 'shipshape: 64m is a guess, size it to what the service writes here';

/** `/run:rw,noexec` -> has a size= option? */
function shortHasSize(entry: string): boolean {
  const colon = entry.indexOf(':');
  if (colon < 0) return false;
  return entry
    .slice(colon + 1)
    .split(',')
    .some((o) => /^size=/.test(o.trim()));
}

function withSize(entry: string): string {
  return entry.includes(':') ? `${entry},size=${SIZE}` : `${entry}:size=${SIZE}`;
}

const norm = (p: string) => path.posix.normalize(p).replace(/(.)\/$/, '$1');

export default defineRule({
  meta: {
    id: 'tmpfs-unbounded',
    title: 'A tmpfs mount has no size limit',
    category: 'reliability',
    severity: 'warning',
    priority: 'P3',
    effort: 'trivial',
    rationale:
      'A tmpfs lives in RAM. Without `size=` the kernel lets it grow to half the host\'s memory, and its pages count against the container\'s memory limit: a runaway temp file becomes an OOM kill, or memory pressure for every other service.',
    seed: '003 Volume Strategy (no resource limits on tmpfs)',
    fixable: 'suggestion',
    docs: {
      what: 'Finds `tmpfs:` entries without a `size=` option and long-syntax volumes with `type: tmpfs` and no `tmpfs.size`.',
      why: 'Scratch space that can grow without bound is an unbounded memory allocation: in an error loop it eats RAM until something is killed.',
      bad: 'services:\n  worker:\n    image: example/worker:1.0\n    tmpfs:\n      - /tmp\n    volumes:\n      - type: tmpfs\n        target: /scratch\n',
      good: 'services:\n  worker:\n    image: example/worker:1.0\n    tmpfs:\n      - /tmp:size=64m\n    volumes:\n      - type: tmpfs\n        target: /scratch\n        tmpfs:\n          size: 256m\n',
      fix: 'Give each tmpfs a size that fits what the service writes there. `shipshape fix` proposes `size=64m` with a comment to revisit it, as an unsafe fix that is only applied when you ask for unsafe fixes: the right size is a judgement call (too small and writes fail with "No space left on device").',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const ref of services(repo)) {
      for (const e of tmpfsEntries(ref)) {
        if (shortHasSize(e.value)) continue;
        const origin = e.index < 0 ? at(ref, 'tmpfs') : at(ref, 'tmpfs', e.index);
        let fix: Fix | undefined;
        const file = origin?.file;
        const raw = file ? rawService(repo, file, ref.name, ref.unit) : undefined;
        if (raw && file) {
          const rt = raw.tmpfs;
          let p: (string | number)[] | undefined;
          if (typeof rt === 'string' && rt === e.value) p = ['services', ref.name, 'tmpfs'];
          else if (Array.isArray(rt)) {
            const i = rt.findIndex((x) => x === e.value);
            if (i >= 0) p = ['services', ref.name, 'tmpfs', i];
          }
          if (p) fix = { description: `limit the tmpfs ${e.value.split(':')[0]} to ${SIZE}`, safety: 'unsafe', edits: [{ kind: 'yaml-set', file, path: p, value: withSize(e.value), comment: COMMENT }] };
        }
        ctx.report({
          message: `the tmpfs ${q(e.value.split(':')[0]!)} of ${q(ref.name)} has no \`size=\`: it can grow to half the host's memory`,
          origin,
          unit: ref.unit,
          service: ref.name,
          ...(fix ? { fix } : {}),
        });
      }
      for (const m of mounts(ref)) {
        if (m.type !== 'tmpfs') continue;
        const t = m.m.tmpfs;
        if (isMapping(t) && t.size !== undefined && t.size !== null && t.size !== 0 && t.size !== '0') continue;
        const origin = at(ref, 'volumes', m.index);
        let fix: Fix | undefined;
        const file = origin?.file;
        const raw = file ? rawService(repo, file, ref.name, ref.unit) : undefined;
        if (raw && file && Array.isArray(raw.volumes)) {
          const i = raw.volumes.findIndex((v) => isMapping(v) && v.type === 'tmpfs' && typeof v.target === 'string' && norm(v.target) === m.target);
          if (i >= 0) fix = { description: `limit the tmpfs ${m.target} to ${SIZE}`, safety: 'unsafe', edits: [{ kind: 'yaml-set', file, path: ['services', ref.name, 'volumes', i, 'tmpfs', 'size'], value: SIZE, comment: COMMENT }] };
        }
        ctx.report({
          message: `the tmpfs volume ${q(m.target)} of ${q(ref.name)} has no \`tmpfs.size\`: it can grow to half the host's memory`,
          origin: isMapping(m.m) ? (originOf(m.m, 'type') ?? origin) : origin,
          unit: ref.unit,
          service: ref.name,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});
