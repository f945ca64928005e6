import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/fix/diff.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasPatch = spawnSync('patch', ['--version']).status === 0;

/** Apply a diff with GNU patch and return the result. */
function patched(oldText: string, diff: string): string {
  const f = path.join(dir, 'f.txt');
  const out = path.join(dir, 'out.txt');
  writeFileSync(f, oldText);
  const r = spawnSync('patch', ['-s', '--binary', '-o', out, f], { input: diff, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`patch failed: ${r.stdout}${r.stderr}\n${diff}`);
  return readFileSync(out, 'utf8');
}

function lines(n: number, prefix = 'line'): string {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join('');
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'x.yml')).toBe('');
    expect(unifiedDiff('', '', 'x.yml')).toBe('');
  });

  it('writes a standard hunk with 3 lines of context', () => {
    const a = lines(10);
    const b = a.replace('line 5\n', 'line five\n').replace('line 6\n', '');
    expect(unifiedDiff(a, b, 'compose.yaml')).toBe(['--- a/compose.yaml', '+++ b/compose.yaml', '@@ -2,8 +2,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '-line 6', '+line five', ' line 7', ' line 8', ' line 9', ''].join('\n'));
  });

  it('splits distant changes into hunks and joins close ones', () => {
    const a = lines(30);
    const b = a.replace('line 2\n', 'two\n').replace('line 9\n', 'nine\n').replace('line 25\n', 'twenty-five\n');
    const d = unifiedDiff(a, b, 'f');
    expect(d.match(/^@@.*$/gm)).toEqual(['@@ -1,12 +1,12 @@', '@@ -22,7 +22,7 @@']);
  });

  it('pure insertions and deletions, at the start and the end', () => {
    expect(unifiedDiff('', 'a\n', 'f')).toBe('--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n');
    expect(unifiedDiff('a\n', '', 'f')).toBe('--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-a\n');
    expect(unifiedDiff('a\nb\n', 'x\na\nb\n', 'f')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n+x\n a\n b\n');
  });

  it('marks a missing final line break', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n', 'f')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  });

  it.skipIf(!hasPatch)('GNU patch turns the old text into the new one (random edits, LF and CRLF)', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const eol = round % 5 === 0 ? '\r\n' : '\n';
      const a = Array.from({ length: 1 + rand(40) }, () => `l${rand(8)}`);
      const b = [...a];
      for (let k = rand(6); k >= 0; k--) {
        const op = rand(3);
        const at = rand(b.length + 1);
        if (op === 0) b.splice(at, 0, `n${rand(8)}`);
        else if (op === 1) b.splice(at, 1);
        else b[at] = `c${rand(8)}`;
      }
      const oldText = a.join(eol) + (round % 7 === 0 ? '' : eol);
      const newText = b.filter((x) => x !== undefined).join(eol) + (round % 11 === 0 ? '' : eol);
      const d = unifiedDiff(oldText, newText, 'f');
      if (oldText === newText) expect(d).toBe('');
      else expect(patched(oldText, d)).toBe(newText);
    }
  });
});
