import { defineRule } from '../audit/types.js';
import { at, services } from './util.js';

export default defineRule({
  meta: {
    id: 'privileged-container',
    title: 'A service runs privileged',
    category: 'security',
    severity: 'warning',
    priority: 'P2',
    effort: 'medium',
    rationale:
      '`privileged: true` gives the container every capability, every host device and no seccomp or AppArmor profile: root in such a container is root on the host. Almost every use of it is covered by one capability or one device that can be granted alone.',
    fixable: false,
    docs: {
      what: 'Finds services with `privileged: true`.',
      why: 'A privileged container can mount the host\'s disks, load kernel modules and reach every device; it is not isolated in any way that matters. An attacker who gets code execution in it owns the host.',
      bad: 'services:\n  agent:\n    image: example/agent:1.2\n    privileged: true\n',
      good: 'services:\n  agent:\n    image: example/agent:1.2\n    cap_add: [NET_ADMIN]\n    devices:\n      - /dev/net/tun\n',
      fix: 'Remove `privileged: true` and grant only what the service needs: a capability with `cap_add`, a device with `devices`. Docker-in-Docker is better served by a rootless daemon or a socket proxy on another host. If it truly must stay, suppress the finding with a `# shipshape-ignore privileged-container <reason>` comment.',
    },
  },
  check(ctx) {
    for (const ref of services(ctx.repo)) {
      if (ref.svc.privileged !== true && ref.svc.privileged !== 'true') continue;
      ctx.report({
        origin: at(ref, 'privileged'),
        unit: ref.unit,
        service: ref.name,
        message: `service \`${ref.name}\` runs privileged: it gets every capability and host device, and no seccomp or AppArmor confinement`,
      });
    }
  },
});
