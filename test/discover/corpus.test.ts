import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverProject } from '../../src/discover/index.js';

// shared/ sits beside the repository (../shared from the repo root), in CI as here
const corpus = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
const manifestPath = `${corpus}/MANIFEST.json`;
const present = fs.existsSync(manifestPath);

interface Manifest {
  entries: { folder: string; files: { path: string; kind: string }[] }[];
}

describe.skipIf(!present)('shared corpus', () => {
  it('finds every compose file listed in MANIFEST.json', async () => {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
    const expected = manifest.entries.flatMap((e) => e.files.filter((f) => f.kind === 'compose').map((f) => `${e.folder}/${f.path}`)).sort();
    expect(expected.length).toBeGreaterThan(0);

    const pf = await discoverProject(corpus);
    const found = new Set(pf.composeFiles.map((f) => f.path));
    expect(expected.filter((p) => !found.has(p))).toEqual([]);
    // nothing else is taken for a compose file (the corpus holds only compose and env files)
    expect([...found].filter((p) => !expected.includes(p))).toEqual([]);
    expect(pf.truncated).toBe(false);
    expect(pf.warnings.every((w) => w.code === 'override-without-base')).toBe(true);
  });

  it('finds the env files that have env-like names', async () => {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
    const envs = manifest.entries.flatMap((e) => e.files.filter((f) => f.kind === 'env').map((f) => `${e.folder}/${f.path}`));
    const pf = await discoverProject(corpus);
    const found = new Set(pf.envFiles.map((f) => f.path));
    // `grafana/config.monitoring` is an env file only because a compose file says so
    expect(envs.filter((p) => !found.has(p))).toEqual(['vegasbrianc+prometheus/grafana/config.monitoring']);
  });
});
