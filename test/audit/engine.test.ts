/** The rule engine: config, suppressions, severity overrides, de-duplication, exit codes. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/audit/config.js';
import { runRules } from '../../src/audit/engine.js';
import { buildRepoModel } from '../../src/audit/repo.js';
import { scoreFindings } from '../../src/audit/result.js';
import type { Finding } from '../../src/audit/types.js';
import { ruleById } from '../../src/rules/index.js';
import { runCli } from '../cli/run-cli.js';
import { tempProject } from '../helpers/tmp.js';

const rule = ruleById('obsolete-version')!;
const versioned = (comment = '') => `${comment}version: "3.8"\nservices:\n  a:\n    image: x:1\n`;

async function audit(files: Record<string, string>) {
  const dir = tempProject(files);
  const repo = await buildRepoModel(dir);
  return { dir, run: runRules(repo, [rule]) };
}

describe('suppressions', () => {
  it('a comment at the end of the line suppresses it, with its reason', async () => {
    const { run } = await audit({ 'compose.yaml': 'version: "3.8" # shipshape-ignore obsolete-version kept for the old CI\nservices:\n  a:\n    image: x:1\n' });
    expect(run.findings).toEqual([]);
    expect(run.suppressed.map((s) => [s.finding.rule, s.reason])).toEqual([['obsolete-version', 'kept for the old CI']]);
  });

  it('a comment on the line above suppresses the next line', async () => {
    const { run } = await audit({ 'compose.yaml': versioned('# shipshape-ignore obsolete-version our linter still wants it\n') });
    expect(run.findings).toEqual([]);
  });

  it('a comment without a reason or with an unknown rule is not honoured and is reported', async () => {
    const { run } = await audit({ 'compose.yaml': versioned('# shipshape-ignore obsolete-version\n# shipshape-ignore no-such-rule because\n') });
    expect(run.findings.map((f) => f.rule)).toEqual(['obsolete-version']);
    expect(run.invalidSuppressions.map((s) => s.why)).toEqual(['gives no reason', 'unknown rule "no-such-rule"']);
  });

  it('an unused suppression is listed', async () => {
    const { run } = await audit({ 'compose.yaml': '# shipshape-ignore obsolete-version nothing here any more\nservices:\n  a:\n    image: x:1\n' });
    expect(run.suppressions.filter((s) => !s.used).map((s) => s.rule)).toEqual(['obsolete-version']);
  });
});

describe('configuration', () => {
  it('turns a rule off or changes its severity', async () => {
    const dir = tempProject({ 'compose.yaml': versioned(), '.shipshape.yml': 'rules:\n  obsolete-version: error\n' });
    let run = runRules(await buildRepoModel(dir), [rule]);
    expect(run.findings.map((f: Finding) => f.severity)).toEqual(['error']);
    writeFileSync(path.join(dir, '.shipshape.yml'), 'rules:\n  obsolete-version: off\n');
    run = runRules(await buildRepoModel(dir), [rule]);
    expect(run.findings).toEqual([]);
  });

  it('reads the shipshape key of package.json', () => {
    const dir = tempProject({ 'package.json': JSON.stringify({ name: 'x', shipshape: { allowRoot: ['redis'], threshold: 'warning' } }) });
    expect(loadConfig(dir)).toMatchObject({ allowRoot: ['redis'], threshold: 'warning', file: 'package.json' });
  });

  it('refuses unknown keys and bad values with a position', () => {
    const dir = tempProject({ '.shipshape.yml': 'rulez: {}\n' });
    expect(() => loadConfig(dir)).toThrow(/unknown configuration key "rulez"/);
    expect(() => parseConfig({ rules: { x: 'loud' } }, 'f')).toThrow(/must be off, error, warning or info/);
  });

  it('ignore patterns skip compose files', async () => {
    const dir = tempProject({ 'legacy/compose.yaml': versioned(), 'compose.yaml': versioned(), '.shipshape.yml': 'ignore: [legacy]\n' });
    const run = runRules(await buildRepoModel(dir), [rule]);
    expect(run.findings.map((f) => f.file)).toEqual(['compose.yaml']);
  });

  it('--min-severity hides lower findings', async () => {
    const dir = tempProject({ 'compose.yaml': versioned() });
    expect(runRules(await buildRepoModel(dir), [rule], { minSeverity: 'warning' }).findings).toEqual([]);
  });
});

describe('score', () => {
  const f = (rule: string, severity: Finding['severity'], priority: Finding['priority']): Finding => ({ rule, severity, priority, category: 'correctness', message: 'm', file: 'f', line: 1, column: 1 });
  it('follows docs/scoring.md', () => {
    expect(scoreFindings([]).score).toBe(10);
    // cost 1.5 -> 10 e^(-0.1)
    expect(scoreFindings([f('a', 'error', 'P1')]).score).toBe(9);
    // 3 x 0.4 = 1.2 -> 10 e^(-0.08)
    expect(scoreFindings([f('b', 'warning', 'P3'), f('b', 'warning', 'P3'), f('b', 'warning', 'P3')]).score).toBe(9.2);
    // one rule costs at most 1.5, however often it fires
    expect(scoreFindings(Array.from({ length: 10 }, () => f('c', 'error', 'P1'))).score).toBe(9);
    // cost 15 -> 10/e
    const many = Array.from({ length: 10 }, (_, i) => f(`r${i}`, 'error', 'P1'));
    expect(scoreFindings(many).score).toBe(3.7);
  });
});

describe('audit exit codes', () => {
  it('0 below --fail-on, 1 at or above, 2 on a usage or config error', () => {
    const dir = tempProject({ 'compose.yaml': versioned() });
    expect(runCli(['audit', dir]).code).toBe(0);
    expect(runCli(['audit', dir, '--fail-on', 'info']).code).toBe(1);
    expect(runCli(['audit', dir, '--rule', 'no-such-rule']).code).toBe(2);
    writeFileSync(path.join(dir, '.shipshape.yml'), 'threshold: loud\n');
    const bad = runCli(['audit', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: \.shipshape\.yml:1:12: threshold must be error, warning or info/);
  });

  it('an unloadable compose file is reported, not fatal', () => {
    const dir = tempProject({ 'compose.yaml': versioned(), 'broken/compose.yaml': 'services: [\n' });
    const r = runCli(['audit', dir, '--format', 'json', '--fail-on', 'never']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { inventory: { unit: string; loaded: boolean }[] };
    expect(j.inventory.map((u) => [u.unit, u.loaded])).toEqual([
      ['broken/compose.yaml', false],
      ['compose.yaml', true],
    ]);
  });
});
