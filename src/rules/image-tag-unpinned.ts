import { defineRule } from '../audit/types.js';
import { defaultOf, hasInterpolation, isTestFile, parseImageRef, rawTextAt, splitPortSpec } from './lib/security.js';
import { at, buildOf, services } from './util.js';

/** Where the tag of a raw `image:` text comes from, when it is `${VAR:-latest}`-like. */
function tagDefault(raw: string): { name: string } | undefined {
  // the tag is the part after the last ':' outside `${…}` (and after the last '/')
  const parts = splitPortSpec(raw);
  const last = parts[parts.length - 1] ?? '';
  if (parts.length < 2 || last.includes('/')) {
    const whole = defaultOf(raw);
    return whole ? { name: whole.name } : undefined;
  }
  const d = defaultOf(last);
  return d ? { name: d.name } : undefined;
}

export default defineRule({
  meta: {
    id: 'image-tag-unpinned',
    title: 'An image is not pinned to a version',
    category: 'security',
    severity: 'warning',
    // P4, not P2: an unpinned tag is a reproducibility and supply-chain hygiene problem, not an
    // exposure; nothing is reachable or leaked today because of it.
    priority: 'P4',
    effort: 'low',
    rationale:
      '`image: redis` and `:latest` mean "whatever the registry serves today": two hosts, or the same host a week apart, run different software; an upstream major release or a compromised tag lands on the next `pull` or rebuild without review, and a rollback has nothing to roll back to.',
    fixable: false,
    docs: {
      what:
        'Finds pulled images with no tag or the `latest` tag (after interpolation: `nginx:${TAG:-latest}` defaults to latest), and `FROM` lines of the Dockerfiles built here with no tag or `latest`. Digests (`@sha256:…`) are pinned. Services that are built here (`build:` with `image:` naming the result) are not judged on `image:`; `FROM scratch`, earlier build stages and `FROM ${BASE}` build arguments are not judged either, nor are test and CI compose files (their images are often built by the test harness).',
      why: 'Reproducible deployments need the same bits every time. `latest` silently upgrades across major versions (PostgreSQL data directories do not survive that), and a tag that moves is a tag an attacker who compromises the upstream account can move.',
      bad: 'services:\n  cache:\n    image: redis\n  proxy:\n    image: nginx:${NGINX_TAG:-latest}\n# Dockerfile\n# FROM python\n',
      good: 'services:\n  cache:\n    image: redis:7.4-alpine\n  proxy:\n    image: nginx:${NGINX_TAG:-1.27-alpine}\n# Dockerfile\n# FROM python:3.12-slim\n',
      fix: 'Pin a version tag (`redis:7.4-alpine`), ideally with its digest (`redis:7.4-alpine@sha256:…`), and let a bot (Renovate, Dependabot) propose upgrades.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    const dockerfiles = new Map<string, { service: string; unit: (typeof ctx.repo.units)[number] }>();
    // images built by a service of the same unit are not pulled
    const built = new Set<string>();
    for (const ref of services(repo)) if (ref.svc.build !== undefined && typeof ref.svc.image === 'string') built.add(`${ref.unit.label}\u0000${ref.svc.image}`);
    for (const ref of services(repo)) {
      const build = buildOf(repo, ref);
      if (build?.dockerfile && build.info && !dockerfiles.has(build.dockerfile)) dockerfiles.set(build.dockerfile, { service: ref.name, unit: ref.unit });
      if (ref.svc.build !== undefined) continue;
      const image = ref.svc.image;
      if (typeof image !== 'string' || !image.trim() || built.has(`${ref.unit.label}\u0000${image}`)) continue;
      const origin = at(ref, 'image');
      if (!origin || isTestFile(origin.file)) continue;
      const img = parseImageRef(image);
      if (img.digest) continue;
      if (img.tag !== undefined && img.tag !== 'latest') continue;
      const raw = rawTextAt(repo, origin);
      let how: string;
      if (raw !== undefined && hasInterpolation(raw)) {
        const d = tagDefault(raw);
        how = img.tag === 'latest' && d ? `defaults to \`${image}\` unless ${d.name} is set` : `resolves to \`${image}\``;
      } else how = img.tag === 'latest' ? `uses the \`latest\` tag (\`${image}\`)` : `has no tag (\`${image}\`), so it pulls \`latest\``;
      ctx.report({ origin, unit: ref.unit, service: ref.name, message: `service \`${ref.name}\`'s image ${how}: pin a version` });
    }

    for (const [file, owner] of dockerfiles) {
      const info = repo.dockerfile(file);
      if (!info) continue;
      const rel = repo.rel(file);
      for (const stage of info.stages) {
        const from = stage.image;
        if (!from || from.includes('$') || from.toLowerCase() === 'scratch') continue;
        if (info.stages.some((s) => s.index < stage.index && s.name?.toLowerCase() === from.toLowerCase())) continue;
        const img = parseImageRef(from);
        if (img.digest || (img.tag !== undefined && img.tag !== 'latest')) continue;
        ctx.report({
          file: rel,
          line: stage.line,
          column: stage.column,
          unit: owner.unit,
          service: owner.service,
          message: img.tag === 'latest' ? `\`FROM ${from}\` uses the \`latest\` tag: pin a version` : `\`FROM ${from}\` has no tag, so it builds on \`latest\`: pin a version`,
        });
      }
    }
  },
});
