import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ComposeArgsError,
  ComposeCliNotFoundError,
  compareVersions,
  composeArgs,
  detectComposeCli,
  isValidProjectName,
  parseComposeVersion,
  type ComposeCli,
} from '../../src/engine/compose-cli.js';

const V2: ComposeCli = { kind: 'v2', argv: ['docker', 'compose'], version: '2.24.5' };
const V1: ComposeCli = { kind: 'v1', argv: ['docker-compose'], version: '1.29.2' };

describe('composeArgs', () => {
  it('puts global flags before the subcommand, for v2', () => {
    expect(
      composeArgs(
        V2,
        { projectName: 'shop', files: ['a.yml', 'b.yml'], projectDir: '/srv/shop', profiles: ['debug', 'tools'], envFiles: ['.env'] },
        ['up', '-d', '--wait'],
      ),
    ).toEqual([
      'docker', 'compose',
      '-p', 'shop',
      '-f', 'a.yml', '-f', 'b.yml',
      '--project-directory', '/srv/shop',
      '--profile', 'debug', '--profile', 'tools',
      '--env-file', '.env',
      'up', '-d', '--wait',
    ]);
  });

  it('builds the same flags for v1 1.29', () => {
    expect(
      composeArgs(V1, { projectName: 'shop', files: ['a.yml'], projectDir: '/srv/shop', profiles: ['debug'], envFiles: ['prod.env'] }, [
        'down',
        '-v',
      ]),
    ).toEqual([
      'docker-compose', '-p', 'shop', '-f', 'a.yml', '--project-directory', '/srv/shop', '--profile', 'debug', '--env-file', 'prod.env', 'down', '-v',
    ]);
  });

  it('adds nothing when no project options are given', () => {
    expect(composeArgs(V2, {}, ['ps'])).toEqual(['docker', 'compose', 'ps']);
    expect(composeArgs(V1, {}, [])).toEqual(['docker-compose']);
  });

  it('does not mutate the cli argv or the args', () => {
    const cli: ComposeCli = { ...V2, argv: ['docker', 'compose'] };
    const args = ['up'];
    composeArgs(cli, { projectName: 'x' }, args);
    expect(cli.argv).toEqual(['docker', 'compose']);
    expect(args).toEqual(['up']);
  });

  it('keeps a standalone binary path as the prefix', () => {
    const cli: ComposeCli = { kind: 'v2', argv: ['/opt/bin/docker-compose'], version: '2.29.0' };
    expect(composeArgs(cli, { files: ['c.yml'] }, ['config'])).toEqual(['/opt/bin/docker-compose', '-f', 'c.yml', 'config']);
  });

  it('refuses several env files on v1 and on v2 before 2.17', () => {
    expect(() => composeArgs(V1, { envFiles: ['a.env', 'b.env'] }, ['up'])).toThrow(ComposeArgsError);
    expect(() => composeArgs({ ...V2, version: '2.16.0' }, { envFiles: ['a.env', 'b.env'] }, ['up'])).toThrow(/2\.17/);
    expect(composeArgs({ ...V2, version: '2.17.0' }, { envFiles: ['a.env', 'b.env'] }, ['up'])).toEqual([
      'docker', 'compose', '--env-file', 'a.env', '--env-file', 'b.env', 'up',
    ]);
  });

  it('refuses --profile before docker-compose 1.28 and --env-file before 1.25', () => {
    expect(() => composeArgs({ ...V1, version: '1.27.4' }, { profiles: ['p'] }, ['up'])).toThrow(/--profile/);
    expect(composeArgs({ ...V1, version: '1.28.0' }, { profiles: ['p'] }, ['up'])).toEqual(['docker-compose', '--profile', 'p', 'up']);
    expect(() => composeArgs({ ...V1, version: '1.24.1' }, { envFiles: ['e'] }, ['up'])).toThrow(/--env-file/);
  });

  it('rejects project names that v2 would reject and v1 would rewrite', () => {
    for (const bad of ['Shop', 'my shop', '-shop', '', 'shop.prod']) {
      expect(() => composeArgs(V2, { projectName: bad }, ['up'])).toThrow(ComposeArgsError);
    }
    for (const good of ['shop', 'shop-prod_2', '0shop']) expect(isValidProjectName(good)).toBe(true);
  });
});

describe('parseComposeVersion / compareVersions', () => {
  it('reads --short output of both generations', () => {
    expect(parseComposeVersion('2.24.5\n')).toBe('2.24.5');
    expect(parseComposeVersion('v2.0.0\n')).toBe('2.0.0');
    expect(parseComposeVersion('1.29.2\n')).toBe('1.29.2');
    expect(parseComposeVersion('2.27.0-desktop.2\n')).toBe('2.27.0-desktop.2');
    expect(parseComposeVersion('')).toBeUndefined();
    expect(parseComposeVersion('Usage: docker [OPTIONS] COMMAND')).toBeUndefined();
  });

  it('compares numerically', () => {
    expect(compareVersions('1.29.2', '1.28.0')).toBeGreaterThan(0);
    expect(compareVersions('2.9.0', '2.17.0')).toBeLessThan(0);
    expect(compareVersions('2.17', '2.17.0')).toBe(0);
    expect(compareVersions('2.27.0-desktop.2', '2.27.0')).toBe(0);
  });
});

describe('detectComposeCli with a fake PATH', () => {
  let dir = '';
  let calls = '';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-fake-path-'));
    calls = path.join(dir, 'calls.log');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Write an executable shell script `name` in the fake PATH; every call appends "name args" to calls.log. */
  async function fake(name: string, body: string, where = dir): Promise<string> {
    const file = path.join(where, name);
    await writeFile(file, `#!/bin/sh\necho "${name} $*" >> '${calls}'\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  }
  const dockerWithPlugin = (version = '2.24.5') =>
    fake('docker', `if [ "$1" = compose ] && [ "$2" = version ] && [ "$3" = --short ]; then echo ${version}; exit 0; fi\nexit 1`);
  const dockerWithoutPlugin = () => fake('docker', `echo "docker: unknown command: docker $1" >&2\nexit 1`);
  const dockerCompose = (version = '1.29.2') =>
    fake('docker-compose', `if [ "$1" = version ] && [ "$2" = --short ]; then echo ${version}; exit 0; fi\nexit 1`);
  const env = (extra: Record<string, string> = {}) => ({ PATH: dir, ...extra });
  const callLog = async () => (await readFile(calls, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

  it('prefers v2 when both are present', async () => {
    await dockerWithPlugin();
    await dockerCompose();
    expect(await detectComposeCli({ env: env() })).toEqual({ kind: 'v2', argv: ['docker', 'compose'], version: '2.24.5' });
    expect(await callLog()).toEqual(['docker compose version --short']);
  });

  it('falls back to docker-compose v1 when docker has no compose plugin', async () => {
    await dockerWithoutPlugin();
    await dockerCompose('1.29.2');
    expect(await detectComposeCli({ env: env() })).toEqual({ kind: 'v1', argv: ['docker-compose'], version: '1.29.2' });
    expect(await callLog()).toEqual(['docker compose version --short', 'docker-compose version --short']);
  });

  it('falls back to docker-compose when there is no docker at all', async () => {
    await dockerCompose('1.29.2');
    expect((await detectComposeCli({ env: env() })).kind).toBe('v1');
  });

  it('takes a standalone docker-compose reporting 2.x as v2', async () => {
    await dockerWithoutPlugin();
    await dockerCompose('2.20.3');
    expect(await detectComposeCli({ env: env() })).toEqual({ kind: 'v2', argv: ['docker-compose'], version: '2.20.3' });
  });

  it('strips a leading v from the version', async () => {
    await dockerWithPlugin('v2.0.0');
    expect((await detectComposeCli({ env: env() })).version).toBe('2.0.0');
  });

  it('ignores a `docker compose` that exits 0 without a version, and noise on stderr', async () => {
    await fake('docker', 'echo "Usage: docker [OPTIONS] COMMAND"; exit 0');
    await fake('docker-compose', 'echo "CryptographyDeprecationWarning: blah 3.4" >&2; echo 1.29.2');
    expect(await detectComposeCli({ env: env() })).toEqual({ kind: 'v1', argv: ['docker-compose'], version: '1.29.2' });
  });

  it('gives up on a probe that hangs', async () => {
    await fake('docker', 'exec /bin/sleep 5');
    await dockerCompose();
    const started = Date.now();
    expect((await detectComposeCli({ env: env(), timeoutMs: 300 })).kind).toBe('v1');
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('explains how to install Compose when neither exists', async () => {
    await dockerWithoutPlugin();
    const err = await detectComposeCli({ env: env() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComposeCliNotFoundError);
    const e = err as ComposeCliNotFoundError;
    expect(e.attempts).toHaveLength(2);
    expect(e.attempts[0]).toMatch(/docker compose version --short.*unknown command/);
    expect(e.attempts[1]).toMatch(/docker-compose version --short.*not found/);
    expect(e.message).toContain('apt-get install docker-compose-plugin');
    expect(e.message).toContain('apt-get install docker-compose');
    expect(e.message).toContain('https://docs.docker.com/compose/install/');
    expect(e.message).toContain('SHIPSHAPE_COMPOSE');
  });

  it('with an empty PATH reports both as not found', async () => {
    const err = (await detectComposeCli({ env: env() }).catch((e: unknown) => e)) as ComposeCliNotFoundError;
    expect(err).toBeInstanceOf(ComposeCliNotFoundError);
    expect(err.attempts.every((a) => a.endsWith('not found'))).toBe(true);
  });

  describe('SHIPSHAPE_COMPOSE', () => {
    it('=v1 picks docker-compose even when v2 is there', async () => {
      await dockerWithPlugin();
      await dockerCompose('1.29.2');
      expect(await detectComposeCli({ env: env({ SHIPSHAPE_COMPOSE: 'v1' }) })).toEqual({ kind: 'v1', argv: ['docker-compose'], version: '1.29.2' });
      expect(await callLog()).toEqual(['docker-compose version --short']);
    });

    it('=v1 fails when docker-compose is really v2', async () => {
      await dockerCompose('2.20.3');
      await expect(detectComposeCli({ env: env({ SHIPSHAPE_COMPOSE: 'v1' }) })).rejects.toThrow(/is v2 \(2\.20\.3\), v1 was asked for/);
    });

    it('=v2 fails, naming the override, when only v1 exists', async () => {
      await dockerWithoutPlugin();
      await dockerCompose('1.29.2');
      await expect(detectComposeCli({ env: env({ SHIPSHAPE_COMPOSE: 'v2' }) })).rejects.toThrow(/SHIPSHAPE_COMPOSE=v2 does not work/);
    });

    it('=v2 accepts a standalone v2 docker-compose', async () => {
      await dockerWithoutPlugin();
      await dockerCompose('2.29.1');
      expect(await detectComposeCli({ env: env({ SHIPSHAPE_COMPOSE: 'v2' }) })).toEqual({ kind: 'v2', argv: ['docker-compose'], version: '2.29.1' });
    });

    it('=/path/to/binary runs that binary and classifies it by version', async () => {
      const other = await mkdtemp(path.join(os.tmpdir(), 'shipshape-fake-bin-'));
      try {
        const bin = await fake('my-compose', 'echo 1.27.4', other);
        expect(await detectComposeCli({ env: env({ SHIPSHAPE_COMPOSE: bin }) })).toEqual({ kind: 'v1', argv: [bin], version: '1.27.4' });
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    });

    it('=/path/to/docker means that docker with its compose plugin', async () => {
      const bin = await dockerWithPlugin('2.30.0');
      expect(await detectComposeCli({ env: env({ SHIPSHAPE_COMPOSE: bin }) })).toEqual({ kind: 'v2', argv: [bin, 'compose'], version: '2.30.0' });
    });

    it('a path that does not exist is an error naming it', async () => {
      await dockerWithPlugin();
      const missing = path.join(dir, 'nope', 'docker-compose');
      const err = (await detectComposeCli({ env: env({ SHIPSHAPE_COMPOSE: missing }) }).catch((e: unknown) => e)) as ComposeCliNotFoundError;
      expect(err).toBeInstanceOf(ComposeCliNotFoundError);
      expect(err.message).toContain(missing);
      expect(err.attempts[0]).toMatch(/not found$/);
    });
  });
});
