// Regenerates docs/rules/*.md from the rule metadata: `npm run docs`.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { renderRuleDoc, renderRuleIndex } from '../src/docs/rule-docs.js';
import { RULES } from '../src/rules/index.js';

const dir = new URL('../docs/rules/', import.meta.url);
mkdirSync(dir, { recursive: true });
const keep = new Set(RULES.map((r) => `${r.meta.id}.md`).concat('README.md'));
for (const f of readdirSync(dir)) if (f.endsWith('.md') && !keep.has(f)) rmSync(new URL(f, dir));
for (const r of RULES) writeFileSync(new URL(`${r.meta.id}.md`, dir), renderRuleDoc(r));
writeFileSync(new URL('README.md', dir), renderRuleIndex(RULES));
console.log(`wrote ${RULES.length} rule pages and docs/rules/README.md`);
