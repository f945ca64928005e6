import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeIgnore, parseIgnorePatterns } from '../../src/audit/dockerignore.js';
import { initDockerignoreCommand } from '../../src/commands/init-dockerignore.js';
import { humanSize, normalizeSource, proposeDockerignore, sizeChange } from '../../src/generate/dockerignore.js';
import { tempProject } from '../helpers/tmp.js';
import { capture } from './capture.js';

const DOCKERFILE = 'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nCOPY dist /app/dist\nCOPY src/ ./src/\nCMD ["node", "dist/main.js"]\n';

/** sizes are chosen so the totals are easy to check */
const COMPOSE = 'services:\n  web:\n    build: .\n';

function nodeProject(extra: Record<string, string | Buffer> = {}): string {
  return tempProject({
    'compose.yaml': COMPOSE,
    Dockerfile: DOCKERFILE,
    'package.json': '{}\n', // 3
    '.git/HEAD': 'ref: refs/heads/main\n', // 21
    '.git/objects/pack/p1.pack': Buffer.alloc(2 * 1024 * 1024), // 2 MiB
    'node_modules/left-pad/index.js': Buffer.alloc(300 * 1024), // 300 KiB
    'node_modules/left-pad/package.json': '{}\n', // 3
    'dist/main.js': 'console.log(1)\n', // 15
    'src/app.js': 'export {}\n', // 10
    '.env': 'SECRET=hunter2\n', // 15
    'server.log': 'started\n', // 8
    ...extra,
  });
}

const FRESH = `# Written by \`shipshape init-dockerignore\` for this build context: what the builder does not need to see.
# Each pattern matches something here (or is a safe default), and none excludes a file a
# Dockerfile COPYs or ADDs: checked with Docker's own matching rules. Dockerfiles stay in.

# version control history
.git

# environment files and private keys: secrets never belong in an image
.env

# dependencies installed on the host (built for its OS): the image installs its own
node_modules

# logs
*.log

# compose files: the image does not need them
compose*.yaml
`;

function sourcesOf(dir: string) {
  return [{ dockerfile: path.join(dir, 'Dockerfile'), sources: ['package.json', 'dist', 'src/'] }];
}

describe('proposeDockerignore', () => {
  it('fits the context and never excludes a COPY source: dist is copied, so it stays', () => {
    const dir = nodeProject();
    const p = proposeDockerignore(dir, sourcesOf(dir));
    expect(p.text).toBe(FRESH);
    expect(p.addition).toBe(FRESH);
    expect(p.patterns.map((x) => x.pattern)).toEqual(['.git', '.env', 'node_modules', '*.log', 'compose*.yaml']);
    expect(p.patterns.find((x) => x.pattern === 'node_modules')).toMatchObject({ bytes: 300 * 1024 + 3, files: 2 });
    expect(p.patterns.find((x) => x.pattern === '.git')).toMatchObject({ bytes: 2 * 1024 * 1024 + 21, files: 2 });
    // the proof: dist would be build output, but the Dockerfile copies it
    expect(p.unsafe).toEqual([{ pattern: 'dist', source: 'dist', dockerfile: 'Dockerfile', action: 'dropped', paths: ['dist'] }]);
    expect(p.proof.excluded).toBe(0);
    // Dockerfile, package.json, dist, dist/main.js, src, src/app.js
    expect(p.proof.checked).toBe(6);
    // checked independently with Docker's matcher
    const ig = makeIgnore(parseIgnorePatterns(p.text));
    for (const rel of ['Dockerfile', 'package.json', 'dist', 'dist/main.js', 'src', 'src/app.js']) expect(ig.ignores(rel)).toBe(false);
    for (const rel of ['.git/HEAD', 'node_modules/left-pad/index.js', '.env', 'server.log', 'compose.yaml']) expect(ig.ignores(rel)).toBe(true);
  });

  it('reports the context size before and after', () => {
    const dir = nodeProject();
    const p = proposeDockerignore(dir, sourcesOf(dir));
    const all = COMPOSE.length + DOCKERFILE.length + 3 + 21 + 2 * 1024 * 1024 + 300 * 1024 + 3 + 15 + 10 + 15 + 8;
    expect(p.before).toEqual({ bytes: all, files: 11 });
    expect(p.after).toEqual({ bytes: DOCKERFILE.length + 3 + 15 + 10, files: 4 });
    expect(p.patterns.reduce((n, x) => n + x.bytes, 0)).toBe(p.before.bytes - p.after.bytes);
    expect(sizeChange(p.before, p.after)).toBe('2.3 MB → 141 B (11 → 4 files)');
  });

  it('merges into an existing .dockerignore: keeps it byte for byte, appends only new patterns, idempotent', () => {
    const existing = '# ours\nnode_modules\n*.md';
    const dir = nodeProject({ '.dockerignore': existing, 'README.md': '# hi\n' });
    const p = proposeDockerignore(dir, sourcesOf(dir));
    expect(p.text.startsWith(existing)).toBe(true);
    expect(p.addition).toBe(`

# ==== added by \`shipshape init-dockerignore\`: no COPY/ADD source is excluded (checked with Docker's matching rules) ====

# version control history
.git

# environment files and private keys: secrets never belong in an image
.env

# logs
*.log

# compose files: the image does not need them
compose*.yaml
`);
    expect(p.text).toBe(existing + p.addition);
    // node_modules was already excluded: not proposed again, and not counted as a saving
    expect(p.patterns.map((x) => x.pattern)).not.toContain('node_modules');
    expect(p.before.files).toBe(10); // 11 + README.md + .dockerignore - node_modules' 2 files - README.md
    writeFileSync(path.join(dir, '.dockerignore'), p.text);
    const again = proposeDockerignore(dir, sourcesOf(dir));
    expect(again.addition).toBe('');
    expect(again.text).toBe(p.text);
    expect(again.patterns).toEqual([]);
  });

  it('keeps what a copied folder holds with an exception, proven with the matcher', () => {
    const dir = tempProject({
      Dockerfile: 'FROM python:3.12\nCOPY app/ /srv/app/\n',
      'app/main.py': 'print(1)\n',
      'app/__pycache__/main.cpython-312.pyc': 'x',
      '__pycache__/setup.cpython-312.pyc': 'y',
      'tests/__pycache__/t.pyc': 'z',
    });
    const p = proposeDockerignore(dir, [{ dockerfile: 'Dockerfile', sources: ['app/'] }]);
    const pat = p.patterns.find((x) => x.pattern === '**/__pycache__')!;
    expect(pat.negations).toEqual([{ pattern: '!app/__pycache__', why: 'Dockerfile needs it (`app/`)' }]);
    expect(p.unsafe).toEqual([{ pattern: '**/__pycache__', source: 'app/', dockerfile: 'Dockerfile', action: 'negated', paths: ['app/__pycache__'] }]);
    const ig = makeIgnore(parseIgnorePatterns(p.text));
    expect(ig.ignores('app/__pycache__/main.cpython-312.pyc')).toBe(false);
    expect(ig.ignores('__pycache__/setup.cpython-312.pyc')).toBe(true);
    expect(ig.ignores('tests/__pycache__/t.pyc')).toBe(true);
    expect(p.proof.excluded).toBe(0);
  });

  it('drops an exception that would bring back something the existing file excludes', () => {
    const dir = tempProject({
      Dockerfile: 'FROM python:3.12\nCOPY app/ /srv/app/\n',
      '.dockerignore': 'app/__pycache__/b.pyc\n',
      'app/__pycache__/a.pyc': 'a',
      'app/__pycache__/b.pyc': 'b',
      '__pycache__/r.pyc': 'r',
    });
    const p = proposeDockerignore(dir, [{ dockerfile: 'Dockerfile', sources: ['app/'] }]);
    expect(p.unsafe).toMatchObject([{ pattern: '**/__pycache__', action: 'dropped', paths: ['app/__pycache__'] }]);
    const ig = makeIgnore(parseIgnorePatterns(p.text));
    expect(ig.ignores('app/__pycache__/b.pyc')).toBe(true);
    expect(ig.ignores('app/__pycache__/a.pyc')).toBe(false);
  });

  it('groups many exceptions under a copied folder into one `!folder/**/name`', () => {
    const files: Record<string, string> = { Dockerfile: 'FROM python:3.12\nCOPY app/ /srv/app/\nCOPY . /srv/\n', '__pycache__/root.pyc': 'r' };
    for (let i = 0; i < 7; i++) files[`app/m${i}/__pycache__/x.pyc`] = 'x';
    const dir = tempProject(files);
    const p = proposeDockerignore(dir, [{ dockerfile: 'Dockerfile', sources: ['app/', '.'] }]);
    expect(p.patterns.find((x) => x.pattern === '**/__pycache__')!.negations.map((n) => n.pattern)).toEqual(['!app/**/__pycache__']);
    const ig = makeIgnore(parseIgnorePatterns(p.text));
    expect(ig.ignores('__pycache__/root.pyc')).toBe(true);
    expect(ig.ignores('app/m3/__pycache__/x.pyc')).toBe(false);
    expect(p.proof.excluded).toBe(0);
  });

  it('never excludes Go vendoring, Dockerfiles or env templates; handles globs and bind mounts', () => {
    const dir = tempProject({
      'go.mod': 'module x\n',
      'vendor/modules.txt': '# x\n',
      'build/package/Dockerfile': 'FROM golang\nCOPY *.go ./\nRUN --mount=type=bind,source=go.sum,target=go.sum go build\n',
      'build/out.bin': Buffer.alloc(10),
      'main.go': 'package main\n',
      'go.sum': '',
      '.env.example': 'A=\n',
      '.env.local': 'A=1\n',
      'key.pem': 'secret',
    });
    const p = proposeDockerignore(dir, [{ dockerfile: 'build/package/Dockerfile', sources: ['*.go', 'go.sum'] }]);
    const lines = parseIgnorePatterns(p.text);
    expect(lines).not.toContain('vendor');
    expect(lines).toEqual(['.git', '.env', '.env.*', '!.env.example', '*.pem', 'build', '!build/package/Dockerfile']);
    const ig = makeIgnore(lines);
    expect(ig.ignores('build/package/Dockerfile')).toBe(false);
    expect(ig.ignores('main.go')).toBe(false);
    expect(ig.ignores('.env.example')).toBe(false);
    expect(ig.ignores('.env.local')).toBe(true);
  });

  it('leaves the user alone when their file already excludes a COPY source, and says so', () => {
    const dir = nodeProject({ '.dockerignore': 'dist\n' });
    const p = proposeDockerignore(dir, sourcesOf(dir));
    expect(p.proof.alreadyExcluded.map((a) => a.path)).toEqual(['dist', 'dist/main.js']);
    expect(parseIgnorePatterns(p.text)).toContain('dist');
  });

  it('normalizes sources as the builder resolves them', () => {
    expect(normalizeSource('./src/')).toEqual({ kind: 'path', segments: ['src'] });
    expect(normalizeSource('/app/../x')).toEqual({ kind: 'path', segments: ['x'] });
    expect(normalizeSource('.')).toEqual({ kind: 'whole', segments: [] });
    expect(normalizeSource('${APP}/main.py')).toEqual({ kind: 'glob', segments: ['*', 'main.py'] });
    expect(normalizeSource('https://example.com/x.tgz').kind).toBe('skipped');
    expect(humanSize(851_443_712)).toBe('812 MB');
    expect(sizeChange({ bytes: 851_443_712, files: 1234 }, { bytes: 4.2 * 1024 * 1024, files: 87 })).toBe('812 MB → 4.2 MB (1,234 → 87 files)');
  });
});

describe('init-dockerignore', () => {
  it('prints the proposal without --write, writes with it, and is idempotent', async () => {
    const dir = nodeProject();
    const dry = await capture(() => initDockerignoreCommand([], { dir }));
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('context size: 2.3 MB → 141 B (11 → 4 files)');
    expect(dry.out).toContain('not excluded: dist: Dockerfile copies it (`dist`), so `dist` is left out');
    expect(dry.out).toContain("checked with Docker's own matcher: none of them is excluded");
    expect(dry.out).toContain('dry run: pass --write');
    expect(() => readFileSync(path.join(dir, '.dockerignore'))).toThrow();

    const w = await capture(() => initDockerignoreCommand([], { dir, write: true }));
    expect(w.code).toBe(0);
    expect(w.out).toContain('(5 patterns)');
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toBe(FRESH);

    const again = await capture(() => initDockerignoreCommand([], { dir, write: true }));
    expect(again.code).toBe(0);
    expect(again.out).toContain('up to date: nothing to add');
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toBe(FRESH);
  });

  it('shows the additions to an existing file as a diff and appends them with --write', async () => {
    const dir = nodeProject({ '.dockerignore': 'node_modules\n' });
    const dry = await capture(() => initDockerignoreCommand([dir], { dir }));
    expect(dry.out).toContain('+ .git');
    const w = await capture(() => initDockerignoreCommand([dir], { dir, write: true }));
    expect(w.out).toContain('appended 4 patterns');
    expect(readFileSync(path.join(dir, '.dockerignore'), 'utf8').startsWith('node_modules\n\n# ==== added by')).toBe(true);
  });

  it('does not write when the proof is incomplete unless --force', async () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    build: ./app\n', 'app/node_modules/x.js': 'x', 'app/main.js': 'x' });
    const r = await capture(() => initDockerignoreCommand([], { dir, write: true }));
    expect(r.code).toBe(1);
    expect(r.out).toContain('proof incomplete');
    expect(() => readFileSync(path.join(dir, 'app/.dockerignore'))).toThrow();
    const f = await capture(() => initDockerignoreCommand([], { dir, write: true, force: true }));
    expect(f.code).toBe(0);
    expect(parseIgnorePatterns(readFileSync(path.join(dir, 'app/.dockerignore'), 'utf8'))).toEqual(['.git', '.env', 'node_modules']);
  });

  it('--json', async () => {
    const dir = nodeProject();
    const r = await capture(() => initDockerignoreCommand([], { dir, json: true }));
    const j = JSON.parse(r.out) as { contexts: { action: string; before: { files: number }; after: { files: number }; unsafe: unknown[] }[] };
    expect(j.contexts).toHaveLength(1);
    expect(j.contexts[0]).toMatchObject({ action: 'proposed', before: { files: 11 }, after: { files: 4 } });
    expect(j.contexts[0]!.unsafe).toHaveLength(1);
  });

  it('fails cleanly with nothing to do', async () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  db:\n    image: postgres\n' });
    const r = await capture(() => initDockerignoreCommand([], { dir }));
    expect(r.code).toBe(2);
    expect(r.err).toContain('builds from a local context');
  });
});
