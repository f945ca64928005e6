import path from 'node:path';
import { defineRule, type ComposeUnit } from '../audit/types.js';
import { formatOrigin, originOf, type Origin } from '../load/origin.js';
import { allServices, insideRoot, isFile } from './lib/correctness.js';
import { at, buildOf, isMapping } from './util.js';

export default defineRule({
  meta: {
    id: 'dockerfile-missing',
    title: 'The Dockerfile of a build does not exist',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'medium',
    rationale:
      'A service that builds from a Dockerfile that is not there cannot get an image: `docker compose build` and `up` fail for it, and every service that depends on it never starts. Referencing a Dockerfile that was planned but never written is a common gap in a new stack.',
    seed: '003 §1.1, §1.2',
    fixable: false,
    docs: {
      what:
        'Finds services whose build context exists but whose Dockerfile (`build.dockerfile`, relative to the context, or the default `Dockerfile`) does not. `dockerfile_inline` builds and remote contexts are not checked.',
      why: 'The builder reads the Dockerfile first; without it the build fails with "failed to read dockerfile: open Dockerfile.feast: no such file or directory".',
      bad: 'services:\n  feast:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.feast   # never written\n',
      good: 'services:\n  feast:\n    image: feastdev/feature-server:0.40.1   # or write docker/Dockerfile.feast\n',
      fix: 'Write the Dockerfile at the path the compose file names, correct the path (it is relative to the build context), or use a published image instead of a build.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    const found = new Map<string, { origin: Origin | undefined; unit: ComposeUnit; services: string[]; text: string }>();
    for (const ref of allServices(repo)) {
      const b = ref.svc.build;
      if (!isMapping(b)) continue;
      const info = buildOf(repo, ref);
      if (!info || info.remote || info.inline || !info.context || !info.contextExists || !info.dockerfile || info.dockerfileExists) continue;
      if (!insideRoot(repo, info.context)) continue;
      const rel = insideRoot(repo, info.dockerfile);
      if (!rel) continue;
      const written = originOf(b, 'dockerfile');
      const self = originOf(b);
      const defaulted = b.dockerfile === 'Dockerfile' && (!written || (self && written.line === self.line && written.column === self.column && written.file === self.file));
      // the docker CLI also takes a lowercase `dockerfile` when the name is defaulted
      if (defaulted && isFile(path.join(info.context, 'dockerfile'))) continue;
      const ctxRel = insideRoot(repo, info.context)!;
      const origin = defaulted ? at(ref, 'build', 'context') : at(ref, 'build', 'dockerfile');
      // one finding per place: a build shared through an anchor names every service using it
      const key = `${formatOrigin(origin)}|${info.dockerfile}`;
      const f = found.get(key) ?? { origin, unit: ref.unit, services: [], text: defaulted ? `\`${ctxRel}\` has no \`Dockerfile\`` : `Dockerfile \`${rel}\` does not exist` };
      f.services.push(ref.name);
      found.set(key, f);
    }
    for (const f of found.values()) {
      ctx.report({
        message: `${f.text}: the build of ${f.services.length > 1 ? 'services' : 'service'} ${f.services.map((s) => `\`${s}\``).join(', ')} fails`,
        origin: f.origin,
        unit: f.unit,
        service: f.services[0]!,
      });
    }
  },
});
