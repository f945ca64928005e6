import path from 'node:path';
import { defineRule } from '../audit/types.js';
import { keyOriginOf } from '../load/origin.js';
import type { Mapping } from '../load/types.js';
import { isMapping } from './util.js';

/** `deploy` keys only Swarm acts on (Compose ignores them). */
const SWARM_DEPLOY_KEYS = ['placement', 'update_config', 'rollback_config', 'endpoint_mode'];

/**
 * A file written for `docker stack deploy`: named as a stack (`stack.yml`, `docker-stack.yml`,
 * `pwd-stack.yml`, `*.swarm.yml`) or using Swarm-only `deploy` keys. The stack loader is not
 * Compose: it reads `version` to pick its schema, and older engines refuse a file without it.
 */
function isSwarmStackFile(file: string, raw: Mapping): boolean {
  const stem = path.posix.basename(file).replace(/\.ya?ml$/i, '');
  // (`full-stack.yml` names a complete Compose setup, not a Swarm stack)
  if (/(^|[._-])(stack|swarm)([._-]|$)/i.test(stem) && !/(^|[._-])full[._-]?stack([._-]|$)/i.test(stem)) return true;
  const services = raw.services;
  if (!isMapping(services)) return false;
  return Object.values(services).some((s) => isMapping(s) && isMapping(s.deploy) && SWARM_DEPLOY_KEYS.some((k) => (s.deploy as Mapping)[k] !== undefined));
}

export default defineRule({
  meta: {
    id: 'obsolete-version',
    title: 'The top-level `version` key is obsolete',
    category: 'maintainability',
    severity: 'info',
    priority: 'P5',
    effort: 'trivial',
    rationale:
      'Compose ignores `version` and warns about it on every command. It suggests a file format that no longer exists and invites people to reason about features by version number.',
    seed: '000 §8',
    fixable: true,
    docs: {
      what: 'Finds compose files that still declare a top-level `version:`. Swarm stack files (named `stack.yml`, `docker-stack.yml`, `*-stack.yml`, `*.swarm.yml`…, or using Swarm-only `deploy` keys such as `placement` or `update_config`) are left alone: `docker stack deploy` still reads the key to pick its schema, and older engines refuse a stack file without it.',
      why: 'The Compose Specification has no versions: `docker compose` ignores the key and prints "the attribute `version` is obsolete" each time it runs.',
      bad: 'version: "3.8"\nservices:\n  api:\n    image: example/api:1.4\n',
      good: 'services:\n  api:\n    image: example/api:1.4\n',
      fix: 'Delete the `version:` line. `shipshape fix --rule obsolete-version --write` does it and keeps every comment.',
    },
  },
  check(ctx) {
    for (const unit of ctx.repo.units) {
      for (const [file, raw] of unit.raw) {
        if (!raw || !('version' in raw)) continue;
        const rel = ctx.repo.rel(file);
        if (isSwarmStackFile(rel, raw)) continue;
        const o = keyOriginOf(raw, 'version');
        ctx.report({
          message: `\`version: ${String(raw.version)}\` is obsolete: Compose ignores it and warns on every run`,
          file: rel,
          line: o?.line ?? 1,
          column: o?.column ?? 1,
          unit,
          fix: { description: 'remove the version key', safety: 'safe', edits: [{ kind: 'yaml-delete', file: rel, path: ['version'] }] },
        });
      }
    }
  },
});
