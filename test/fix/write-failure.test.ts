/**
 * A write that fails half way (read-only file system, full disk) leaves the original intact and
 * no temp file behind. Tests run as root, where chmod does not stop writes, so the failure is
 * simulated by making the rename (or the write) of the atomic write throw.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempProject } from '../helpers/tmp.js';

const fail = vi.hoisted(() => ({ rename: undefined as string | undefined, write: undefined as string | undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const err = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  return {
    ...real,
    renameSync: (from: string, to: string) => {
      if (fail.rename) throw err(fail.rename);
      return real.renameSync(from, to);
    },
    writeSync: (...args: Parameters<typeof real.writeSync>) => {
      if (fail.write) throw err(fail.write);
      return (real.writeSync as (...a: unknown[]) => number)(...args);
    },
  };
});

const { writeFixes } = await import('../../src/fix/write.js');

const dirs: string[] = [];
afterEach(() => {
  fail.rename = undefined;
  fail.write = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('writeFixes when the disk says no', () => {
  it.each([
    ['rename', 'EROFS'],
    ['write', 'ENOSPC'],
  ] as const)('a failing %s (%s) leaves the original and no temp file', (what, code) => {
    const d = tempProject({ 'compose.yaml': 'a: 1\n' }, 'shipshape-fix-fail-');
    dirs.push(d);
    const f = path.join(d, 'compose.yaml');
    fail[what] = code;
    expect(() => writeFixes([{ file: f, before: 'a: 1\n', after: 'a: 2\n' }], { backup: what === 'rename' ? false : true })).toThrow(new RegExp(`compose\\.yaml: cannot write it \\(${code}\\); it was left as it was`));
    expect(readFileSync(f, 'utf8')).toBe('a: 1\n');
    expect(readdirSync(d)).toEqual(['compose.yaml']);
  });
});
