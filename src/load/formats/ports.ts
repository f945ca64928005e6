/**
 * Service `ports`: the short syntax and the defaults of the long syntax.
 *
 * Behaviour follows compose-go `types/types.go ParsePortConfig` on top of docker/go-connections
 * `nat.ParsePortSpec` **v0.7.0**, the version docker compose v5 links (its go.mod; compose-go's own
 * go.mod asks for v0.4.0, whose messages were capitalised: `Invalid containerPort: …`).
 * Long-form defaults: `transform/ports.go portDefaults`; int → string cast of `published`:
 * `loader/mapstructure.go cast`.
 */
import { isIP } from 'node:net';
import { LoadError } from '../errors.js';

export interface PortConfig {
  name?: string;
  /** always `ingress` for the short syntax; the long syntax may say `host` */
  mode: 'ingress' | 'host' | (string & {});
  host_ip?: string;
  /**
   * container port. Go holds it as uint32 with `omitempty`, so a target of 0 (`"0"`) is not
   * printed by `config`; the printer has to leave it out.
   */
  target: number;
  /** host port or host range (`"8000-8010"`), always a string */
  published?: string;
  protocol: string;
  app_protocol?: string;
}

function fail(message: string): never {
  throw new LoadError(message, { code: 'format' });
}

/** strconv.ParseInt(s, 10, 0) restricted to 0–65535, as go-connections' parsePortNumber. */
function parsePortNumber(raw: string): number | undefined {
  if (!/^[+-]?\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  if (n < 0 || n > 65535) return undefined;
  return n === 0 ? 0 : n; // normalise -0
}

/** `"8000"` or `"8000-8010"` → [start, end]; undefined when invalid. */
function parsePortRange(ports: string): [number, number] | undefined {
  if (ports === '') return undefined;
  const dash = ports.indexOf('-');
  const start = dash < 0 ? ports : ports.slice(0, dash);
  const end = dash < 0 ? '' : ports.slice(dash + 1);
  const s = parsePortNumber(start);
  if (s === undefined) return undefined;
  if (dash < 0 || start === end) return [s, s];
  const e = parsePortNumber(end);
  if (e === undefined || e < s) return undefined;
  return [s, e];
}

/** `ip:host:container`, with everything before the last two colons as the IP (IPv6 without brackets). */
function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  if (n === 1) return ['', '', parts[0] ?? ''];
  if (n === 2) return ['', parts[0] ?? '', parts[1] ?? ''];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2] ?? '', parts[n - 1] ?? ''];
}

/** net.SplitHostPort(ip + ":") for a bracketed IP: the address inside the brackets, or an error text. */
function stripBrackets(ip: string): { host: string } | { error: string } {
  const hostport = `${ip}:`;
  const addrErr = (why: string) => ({ error: `address ${hostport}: ${why}` });
  const end = hostport.indexOf(']');
  if (end < 0) return addrErr("missing ']' in address");
  if (end + 1 !== hostport.length - 1) {
    return addrErr(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
  }
  const host = hostport.slice(1, end);
  if (hostport.slice(1).includes('[')) return addrErr("unexpected '[' in address");
  if (hostport.slice(end + 1).includes(']')) return addrErr("unexpected ']' in address");
  return { host };
}

/** Go's net.ParseIP: dotted IPv4 without leading zeros, or IPv6 (no zone). */
function isGoIP(ip: string): boolean {
  return isIP(ip) !== 0 && !ip.includes('%');
}

/** Byte-wise string comparison (Go sort.Strings); the keys compared here are ASCII. */
function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Parse one short-syntax port, `[ip:][host[-h2]:]container[-c2][/proto]` or a bare number, into
 * long-form entries: one per container port, ordered by the string `"<port>/<proto>"` (so
 * `98-101` gives 100, 101, 98, 99). A host range facing a single container port stays whole in
 * `published` (`"8000-8010"`). IPv6 host IPs may be bracketed (`[::1]:80:80`) or not
 * (`::1:80:80`); `ip::80` publishes no host port. The protocol is lower-cased and must be tcp,
 * udp or sctp.
 *
 * Errors (LoadError, code `format`) carry go-connections' messages, e.g.
 * `invalid containerPort: 9999999`, `invalid proto: xyz`, `no port specified: <empty>`,
 * `invalid IP address: 127.0.1`, `invalid hostPort: x`,
 * `invalid ranges specified for container and host Ports: 80-81 and 8000-8002`.
 */
export function parsePortString(spec: string | number): PortConfig[] {
  let raw: string;
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec)) fail('invalid type float64 for port');
    raw = String(spec);
  } else if (typeof spec === 'string') {
    raw = spec;
  } else {
    fail(`invalid type ${spec === null ? '<nil>' : typeof spec} for port`);
  }

  const [rawIP, hostPort, containerWithProto] = splitParts(raw);
  const slash = containerWithProto.indexOf('/');
  const containerPort = slash < 0 ? containerWithProto : containerWithProto.slice(0, slash);
  let proto = slash < 0 ? '' : containerWithProto.slice(slash + 1);
  if (containerPort === '') fail(`no port specified: ${raw}<empty>`);
  if (proto === '') proto = 'tcp';
  proto = proto.toLowerCase();
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') fail(`invalid proto: ${proto}`);

  let ip = rawIP;
  if (ip !== '' && ip.startsWith('[')) {
    const r = stripBrackets(ip);
    if ('error' in r) fail(`invalid IP address ${ip}: ${r.error}`);
    ip = r.host;
  }
  if (ip !== '' && !isGoIP(ip)) fail(`invalid IP address: ${ip}`);

  const container = parsePortRange(containerPort);
  if (!container) fail(`invalid containerPort: ${containerPort}`);
  const [startPort, endPort] = container;

  let startHost = 0;
  let endHost = 0;
  if (hostPort !== '') {
    const host = parsePortRange(hostPort);
    if (!host) fail(`invalid hostPort: ${hostPort}`);
    [startHost, endHost] = host;
    if (endPort - startPort !== endHost - startHost && endPort !== startPort) {
      fail(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    }
  }

  const count = endPort - startPort + 1;
  const byKey = new Map<string, PortConfig>();
  for (let i = 0; i < count; i++) {
    let published = '';
    if (hostPort !== '') {
      published = String(startHost + i);
      if (count === 1 && startHost !== endHost) published += `-${endHost}`;
    }
    const entry: PortConfig = {
      mode: 'ingress',
      ...(ip !== '' ? { host_ip: ip } : {}),
      target: startPort + i,
      ...(published !== '' ? { published } : {}),
      protocol: proto,
    };
    byKey.set(`${startPort + i}/${proto}`, entry);
  }
  return [...byKey.keys()].sort(byteCompare).map((k) => byKey.get(k) as PortConfig);
}

/**
 * Defaults of a long-form port (a shallow copy is returned): `mode: ingress` and `protocol: tcp`
 * when the key is absent, and an integer `published` becomes its decimal string.
 */
export function normalizeLongPort(obj: Record<string, unknown>): PortConfig & Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  if (!('protocol' in out)) out.protocol = 'tcp';
  if (!('mode' in out)) out.mode = 'ingress';
  if (typeof out.published === 'number') {
    if (!Number.isInteger(out.published)) fail("'published' expected type 'string', got unconvertible type 'float64'");
    out.published = String(out.published);
  }
  return out as PortConfig & Record<string, unknown>;
}
