import type { DockerfileInfo } from '../audit/dockerfile.js';
import { defineRule, type Edit } from '../audit/types.js';
import { cacheMounts, dockerfilesToAudit, listSome, maskCredentials, offsetOf, packageStep, runText, shellCommands, type PackageStep } from './lib/maintainability.js';

/** Cache cleaning in the same RUN: the author keeps the image small on purpose. */
const CLEANS: [RegExp, RegExp][] = [
  [/^npm /, /\bnpm\s+cache\s+clean\b/],
  [/^yarn /, /\byarn\s+cache\s+clean\b/],
  [/^pnpm /, /\bpnpm\s+store\s+prune\b/],
  [/^(pip|uv) /, /\b(pip\s+cache\s+purge|uv\s+cache\s+clean|rm\s+-[a-z]*\s+\S*\.cache\/(pip|uv))\b/],
  [/^composer /, /\bcomposer\s+clear-cache\b/],
  [/^go /, /\bgo\s+clean\s+-modcache\b/],
];

/** The user a stage starts as: the final USER of the earlier stage it is built FROM. */
function parentUser(info: DockerfileInfo, stage: number): string | undefined {
  const st = info.stages[stage];
  if (!st) return undefined;
  const parent = info.stages.find((s) => s.index < stage && s.name !== undefined && s.name.toLowerCase() === st.image.toLowerCase());
  return parent?.user?.split(':')[0];
}

export default defineRule({
  meta: {
    id: 'buildkit-cache-missing',
    title: 'A RUN downloads packages without a BuildKit cache mount',
    category: 'build',
    severity: 'info',
    priority: 'P5',
    effort: 'low',
    rationale:
      'Any change to a dependency file invalidates the install layer, and the install then downloads every package again. A `--mount=type=cache` keeps the package manager\'s cache on the build host between builds, outside the image: rebuilds take seconds instead of minutes and the image stays as small as with `--no-cache-dir`.',
    seed: '003 §5.2',
    fixable: 'suggestion',
    docs: {
      what: 'Finds RUN instructions that install packages or dependencies (pip, uv, poetry, npm, yarn, pnpm, apt-get, apk, dnf/yum, go, cargo, maven, gradle, bundler, composer, dotnet, conda) without a `--mount=type=cache` on the same RUN. A step that opts out of caching on purpose (`pip --no-cache-dir` or PIP_NO_CACHE_DIR, `apk add --no-cache`, `uv --no-cache`, `npm cache clean` in the same RUN) is taken as a deliberate choice and left alone. One finding per RUN, in every Dockerfile a service builds and every one found in the repository.',
      why: 'Without a cache mount, the package manager either keeps its cache inside the layer (a bigger image) or throws it away (slower rebuilds). The cache mount gives both a small image and fast rebuilds. BuildKit, the default builder since Docker 23, supports it.',
      bad: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n',
      good: '# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip \\\n    pip install -r requirements.txt\n',
      lang: 'dockerfile',
      fix: 'Add `--mount=type=cache,target=<cache dir>` to the RUN (the suggested fix inserts the usual directory for the tool, for root; adjust it when the stage runs as another user). For apt, also remove `/etc/apt/apt.conf.d/docker-clean` in the Debian and Ubuntu images, which otherwise empties the cache after each install.',
    },
  },
  check(ctx) {
    for (const df of dockerfilesToAudit(ctx.repo)) {
      const pipOff = /\bPIP_NO_CACHE_DIR\s*[= ]\s*["']?(1|true|on|yes|off|0)?/i.test(df.info.text) && /^\s*(ENV|ARG)\b.*PIP_NO_CACHE_DIR/im.test(df.info.text);
      const uvOff = /^\s*(ENV|ARG)\b.*UV_NO_CACHE/im.test(df.info.text);
      for (const run of df.info.runs) {
        if (cacheMounts(run).length) continue;
        const text = runText(run);
        const steps: PackageStep[] = [];
        for (const words of shellCommands(text)) {
          const s = packageStep(words);
          if (!s) continue;
          if (s.deliberate) continue;
          if (pipOff && /^pip /.test(s.label)) continue;
          if (uvOff && /^uv /.test(s.label)) continue;
          if (CLEANS.some(([tool, clean]) => tool.test(`${s.label} `) && clean.test(text))) continue;
          if (!steps.some((x) => x.label === s.label)) steps.push(s);
        }
        if (!steps.length) continue;
        const mounts = [...new Set(steps.flatMap((s) => s.mounts))];
        const flags = mounts.map((m) => `--mount=${m}`).join(' ');
        const apt = steps.some((s) => /^apt/.test(s.label));
        const user = df.info.instructions.filter((i) => i.keyword === 'USER' && i.stage === run.stage && i.line < run.line).pop()?.args.trim().split(/[\s:]/)[0] ?? parentUser(df.info, run.stage);
        const asUser = user && !/^(root|0)$/.test(user) && mounts.some((m) => m.includes('/root/')) ? ` (the RUN runs as \`${user}\`: point the target at that user's cache directory and add \`uid=\`)` : '';
        const start = offsetOf(df.info.text, run.line, run.column) + 3;
        const edits: Edit[] = [{ kind: 'text', file: df.rel, start, end: start, text: ` ${flags}` }];
        ctx.report({
          message: `RUN ${listSome(steps.map((s) => s.label), 4)} without a cache mount downloads everything again on each rebuild: add \`${flags}\`${apt ? ' (and remove /etc/apt/apt.conf.d/docker-clean)' : ''}${asUser}`,
          file: df.rel,
          line: run.line,
          column: run.column,
          ...(df.refs[0] ? { unit: df.refs[0].unit, service: df.refs[0].name } : {}),
          fix: { description: `add ${flags} to the RUN`, safety: 'unsafe', edits },
          snippet: `RUN ${mounts.map((m) => `--mount=${m} \\\n    `).join('')}${maskCredentials(text.length > 120 ? `${text.slice(0, 117)}...` : text)}`,
        });
      }
    }
  },
});
