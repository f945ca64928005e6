import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { discoverProject } from '../../src/discover/index.js';
import { compileIgnore } from '../../src/discover/walk.js';
import { makeTree, removeTrees, SERVICES } from './helpers.js';

afterAll(removeTrees);
afterEach(() => {
  vi.restoreAllMocks();
});

const paths = (list: { path: string }[]): string[] => list.map((x) => x.path);

describe('walk', () => {
  it('skips .git, node_modules and vendored trees but walks dist, build and hidden folders', async () => {
    const root = makeTree({
      '.git/compose.yaml': SERVICES,
      'node_modules/pkg/compose.yaml': SERVICES,
      'web/node_modules/pkg/Dockerfile': 'FROM x\n',
      'vendor/lib/docker-compose.yml': SERVICES,
      'third_party/x/compose.yaml': SERVICES,
      '.venv/lib/compose.yaml': SERVICES,
      'venv/compose.yaml': SERVICES,
      'app/__pycache__/compose.yaml': SERVICES,
      'dist/compose.yaml': SERVICES,
      'build/package/Dockerfile': 'FROM x\n',
      '.github/docker-compose.test.yml': SERVICES,
      '.examples/compose.yaml': SERVICES,
      'compose.yaml': SERVICES,
    });
    const pf = await discoverProject(root);
    expect(paths(pf.composeFiles)).toEqual(['.examples/compose.yaml', '.github/docker-compose.test.yml', 'compose.yaml', 'dist/compose.yaml']);
    expect(paths(pf.dockerfiles)).toEqual(['build/package/Dockerfile']);
    expect(pf.skipped.filter((s) => s.reason === 'default-skip').map((s) => s.path)).toEqual([
      '.git',
      '.venv',
      'app/__pycache__',
      'node_modules',
      'third_party',
      'vendor',
      'venv',
      'web/node_modules',
    ]);
  });

  it('leaves out paths matching ignore globs', async () => {
    const root = makeTree({
      'compose.yaml': SERVICES,
      'examples/a/compose.yaml': SERVICES,
      'test/fixtures/compose.yaml': SERVICES,
      'src/test/fixtures/compose.yaml': SERVICES,
      'docs/docker-compose.yml': SERVICES,
      'old.compose.yml': SERVICES,
    });
    const pf = await discoverProject(root, { ignore: ['/examples', 'fixtures/', 'docs/**', '*.compose.yml'] });
    expect(paths(pf.composeFiles)).toEqual(['compose.yaml']);
    expect(pf.skipped.filter((s) => s.reason === 'ignored').map((s) => s.path)).toEqual(['examples', 'src/test/fixtures', 'test/fixtures']);
  });

  it('matches globs like gitignore', () => {
    const m = compileIgnore(['*.bak', 'a/**/z', 'dir/', '/top', 'x?y', '[ab]c']);
    expect(m('deep/file.bak', false)).toBe(true);
    expect(m('a/z', false)).toBe(true);
    expect(m('a/b/c/z', false)).toBe(true);
    expect(m('b/a/z', false)).toBe(false);
    expect(m('p/dir', true)).toBe(true);
    expect(m('p/dir', false)).toBe(false);
    expect(m('top', true)).toBe(true);
    expect(m('sub/top', true)).toBe(false);
    expect(m('xzy', false)).toBe(true);
    expect(m('x/y', false)).toBe(false);
    expect(m('q/bc', false)).toBe(true);
    expect(compileIgnore([])('anything', true)).toBe(false);
  });

  it('does not follow a symlink loop, nor the same directory twice', async () => {
    const root = makeTree({ 'a/compose.yaml': SERVICES, 'b/Dockerfile': 'FROM x\n' });
    fs.symlinkSync('..', path.join(root, 'a', 'loop'));
    fs.symlinkSync(path.join(root, 'b'), path.join(root, 'b-again'));
    fs.symlinkSync('b-again', path.join(root, 'c'));
    const pf = await discoverProject(root);
    expect(paths(pf.composeFiles)).toEqual(['a/compose.yaml']);
    expect(paths(pf.dockerfiles)).toEqual(['b/Dockerfile']);
    expect(pf.skipped).toEqual([
      { path: 'a/loop', reason: 'symlink-loop', detail: '.' },
      { path: 'b-again', reason: 'symlink-duplicate', detail: 'b' },
      { path: 'c', reason: 'symlink-duplicate', detail: 'b' },
    ]);
  });

  it('follows a linked directory whose target is not walked otherwise, once', async () => {
    const root = makeTree({ 'node_modules/shared/compose.yaml': SERVICES, 'app/Dockerfile': 'FROM x\n' });
    fs.symlinkSync(path.join(root, 'node_modules', 'shared'), path.join(root, 'shared'));
    fs.symlinkSync(path.join(root, 'node_modules', 'shared'), path.join(root, 'shared2'));
    const pf = await discoverProject(root);
    expect(paths(pf.composeFiles)).toEqual(['shared/compose.yaml']);
    expect(pf.skipped).toContainEqual({ path: 'shared2', reason: 'symlink-duplicate', detail: 'node_modules/shared' });
  });

  it('does not follow symlinks out of the root, and records broken ones', async () => {
    const outside = makeTree({ 'compose.yaml': SERVICES, 'Dockerfile': 'FROM x\n' });
    const root = makeTree({ 'compose.yaml': SERVICES, 'real.yml': SERVICES });
    fs.symlinkSync(outside, path.join(root, 'escape'));
    fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(root, 'Dockerfile'));
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'docker-compose.yml'));
    fs.symlinkSync('real.yml', path.join(root, 'docker-compose.dev.yml'));
    const pf = await discoverProject(root);
    expect(paths(pf.composeFiles)).toEqual(['compose.yaml', 'docker-compose.dev.yml', 'real.yml']);
    expect(pf.composeFiles[1]).toMatchObject({ linkTarget: 'real.yml', detectedBy: 'name' });
    expect(pf.dockerfiles).toEqual([]);
    expect(pf.skipped).toEqual([
      { path: 'Dockerfile', reason: 'symlink-outside-root', detail: path.join(outside, 'Dockerfile') },
      { path: 'docker-compose.yml', reason: 'broken-symlink', detail: path.join(root, 'nowhere') },
      { path: 'escape', reason: 'symlink-outside-root', detail: outside },
    ]);
  });

  it('walks a root given through a symlink', async () => {
    const root = makeTree({ 'compose.yaml': SERVICES });
    const link = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-discover-link-')), 'proj');
    fs.symlinkSync(root, link);
    try {
      const pf = await discoverProject(link);
      expect(paths(pf.composeFiles)).toEqual(['compose.yaml']);
      expect(pf.root).toBe(link);
    } finally {
      fs.rmSync(path.dirname(link), { recursive: true, force: true });
    }
  });

  it('records unreadable directories and goes on', async () => {
    const root = makeTree({ 'locked/compose.yaml': SERVICES, 'open/compose.yaml': SERVICES });
    const real = fs.readdirSync;
    vi.spyOn(fs, 'readdirSync').mockImplementation(((p: fs.PathLike, o?: unknown) => {
      if (String(p).endsWith(`${path.sep}locked`)) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return (real as (p: fs.PathLike, o?: unknown) => unknown)(p, o);
    }) as typeof fs.readdirSync);
    const pf = await discoverProject(root);
    expect(paths(pf.composeFiles)).toEqual(['open/compose.yaml']);
    expect(pf.skipped).toEqual([{ path: 'locked', reason: 'unreadable', detail: 'EACCES' }]);
  });

  it('stops at maxFiles and says so', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`d${i}/compose.yaml`] = SERVICES;
    const root = makeTree(files);
    const pf = await discoverProject(root, { maxFiles: 20 });
    expect(pf.truncated).toBe(true);
    expect(pf.stats.entries).toBe(20);
    expect(pf.composeFiles.length).toBeLessThan(20);
    expect(pf.warnings).toContainEqual(expect.objectContaining({ code: 'truncated' }));
    const full = await discoverProject(root);
    expect(full.truncated).toBe(false);
    expect(full.composeFiles).toHaveLength(50);
  });

  it('rejects a root that is not a directory', async () => {
    const root = makeTree({ 'compose.yaml': SERVICES });
    await expect(discoverProject(path.join(root, 'compose.yaml'))).rejects.toThrow(/not a directory/);
    await expect(discoverProject(path.join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
