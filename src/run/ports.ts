/**
 * Host ports a stack publishes, and whether each can still be bound here: we try to bind it on
 * the address it is published on (0.0.0.0 when none is given), as the engine's proxy will.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Mapping, Value } from '../load/types.js';

export interface PublishedPort {
  service: string;
  hostIp: string;
  /** a single port; ranges (`8000-8010` for one target) are left out: the engine picks a free one */
  port: number;
  protocol: 'tcp' | 'udp';
  target: number;
}

export type PortProbe =
  | { free: true }
  | { free: false; code: string; reason: string; message: string };

/** Ports the selected services publish on fixed host ports. */
export function publishedPorts(services: Record<string, Mapping>): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [service, svc] of Object.entries(services)) {
    const ports = svc.ports;
    if (!Array.isArray(ports)) continue;
    for (const p of ports as Value[]) {
      if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
      const published = p.published;
      const text = typeof published === 'number' ? String(published) : typeof published === 'string' ? published.trim() : '';
      if (!/^\d+$/.test(text)) continue;
      const port = Number(text);
      if (port <= 0 || port > 65535) continue;
      const protocol = String(p.protocol ?? 'tcp').toLowerCase() === 'udp' ? 'udp' : 'tcp';
      if (String(p.protocol ?? 'tcp').toLowerCase() === 'sctp') continue;
      const hostIp = typeof p.host_ip === 'string' && p.host_ip.trim() ? p.host_ip.trim().replace(/^\[(.*)\]$/, '$1') : '0.0.0.0';
      out.push({ service, hostIp, port, protocol, target: Number(p.target ?? 0) });
    }
  }
  return out;
}

/** `127.0.0.1:8080/tcp`, `[::1]:53/udp` */
export function formatHostPort(p: Pick<PublishedPort, 'hostIp' | 'port' | 'protocol'>): string {
  const ip = p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${ip}:${p.port}/${p.protocol}`;
}

function describeBindError(err: NodeJS.ErrnoException, p: Pick<PublishedPort, 'hostIp' | 'port' | 'protocol'>): PortProbe {
  const code = err.code ?? 'EUNKNOWN';
  const reason =
    code === 'EADDRINUSE'
      ? 'already in use'
      : code === 'EADDRNOTAVAIL'
        ? `${p.hostIp} is not an address of this host`
        : code === 'EACCES'
          ? 'not allowed to bind a port below 1024 here (the engine may still be able to)'
          : err.message;
  return { free: false, code, reason, message: `${formatHostPort(p)}: ${reason}` };
}

/** Try to bind `hostIp:port` (then release it at once). */
export function probePort(hostIp: string, port: number, protocol: 'tcp' | 'udp' = 'tcp'): Promise<PortProbe> {
  const where = { hostIp, port, protocol };
  if (protocol === 'udp') {
    return new Promise((resolve) => {
      const sock = dgram.createSocket({ type: net.isIPv6(hostIp) ? 'udp6' : 'udp4', reuseAddr: false });
      sock.once('error', (err: NodeJS.ErrnoException) => {
        sock.close();
        resolve(describeBindError(err, where));
      });
      sock.bind({ address: hostIp, port, exclusive: true }, () => sock.close(() => resolve({ free: true })));
    });
  }
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(describeBindError(err, where)));
    srv.listen({ host: hostIp, port, exclusive: true, ipv6Only: net.isIPv6(hostIp) && hostIp !== '::' ? true : undefined }, () => srv.close(() => resolve({ free: true })));
  });
}

/** Two published ports collide when they share port and protocol and one address covers the other. */
export function addressesOverlap(a: string, b: string): boolean {
  const any = (ip: string) => ip === '0.0.0.0' || ip === '::' || ip === '';
  return a === b || any(a) || any(b);
}
