import { defineRule } from '../audit/types.js';
import { keyOriginOf } from '../load/origin.js';

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
      what: 'Finds compose files that still declare a top-level `version:`.',
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
