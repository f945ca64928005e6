/**
 * The engine on every compose file of the shared corpus (read-only: the text is read into memory,
 * nothing is written): synthetic edits of each kind, each checked independently of the engine's
 * own checks — the result loads, the intended change is there, nothing else changed (the loaded
 * value with the change undone equals the original), comments survive, and only the expected
 * lines of the old text are touched.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Edit } from '../../src/audit/types.js';
import { applyEdits } from '../../src/fix/apply.js';
import { unifiedDiff } from '../../src/fix/diff.js';
import { CORPUS_DIR, composeFiles, readManifest } from '../corpus/corpus.js';
import { changedLines, commentCount, parses } from './helpers.js';
import { parseYamlDocuments } from '../../src/load/yaml.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const haveCorpus = existsSync(path.join(CORPUS_DIR, 'MANIFEST.json'));
const files = haveCorpus ? composeFiles(readManifest()) : [];

function load(text: string): Obj | undefined {
  try {
    const v = parseYamlDocuments(text, 'compose.yaml')[0]?.value;
    return v ? (JSON.parse(JSON.stringify(v)) as Obj) : undefined;
  } catch {
    return undefined;
  }
}

const LOGGING = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };

interface Stats {
  files: number;
  applied: Record<string, number>;
  skipped: Record<string, string[]>;
}
const stats: Stats = { files: 0, applied: {}, skipped: {} };

function run(id: string, text: string, name: string, edits: Edit[]): { text: string; applied: boolean } {
  const r = applyEdits(text, edits, id);
  for (const s of r.skipped) {
    expect(s.why, `${id} ${name}`).not.toMatch(/internal/);
    (stats.skipped[name] ??= []).push(`${id}: ${s.why}`);
  }
  expect(parses(r.text), `${id} ${name}: parses`).toBe(true);
  if (r.applied.length) stats.applied[name] = (stats.applied[name] ?? 0) + 1;
  // the diff of a change is never empty and always well formed
  if (r.text !== text) expect(unifiedDiff(text, r.text, id)).toMatch(/^--- a\/.*\n\+\+\+ b\/.*\n@@ /);
  return { text: r.text, applied: r.applied.length > 0 };
}

describe.skipIf(!haveCorpus)('fix engine on the corpus', () => {
  it.each(files.map((f) => [f.id] as const))('%s', (id) => {
    const text = readFileSync(path.join(CORPUS_DIR, id), 'utf8').replace(/^\ufeff/, '');
    const before = load(text);
    stats.files++;
    const services = before && isObj(before.services) ? Object.keys(before.services) : [];
    const comments = commentCount(text);

    // 1. delete `version`
    if (before && 'version' in before) {
      const r = run(id, text, 'delete version', [{ kind: 'yaml-delete', file: id, path: ['version'] }]);
      if (r.applied) {
        const after = load(r.text)!;
        expect(after, id).toEqual(Object.fromEntries(Object.entries(before).filter(([k]) => k !== 'version')));
        expect(commentCount(r.text)).toBeGreaterThanOrEqual(comments - 1);
        // only the version line and blank lines go
        const { removed, added } = changedLines(text, r.text);
        const old = text.split('\n');
        expect(added).toEqual([]);
        expect(removed.filter((l) => !/^\s*$/.test(old[l - 1]!) && !/^\s*version\s*:/.test(old[l - 1]!))).toEqual([]);
      }
    }
    if (!before || !services.length) return;
    const first = services[0]!;

    // 2. set services.<first>.restart
    {
      const r = run(id, text, 'set restart', [{ kind: 'yaml-set', file: id, path: ['services', first, 'restart'], value: 'unless-stopped' }]);
      if (r.applied) {
        const after = load(r.text)!;
        const svc = (after.services as Obj)[first] as Obj;
        expect(svc.restart).toBe('unless-stopped');
        const undone = structuredClone(after);
        const orig = (before.services as Obj)[first];
        if (isObj(orig) && 'restart' in orig) ((undone.services as Obj)[first] as Obj).restart = orig.restart;
        else delete ((undone.services as Obj)[first] as Obj).restart;
        expect(undone, id).toEqual(before);
        expect(commentCount(r.text)).toBeGreaterThanOrEqual(comments);
        const { removed, added } = changedLines(text, r.text);
        expect(added.filter((l) => /restart/.test(l))).toHaveLength(1);
        expect(removed.length, `${id}: at most the old restart line changes`).toBeLessThanOrEqual(1);
      } else {
        expect(stats.skipped['set restart']!.at(-1)).toMatch(/already applied|alias/);
      }
    }

    // 3. an x-logging anchor on every service
    {
      const targets = services.map((s) => ['services', s, 'logging']);
      const r = run(id, text, 'logging anchor', [{ kind: 'yaml-merge-anchor', file: id, anchor: 'shipshape-logging', value: LOGGING, targets }]);
      if (r.applied) {
        const after = load(r.text)!;
        const key = Object.keys(after).find((k) => !(k in before))!;
        expect(key).toMatch(/^x-shipshape-logging/);
        expect(after[key]).toEqual(LOGGING);
        const undone = structuredClone(after);
        delete undone[key];
        for (const s of services) {
          const svc = (undone.services as Obj)[s];
          const orig = (before.services as Obj)[s];
          if (!isObj(svc)) continue;
          if (svc.logging !== undefined && JSON.stringify(svc.logging) === JSON.stringify(LOGGING)) {
            if (isObj(orig) && 'logging' in orig) svc.logging = orig.logging;
            else delete svc.logging;
          }
        }
        expect(undone, id).toEqual(before);
        expect(commentCount(r.text)).toBeGreaterThanOrEqual(comments);
        // no old line is removed but `logging:` blocks the alias replaced
        const old = text.split('\n');
        const { removed } = changedLines(text, r.text);
        for (const l of removed) expect(old[l - 1], `${id}:${l}`).not.toMatch(/^\s*(image|build|ports|volumes|environment|command|services)\s*:/);
      }
    }

    // 4. all three together, twice: the second run changes nothing
    {
      const edits: Edit[] = [
        { kind: 'yaml-delete', file: id, path: ['version'] },
        { kind: 'yaml-set', file: id, path: ['services', first, 'restart'], value: 'unless-stopped' },
        { kind: 'yaml-merge-anchor', file: id, anchor: 'shipshape-logging', value: LOGGING, targets: services.map((s) => ['services', s, 'logging']) },
      ];
      const once = applyEdits(text, edits, id);
      expect(once.skipped.filter((s) => /internal/.test(s.why))).toEqual([]);
      const twice = applyEdits(once.text, edits, id);
      expect(twice.text, `${id}: idempotent`).toBe(once.text);
      expect(twice.applied).toEqual([]);
      if (text.includes('\r\n')) expect(/(^|[^\r])\n/.test(once.text), `${id}: CRLF kept`).toBe(false);
    }
  });

  it('applied the edits on (nearly) every file', () => {
    expect(stats.files).toBe(files.length);
    if (process.env.FIX_CORPUS_STATS) console.log(JSON.stringify(stats, null, 1));
    const withServices = files.length - (stats.skipped['set restart']?.length ?? 0);
    expect(stats.applied['set restart'] ?? 0).toBeGreaterThan(files.length * 0.8);
    expect(stats.applied['logging anchor'] ?? 0).toBeGreaterThan(files.length * 0.8);
    expect(withServices).toBeGreaterThan(0);
  });
});
