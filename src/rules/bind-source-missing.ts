import { defineRule } from '../audit/types.js';
import { originOf } from '../load/origin.js';
import { allServices, exists, gitignored, insideRoot, looksLikeFile, projectOf, unsetUsesAt } from './lib/correctness.js';
import { at, isMapping } from './util.js';

export default defineRule({
  meta: {
    id: 'bind-source-missing',
    title: 'A bind-mounted file does not exist',
    category: 'correctness',
    severity: 'warning',
    priority: 'P1',
    effort: 'low',
    rationale:
      'When the source of a short-syntax bind mount is missing, Compose silently creates an empty directory in its place. A missing config file (nginx.conf, prometheus.yml) thus becomes an empty directory mounted over the file the image expects: the container fails with "not a directory" or runs without its configuration, and the stray directory stays behind in the checkout.',
    seed: '003 §1.3',
    fixable: false,
    docs: {
      what:
        'Finds bind mounts whose source inside the audited directory does not exist: sources that name a file (by their name or the target\'s), and any missing source with `bind.create_host_path: false` (the container then fails to start). Missing `file:` sources of secrets and configs that a service uses are reported too (Compose bind-mounts them and the container fails to start). Missing directories with the default `create_host_path` are not reported (Compose creates them, which is how data directories usually come about), nor are absolute paths outside the audited directory (`/var/run/docker.sock`, `/etc/localtime`): they exist only on the target host.',
      why: 'Compose creates a directory where a file was meant to be, so the mistake surfaces later as a confusing container error, and the empty directory then shadows the file when it is finally created.',
      bad: 'services:\n  frontend:\n    image: nginx:1.27\n    volumes:\n      - ./frontend/nginx.conf:/etc/nginx/conf.d/default.conf:ro   # never written\n',
      good: 'services:\n  frontend:\n    image: nginx:1.27\n    volumes:\n      - ./frontend/nginx.conf:/etc/nginx/conf.d/default.conf:ro   # the file is committed\n',
      fix: 'Create (and commit) the file, or correct the path: relative sources are resolved against the compose file\'s directory. If Compose already created an empty directory there, delete it first.',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    for (const ref of allServices(repo)) {
      const vols = ref.svc.volumes;
      if (!Array.isArray(vols)) continue;
      vols.forEach((v, i) => {
        if (!isMapping(v) || v.type !== 'bind' || typeof v.source !== 'string' || !v.source) return;
        const rel = insideRoot(repo, v.source);
        if (!rel || rel === '.' || exists(v.source)) return;
        const origin = at(ref, 'volumes', i);
        // a path built from an unset variable is variable-undefined's finding
        if (unsetUsesAt(ref.project, origin).some((u) => u.operator === '') || unsetUsesAt(ref.project, originOf(v, 'source')).some((u) => u.operator === '')) return;
        const target = typeof v.target === 'string' ? v.target : '';
        const createsDir = !(isMapping(v.bind) && v.bind.create_host_path === false);
        const ignored = gitignored(repo, v.source) ? ' (it is git-ignored: every checkout has to create it)' : '';
        if (!createsDir) {
          ctx.report({
            message: `bind source \`${rel}\` of service \`${ref.name}\` does not exist and \`create_host_path\` is false: the container fails to start${ignored}`,
            origin: at(ref, 'volumes', i, 'source'),
            unit: ref.unit,
            service: ref.name,
          });
          return;
        }
        if (!looksLikeFile(v.source) && !looksLikeFile(target)) return;
        ctx.report({
          message: `bind source \`${rel}\` of service \`${ref.name}\` does not exist: Compose creates an empty directory there and mounts it on \`${target}\`, so a missing config file becomes a directory${ignored}`,
          // the long syntax writes the path on its own `source:` line
          origin: at(ref, 'volumes', i, 'source'),
          unit: ref.unit,
          service: ref.name,
        });
      });
    }
    // secrets and configs from files: bind-mounted without create_host_path
    for (const unit of repo.units) {
      const project = projectOf(repo, unit);
      if (!project) continue;
      const all = { ...project.services, ...project.disabledServices };
      for (const kind of ['secrets', 'configs'] as const) {
        const group = project[kind];
        for (const [name, def] of Object.entries(group)) {
          if (!isMapping(def) || typeof def.file !== 'string' || def.external === true) continue;
          const users = Object.entries(all)
            .filter(([, s]) => Array.isArray(s[kind]) && (s[kind] as unknown[]).some((e) => (isMapping(e) ? e.source : e) === name))
            .map(([n]) => n);
          if (!users.length) continue;
          const rel = insideRoot(repo, def.file);
          if (!rel || exists(def.file)) continue;
          const origin = originOf(def, 'file');
          if (unsetUsesAt(project, origin).some((u) => u.operator === '')) continue;
          const what = kind === 'secrets' ? 'secret' : 'config';
          ctx.report({
            message: `${what} \`${name}\` reads \`${rel}\`, which does not exist: ${users.map((u) => `\`${u}\``).join(', ')} cannot start until it is created`,
            origin,
            unit,
            service: users[0]!,
          });
        }
      }
    }
  },
});
