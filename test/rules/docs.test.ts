/** Every rule has complete metadata, a generated docs page that is up to date, and a test. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRuleDoc, renderRuleIndex } from '../../src/docs/rule-docs.js';
import { RULES } from '../../src/rules/index.js';

const root = new URL('../../', import.meta.url);

describe('rule metadata and docs', () => {
  it('ids are unique and kebab-case', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  for (const r of RULES) {
    it(`${r.meta.id}: metadata complete, docs page current, tests present`, () => {
      const m = r.meta;
      for (const k of ['title', 'rationale'] as const) expect(m[k].length, k).toBeGreaterThan(10);
      for (const k of ['what', 'why', 'bad', 'good', 'fix'] as const) expect(m.docs[k].trim().length, `docs.${k}`).toBeGreaterThan(0);
      expect(['P1', 'P2', 'P3', 'P4', 'P5']).toContain(m.priority);
      const page = new URL(`docs/rules/${m.id}.md`, root);
      expect(existsSync(page), 'run `npm run docs`').toBe(true);
      expect(readFileSync(page, 'utf8'), 'docs page is stale: run `npm run docs`').toBe(renderRuleDoc(r));
      expect(existsSync(new URL(`test/rules/${m.id}.test.ts`, root)), 'test file').toBe(true);
      expect(existsSync(new URL(`test/rules/${m.id}/fail`, root)), 'failing fixture').toBe(true);
      expect(existsSync(new URL(`test/rules/${m.id}/pass`, root)), 'passing fixture').toBe(true);
    });
  }

  it('the index lists every rule', () => {
    expect(readFileSync(new URL('docs/rules/README.md', root), 'utf8')).toBe(renderRuleIndex(RULES));
  });
});
