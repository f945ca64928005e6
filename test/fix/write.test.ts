import { chmodSync, lstatSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFixes } from '../../src/fix/write.js';
import { LoadError } from '../../src/load/errors.js';
import { tempProject } from '../helpers/tmp.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string | Buffer>): string {
  const d = tempProject(files, 'shipshape-fix-write-');
  dirs.push(d);
  return d;
}

describe('writeFixes', () => {
  it('writes the new text and keeps the mode', () => {
    const d = project({ 'compose.yaml': 'a: 1\n' });
    const f = path.join(d, 'compose.yaml');
    chmodSync(f, 0o640);
    writeFixes([{ file: f, before: 'a: 1\n', after: 'a: 2\n' }]);
    expect(readFileSync(f, 'utf8')).toBe('a: 2\n');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(readdirSync(d)).toEqual(['compose.yaml']);
  });

  it('keeps a .bak of the old content when asked', () => {
    const d = project({ 'compose.yaml': 'a: 1\r\n' });
    const f = path.join(d, 'compose.yaml');
    writeFixes([{ file: f, before: 'a: 1\r\n', after: 'a: 2\r\n' }], { backup: true });
    expect(readFileSync(f, 'utf8')).toBe('a: 2\r\n');
    expect(readFileSync(`${f}.bak`, 'utf8')).toBe('a: 1\r\n');
  });

  it('refuses, naming the file and writing nothing, when a file changed since it was read', () => {
    const d = project({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const a = path.join(d, 'a.yaml');
    const b = path.join(d, 'b.yaml');
    writeFileSync(b, 'b: 1 # edited meanwhile\n');
    let err: unknown;
    try {
      writeFixes([
        { file: a, before: 'a: 1\n', after: 'a: 2\n' },
        { file: b, before: 'b: 1\n', after: 'b: 2\n' },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).message).toBe(`${b} changed since it was read; run the fix again`);
    expect(readFileSync(a, 'utf8')).toBe('a: 1\n');
    expect(readFileSync(b, 'utf8')).toBe('b: 1 # edited meanwhile\n');
  });

  it('refuses when the file is gone', () => {
    const d = project({});
    expect(() => writeFixes([{ file: path.join(d, 'x.yaml'), before: 'a\n', after: 'b\n' }])).toThrow(/x\.yaml: cannot read it again before writing \(ENOENT\)/);
  });

  it('leaves unchanged files alone', () => {
    const d = project({ 'compose.yaml': 'a: 1\n' });
    const f = path.join(d, 'compose.yaml');
    const before = statSync(f).mtimeMs;
    writeFixes([{ file: f, before: 'a: 1\n', after: 'a: 1\n' }], { backup: true });
    expect(statSync(f).mtimeMs).toBe(before);
    expect(readdirSync(d)).toEqual(['compose.yaml']);
  });

  it('keeps a UTF-8 byte order mark (the text was read without it)', () => {
    const d = project({ 'compose.yaml': Buffer.from('\ufeffa: 1\n', 'utf8') });
    const f = path.join(d, 'compose.yaml');
    writeFixes([{ file: f, before: 'a: 1\n', after: 'a: 2\n' }]);
    expect(readFileSync(f, 'utf8')).toBe('\ufeffa: 2\n');
  });

  it('writes through a symlink instead of replacing it', () => {
    const d = project({ 'real.yaml': 'a: 1\n' });
    const link = path.join(d, 'compose.yaml');
    symlinkSync('real.yaml', link);
    writeFixes([{ file: link, before: 'a: 1\n', after: 'a: 2\n' }]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(d, 'real.yaml'), 'utf8')).toBe('a: 2\n');
  });
});
