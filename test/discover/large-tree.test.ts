import { afterAll, describe, expect, it } from 'vitest';
import { discoverProject } from '../../src/discover/index.js';
import { makeTree, removeTrees, SERVICES } from './helpers.js';

afterAll(removeTrees);

/** ~10 000 files in 585 directories, like a mid-sized repository: mostly code, some YAML and scripts. */
function bigTree(): string {
  const files: Record<string, string> = {};
  const names = ['a.ts', 'b.js', 'README.md', 'x.json', 'config.yml', 'c.go', 'd.py', 'run.sh', 'e.txt', 'f.css'];
  let n = 0;
  const fill = (dir: string, depth: number): void => {
    for (let i = 0; i < 17 && n < 10_000; i++, n++) {
      const name = names[i % names.length]!;
      files[`${dir}${i}-${name}`] = name.endsWith('.yml') ? 'key: 1\n' : name.endsWith('.sh') ? 'echo hi\n' : 'x\n';
    }
    if (depth < 3) for (let j = 0; j < 8; j++) fill(`${dir}d${j}/`, depth + 1);
  };
  fill('', 0);
  files['compose.yaml'] = SERVICES;
  files['d1/d2/docker-compose.yml'] = SERVICES;
  files['d3/Makefile'] = 'up:\n\tdocker compose up -d\n';
  return makeTree(files);
}

// Speed is measured in bench/ (whole process), not here; this holds the result on a large tree.
describe('a large tree', () => {
  it('finds the few Docker files among 10k others', async () => {
    const pf = await discoverProject(bigTree());
    expect(pf.stats.entries).toBeGreaterThan(10_000);
    expect(pf.composeFiles.map((f) => f.path)).toEqual(['compose.yaml', 'd1/d2/docker-compose.yml']);
    expect(pf.wrappers).toHaveLength(1);
  });
});
