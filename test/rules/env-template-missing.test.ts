import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brief, FIXTURES, runRuleIn, runRuleOn } from './harness.js';

describe('env-template-missing', () => {
  it('without any template: one finding listing the variables without a default (even when the file does not load)', async () => {
    const f = await runRuleOn('env-template-missing', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:3:12 compose files in the root need 2 variables without a default (`API_TAG`, `JWT_SECRET`) but no .env template documents them: `shipshape init-env` writes a .env.example',
    ]);
    expect(f[0]!.service).toBe('api');
  });

  it('with a template: one finding per undocumented variable, at its first use', async () => {
    const f = await runRuleOn('env-template-missing', 'partial');
    // JWT_SECRET is in .env.example, API_TAG is there as a comment, REGION is set by a committed .env
    expect(brief(f)).toEqual(['compose.yaml:6:20 `DB_PASSWORD` is used without a default but .env.example does not document it: add it to the template']);
  });

  it('passes variables a template above the compose directory documents, defaults, and CI compose files', async () => {
    expect(await runRuleOn('env-template-missing', 'pass')).toEqual([]);
  });

  it('does not count a .env that git ignores as documentation', async () => {
    // the .env is written here: the fixture's .gitignore would keep it out of the repository
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-rule-env-template-missing-'));
    cpSync(path.join(FIXTURES, 'env-template-missing', 'gitignored'), dir, { recursive: true });
    writeFileSync(path.join(dir, '.env'), 'JWT_SECRET=local\n');
    const f = await runRuleIn('env-template-missing', dir);
    expect(brief(f)).toEqual([
      'compose.yaml:5:19 compose files in the root need a variable without a default (`JWT_SECRET`) but no .env template documents it: `shipshape init-env` writes a .env.example',
    ]);
  });
});
