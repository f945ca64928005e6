import { cpSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brief, FIXTURES, runRuleIn } from './harness.js';

/** Copy a fixture and add heavy folders (kept out of the repository). */
function fixture(variant: string, files: Record<string, number>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-rule-build-context-bloat-'));
  cpSync(path.join(FIXTURES, 'build-context-bloat', variant), dir, { recursive: true });
  for (const [rel, bytes] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, '');
    truncateSync(p, bytes);
  }
  return dir;
}

const MB = 1024 * 1024;

describe('build-context-bloat', () => {
  it('flags heavy folders a broad COPY takes in, once per context, with the context size', async () => {
    const dir = fixture('fail', {
      '.git/objects/pack/pack-1.pack': 3 * MB,
      '.git/HEAD': 23,
      'node_modules/left-pad/index.js': 2048,
      'data/prices.csv': 12 * MB,
      'src/__pycache__/app.cpython-312.pyc': 4096,
      'docs/vendor/dist/bundle.js': 2 * MB,
    });
    const f = await runRuleIn('build-context-bloat', dir);
    expect(brief(f)).toEqual([
      'compose.yaml:4:7 build context `.` of service `api` holds 17 MB after .dockerignore, and `COPY . .` (Dockerfile:3) takes in data/ (data, 12 MB), .git/ (git history, 3 MB), node_modules/ (host-installed node modules, 2 KB): exclude them in .dockerignore',
    ]);
    expect(f[0]!.fix).toEqual({
      description: 'add data, .git, **/node_modules to .dockerignore',
      safety: 'unsafe',
      edits: [{ kind: 'text', file: '.dockerignore', start: 6, end: 6, text: 'data\n.git\n**/node_modules\n' }],
    });
  });

  it('says "≥" when the walk stops at its cap', async () => {
    const dir = fixture('fail', { '.git/HEAD': 23, '.git/config': 100, 'a/1': 1, 'a/2': 1, 'a/3': 1 });
    const f = await runRuleIn('build-context-bloat', dir, { rules: { 'build-context-bloat': { options: { maxEntries: 5 } } } });
    expect(f[0]?.message).toMatch(/holds ≥ /);
  });

  it('passes contexts whose .dockerignore excludes them, and narrow COPYs', async () => {
    const dir = fixture('pass', {
      'api/.git/objects/pack/pack-1.pack': 3 * MB,
      'api/node_modules/x/index.js': 10,
      'api/data/big.parquet': 20 * MB,
      'web/.git/objects/pack/pack-1.pack': 3 * MB,
      'web/node_modules/x/index.js': 10,
      'web/dist/app.js': 5 * MB,
    });
    expect(await runRuleIn('build-context-bloat', dir)).toEqual([]);
  });
});
