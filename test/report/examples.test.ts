/** Every report format over the bundled example stacks, audited with every rule: valid and deterministic. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyConfig } from '../../src/audit/config.js';
import { runRules } from '../../src/audit/engine.js';
import { buildRepoModel } from '../../src/audit/repo.js';
import { buildResult } from '../../src/audit/result.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { RULES } from '../../src/rules/index.js';
import { sarifValidator, tableProblems, unbalancedTags, unclosedFences } from './validate.js';

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
const names = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const validate = sarifValidator();
const opts = { color: false, rules: RULES };

describe.each(names)('reports of examples/%s', (name) => {
  it('are valid and deterministic', async () => {
    const repo = await buildRepoModel(path.join(EXAMPLES, name), { config: emptyConfig() });
    const result = buildResult(repo, runRules(repo, RULES), RULES, '0.1.0');

    const md = renderMarkdown(result, opts);
    expect(tableProblems(md)).toEqual([]);
    expect(unclosedFences(md)).toBe(0);
    for (const f of result.findings.slice(0, 10)) expect(md).toContain(`\`${f.file}:${f.line}\``);

    const sarif = JSON.parse(renderSarif(result, opts));
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(result.findings.length);

    const html = renderHtml(result, opts);
    expect(unbalancedTags(html)).toEqual([]);
    expect(html).not.toMatch(/<script/i);

    expect(renderMarkdown(result, opts)).toBe(md);
    expect(renderHtml(result, opts)).toBe(html);
  });
});
