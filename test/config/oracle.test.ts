/**
 * Regression cases whose expected output comes from compose-go's own types marshalled by
 * go-yaml v4.0.0-rc.6 (see fixtures/compose-go-oracle/NOTICE.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bindProject } from '../../src/config/bind.js';
import { printJson, printYaml } from '../../src/config/print.js';

interface Case {
  model: Record<string, unknown>;
  yaml: string;
  json: string;
}

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'compose-go-oracle', 'cases.json');
const cases = JSON.parse(readFileSync(file, 'utf8')) as Case[];

/** Go 1.19's encoding/json ignores `omitzero`: drop what it wrote for it, and `,` line ends. */
function withoutOmitzero(json: string): string {
  return json
    .split('\n')
    .filter((l) => !/^\s*"(create_host_path|required)": true,?$/.test(l))
    .map((l) => l.replace(/,$/, ''))
    .join('\n')
    .replace(/\{\n\s*\}/g, '{}');
}

describe('compose-go types + go-yaml rc.6 oracle', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const bound = bindProject(structuredClone(c.model));
    expect(printYaml(bound, { escapeDollar: false })).toBe(c.yaml);
    expect(withoutOmitzero(printJson(bound, { escapeDollar: false }))).toBe(withoutOmitzero(c.json));
  });
});
