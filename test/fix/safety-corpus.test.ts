/**
 * The five safety properties of `shipshape fix --write` (issue "fix"), on every repository of the
 * real-world corpus and on the bundled examples:
 *   1. every compose unit that loaded still loads;
 *   2. the normalized model (`config`) is unchanged except where the fixes said they would change it;
 *   3. the fixed findings are gone on a second audit;
 *   4. a second fix changes nothing;
 *   5. every comment is still there.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runRules } from '../../src/audit/engine.js';
import { buildRepoModel } from '../../src/audit/repo.js';
import type { Edit, Finding, RepoModel } from '../../src/audit/types.js';
import { configModel } from '../../src/config/model.js';
import { planFixes } from '../../src/fix/plan.js';
import { writeFixes } from '../../src/fix/write.js';
import { RULES } from '../../src/rules/index.js';
import { readManifest } from '../corpus/corpus.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

function models(repo: RepoModel): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const u of repo.units) if (u.project && !u.error) out.set(u.label, JSON.parse(JSON.stringify(configModel(u.project))));
  return out;
}

/** The model paths an edit may change: services.<name>.<key>, or a top-level key. */
function touched(e: Edit): string[] {
  if (e.kind === 'yaml-merge-anchor') return [e.key ?? `x-${e.anchor}`, ...e.targets.map((t) => t.slice(0, 3).join('.'))];
  if (e.kind === 'yaml-set' || e.kind === 'yaml-delete') return [e.path.slice(0, e.path[0] === 'services' ? 3 : 1).join('.')];
  return [];
}

function without(model: unknown, paths: string[]): unknown {
  const copy = JSON.parse(JSON.stringify(model)) as Record<string, any>;
  for (const p of paths) {
    const parts = p.split('.');
    let node: any = copy;
    for (const k of parts.slice(0, -1)) node = node?.[k];
    if (node && typeof node === 'object') delete node[parts[parts.length - 1]!];
  }
  return copy;
}

const commentLines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('#')).sort();

async function checkFixSafety(dir: string) {
  const repo = await buildRepoModel(dir);
  const run = runRules(repo, RULES);
  const plan = planFixes(dir, run.findings);
  const changed = plan.files.filter((f) => f.after !== f.before);
  const beforeModels = models(repo);
  writeFixes(changed.map((f) => ({ file: f.file, before: f.before, after: f.after })));

  const after = await buildRepoModel(dir);
  const afterModels = models(after);
  // 1. still loads
  for (const label of beforeModels.keys()) expect(afterModels.has(label), `${label} no longer loads`).toBe(true);
  // 2. only the intended changes
  const allowed = plan.fixed.flatMap((f) => f.fix!.edits.filter((e) => e.kind !== 'text').flatMap(touched));
  for (const [label, m] of beforeModels) expect(without(afterModels.get(label), allowed), label).toEqual(without(m, allowed));
  // 3. fixed findings are gone
  const rerun = runRules(after, RULES);
  const key = (f: Finding) => `${f.rule}|${f.service ?? ''}|${f.unit ?? ''}`;
  const fixedKeys = new Set(plan.fixed.map(key));
  const remaining = rerun.findings.filter((f) => fixedKeys.has(key(f)) && f.fix?.safety === 'safe');
  expect(remaining.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`)).toEqual([]);
  // 4. a second fix changes nothing
  const again = planFixes(dir, rerun.findings);
  expect(again.files.filter((f) => f.after !== f.before).map((f) => f.rel)).toEqual([]);
  // 5. comments kept
  for (const f of changed) {
    const now = readFileSync(f.file, 'utf8');
    const missing = commentLines(f.before).filter((c) => !commentLines(now).includes(c));
    expect(missing, f.rel).toEqual([]);
  }
  return { files: changed.length, fixed: plan.fixed.length };
}

function copyOf(src: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-fix-safety-'));
  cpSync(src, dir, { recursive: true });
  return dir;
}

describe('fix --write is safe on the corpus and the examples', () => {
  const targets = [...readManifest().entries.map((e) => path.join(CORPUS, e.folder)), ...['trading-platform', 'broker-pipeline', 'analytics'].map((e) => path.join(EXAMPLES, e))];
  for (const src of targets) {
    it(path.basename(src), async () => {
      const dir = copyOf(src);
      try {
        await checkFixSafety(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
