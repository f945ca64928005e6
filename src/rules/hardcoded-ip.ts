import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineRule, type Edit, type Fix } from '../audit/types.js';
import { originOf, type Origin } from '../load/origin.js';
import type { Mapping, Value } from '../load/types.js';
import { q, rawService, serviceFile } from './lib/reliability.js';
import { envEntries, isMapping, services, type ServiceRef } from './util.js';

const GATEWAY = '172.17.0.1';
const IP = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.]|\/\d)/g;
/** keys whose values list addresses to trust/allow/skip rather than to reach */
const NOT_A_TARGET = /(no_?proxy|trust|allow|white_?list|deny|block|ignore|exclude|subnet|cidr|range|bind|listen|advertis|real_?ip)/i;
const HOST_KEY = /(host|url|uri|addr|address|endpoint|server|broker|dsn|upstream|target|gateway|peer|seed|node|conn)/i;

function isDockerRange(a: number, b: number): boolean {
  return a === 172 && b >= 16 && b <= 31;
}

/** Docker-range IPs used as a host in a value: in a URL, as `ip[:port]`, or (for the gateway) anywhere. */
function hostIps(key: string, value: string): string[] {
  if (NOT_A_TARGET.test(key)) return [];
  const out: string[] = [];
  for (const m of value.matchAll(IP)) {
    const ip = m[0];
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (!isDockerRange(a, b) || [m[1], m[2], m[3], m[4]].some((x) => Number(x) > 255)) continue;
    if (ip === GATEWAY) {
      out.push(ip);
      continue;
    }
    const before = value.slice(0, m.index);
    const inUrl = /[a-z][a-z0-9+.-]*:\/\/([^/@\s]*@)?$/i.test(before);
    const whole = new RegExp(`^\\s*${ip.replace(/\./g, '\\.')}(:\\d+)?\\s*$`).test(value);
    if (inUrl || (whole && HOST_KEY.test(key))) out.push(ip);
  }
  return [...new Set(out)];
}

/** IPs the project assigns on purpose: static container addresses and network gateways. */
function assignedIps(ref: ServiceRef): Set<string> {
  const out = new Set<string>();
  const all = { ...ref.project.services, ...ref.project.disabledServices };
  for (const s of Object.values(all)) {
    if (!isMapping(s.networks)) continue;
    for (const n of Object.values(s.networks)) if (isMapping(n) && typeof n.ipv4_address === 'string') out.add(n.ipv4_address);
  }
  for (const n of Object.values(ref.project.networks)) {
    if (!isMapping(n) || !isMapping(n.ipam) || !Array.isArray(n.ipam.config)) continue;
    for (const c of n.ipam.config) if (isMapping(c) && typeof c.gateway === 'string') out.add(c.gateway);
  }
  return out;
}

/** extra_hosts as [name, ip, raw index or key]. */
function extraHosts(v: Value | undefined): { name: string; ip: string; key: string | number }[] {
  if (Array.isArray(v)) {
    return v.flatMap((e, i) => {
      const s = String(e);
      const m = /^([^:=]+)[:=](.*)$/.exec(s);
      return m ? [{ name: m[1]!.trim(), ip: m[2]!.trim().replace(/^\[|\]$/g, ''), key: i }] : [];
    });
  }
  if (isMapping(v)) return Object.entries(v).map(([name, ip]) => ({ name, ip: String(ip), key: name }));
  return [];
}

function hasHostGateway(svc: Mapping): boolean {
  return extraHosts(svc.extra_hosts).some((h) => h.name === 'host.docker.internal');
}

/** The edit that adds `host.docker.internal:host-gateway` to a service's extra_hosts in `file`. */
function addHostGateway(raw: Mapping, file: string, name: string): Edit {
  const eh = raw.extra_hosts;
  if (isMapping(eh)) return { kind: 'yaml-set', file, path: ['services', name, 'extra_hosts', 'host.docker.internal'], value: 'host-gateway' };
  const list = Array.isArray(eh) ? eh.map(String) : [];
  return { kind: 'yaml-set', file, path: ['services', name, 'extra_hosts'], value: [...list, 'host.docker.internal:host-gateway'] };
}

/** 0-based offset of a 1-based line/column in a file's text. */
function offsetOf(text: string, o: Origin): number | undefined {
  let line = 1;
  let i = 0;
  while (line < o.line) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return undefined;
    i = nl + 1;
    line++;
  }
  return i + o.column - 1;
}

export default defineRule({
  meta: {
    id: 'hardcoded-ip',
    title: 'A Docker network IP is hard-coded',
    category: 'reliability',
    severity: 'warning',
    priority: 'P3',
    effort: 'low',
    rationale:
      'Docker hands out addresses from 172.16.0.0/12 when networks are created; they differ between hosts, change when a network is recreated, and 172.17.0.1 (the default bridge\'s gateway) does not exist under Docker Desktop or with a customised daemon. Service names and `host.docker.internal` keep working wherever the stack runs.',
    seed: '000 §5',
    fixable: true,
    docs: {
      what: 'Finds environment values (URLs, `host[:port]` values of host-like variables, and any mention of 172.17.0.1) and `extra_hosts` entries that hard-code an address of Docker\'s 172.16.0.0/12 range. Addresses the project assigns itself (`ipv4_address`, IPAM gateways), CIDRs, and allow/trust/no-proxy lists are not reported; LAN addresses (10/8, 192.168/16) are left alone.',
      why: 'A hard-coded bridge address works on the machine it was written on and breaks elsewhere, silently: the connection just times out.',
      bad: 'services:\n  backend:\n    image: example/backend:1.0\n    environment:\n      IB_HOST: 172.17.0.1\n',
      good: 'services:\n  backend:\n    image: example/backend:1.0\n    environment:\n      IB_HOST: host.docker.internal\n    extra_hosts:\n      - "host.docker.internal:host-gateway"\n',
      fix: 'To reach the host, use `host.docker.internal` and add `extra_hosts: ["host.docker.internal:host-gateway"]` (`shipshape fix` does both for 172.17.0.1). To reach another container, use its service name.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const ref of services(repo)) {
      const assigned = assignedIps(ref);
      const network = ref.svc.network_mode;
      const canAddHosts = network === undefined || network === null || network === '' || network === 'bridge';
      const gatewayEdits = (file: string | undefined): Edit[] => {
        if (!file || !canAddHosts || hasHostGateway(ref.svc)) return [];
        const raw = rawService(repo, file, ref.name, ref.unit);
        return raw ? [addHostGateway(raw, file, ref.name)] : [];
      };
      for (const e of envEntries(ref)) {
        if (e.value === null) continue;
        for (const ip of hostIps(e.key, e.value)) {
          if (assigned.has(ip)) continue;
          let fix: Fix | undefined;
          if (ip === GATEWAY && e.origin && canAddHosts) {
            const edits: Edit[] = [];
            const svcFile = serviceFile(repo, ref);
            const raw = rawService(repo, e.origin.file, ref.name, ref.unit);
            const env = raw?.environment;
            if (raw && isMapping(env) && typeof env[e.key] === 'string' && (env[e.key] as string).includes(GATEWAY)) {
              edits.push({ kind: 'yaml-set', file: e.origin.file, path: ['services', ref.name, 'environment', e.key], value: (env[e.key] as string).split(GATEWAY).join('host.docker.internal') });
            } else if (raw && Array.isArray(env)) {
              const i = env.findIndex((x) => typeof x === 'string' && (x === e.key || x.startsWith(`${e.key}=`)) && x.includes(GATEWAY));
              if (i >= 0) edits.push({ kind: 'yaml-set', file: e.origin.file, path: ['services', ref.name, 'environment', i], value: (env[i] as string).split(GATEWAY).join('host.docker.internal') });
            } else if (!raw) {
              // an env_file line: replace the address in the text
              try {
                const text = readFileSync(path.resolve(repo.root, e.origin.file), 'utf8');
                const start = offsetOf(text, e.origin);
                if (start !== undefined) {
                  const lineEnd = text.indexOf('\n', start);
                  const at = text.slice(start, lineEnd < 0 ? undefined : lineEnd).indexOf(GATEWAY);
                  if (at >= 0) edits.push({ kind: 'text', file: e.origin.file, start: start + at, end: start + at + GATEWAY.length, text: 'host.docker.internal' });
                }
              } catch {
                /* no fix */
              }
            }
            if (edits.length) {
              edits.push(...gatewayEdits(svcFile));
              fix = { description: `reach the host as host.docker.internal (host-gateway) instead of ${GATEWAY}`, safety: 'safe', edits };
            }
          }
          const message =
            ip === GATEWAY
              ? `${q(e.key)} of ${q(ref.name)} hard-codes ${GATEWAY}, the default bridge's gateway: it differs on other hosts and under Docker Desktop; use \`host.docker.internal\` with \`extra_hosts: host-gateway\``
              : `${q(e.key)} of ${q(ref.name)} hard-codes ${ip}, an address Docker assigns to its networks: it changes when the network is recreated; use the service name (or \`host.docker.internal\` for the host)`;
          ctx.report({ message, origin: e.origin, unit: ref.unit, service: ref.name, ...(fix ? { fix } : {}) });
        }
      }
      for (const h of extraHosts(ref.svc.extra_hosts)) {
        if (h.ip !== GATEWAY || assigned.has(h.ip)) continue;
        const origin = originOf(ref.svc.extra_hosts, h.key);
        let fix: Fix | undefined;
        const file = origin?.file;
        const raw = file ? rawService(repo, file, ref.name, ref.unit) : undefined;
        const reh = raw?.extra_hosts;
        if (file && Array.isArray(reh)) {
          const i = reh.findIndex((x) => typeof x === 'string' && x.includes(GATEWAY) && x.startsWith(h.name));
          if (i >= 0) fix = { description: `resolve ${h.name} to the host gateway`, safety: 'safe', edits: [{ kind: 'yaml-set', file, path: ['services', ref.name, 'extra_hosts', i], value: `${h.name}:host-gateway` }] };
        } else if (file && isMapping(reh) && h.name in reh) {
          fix = { description: `resolve ${h.name} to the host gateway`, safety: 'safe', edits: [{ kind: 'yaml-set', file, path: ['services', ref.name, 'extra_hosts', h.name], value: 'host-gateway' }] };
        }
        ctx.report({
          message: `\`extra_hosts\` of ${q(ref.name)} maps ${q(h.name)} to ${GATEWAY}, the default bridge's gateway: use the special value \`host-gateway\`, which Docker resolves on every host`,
          origin,
          unit: ref.unit,
          service: ref.name,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});

