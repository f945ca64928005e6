/**
 * The audit on the real-world corpus, held by a reviewed snapshot (audit-snapshot.json): every
 * finding in it was read and judged correct (see `review` in the file: per rule, how many were
 * reviewed and how many false positives were found and fixed). A change in findings fails here
 * until the new ones are reviewed: `SHIPSHAPE_UPDATE_SNAPSHOT=1 npx vitest run test/corpus/audit.test.ts`
 * rewrites the findings (and keeps the review notes, which must then be updated by hand).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRules } from '../../src/audit/engine.js';
import { buildRepoModel } from '../../src/audit/repo.js';
import { RULES } from '../../src/rules/index.js';
import { copyCorpus, readManifest, type CorpusCopy } from './corpus.js';

interface Snapshot {
  review: { method: string; rules: Record<string, { findings: number; reviewed: number; falsePositives: number; note?: string }> };
  findings: Record<string, string[]>;
}

const SNAPSHOT = new URL('./audit-snapshot.json', import.meta.url);
const manifest = readManifest();
let copy: CorpusCopy;
beforeAll(() => {
  copy = copyCorpus(manifest);
});
afterAll(() => copy?.remove());

describe('audit of the corpus', () => {
  it('matches the reviewed snapshot', async () => {
    const got: Record<string, string[]> = {};
    for (const e of manifest.entries) {
      const repo = await buildRepoModel(path.join(copy.root, e.folder));
      const run = runRules(repo, RULES);
      expect(run.ruleErrors, e.folder).toEqual([]);
      got[e.folder] = run.findings.map((f) => `${f.rule} ${f.file}:${f.line}:${f.column} ${f.message}`);
    }
    const snap = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Snapshot;
    if (process.env.SHIPSHAPE_UPDATE_SNAPSHOT) {
      writeFileSync(SNAPSHOT, `${JSON.stringify({ ...snap, findings: got }, null, 1)}\n`);
      return;
    }
    expect(got).toEqual(snap.findings);
    // the review covers every rule that fires, and the false-positive rate stays under 5%
    const counts: Record<string, number> = {};
    for (const l of Object.values(got).flat()) counts[l.split(' ')[0]!] = (counts[l.split(' ')[0]!] ?? 0) + 1;
    for (const [rule, n] of Object.entries(counts)) expect(snap.review.rules[rule]?.findings, `review of ${rule}`).toBe(n);
    const reviewed = Object.values(snap.review.rules).reduce((s, r) => s + r.reviewed, 0);
    const fps = Object.values(snap.review.rules).reduce((s, r) => s + r.falsePositives, 0);
    expect(fps / Math.max(1, reviewed)).toBeLessThan(0.05);
  }, 120_000);
});
