/**
 * Which Docker engine to talk to, decided the way the docker CLI decides it:
 *
 *   1. DOCKER_HOST (the "default" context honours it, and it wins over DOCKER_CONTEXT);
 *   2. DOCKER_CONTEXT, else `currentContext` in $DOCKER_CONFIG/config.json (default ~/.docker):
 *      $DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json → Endpoints.docker.Host, with TLS
 *      material from $DOCKER_CONFIG/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem;
 *   3. unix:///var/run/docker.sock.
 *
 * Host forms: unix:///path, npipe:////./pipe/name, tcp://host[:port] (2375, or 2376 with TLS;
 * TLS when DOCKER_TLS_VERIFY is set, with DOCKER_CERT_PATH or $DOCKER_CONFIG/{ca,cert,key}.pem),
 * http(s)://host:port, ssh://[user@]host[:port] (dockerode's `protocol: 'ssh'`, which runs
 * `docker system dial-stdio` on the remote host; keys from SSH_AUTH_SOCK's agent), and a bare
 * host:port, taken as tcp as the CLI does.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export interface EngineEndpoint {
  /** the host as written (DOCKER_HOST or the context's Endpoints.docker.Host) */
  host: string;
  /** where the host came from */
  source: 'DOCKER_HOST' | 'context' | 'default';
  /** the context's name when source is 'context' */
  context?: string;
  /** options for `new Dockerode(...)` */
  options: Dockerode.DockerOptions;
  /** the engine runs on this machine (a socket, or tcp to a loopback address): host paths and ports are ours */
  local: boolean;
  tls: boolean;
}

/** The engine address could not be worked out (bad DOCKER_HOST, unreadable context). */
export class DockerHostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerHostError';
  }
}

export interface ResolveEndpointOptions {
  /** default process.env */
  env?: NodeJS.ProcessEnv;
  /** default os.homedir() */
  homedir?: string;
}

/** The docker CLI's configuration directory: $DOCKER_CONFIG or ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env, homedir: string = os.homedir()): string {
  return env.DOCKER_CONFIG?.trim() ? path.resolve(env.DOCKER_CONFIG) : path.join(homedir, '.docker');
}

/** The folder name the CLI keeps a context under: the hex SHA-256 of its name. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|0\.0\.0\.0|::)$/i;

interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

function readTls(dir: string): TlsFiles | undefined {
  const out: TlsFiles = {};
  for (const k of ['ca', 'cert', 'key'] as const) {
    const f = path.join(dir, `${k}.pem`);
    if (existsSync(f)) out[k] = readFileSync(f, 'utf8');
  }
  return out.ca || out.cert || out.key ? out : undefined;
}

/**
 * Turn a docker host string into dockerode options. `tls` says whether tcp:// means https, with
 * the certificate material to use (or none, for a server cert signed by a known CA).
 */
export function parseDockerHost(host: string, tls?: TlsFiles | true, env: NodeJS.ProcessEnv = process.env): { options: Dockerode.DockerOptions; local: boolean; tls: boolean } {
  const raw = host.trim();
  if (!raw) throw new DockerHostError('empty Docker host');
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(raw);
  const scheme = (m ? m[1]! : 'tcp').toLowerCase();
  const rest = m ? m[2]! : raw;

  if (scheme === 'unix') {
    const socketPath = rest || '/var/run/docker.sock';
    if (!socketPath.startsWith('/')) throw new DockerHostError(`invalid Docker host ${JSON.stringify(host)}: a unix socket path must be absolute`);
    return { options: { socketPath }, local: true, tls: false };
  }
  if (scheme === 'npipe') return { options: { socketPath: rest || '//./pipe/docker_engine' }, local: true, tls: false };
  if (scheme === 'fd') throw new DockerHostError(`Docker host ${JSON.stringify(host)}: fd:// (systemd socket activation) is only for the daemon; use unix:// or tcp://`);

  if (scheme === 'ssh') {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DockerHostError(`invalid Docker host ${JSON.stringify(host)}: expected ssh://[user@]host[:port]`);
    }
    if (!url.hostname) throw new DockerHostError(`invalid Docker host ${JSON.stringify(host)}: no host name`);
    if (url.pathname && url.pathname !== '/') throw new DockerHostError(`invalid Docker host ${JSON.stringify(host)}: an ssh host takes no path (${url.pathname})`);
    const options: Dockerode.DockerOptions = {
      protocol: 'ssh',
      host: stripBrackets(url.hostname),
      port: url.port ? Number(url.port) : 22,
      sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
    };
    if (url.username) options.username = decodeURIComponent(url.username);
    return { options, local: false, tls: false };
  }

  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      // `tcp://:2375` means localhost, as in the CLI
      url = new URL(`http://${rest.startsWith(':') ? `localhost${rest}` : rest}`);
    } catch {
      throw new DockerHostError(`invalid Docker host ${JSON.stringify(host)}: expected tcp://host:port`);
    }
    if (url.pathname && url.pathname !== '/') throw new DockerHostError(`invalid Docker host ${JSON.stringify(host)}: a path prefix is not supported (${url.pathname})`);
    const useTls = scheme === 'https' || (scheme === 'tcp' && tls !== undefined);
    const hostname = stripBrackets(url.hostname) || 'localhost';
    const port = url.port ? Number(url.port) : scheme === 'http' ? 80 : useTls ? 2376 : 2375;
    const options: Dockerode.DockerOptions = { protocol: useTls ? 'https' : 'http', host: hostname, port };
    if (useTls && tls && tls !== true) {
      if (tls.ca) options.ca = tls.ca;
      if (tls.cert) options.cert = tls.cert;
      if (tls.key) options.key = tls.key;
    }
    return { options, local: LOOPBACK.test(hostname), tls: useTls };
  }
  throw new DockerHostError(`unsupported Docker host ${JSON.stringify(host)}: use unix://, tcp://, ssh:// or npipe://`);
}

function stripBrackets(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DockerHostError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DockerHostError(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The current context's name: DOCKER_CONTEXT, else config.json's currentContext, else "default". */
export function currentContextName(env: NodeJS.ProcessEnv = process.env, homedir: string = os.homedir()): string {
  const fromEnv = env.DOCKER_CONTEXT?.trim();
  if (fromEnv) return fromEnv;
  const configFile = path.join(dockerConfigDir(env, homedir), 'config.json');
  if (!existsSync(configFile)) return 'default';
  const config = readJson(configFile, 'docker config') as { currentContext?: unknown } | null;
  const name = config && typeof config.currentContext === 'string' ? config.currentContext.trim() : '';
  return name || 'default';
}

/** Resolve the engine endpoint as the docker CLI would (see the file comment). */
export function resolveEngineEndpoint(opts: ResolveEndpointOptions = {}): EngineEndpoint {
  const env = opts.env ?? process.env;
  const homedir = opts.homedir ?? os.homedir();
  const configDir = dockerConfigDir(env, homedir);

  const fromEnv = env.DOCKER_HOST?.trim();
  if (fromEnv) {
    let tls: TlsFiles | true | undefined;
    if (env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '') {
      const certDir = env.DOCKER_CERT_PATH?.trim() ? path.resolve(env.DOCKER_CERT_PATH) : configDir;
      tls = readTls(certDir) ?? true;
    }
    return { host: fromEnv, source: 'DOCKER_HOST', ...parseDockerHost(fromEnv, tls, env) };
  }

  const name = currentContextName(env, homedir);
  if (name !== 'default') {
    const dirName = contextDirName(name);
    const metaFile = path.join(configDir, 'contexts', 'meta', dirName, 'meta.json');
    if (!existsSync(metaFile)) {
      throw new DockerHostError(`docker context ${JSON.stringify(name)} not found (no ${metaFile}); run \`docker context ls\`, or set DOCKER_HOST`);
    }
    const meta = readJson(metaFile, `docker context ${JSON.stringify(name)}`) as ContextMeta | null;
    const host = meta?.Endpoints?.docker?.Host?.trim();
    if (!host) throw new DockerHostError(`docker context ${JSON.stringify(name)} has no docker endpoint (Endpoints.docker.Host in ${metaFile})`);
    const tlsDir = path.join(configDir, 'contexts', 'tls', dirName, 'docker');
    const tls = readTls(tlsDir);
    return { host, source: 'context', context: name, ...parseDockerHost(host, tls, env) };
  }

  return { host: DEFAULT_DOCKER_HOST, source: 'default', ...parseDockerHost(DEFAULT_DOCKER_HOST, undefined, env) };
}

/** One line saying where the engine is, e.g. `unix:///var/run/docker.sock (default)`. */
export function describeEndpoint(ep: EngineEndpoint): string {
  const via = ep.source === 'context' ? `context ${ep.context}` : ep.source;
  return `${ep.host} (${via}${ep.tls ? ', TLS' : ''})`;
}
