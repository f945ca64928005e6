import { parseDockerfile, type DockerfileInfo, type Stage } from '../audit/dockerfile.js';
import { defineRule } from '../audit/types.js';
import type { Mapping } from '../load/types.js';
import { isAllowedRoot, isRootUser, parseImageRef } from './lib/security.js';
import { at, buildOf, commandText, envEntries, isMapping, services } from './util.js';

/**
 * Base images whose default user is root and whose entrypoint does not drop privileges (language
 * runtimes and distributions). Database and broker images (postgres, redis, …) start as root but
 * switch to their own user, and images not listed here may set a USER of their own, so a
 * Dockerfile built on them without USER is not judged.
 */
const ROOT_BASE =
  /^(python|pypy|node|golang|ruby|php|perl|openjdk|eclipse-temurin|amazoncorretto|ibmjava|ibm-semeru-runtimes|sapmachine|maven|gradle|rust|debian|ubuntu|alpine|busybox|centos|fedora|rockylinux|almalinux|amazonlinux|archlinux|oraclelinux|buildpack-deps|elixir|erlang|haskell|julia|r-base|swift|clojure|gcc|dart|groovy|mono|mcr\.microsoft\.com\/dotnet\/(sdk|aspnet|runtime|runtime-deps)|continuumio\/[a-z0-9-]+|condaforge\/[a-z0-9-]+|ghcr\.io\/astral-sh\/uv|nvidia\/cuda|pytorch\/pytorch|tensorflow\/tensorflow|tiangolo\/[a-z0-9-]+|oven\/bun|gcr\.io\/distroless\/[a-z0-9/-]+)$/;

function rootBase(image: string): boolean {
  if (!image || image.includes('$')) return false;
  const ref = parseImageRef(image);
  if (ref.repo.startsWith('gcr.io/distroless/') && /nonroot/i.test(ref.tag ?? '')) return false;
  return ROOT_BASE.test(ref.repo);
}

/** The external image a stage finally builds on (following `FROM <earlier stage>`). */
function baseImage(info: DockerfileInfo, stage: Stage): string {
  let s: Stage | undefined = stage;
  for (let i = 0; s && i < info.stages.length; i++) {
    const name = s.image.toLowerCase();
    const parent: Stage | undefined = info.stages.find((x) => x.index < s!.index && x.name?.toLowerCase() === name);
    if (!parent) return s.image;
    s = parent;
  }
  return stage.image;
}

/** A one-shot container that fixes ownership of a volume needs root for exactly that. */
function fixesPermissions(svc: Mapping): boolean {
  const text = `${commandText(svc.entrypoint)} ${commandText(svc.command)}`;
  return /\b(chown|chmod|setfacl)\b/.test(text);
}

export default defineRule({
  meta: {
    id: 'runs-as-root',
    title: 'A service runs as root',
    category: 'security',
    severity: 'warning',
    priority: 'P2',
    effort: 'low',
    rationale:
      'A process running as root inside a container is one kernel bug or one writable bind mount away from root on the host, and it can rewrite everything in its image and volumes. Running as an unprivileged user costs a `USER` line; it turns most container escapes and file-tampering bugs into harmless permission errors.',
    seed: '003 §2.1',
    fixable: false,
    docs: {
      what:
        'Finds services that run as root because this repository says so: `user: root` / `user: "0"`, a Dockerfile built here whose final stage (or `build.target` stage) has no `USER` on top of a runtime or distribution base image (python, node, debian, …) or ends with `USER root`, and `C_FORCE_ROOT` in the environment (Celery refuses to run as root without it). Pulled images are judged by their own maintainers: shipshape does not guess their user. Services listed in `allowRoot` in `.shipshape.yml` (names or globs) are exempt, and so are one-shot containers whose command runs `chown`/`chmod`.',
      why: 'Root in a container is root on the host\'s kernel: a container escape, a mounted Docker socket or a writable host path turns an application bug into a host compromise. Seed 003 lists "Worker runs as root (C_FORCE_ROOT)" as a P2 security fix, and seed 001 checks `docker exec … id` for a non-root uid.',
      bad: 'services:\n  worker:\n    build: .\n    command: celery -A app worker\n    environment:\n      C_FORCE_ROOT: "1"\n# Dockerfile\n# FROM python:3.12-slim\n# COPY . /app\n# CMD ["celery", "-A", "app", "worker"]\n',
      good: 'services:\n  worker:\n    build: .\n    command: celery -A app worker\n# Dockerfile\n# FROM python:3.12-slim\n# RUN useradd --create-home --uid 10001 app\n# COPY --chown=app:app . /app\n# USER app\n# CMD ["celery", "-A", "app", "worker"]\n',
      fix: 'Create a user in the final stage of the Dockerfile and switch to it with `USER` (or set `user: "10001:10001"` on the service), give it ownership of the directories it writes, and drop `C_FORCE_ROOT`. If a service truly needs root, list it under `allowRoot` in `.shipshape.yml`.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const ref of services(repo)) {
      if (isAllowedRoot(repo, ref)) continue;
      const base = { unit: ref.unit, service: ref.name };

      for (const e of envEntries(ref)) {
        if (e.key !== 'C_FORCE_ROOT' || e.value === null || e.value.trim() === '') continue;
        ctx.report({ ...base, origin: e.origin, message: `service \`${ref.name}\` sets \`C_FORCE_ROOT\`, which lets Celery run its worker as root: run the worker as a non-root user and remove it` });
      }

      const rawUser = ref.svc.user;
      const user = typeof rawUser === 'string' || typeof rawUser === 'number' ? String(rawUser).trim() : '';
      if (user) {
        if (isRootUser(user) && !fixesPermissions(ref.svc)) {
          ctx.report({ ...base, origin: at(ref, 'user'), message: `service \`${ref.name}\` runs as root (\`user: ${user}\`): run it as an unprivileged user, or list it in allowRoot if it truly needs root` });
        }
        continue;
      }

      const build = buildOf(repo, ref);
      if (!build) continue;
      let info = build.info;
      let where = build.dockerfile ? `\`${repo.rel(build.dockerfile)}\`` : '';
      if (!info && build.inline && isMapping(ref.svc.build) && typeof ref.svc.build.dockerfile_inline === 'string') {
        info = parseDockerfile(ref.svc.build.dockerfile_inline, 'dockerfile_inline');
        where = 'the inline Dockerfile';
      }
      if (!info || !info.final) continue;
      let stage = info.final;
      if (build.target) {
        const t = info.stages.find((s) => s.name?.toLowerCase() === build.target!.toLowerCase());
        if (!t) continue;
        stage = t;
      }
      const stageName = build.target ? `target stage \`${build.target}\`` : info.stages.length > 1 ? `final stage${stage.name ? ` \`${stage.name}\`` : ''}` : '';
      const inStage = stageName ? `the ${stageName} of ${where}` : where;
      if (stage.user !== undefined) {
        if (!isRootUser(stage.user)) continue;
        const line = stage.userAt?.line ?? stage.line;
        ctx.report({ ...base, origin: at(ref, 'build'), message: `service \`${ref.name}\` runs as root: ${inStage} sets \`USER ${stage.user}\` (line ${line})` });
        continue;
      }
      const from = baseImage(info, stage);
      if (!rootBase(from)) continue;
      const creates = stage.instructions.some((i) => i.keyword === 'RUN' && /\b(useradd|adduser)\b/.test(i.args));
      ctx.report({
        ...base,
        origin: at(ref, 'build'),
        message: `service \`${ref.name}\` runs as root: ${inStage} (FROM ${from}, line ${stage.line}) ${creates ? 'creates a user but never switches to it with USER' : 'sets no USER'}`,
      });
    }
  },
});
