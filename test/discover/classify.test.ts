import { afterAll, describe, expect, it } from 'vitest';
import { categorizeName, envTemplateSuffix, isDockerfileName, isEnvName, looksLikeCompose, notComposeReason, sniffYaml } from '../../src/discover/classify.js';
import { discoverProject } from '../../src/discover/index.js';
import { makeTree, removeTrees, SERVICES } from './helpers.js';

afterAll(removeTrees);

describe('categorizeName', () => {
  it.each([
    'compose.yaml',
    'compose.yml',
    'docker-compose.yml',
    'docker-compose.yaml',
    'docker-compose.dev.yml',
    'compose.prod.yaml',
    'docker-compose.core.yml',
    'docker-compose-ci.yml',
    'docker-compose_test.yml',
    'app.compose.yml',
    'podman-compose.yml',
    'dashboard-compose.yaml',
    'compose.override.yml',
    'docker-compose.dev.override.yml',
    'docker-compose.yml.dist',
    'docker-compose.yml.example',
  ])('%s is a compose name', (name) => {
    expect(categorizeName(name)).toBe('compose');
  });

  it.each(['composer.yml', 'stack.yml', 'values.yaml', 'decompose.yml'])('%s is only a YAML file', (name) => {
    expect(categorizeName(name)).toBe('yaml');
  });

  it.each(['composer.json', 'README.md', 'docker-compose.yml.bak', 'package.json', 'env', '.envrc', '.env.ts'])('%s is not discovered', (name) => {
    expect(categorizeName(name)).toBeNull();
  });

  it('recognises Dockerfiles', () => {
    for (const n of ['Dockerfile', 'dockerfile', 'Dockerfile.dev', 'api.Dockerfile', 'web.dockerfile']) expect(isDockerfileName(n), n).toBe(true);
    for (const n of ['Dockerfile.dockerignore', 'Dockerfile.md', '.dockerfile', 'Dockerfile.', 'Dockerfiles']) expect(isDockerfileName(n), n).toBe(false);
    expect(categorizeName('Dockerfile.dockerignore')).toBe('dockerignore');
    expect(categorizeName('.dockerignore')).toBe('dockerignore');
  });

  it('recognises env files and their templates', () => {
    for (const n of ['.env', '.env.local', '.env.example', 'db.env', 'env.sample', 'db.env.example', '.env.production']) expect(isEnvName(n), n).toBe(true);
    for (const n of ['.envrc', 'env', '.env.js', 'environment.yml', 'env.py', '.env.d.ts']) expect(isEnvName(n), n).toBe(false);
    expect(envTemplateSuffix('.env.example')).toBe('example');
    expect(envTemplateSuffix('env.sample')).toBe('sample');
    expect(envTemplateSuffix('db.env.template')).toBe('template');
    expect(envTemplateSuffix('.env.dist')).toBe('dist');
    expect(envTemplateSuffix('.env.local')).toBeUndefined();
    expect(envTemplateSuffix('db.env')).toBeUndefined();
  });

  it.each(['Makefile', 'makefile', 'GNUmakefile', 'docker.mk'])('%s is a Makefile', (n) => expect(categorizeName(n)).toBe('make'));
  it.each(['run.sh', 'deploy.bash'])('%s is a shell script', (n) => expect(categorizeName(n)).toBe('shell'));
});

describe('sniffYaml', () => {
  it('finds a services mapping', () => {
    const s = sniffYaml('# c\nversion: "3.8"\nx-common: &c\n  restart: always\nservices:\n  web:\n    image: nginx\nvolumes:\n  data: {}\n');
    expect(s.keys).toEqual(['version', 'x-common', 'services', 'volumes']);
    expect(s.servicesMapping).toBe(true);
    expect(looksLikeCompose(s)).toBe(true);
  });

  it('handles flow style, BOM and CRLF', () => {
    expect(sniffYaml('\uFEFFservices: {web: {image: x}}\r\n').servicesMapping).toBe(true);
    expect(sniffYaml('services:\r\n  a:\r\n    image: x\r\n').servicesMapping).toBe(true);
  });

  it('rejects CI configs whose services is a list', () => {
    const gitlab = sniffYaml('image: docker\nservices:\n  - docker:dind\nstages:\n  - build\n');
    expect(gitlab.servicesList).toBe(true);
    expect(looksLikeCompose(gitlab)).toBe(false);
    expect(notComposeReason(gitlab)).toMatch(/list/);
    const travis = sniffYaml('language: go\nservices:\n- docker\n');
    expect(travis.servicesList).toBe(true);
  });

  it('rejects a Helm values file with a services mapping among other keys', () => {
    expect(looksLikeCompose(sniffYaml('replicaCount: 1\nservices:\n  api:\n    port: 80\n'))).toBe(false);
  });

  it('says why a compose-named file is not compose', () => {
    expect(notComposeReason(sniffYaml('name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n'))).toMatch(/GitHub Actions/);
    expect(notComposeReason(sniffYaml('apiVersion: v1\nkind: Service\n'))).toMatch(/Kubernetes/);
    expect(notComposeReason(sniffYaml('- a\n- b\n'))).toMatch(/list/);
    expect(notComposeReason(sniffYaml('rules:\n  x: 1\n'))).toMatch(/no top-level compose key/);
    // compose-named files that may well be compose are kept
    expect(notComposeReason(sniffYaml(''))).toBeNull();
    expect(notComposeReason(sniffYaml('networks:\n  front: {}\n'))).toBeNull();
    expect(notComposeReason(sniffYaml('version: "3"\nservice:\n  web: {}\nfoo: 1\n'))).toBeNull();
  });

  it('only reads the first document', () => {
    expect(sniffYaml('---\nservices:\n  a: {}\n---\napiVersion: v1\n').keys).toEqual(['services']);
  });
});

describe('discoverProject naming', () => {
  it('finds compose name variants in any folder, and YAML compose files by content', async () => {
    const root = makeTree({
      'docker-compose.yml': SERVICES,
      'docker-compose.dev.yml': SERVICES,
      'docker-compose-ci.yml': SERVICES,
      'deploy/compose.prod.yaml': SERVICES,
      'deploy/docker-compose.core.yml': SERVICES,
      'deploy/infra.compose.yml': SERVICES,
      'deploy/stack.yml': SERVICES,
      'deploy/docker-compose.yml.dist': SERVICES,
      'k8s/values.yaml': 'replicaCount: 1\nservices:\n  a: {}\n',
      '.gitlab-ci.yml': 'services:\n  - docker:dind\n',
      '.github/workflows/docker-compose.yml': 'name: ci\non: push\njobs:\n  a:\n    runs-on: x\n',
      'composer.json': '{}',
    });
    const pf = await discoverProject(root);
    expect(pf.composeFiles.map((f) => f.path)).toEqual([
      'deploy/compose.prod.yaml',
      'deploy/docker-compose.core.yml',
      'deploy/docker-compose.yml.dist',
      'deploy/infra.compose.yml',
      'deploy/stack.yml',
      'docker-compose-ci.yml',
      'docker-compose.dev.yml',
      'docker-compose.yml',
    ]);
    const byPath = new Map(pf.composeFiles.map((f) => [f.path, f]));
    expect(byPath.get('deploy/stack.yml')).toMatchObject({ detectedBy: 'content', kind: 'standalone' });
    expect(byPath.get('deploy/docker-compose.yml.dist')).toMatchObject({ template: true, isDefault: false, kind: 'standalone' });
    expect(byPath.get('docker-compose.yml')).toMatchObject({ kind: 'default', isDefault: true, detectedBy: 'name', dir: '.' });
    expect(pf.warnings).toEqual([expect.objectContaining({ code: 'not-compose-content', path: '.github/workflows/docker-compose.yml' })]);
  });

  it('can skip content sniffing', async () => {
    const root = makeTree({ 'stack.yml': SERVICES, 'compose.yaml': SERVICES });
    const pf = await discoverProject(root, { sniffContent: false });
    expect(pf.composeFiles.map((f) => f.path)).toEqual(['compose.yaml']);
  });

  it('lists Dockerfiles, .dockerignore files with their Dockerfile, and env files', async () => {
    const root = makeTree({
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'node_modules\n',
      'api/Dockerfile.dev': 'FROM scratch\n',
      'api/Dockerfile.dev.dockerignore': '*\n',
      'api/worker.Dockerfile': 'FROM scratch\n',
      'api/gone.Dockerfile.dockerignore': '*\n',
      'web/web.dockerfile': 'FROM scratch\n',
      '.env': 'COMPOSE_PROJECT_NAME=shop\nSECRET=hunter2\n',
      '.env.example': 'A=1\n',
      'db.env': 'POSTGRES_PASSWORD=x\n',
      'podman/env.sample': 'A=1\n',
      '.envrc': 'use nix\n',
    });
    const pf = await discoverProject(root);
    expect(pf.dockerfiles).toEqual([
      { path: 'Dockerfile', dir: '.' },
      { path: 'api/Dockerfile.dev', dir: 'api', ignoreFile: 'api/Dockerfile.dev.dockerignore' },
      { path: 'api/worker.Dockerfile', dir: 'api' },
      { path: 'web/web.dockerfile', dir: 'web' },
    ]);
    expect(pf.dockerignores).toEqual([
      { path: '.dockerignore', dir: '.' },
      { path: 'api/Dockerfile.dev.dockerignore', dir: 'api', forDockerfile: 'api/Dockerfile.dev' },
      { path: 'api/gone.Dockerfile.dockerignore', dir: 'api', forDockerfile: 'api/gone.Dockerfile', orphan: true },
    ]);
    expect(pf.envFiles).toEqual([
      { path: '.env', dir: '.', template: false, composeSettings: { COMPOSE_PROJECT_NAME: 'shop' } },
      { path: '.env.example', dir: '.', template: true, templateSuffix: 'example' },
      { path: 'db.env', dir: '.', template: false },
      { path: 'podman/env.sample', dir: 'podman', template: true, templateSuffix: 'sample' },
    ]);
    expect(JSON.stringify(pf)).not.toContain('hunter2');
  });
});
