/** Pre-flight checks that need no engine: ports (a port bound by the test), variables, env files, binds, images' build contexts. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildProblem, checkPorts, defaultImageName, describeCompose, loadForPreflight, runPreflight } from '../../src/run/preflight.js';
import { formatHostPort, probePort, publishedPorts } from '../../src/run/ports.js';

function listen(host = '127.0.0.1'): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => resolve(srv));
  });
}
const portOf = (srv: net.Server) => (srv.address() as net.AddressInfo).port;

describe('port probe', () => {
  let taken: net.Server;
  beforeAll(async () => {
    taken = await listen();
  });
  afterAll(() => new Promise<void>((r) => taken.close(() => r())));

  it('finds a port bound by someone else', async () => {
    const r = await probePort('127.0.0.1', portOf(taken));
    expect(r).toMatchObject({ free: false, code: 'EADDRINUSE', reason: 'already in use' });
  });

  it('binding 0.0.0.0 collides with a listener on 127.0.0.1 (what the engine would publish on)', async () => {
    const r = await probePort('0.0.0.0', portOf(taken));
    expect(r.free).toBe(false);
  });

  it('finds a free port free, and releases it', async () => {
    const srv = await listen();
    const port = portOf(srv);
    await new Promise<void>((r) => srv.close(() => r()));
    expect(await probePort('127.0.0.1', port)).toEqual({ free: true });
    expect(await probePort('127.0.0.1', port)).toEqual({ free: true });
  });

  it('udp', async () => {
    expect((await probePort('127.0.0.1', 0, 'udp')).free).toBe(true);
  });

  it('an address that is not on this host', async () => {
    const r = await probePort('192.0.2.1', 8080);
    expect(r).toMatchObject({ free: false, code: 'EADDRNOTAVAIL' });
  });

  it('checkPorts fails on a taken port, passes on a free one, and flags a port published twice', async () => {
    const port = portOf(taken);
    const bad = await checkPorts('p', [{ service: 'web', hostIp: '127.0.0.1', port, protocol: 'tcp', target: 80 }], undefined, false);
    expect(bad.status).toBe('fail');
    expect(bad.message).toBe(`ports: 1 conflict: 127.0.0.1:${port}/tcp (service web): already in use`);

    const free = await listen();
    const freePort = portOf(free);
    await new Promise<void>((r) => free.close(() => r()));
    const ok = await checkPorts('p', [{ service: 'web', hostIp: '127.0.0.1', port: freePort, protocol: 'tcp', target: 80 }], undefined, false);
    expect(ok).toMatchObject({ status: 'pass', message: 'ports: 1 host port free' });

    const dup = await checkPorts(
      'p',
      [
        { service: 'a', hostIp: '0.0.0.0', port: freePort, protocol: 'tcp', target: 80 },
        { service: 'b', hostIp: '127.0.0.1', port: freePort, protocol: 'tcp', target: 81 },
      ],
      undefined,
      false,
    );
    expect(dup.status).toBe('fail');
    expect(dup.details?.[0]).toBe(`127.0.0.1:${freePort}/tcp is published by both a and b`);
  });

  it('a remote engine: ports are not probed here', async () => {
    const r = await checkPorts('p', [{ service: 'web', hostIp: '0.0.0.0', port: portOf(taken), protocol: 'tcp', target: 80 }], undefined, true);
    expect(r.status).toBe('skip');
  });
});

describe('publishedPorts', () => {
  it('takes fixed host ports from the normalized model, with the host ip (0.0.0.0 by default)', () => {
    const ports = publishedPorts({
      web: { ports: [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp' }, { target: 53, published: '5353', protocol: 'udp' }, { target: 9000 }] },
      api: { ports: [{ target: 80, published: '8000-8010', protocol: 'tcp' }, { target: 81, published: 9090 }] },
      none: {},
    });
    expect(ports).toEqual([
      { service: 'web', hostIp: '127.0.0.1', port: 8080, protocol: 'tcp', target: 80 },
      { service: 'web', hostIp: '0.0.0.0', port: 5353, protocol: 'udp', target: 53 },
      { service: 'api', hostIp: '0.0.0.0', port: 9090, protocol: 'tcp', target: 81 },
    ]);
    expect(formatHostPort({ hostIp: '::1', port: 53, protocol: 'udp' })).toBe('[::1]:53/udp');
  });
});

describe('project checks without an engine', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-preflight-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports every missing required variable at once, with where it is used', async () => {
    await writeFile(
      path.join(dir, 'compose.yaml'),
      ['services:', '  web:', '    image: ${IMAGE:?set IMAGE}', '    environment:', '      TOKEN: ${TOKEN:?}', '      PLAIN: ${PLAIN}', ''].join('\n'),
    );
    const r = loadForPreflight({ dir, env: {} });
    expect(r.missing.map((m) => m.name)).toEqual(['IMAGE', 'TOKEN']);
    expect(r.missing[0]!.message).toMatch(/compose\.yaml:3:\d+: .*required variable IMAGE is missing a value: set IMAGE/);
    expect(r.placeholders).toBe(true);
    const ok = loadForPreflight({ dir, env: { IMAGE: 'x', TOKEN: 'y' } });
    expect(ok.missing).toEqual([]);
    expect(ok.project?.services.web).toBeDefined();
  });

  it('runs the checks in order: a failed engine, compose, variables, env files, binds', async () => {
    await mkdir(path.join(dir, 'data'));
    await writeFile(
      path.join(dir, 'compose.yaml'),
      [
        'services:',
        '  web:',
        '    image: busybox',
        '    env_file: [missing.env]',
        '    volumes:',
        '      - ./data:/data',
        '      - ./created:/created',
        '      - type: bind',
        '        source: ./absent',
        '        target: /absent',
        '    environment:',
        '      PLAIN: ${PLAIN}',
        '',
      ].join('\n'),
    );
    const seen: string[] = [];
    const r = await runPreflight({
      dir,
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock', PATH: process.env.PATH },
      cli: { kind: 'v2', argv: ['docker', 'compose'], version: '2.24.5' },
      onCheck: (c) => seen.push(`${c.id}:${c.status}`),
    });
    expect(seen).toEqual(['engine:fail', 'compose:pass', 'variables:warn', 'env-files:fail', 'binds:fail', 'ports:skip', 'images:skip']);
    expect(r.ok).toBe(false);
    const byId = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(byId.engine!.message).toMatch(/cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker.sock \(DOCKER_HOST\): the socket does not exist/);
    expect(byId.compose!.message).toBe('using docker compose v2.24.5');
    expect(byId.variables!.message).toBe('variables: not set, defaulting to a blank string: PLAIN');
    expect(byId['env-files']!.details).toEqual([`${path.join(dir, 'missing.env')} (service web): not found`]);
    expect(byId.binds!.details).toEqual([expect.stringMatching(/absent \(service web\): does not exist$/), expect.stringMatching(/created \(service web\): does not exist; the engine will create an empty directory/)]);
  });

  it('build contexts: present, missing, no Dockerfile, remote', async () => {
    await mkdir(path.join(dir, 'app'));
    expect(buildProblem({ context: path.join(dir, 'app') })).toMatch(/Dockerfile .* does not exist/);
    await writeFile(path.join(dir, 'app', 'Dockerfile'), 'FROM scratch\n');
    expect(buildProblem({ context: path.join(dir, 'app') })).toBeUndefined();
    expect(buildProblem({ context: path.join(dir, 'nope') })).toMatch(/does not exist/);
    expect(buildProblem({ context: path.join(dir, 'app'), dockerfile_inline: 'FROM scratch' })).toBeUndefined();
    expect(buildProblem({ context: 'https://github.com/acme/app.git#main' })).toBeUndefined();
  });

  it('names the Compose CLI as asked, and built images as each version does', () => {
    expect(describeCompose({ kind: 'v1', argv: ['docker-compose'], version: '1.29.2' })).toBe('using docker-compose 1.29.2 (v1)');
    expect(describeCompose({ kind: 'v2', argv: ['docker', 'compose'], version: '2.24.5' })).toBe('using docker compose v2.24.5');
    expect(describeCompose({ kind: 'v2', argv: ['/usr/local/bin/docker-compose'], version: '2.29.1' })).toBe('using docker-compose v2.29.1');
    expect(defaultImageName('shop', 'api', 'v1')).toBe('shop_api');
    expect(defaultImageName('shop', 'api', 'v2')).toBe('shop-api');
  });
});
