import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  contextDirName,
  currentContextName,
  describeEndpoint,
  DockerHostError,
  dockerConfigDir,
  parseDockerHost,
  resolveEngineEndpoint,
} from '../../src/engine/docker-host.js';

describe('parseDockerHost', () => {
  it('unix sockets', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({ options: { socketPath: '/var/run/docker.sock' }, local: true, tls: false });
    expect(parseDockerHost('unix:///home/me/.docker/run/docker.sock').options).toEqual({ socketPath: '/home/me/.docker/run/docker.sock' });
    expect(parseDockerHost('unix://').options).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(() => parseDockerHost('unix://relative.sock')).toThrow(DockerHostError);
  });

  it('npipe', () => {
    expect(parseDockerHost('npipe:////./pipe/docker_engine').options).toEqual({ socketPath: '//./pipe/docker_engine' });
  });

  it('tcp: http by default on 2375, https with TLS on 2376', () => {
    expect(parseDockerHost('tcp://10.1.2.3:2375')).toEqual({ options: { protocol: 'http', host: '10.1.2.3', port: 2375 }, local: false, tls: false });
    expect(parseDockerHost('tcp://docker.example')).toMatchObject({ options: { protocol: 'http', host: 'docker.example', port: 2375 } });
    expect(parseDockerHost('tcp://docker.example', true)).toMatchObject({ options: { protocol: 'https', host: 'docker.example', port: 2376 }, tls: true });
    expect(parseDockerHost('tcp://docker.example:2376', { ca: 'CA', cert: 'CERT', key: 'KEY' }).options).toEqual({
      protocol: 'https',
      host: 'docker.example',
      port: 2376,
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
    });
  });

  it('tcp: loopback is local; IPv6 in brackets; a bare host:port is tcp', () => {
    expect(parseDockerHost('tcp://127.0.0.1:2375').local).toBe(true);
    expect(parseDockerHost('tcp://localhost:2375').local).toBe(true);
    expect(parseDockerHost('tcp://[::1]:2375')).toMatchObject({ options: { host: '::1', port: 2375 }, local: true });
    expect(parseDockerHost('192.168.1.5:2375')).toMatchObject({ options: { protocol: 'http', host: '192.168.1.5', port: 2375 }, local: false });
    expect(parseDockerHost('tcp://:2375').options).toMatchObject({ host: 'localhost', port: 2375 });
  });

  it('https:// and http:// URLs', () => {
    expect(parseDockerHost('https://docker.example:8443').options).toEqual({ protocol: 'https', host: 'docker.example', port: 8443 });
    expect(parseDockerHost('http://docker.example:8080').options).toEqual({ protocol: 'http', host: 'docker.example', port: 8080 });
  });

  it('ssh: user, host, port (22 by default), the agent from SSH_AUTH_SOCK', () => {
    expect(parseDockerHost('ssh://deploy@build.example:2222', undefined, { SSH_AUTH_SOCK: '/tmp/agent.sock' })).toEqual({
      options: { protocol: 'ssh', host: 'build.example', port: 2222, username: 'deploy', sshOptions: { agent: '/tmp/agent.sock' } },
      local: false,
      tls: false,
    });
    expect(parseDockerHost('ssh://build.example', undefined, {}).options).toEqual({ protocol: 'ssh', host: 'build.example', port: 22, sshOptions: {} });
    expect(parseDockerHost('ssh://me@[2001:db8::1]', undefined, {}).options).toMatchObject({ host: '2001:db8::1', username: 'me' });
    expect(() => parseDockerHost('ssh://me@host/path', undefined, {})).toThrow(/takes no path/);
  });

  it('rejects what the CLI rejects', () => {
    expect(() => parseDockerHost('fd://')).toThrow(/fd:\/\//);
    expect(() => parseDockerHost('ftp://x')).toThrow(/unsupported/);
    expect(() => parseDockerHost('  ')).toThrow(/empty/);
    expect(() => parseDockerHost('tcp://host:2375/prefix')).toThrow(/path prefix/);
  });
});

describe('resolveEngineEndpoint', () => {
  let home = '';
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'shipshape-dockerhost-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  async function writeContext(name: string, host: string, tls?: Record<string, string>, configDir = path.join(home, '.docker')) {
    const dir = path.join(configDir, 'contexts', 'meta', contextDirName(name));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
    if (tls) {
      const tdir = path.join(configDir, 'contexts', 'tls', contextDirName(name), 'docker');
      await mkdir(tdir, { recursive: true });
      for (const [k, v] of Object.entries(tls)) await writeFile(path.join(tdir, `${k}.pem`), v);
    }
  }

  it('defaults to the local socket', () => {
    const ep = resolveEngineEndpoint({ env: {}, homedir: home });
    expect(ep).toMatchObject({ host: 'unix:///var/run/docker.sock', source: 'default', local: true, options: { socketPath: '/var/run/docker.sock' } });
    expect(describeEndpoint(ep)).toBe('unix:///var/run/docker.sock (default)');
  });

  it('the context directory is named by the SHA-256 of the context name', () => {
    expect(contextDirName('default')).toBe('37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f');
  });

  it('DOCKER_HOST wins over DOCKER_CONTEXT and the current context', async () => {
    await writeContext('remote', 'ssh://me@remote.example');
    await mkdir(path.join(home, '.docker'), { recursive: true });
    await writeFile(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    const ep = resolveEngineEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_CONTEXT: 'remote' }, homedir: home });
    expect(ep).toMatchObject({ source: 'DOCKER_HOST', host: 'tcp://127.0.0.1:2375', options: { protocol: 'http', host: '127.0.0.1', port: 2375 } });
  });

  it('follows currentContext in config.json to the context meta', async () => {
    await writeContext('colima', 'unix:///home/me/.colima/default/docker.sock');
    await writeFile(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: {}, currentContext: 'colima' }));
    expect(currentContextName({}, home)).toBe('colima');
    const ep = resolveEngineEndpoint({ env: {}, homedir: home });
    expect(ep).toMatchObject({ source: 'context', context: 'colima', options: { socketPath: '/home/me/.colima/default/docker.sock' }, local: true });
    expect(describeEndpoint(ep)).toBe('unix:///home/me/.colima/default/docker.sock (context colima)');
  });

  it('DOCKER_CONTEXT overrides currentContext; ssh contexts', async () => {
    await writeContext('colima', 'unix:///x.sock');
    await writeContext('prod', 'ssh://deploy@prod.example:2200');
    await writeFile(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'colima' }));
    const ep = resolveEngineEndpoint({ env: { DOCKER_CONTEXT: 'prod' }, homedir: home });
    expect(ep).toMatchObject({ source: 'context', context: 'prod', local: false, options: { protocol: 'ssh', host: 'prod.example', port: 2200, username: 'deploy' } });
  });

  it('reads TLS material of a tcp context', async () => {
    await writeContext('secure', 'tcp://docker.example:2376', { ca: 'CA', cert: 'CERT', key: 'KEY' });
    const ep = resolveEngineEndpoint({ env: { DOCKER_CONTEXT: 'secure' }, homedir: home });
    expect(ep.tls).toBe(true);
    expect(ep.options).toEqual({ protocol: 'https', host: 'docker.example', port: 2376, ca: 'CA', cert: 'CERT', key: 'KEY' });
  });

  it('DOCKER_CONFIG moves the configuration directory', async () => {
    const cfg = path.join(home, 'elsewhere');
    await writeContext('ctx', 'tcp://10.0.0.9:2375', undefined, cfg);
    await writeFile(path.join(cfg, 'config.json'), JSON.stringify({ currentContext: 'ctx' }));
    expect(dockerConfigDir({ DOCKER_CONFIG: cfg }, home)).toBe(cfg);
    expect(resolveEngineEndpoint({ env: { DOCKER_CONFIG: cfg }, homedir: home })).toMatchObject({ context: 'ctx', options: { host: '10.0.0.9' } });
  });

  it('DOCKER_TLS_VERIFY with DOCKER_CERT_PATH', async () => {
    const certs = path.join(home, 'certs');
    await mkdir(certs);
    for (const k of ['ca', 'cert', 'key']) await writeFile(path.join(certs, `${k}.pem`), k.toUpperCase());
    const ep = resolveEngineEndpoint({ env: { DOCKER_HOST: 'tcp://docker.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, homedir: home });
    expect(ep.options).toEqual({ protocol: 'https', host: 'docker.example', port: 2376, ca: 'CA', cert: 'CERT', key: 'KEY' });
  });

  it('a context named "default" or none means the default socket', async () => {
    await mkdir(path.join(home, '.docker'), { recursive: true });
    await writeFile(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'default' }));
    expect(resolveEngineEndpoint({ env: {}, homedir: home }).source).toBe('default');
    await writeFile(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: {} }));
    expect(resolveEngineEndpoint({ env: {}, homedir: home }).source).toBe('default');
  });

  it('a missing or broken context is an error that says what to do', async () => {
    expect(() => resolveEngineEndpoint({ env: { DOCKER_CONTEXT: 'nope' }, homedir: home })).toThrow(/docker context "nope" not found.*docker context ls/);
    await writeContext('empty', '');
    expect(() => resolveEngineEndpoint({ env: { DOCKER_CONTEXT: 'empty' }, homedir: home })).toThrow(/no docker endpoint/);
    await mkdir(path.join(home, '.docker'), { recursive: true });
    await writeFile(path.join(home, '.docker', 'config.json'), '{not json');
    expect(() => resolveEngineEndpoint({ env: {}, homedir: home })).toThrow(/not valid JSON/);
  });
});
