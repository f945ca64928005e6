import path from 'node:path';
import { parseDockerfile } from '../audit/dockerfile.js';
import { defineRule } from '../audit/types.js';
import { at, buildOf, isFile } from './util.js';
import { contextSources, relDir, servicesInOrder } from './lib/maintainability.js';

const SNIPPET = `# .dockerignore
.git
.gitignore
**/__pycache__
**/*.py[cod]
.venv
venv
node_modules
dist
build
.idea
.vscode
*.swp
docker-compose*.yml
compose*.yaml
.env
.env.*
!.env.example
data/
*.csv
*.parquet`;

export default defineRule({
  meta: {
    id: 'dockerignore-missing',
    title: 'A build context has no .dockerignore',
    category: 'build',
    severity: 'info',
    priority: 'P5',
    effort: 'trivial',
    rationale:
      'Without a `.dockerignore`, `COPY . .` takes in the `.git` directory, local virtualenvs, `node_modules`, data files and the local `.env` with its secrets: builds get slower, the layer cache breaks on every commit, and private files end up inside images that get pushed.',
    seed: '003 §5.1',
    fixable: false,
    docs: {
      what: 'Finds build contexts (of any service) with neither a `.dockerignore` at their root nor a `<Dockerfile>.dockerignore` beside the Dockerfile. Reported once per context, at the first service that builds from it. Contexts whose Dockerfile copies only named files (no directories or globs) are left alone, as are builds whose Dockerfile is missing: nothing there for an ignore file to keep out, or nothing to judge.',
      why: 'The ignore file is what keeps the build fast and the image clean: `.git`, caches, dependencies installed on the host, data and secrets stay out of the context and of every `COPY . .`.',
      bad: 'services:\n  api:\n    build: .   # ./Dockerfile does COPY . . and there is no ./.dockerignore\n',
      good: 'services:\n  api:\n    build: .   # with ./.dockerignore listing .git, .venv, node_modules, .env, data/ ...\n',
      fix: 'Add a `.dockerignore` at the root of the context (`shipshape init-dockerignore` writes one suited to the project), or a `<Dockerfile>.dockerignore` beside a Dockerfile that needs its own.',
    },
  },
  check(ctx) {
    const seen = new Set<string>();
    for (const ref of servicesInOrder(ctx.repo)) {
      const b = buildOf(ctx.repo, ref);
      if (!b?.context || b.remote || !b.contextExists) continue;
      if (seen.has(b.context)) continue;
      const ig = ctx.repo.dockerignore(b.context, b.dockerfile);
      if (ig.file) {
        seen.add(b.context);
        continue;
      }
      // the Dockerfile tells what the build reads; without one (missing: another rule's business) there is nothing to judge
      const inline = ref.svc.build && typeof ref.svc.build === 'object' && !Array.isArray(ref.svc.build) ? ref.svc.build.dockerfile_inline : undefined;
      const info = b.info ?? (typeof inline === 'string' ? parseDockerfile(inline, 'dockerfile_inline') : undefined);
      if (!info) continue;
      // only named files copied: an ignore file would change nothing
      const sources = contextSources(info);
      if (sources.every((s) => !/[*?[]/.test(s.src) && s.src !== '.' && isFile(path.join(b.context!, s.src)))) continue;
      seen.add(b.context);
      ctx.report({
        message: `build context \`${relDir(ctx.repo.root, b.context)}\` of service \`${ref.name}\` has no .dockerignore, so everything in it (.git, caches, local .env files, data) is sent to the builder and can end up in the image: \`shipshape init-dockerignore\` writes one`,
        origin: at(ref, 'build'),
        unit: ref.unit,
        service: ref.name,
        snippet: SNIPPET,
      });
    }
  },
});
