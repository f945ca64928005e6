import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverProject, renderFilesText, toFilesJson, FILES_JSON_VERSION } from '../../src/discover/index.js';
import { makeTree, removeTrees, SERVICES } from './helpers.js';

afterAll(removeTrees);

function demoTree(): string {
  const root = makeTree({
    'compose.yaml': SERVICES,
    'compose.override.yml': SERVICES,
    'docker-compose.yml': SERVICES,
    'docker/compose.dev.yml': SERVICES,
    'docker/compose.dev.override.yml': SERVICES,
    'stack.yml': SERVICES,
    'api/Dockerfile.dev': 'FROM x\n',
    'api/Dockerfile.dev.dockerignore': '*\n',
    '.dockerignore': 'x\n',
    '.env': 'COMPOSE_PROJECT_NAME=demo\n',
    '.env.example': 'A=1\n',
    'node_modules/x/compose.yaml': SERVICES,
    Makefile: 'COMPOSE = docker compose -f docker/compose.dev.yml\nup:\n\t$(COMPOSE) --profile dbg up -d api \\\n\t  worker\n',
    'scripts/logs.sh': 'docker-compose -f a.yml -p x logs -f api\n',
  });
  fs.symlinkSync('..', path.join(root, 'api', 'loop'));
  return root;
}

describe('renderFilesText', () => {
  it('lists each kind of file, pairing and compose calls, without colour codes', async () => {
    const root = demoTree();
    const text = renderFilesText(await discoverProject(root));
    expect(text).toBe(
      [
        `Project files in ${root}`,
        '',
        'Compose files (6)',
        '  compose.override.yml             override of compose.yaml; used by `docker compose`',
        '  compose.yaml                     default file, used by `docker compose`; overridden by compose.override.yml',
        '  docker-compose.yml               default name, not used: compose.yaml comes first',
        '  docker/compose.dev.override.yml  override of docker/compose.dev.yml',
        '  docker/compose.dev.yml           standalone; overridden by docker/compose.dev.override.yml',
        '  stack.yml                        standalone; found by content',
        '',
        'Dockerfiles (1)',
        '  api/Dockerfile.dev  ignore file api/Dockerfile.dev.dockerignore',
        '',
        '.dockerignore files (2)',
        '  .dockerignore',
        '  api/Dockerfile.dev.dockerignore  for api/Dockerfile.dev',
        '',
        'Env files (2)',
        '  .env          COMPOSE_PROJECT_NAME=demo',
        '  .env.example  template (example)',
        '',
        'Wrapper scripts calling compose (2)',
        '  Makefile (make, 1 compose call)',
        '    line 3 (up): docker compose -f docker/compose.dev.yml --profile dbg up -d api worker',
        '      docker compose (v2); via $(COMPOSE); files docker/compose.dev.yml; profiles dbg; services api, worker',
        '  scripts/logs.sh (shell, 1 compose call)',
        '    line 1: docker-compose -f a.yml -p x logs -f api',
        '      docker-compose (v1); files a.yml (not found); project x; services api',
        '',
        'Warnings (1)',
        '  found multiple config files with supported names: compose.yaml, docker-compose.yml; docker compose uses compose.yaml',
        '',
        'Skipped (2)',
        '  skipped by default: node_modules',
        '  api/loop  symbolic link loop, not followed (-> .)',
        '',
      ].join('\n'),
    );
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('says when nothing was found', async () => {
    const text = renderFilesText(await discoverProject(makeTree({ 'README.md': '# hi\n' })));
    expect(text).toContain('Compose files: none');
    expect(text).toContain('Dockerfiles: none');
    expect(text).toContain('Wrapper scripts calling compose: none');
    expect(text).not.toContain('Warnings');
    expect(text).not.toContain('Skipped');
  });
});

describe('toFilesJson', () => {
  it('has version 1, a fixed key order, and survives a JSON round trip', async () => {
    const pf = await discoverProject(demoTree());
    const json = toFilesJson(pf);
    expect(FILES_JSON_VERSION).toBe(1);
    expect(Object.keys(json)).toEqual(['version', 'root', 'truncated', 'stats', 'composeFiles', 'dockerfiles', 'dockerignores', 'envFiles', 'wrappers', 'warnings', 'skipped']);
    expect(json.version).toBe(1);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(Object.keys(json.composeFiles.find((f) => f.path === 'compose.yaml')!)).toEqual(['path', 'dir', 'kind', 'isDefault', 'overriddenBy', 'template', 'detectedBy']);
    expect(json.wrappers[0]!.invocations[0]).toEqual({
      line: 3,
      text: '$(COMPOSE) --profile dbg up -d api worker',
      command: 'docker compose -f docker/compose.dev.yml --profile dbg up -d api worker',
      cli: 'v2',
      via: '$(COMPOSE)',
      subcommand: 'up',
      files: ['docker/compose.dev.yml'],
      resolvedFiles: ['docker/compose.dev.yml'],
      profiles: ['dbg'],
      services: ['api', 'worker'],
      target: 'up',
    });
    expect(Object.keys(json.wrappers[1]!.invocations[0]!)).toEqual(['line', 'text', 'command', 'cli', 'subcommand', 'files', 'resolvedFiles', 'profiles', 'projectName', 'services']);
    expect(json.skipped).toEqual([
      { path: 'api/loop', reason: 'symlink-loop', detail: '.' },
      { path: 'node_modules', reason: 'default-skip' },
    ]);
  });

  it('is the same for the same tree', async () => {
    const root = demoTree();
    const a = JSON.stringify(toFilesJson(await discoverProject(root)));
    const b = JSON.stringify(toFilesJson(await discoverProject(root)));
    expect(a).toBe(b);
  });
});
