import { afterAll, describe, expect, it } from 'vitest';
import { discoverProject } from '../../src/discover/index.js';
import { scanWrapper } from '../../src/discover/wrappers.js';
import { makeTree, removeTrees, SERVICES } from './helpers.js';

afterAll(removeTrees);

describe('Makefile', () => {
  const makefile = [
    '# dev helpers',
    'COMPOSE ?= docker compose -f docker/compose.yml',
    'DEV := $(COMPOSE) -f docker/compose.dev.yml --profile debug',
    'SERVICES = api worker',
    '',
    '.PHONY: up logs shell',
    'up: ## start everything',
    '\t$(DEV) up -d \\',
    '\t\t--build \\',
    '\t\tapi worker',
    '',
    'logs:',
    '\t@$(COMPOSE) logs -f --tail 100 api',
    '',
    'shell:',
    '\t-$(COMPOSE) exec -u root api sh -c "echo $$HOME"',
    '',
    'clean: ; docker-compose -p shop down -v',
    '',
    'ids:',
    '\techo "$$(docker compose ps -q db)" > ids.txt',
    '',
    'echo:',
    '\techo docker compose up',
    '\tcommand -v docker-compose || true',
    '',
    'other:',
    '\t$(DOCKER_COMPOSE) --profile x up web',
    '\t$(SERVICES)',
  ].join('\n');

  const found = scanWrapper(makefile, 'make');

  it('substitutes variables and joins continuation lines', () => {
    expect(found[0]).toEqual({
      line: 8,
      text: '$(DEV) up -d --build api worker',
      command: 'docker compose -f docker/compose.yml -f docker/compose.dev.yml --profile debug up -d --build api worker',
      cli: 'v2',
      via: '$(DEV)',
      subcommand: 'up',
      files: ['docker/compose.yml', 'docker/compose.dev.yml'],
      profiles: ['debug'],
      services: ['api', 'worker'],
      target: 'up',
    });
  });

  it('reads options of subcommands so their values are not taken for services', () => {
    expect(found[1]).toMatchObject({ line: 13, subcommand: 'logs', services: ['api'], target: 'logs', via: '$(COMPOSE)', text: '@$(COMPOSE) logs -f --tail 100 api' });
    expect(found[2]).toMatchObject({ line: 16, subcommand: 'exec', services: ['api'], target: 'shell' });
  });

  it('handles inline recipes, v1, -p, and command substitutions', () => {
    expect(found[3]).toMatchObject({ line: 18, cli: 'v1', subcommand: 'down', projectName: 'shop', services: [], target: 'clean', command: 'docker-compose -p shop down -v' });
    expect(found[3]!.via).toBeUndefined();
    expect(found[4]).toMatchObject({ line: 21, cli: 'v2', subcommand: 'ps', services: ['db'], target: 'ids' });
  });

  it('reports an unresolved compose variable as unknown and ignores echo / command -v', () => {
    expect(found[5]).toMatchObject({ line: 28, cli: 'unknown', via: '$(DOCKER_COMPOSE)', subcommand: 'up', profiles: ['x'], services: ['web'], target: 'other' });
    expect(found).toHaveLength(6);
  });
});

describe('shell scripts', () => {
  it('parses docker-compose -f a.yml -f b.yml --profile x up -d api worker', () => {
    const [inv, ...rest] = scanWrapper('#!/bin/sh\nset -e\ndocker-compose -f a.yml -f b.yml --profile x up -d api worker\n', 'shell');
    expect(rest).toEqual([]);
    expect(inv).toEqual({
      line: 3,
      text: 'docker-compose -f a.yml -f b.yml --profile x up -d api worker',
      command: 'docker-compose -f a.yml -f b.yml --profile x up -d api worker',
      cli: 'v1',
      subcommand: 'up',
      files: ['a.yml', 'b.yml'],
      profiles: ['x'],
      services: ['api', 'worker'],
    });
  });

  it('substitutes shell variables, arrays and defaults; splits command lists', () => {
    const script = [
      '#!/usr/bin/env bash',
      'COMPOSE="${COMPOSE:-docker compose}"',
      'FILES=(-f base.yml -f "prod.yml")',
      'ROOT="$(cd "$(dirname "$0")" && pwd)"',
      'cat <<EOF',
      'docker compose up -d fake',
      'EOF',
      '$COMPOSE "${FILES[@]}" pull && $COMPOSE "${FILES[@]}" up -d --remove-orphans web; echo done',
      'sudo -E docker --context prod compose --project-name=shop --file="$ROOT/compose.yml" restart -t 5 api 2>&1 | tee log',
      'COMPOSE_PROFILES=a,b COMPOSE_FILE=x.yml:y.yml docker compose run --rm -e A=1 migrate ./manage.py migrate',
      'if command -v docker-compose >/dev/null; then echo "docker compose up"; fi',
      "echo 'docker compose down'",
      'docker compose "$@"',
    ].join('\n');
    const found = scanWrapper(script, 'shell');
    expect(found.map((f) => [f.line, f.cli, f.subcommand, f.services, f.files])).toEqual([
      [8, 'v2', 'pull', [], ['base.yml', 'prod.yml']],
      [8, 'v2', 'up', ['web'], ['base.yml', 'prod.yml']],
      [9, 'v2', 'restart', ['api'], ['$ROOT/compose.yml']],
      [10, 'v2', 'run', ['migrate'], ['x.yml', 'y.yml']],
      [13, 'v2', undefined, [], []],
    ]);
    expect(found[0]!.via).toBe('$COMPOSE');
    expect(found[2]!.projectName).toBe('shop');
    expect(found[3]!.profiles).toEqual(['a', 'b']);
    expect(found[4]!.command).toBe('docker compose $@');
  });

  it('uses the assignment above the line', () => {
    const found = scanWrapper('DC=docker-compose\n$DC up\nDC="docker compose"\n$DC down\n', 'shell');
    expect(found.map((f) => f.cli)).toEqual(['v1', 'v2']);
  });
});

describe('wrappers in discovery', () => {
  it('lists scripts calling compose, resolving -f files against the discovered compose files', async () => {
    const root = makeTree({
      'docker/compose.yml': SERVICES,
      'docker/compose.dev.yml': SERVICES,
      'a.yml': SERVICES,
      'b.yml': SERVICES,
      Makefile: 'COMPOSE = docker compose -f docker/compose.yml\n\nup:\n\t$(COMPOSE) \\\n\t  -f $(CURDIR)/docker/compose.dev.yml up -d api\n',
      'scripts/deploy.sh': '#!/bin/sh\ndocker-compose -f a.yml -f b.yml --profile x up -d api worker\ndocker compose -f ../docker/compose.yml -f nope.yml ps\n',
      'scripts/unrelated.sh': '#!/bin/sh\necho hello\n',
      'tools/build.mk': 'build:\n\tgo build ./...\n',
    });
    const pf = await discoverProject(root);
    expect(pf.wrappers.map((w) => [w.path, w.kind, w.invocations.length])).toEqual([
      ['Makefile', 'make', 1],
      ['scripts/deploy.sh', 'shell', 2],
    ]);
    const [make, sh] = pf.wrappers;
    expect(make!.invocations[0]).toMatchObject({
      line: 4,
      files: ['docker/compose.yml', '$(CURDIR)/docker/compose.dev.yml'],
      resolvedFiles: ['docker/compose.yml', 'docker/compose.dev.yml'],
      services: ['api'],
      target: 'up',
    });
    expect(sh!.invocations[0]).toMatchObject({ cli: 'v1', files: ['a.yml', 'b.yml'], resolvedFiles: ['a.yml', 'b.yml'], profiles: ['x'], services: ['api', 'worker'] });
    expect(sh!.invocations[1]).toMatchObject({ resolvedFiles: ['docker/compose.yml', null] });
  });

  it('follows `cd dir &&` before a compose call', async () => {
    const root = makeTree({
      'deploy/compose.yml': SERVICES,
      'ops/Makefile': 'up:\n\tcd ../deploy && docker compose -f compose.yml up -d\n\tcd "$$HOME" && docker compose -f compose.yml ps\n',
    });
    const pf = await discoverProject(root);
    const [a, b] = pf.wrappers[0]!.invocations;
    expect(a).toMatchObject({ cwd: '../deploy', files: ['compose.yml'], resolvedFiles: ['deploy/compose.yml'] });
    expect(b!.cwd).toBeUndefined();
    expect(b!.resolvedFiles).toEqual([null]);
  });
});
