import { defineRule } from '../audit/types.js';
import { parseImageRef } from './lib/security.js';
import { at, isMapping, services, type ServiceRef } from './util.js';

/** Capabilities that break container isolation, with what each one gives. */
const CAPS: Record<string, string> = {
  ALL: 'every capability, which is as good as privileged',
  SYS_ADMIN: 'mount, namespace and other administrative operations, the usual container-escape route',
  SYS_MODULE: 'loading kernel modules, i.e. running code in the host kernel',
  SYS_RAWIO: 'raw access to devices and kernel memory',
  SYS_PTRACE: 'tracing and reading the memory of other processes',
  SYS_BOOT: 'rebooting the host',
  SYS_TIME: 'setting the host clock',
  DAC_READ_SEARCH: 'opening any host file by handle (the "shocker" escape)',
  BPF: 'loading eBPF programs into the host kernel',
  MAC_ADMIN: 'changing the host\'s AppArmor/SELinux policy',
  MAC_OVERRIDE: 'bypassing AppArmor/SELinux policy',
};

/** Host namespaces and what sharing each one exposes. */
const HOST_NAMESPACES: [key: string, what: string][] = [
  ['pid', 'sees and can signal every process of the host'],
  ['ipc', 'shares the host\'s shared memory and semaphores'],
  ['network_mode', 'shares the host\'s network stack (every port it opens is on the host, and host-local services are reachable)'],
  ['userns_mode', 'turns off user-namespace remapping, so its root is the host\'s root'],
];

/**
 * Host agents whose documented deployment needs a host namespace (node-exporter reads the
 * host's processes and network): those settings are their purpose, not a mistake.
 */
const HOST_AGENTS: [RegExp, string[]][] = [[/^(prom|quay\.io\/prometheus)\/node-exporter$/, ['pid', 'network_mode']]];

const SECURITY_OPTS: [RegExp, string][] = [
  [/^seccomp[:=]unconfined$/i, 'turns the seccomp system-call filter off'],
  [/^apparmor[:=]unconfined$/i, 'turns AppArmor confinement off'],
  [/^label[:=]disable$/i, 'turns SELinux labelling off'],
  [/^systempaths[:=]unconfined$/i, 'unmasks /proc and /sys paths the kernel hides from containers'],
];

const DEVICES: [RegExp, string][] = [
  [/^\/dev\/(mem|kmem|port)$/, 'raw host memory or I/O ports'],
  [/^\/dev\/((sd|vd|xvd|hd)[a-z]+\d*|nvme\d+n\d+(p\d+)?|dm-\d+|mapper\/.+|disk\/.+)$/, 'a raw host disk'],
];

function exempt(ref: ServiceRef, setting: string): boolean {
  if (typeof ref.svc.image !== 'string') return false;
  const repo = parseImageRef(ref.svc.image).repo;
  return HOST_AGENTS.some(([re, keys]) => re.test(repo) && keys.includes(setting));
}

export default defineRule({
  meta: {
    id: 'dangerous-capabilities',
    title: 'A service gets dangerous capabilities or host namespaces',
    category: 'security',
    severity: 'warning',
    priority: 'P2',
    effort: 'medium',
    rationale:
      'Container isolation is the sum of dropped capabilities, private namespaces, seccomp and AppArmor. Each of these settings removes one layer; `SYS_ADMIN`, `pid: host` or `seccomp:unconfined` alone are enough for known escapes. They should be rare, deliberate and explained.',
    fixable: false,
    docs: {
      what:
        'Finds, one finding per setting: `cap_add` of ALL, SYS_ADMIN, SYS_MODULE, SYS_RAWIO, SYS_PTRACE, SYS_BOOT, SYS_TIME, DAC_READ_SEARCH, BPF, MAC_ADMIN or MAC_OVERRIDE (and NET_ADMIN together with `network_mode: host`, where it reconfigures the host\'s own network); `pid: host`, `ipc: host`, `network_mode: host`, `userns_mode: host`; `security_opt` entries that turn seccomp, AppArmor or SELinux off; and `devices` that expose host memory or raw disks. NET_ADMIN in the container\'s own network namespace only affects the container and is not reported; node-exporter\'s documented `pid: host` / `network_mode: host` are not reported either.',
      why: 'Each setting removes a layer between the container and the host kernel. A compromised process with SYS_ADMIN can mount host filesystems, with `pid: host` it can read other processes\' environment, with `seccomp:unconfined` it can use the system calls most kernel exploits need.',
      bad: 'services:\n  app:\n    image: example/app:2.0\n    cap_add: [SYS_ADMIN]\n    pid: host\n    security_opt:\n      - seccomp:unconfined\n',
      good: 'services:\n  app:\n    image: example/app:2.0\n    cap_drop: [ALL]\n    cap_add: [NET_BIND_SERVICE]\n    security_opt:\n      - no-new-privileges:true\n',
      fix: 'Remove the setting, or replace it with the narrowest one that works (a single capability, a custom seccomp profile instead of `unconfined`, a published port instead of the host network). Keep the ones a service genuinely needs with a `# shipshape-ignore dangerous-capabilities <reason>` comment.',
    },
  },
  check(ctx) {
    for (const ref of services(ctx.repo)) {
      const base = { unit: ref.unit, service: ref.name };
      const hostNetwork = ref.svc.network_mode === 'host';

      const caps = ref.svc.cap_add;
      if (Array.isArray(caps)) {
        caps.forEach((c, i) => {
          const cap = String(c).trim().toUpperCase().replace(/^CAP_/, '');
          const what = CAPS[cap] ?? (cap === 'NET_ADMIN' && hostNetwork ? 'reconfiguring the host\'s network (interfaces, routes, firewall), since the service uses the host network' : undefined);
          if (!what) return;
          ctx.report({ ...base, origin: at(ref, 'cap_add', i), message: `service \`${ref.name}\` adds capability ${cap}: ${what}` });
        });
      }

      for (const [key, what] of HOST_NAMESPACES) {
        if (ref.svc[key] !== 'host' || exempt(ref, key)) continue;
        ctx.report({ ...base, origin: at(ref, key), message: `service \`${ref.name}\` uses \`${key}: host\`, so it ${what}` });
      }

      const opts = ref.svc.security_opt;
      if (Array.isArray(opts)) {
        opts.forEach((o, i) => {
          const opt = String(o).trim();
          const hit = SECURITY_OPTS.find(([re]) => re.test(opt));
          if (!hit) return;
          ctx.report({ ...base, origin: at(ref, 'security_opt', i), message: `service \`${ref.name}\` sets \`security_opt: ${opt}\`, which ${hit[1]}` });
        });
      }

      const devices = ref.svc.devices;
      if (Array.isArray(devices)) {
        devices.forEach((d, i) => {
          const source = isMapping(d) && typeof d.source === 'string' ? d.source : typeof d === 'string' ? d.split(':')[0]! : '';
          const hit = DEVICES.find(([re]) => re.test(source));
          if (!hit) return;
          ctx.report({ ...base, origin: at(ref, 'devices', i), message: `service \`${ref.name}\` gets host device \`${source}\`: ${hit[1]}` });
        });
      }
    }
  },
});
