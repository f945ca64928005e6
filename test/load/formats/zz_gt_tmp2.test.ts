import { readFileSync } from 'node:fs';
import { it, expect } from 'vitest';
import { goFormatFloat } from '../../../src/load/formats/misc.js';
it('floats', () => {
  const a: number[] = JSON.parse(readFileSync('/tmp/gtf/in.json', 'utf8'));
  const w: string[] = JSON.parse(readFileSync('/tmp/gtf/out.json', 'utf8'));
  const bad = a.map((f, i) => [f, goFormatFloat(f), w[i]]).filter(([, g, x]) => g !== x);
  console.log(bad.slice(0, 20));
  expect(bad.length).toBe(0);
});
