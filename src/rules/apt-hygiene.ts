import { defineRule } from '../audit/types.js';
import { cacheMounts, dockerfilesToAudit, program, runText, shellCommands, shippedStages } from './lib/maintainability.js';

const isApt = (p: string) => p === 'apt-get' || p === 'apt';
const yesFlag = (w: string) => w === '--yes' || w === '--assume-yes' || w.startsWith('--yes=') || w.startsWith('--assume-yes=') || /^-[a-z]*y[a-z]*$/i.test(w);

export default defineRule({
  meta: {
    id: 'apt-hygiene',
    title: 'apt-get is used in a way that bloats the image or breaks rebuilds',
    category: 'build',
    severity: 'info',
    priority: 'P5',
    effort: 'trivial',
    rationale:
      'The apt idiom in a Dockerfile exists for reasons: `update` and `install` in one RUN so a cached update layer never installs from stale lists, `-y` so the build does not stop at a prompt, `--no-install-recommends` so a few packages do not pull in hundreds of megabytes, and removing `/var/lib/apt/lists` so the package index does not ship in the image.',
    fixable: false,
    docs: {
      what: 'Checks each RUN that calls apt-get: `install` without `-y`, `install` in a RUN without `apt-get update` while an earlier RUN of the stage updates on its own, and, in stages that end up in an image: `install` without `--no-install-recommends`, lists left in the layer (no `rm -rf /var/lib/apt/lists/*` in the RUN that updates, and no cache mount on /var/lib/apt), `upgrade`/`dist-upgrade`, and `apt` (meant for people, not scripts). One finding per RUN listing its problems.',
      why: 'Each slip costs: a stale-cache install fails or installs old versions weeks later, a missing `-y` aborts the build, recommended packages and package lists add size and scanner findings to every image.',
      bad: 'RUN apt-get update\nRUN apt-get install curl build-essential\n',
      good: 'RUN apt-get update \\\n && apt-get install -y --no-install-recommends curl build-essential \\\n && rm -rf /var/lib/apt/lists/*\n',
      lang: 'dockerfile',
      fix: 'Write `apt-get update && apt-get install -y --no-install-recommends <packages> && rm -rf /var/lib/apt/lists/*` in one RUN (or use cache mounts for /var/cache/apt and /var/lib/apt), and move to a newer base image instead of running `upgrade`.',
    },
  },
  check(ctx) {
    for (const df of dockerfilesToAudit(ctx.repo)) {
      const info = df.info;
      const shipped = shippedStages(info, df.targets);
      const recommendsConfigured = /APT::Install-Recommends/i.test(info.text);
      const assumeYesConfigured = /APT::Get::Assume-Yes/i.test(info.text);
      const updateAt = new Map<number, number>();
      for (const run of info.runs) {
        const text = runText(run);
        const cmds = shellCommands(text).filter((w) => isApt(program(w)));
        if (!cmds.length) continue;
        const installs = cmds.filter((w) => w.includes('install'));
        const updates = cmds.filter((w) => w.includes('update'));
        const upgrades = cmds.filter((w) => w.some((x) => x === 'upgrade' || x === 'dist-upgrade' || x === 'full-upgrade'));
        const ships = shipped.has(run.stage);
        const problems: string[] = [];
        if (cmds.some((w) => program(w) === 'apt')) problems.push('uses `apt`, whose command line is not stable for scripts (use `apt-get`)');
        if (installs.length) {
          if (!assumeYesConfigured && !/\byes\s*\|/.test(text) && installs.some((w) => !w.some(yesFlag))) problems.push('`install` without `-y` stops at the confirmation prompt');
          if (!updates.length && updateAt.has(run.stage)) problems.push(`\`apt-get update\` runs in a separate RUN (line ${updateAt.get(run.stage)}), so a cached update layer can install from stale package lists`);
          if (ships && !recommendsConfigured && installs.some((w) => !w.includes('--no-install-recommends'))) problems.push('no `--no-install-recommends` (recommended packages bloat the image)');
        }
        const listsMounted = cacheMounts(run).some((m) => m.target !== undefined && /^\/var\/lib\/apt(\/lists)?\/?$/.test(m.target));
        if (ships && updates.length && installs.length && !listsMounted && !/\brm\s+(-\S+\s+)*[^&;|]*\/var\/lib\/apt\/lists/.test(text)) problems.push('the package lists stay in the layer (add `rm -rf /var/lib/apt/lists/*` to this RUN)');
        if (ships && upgrades.length) problems.push('`upgrade` makes the image depend on the day it was built (use a newer base image instead)');
        if (updates.length && !installs.length) updateAt.set(run.stage, run.line);
        if (!problems.length) continue;
        const pkgs = [...new Set(installs.flatMap((w) => w.slice(1).filter((x) => !x.startsWith('-') && x !== 'install' && !x.includes('$'))))];
        ctx.report({
          message: `RUN ${program(installs[0] ?? upgrades[0] ?? cmds[0]!)} ${installs.length ? 'install' : upgrades.length ? 'upgrade' : 'update'}: ${problems.join('; ')}`,
          file: df.rel,
          line: run.line,
          column: run.column,
          ...(df.refs[0] ? { unit: df.refs[0].unit, service: df.refs[0].name } : {}),
          snippet: `RUN apt-get update \\\n && apt-get install -y --no-install-recommends ${pkgs.length ? pkgs.slice(0, 8).join(' ') : '<packages>'}${pkgs.length > 8 ? ' …' : ''} \\\n && rm -rf /var/lib/apt/lists/*`,
        });
      }
    }
  },
});
