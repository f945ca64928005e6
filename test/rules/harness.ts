/** Run one rule over a fixture directory, the way `shipshape audit --rule <id>` would. */
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyConfig, type AuditConfig } from '../../src/audit/config.js';
import { runRules } from '../../src/audit/engine.js';
import { buildRepoModel } from '../../src/audit/repo.js';
import type { Finding } from '../../src/audit/types.js';
import { ruleById } from '../../src/rules/index.js';

export const FIXTURES = path.dirname(fileURLToPath(import.meta.url));

/** Copy `test/rules/<rule>/<variant>` to a temp dir (so fixtures stay pristine) and audit it with one rule. */
export async function runRuleOn(rule: string, variant: string, config: Partial<AuditConfig> = {}): Promise<Finding[]> {
  const src = path.join(FIXTURES, rule, variant);
  const dir = mkdtempSync(path.join(os.tmpdir(), `shipshape-rule-${rule}-`));
  cpSync(src, dir, { recursive: true });
  return runRuleIn(rule, dir, config);
}

export async function runRuleIn(rule: string, dir: string, config: Partial<AuditConfig> = {}): Promise<Finding[]> {
  const r = ruleById(rule);
  if (!r) throw new Error(`no rule ${rule}`);
  const repo = await buildRepoModel(dir, { config: { ...emptyConfig(), ...config } });
  const run = runRules(repo, [r]);
  if (run.ruleErrors.length) throw new Error(run.ruleErrors.map((e) => e.message).join('\n'));
  return run.findings;
}

/** "file:line:col message" lines, for compact assertions. */
export function brief(findings: Finding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`);
}
