import { defineRule } from '../audit/types.js';
import type { Origin } from '../load/origin.js';
import {
  credentialSites,
  isGitIgnored,
  isNonSecretValue,
  isSecretKey,
  isTestFile,
  judgedKey,
  rawTextAt,
  tokenKind,
  urlCredentials,
  weakCredential,
  weakUrlPassword,
  type CredentialSite,
} from './lib/security.js';
import { at, commandText, isMapping, services, type ServiceRef } from './util.js';

function describe(site: CredentialSite, repo: { rel(p: string): string }): string {
  if (site.where === 'env-file') return `in committed env file \`${site.envFile ? repo.rel(site.envFile.abs) : site.origin.file}\``;
  const svc = site.ref ? ` of service \`${site.ref.name}\`` : '';
  return site.where === 'build-arg' ? `(build argument${svc})` : `(environment${svc})`;
}

export default defineRule({
  meta: {
    id: 'secret-literal',
    title: 'A secret is written literally in a committed file',
    category: 'security',
    severity: 'error',
    priority: 'P2',
    effort: 'low',
    rationale:
      'A password or token written in a compose file or a committed env file is in every clone, every fork, every CI log of `docker compose config` and the repository history forever. Rotating it means rewriting history; not rotating it means everyone who ever had read access holds it.',
    seed: '002 §Production Deployment',
    fixable: false,
    docs: {
      what:
        'Finds secrets written as literal values: environment entries and build arguments whose name says secret (PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIALS, …) in a compose file, values of any name that look like a credential (AWS access key ids, GitHub/GitLab/Slack/Stripe/OpenAI tokens, PEM private keys, JWTs), passwords embedded in connection URLs, and the same in committed env files (`.env`, `db.env`, files read by `env_file`; templates such as `.env.example` and gitignored files are not committed and not judged). A value that comes from a variable (`${DB_PASSWORD}`) is not a literal. Well-known defaults, weak values and placeholders are left to `default-credentials`. In test and CI compose files (`test/`, `e2e/`, `.github/`, `*.ci.yml`…) only credential-shaped values are judged: their demo passwords protect throwaway databases. The value is never shown.',
      why: 'Anything in git is public to everyone with read access, now and in the future. Build arguments are worse: they are stored in the image history, readable by anyone who can pull the image.',
      bad: 'services:\n  api:\n    image: example/api:1.4\n    environment:\n      JWT_SECRET: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n',
      good: 'services:\n  api:\n    image: example/api:1.4\n    environment:\n      JWT_SECRET: ${JWT_SECRET:?set JWT_SECRET in .env}\n# .env (listed in .gitignore)\n# JWT_SECRET=…\n',
      fix: 'Replace the value with a variable (`${JWT_SECRET:?}`) set in a gitignored `.env` or by the deployment, or use a Compose secret (`secrets:` with `file:` or `environment:`) and read it from `/run/secrets`. Commit an `.env.example` with empty values instead of the real file. Then rotate the secret: it has been published.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const site of credentialSites(repo)) {
      const base = { origin: site.origin, unit: site.ref?.unit, service: site.ref?.name };
      const text = site.raw ?? site.value;
      const where = describe(site, repo);

      const token = tokenKind(text);
      if (token) {
        ctx.report({ ...base, message: `\`${site.key}\` ${where} holds what looks like ${token}, written literally${site.where === 'build-arg' ? ' (build arguments are kept in the image history)' : ''}` });
        continue;
      }

      // test and CI stacks run throwaway databases: only credential-shaped values are judged there
      if (site.test) continue;

      const url = urlCredentials(text);
      if (url) {
        if (!weakUrlPassword(url.user, url.password, site.names)) ctx.report({ ...base, message: `\`${site.key}\` ${where} embeds a literal password in its URL` });
        continue;
      }

      if (!site.literal) continue;
      const key = judgedKey(site, isSecretKey);
      if (!key) continue;
      if (isNonSecretValue(site.value, key)) continue;
      if (weakCredential(key, site.value, site.context, site.names)) continue; // default-credentials' finding
      const feeds = key !== site.key ? ` (it sets \`${key}\`)` : '';
      if (site.where === 'build-arg') {
        ctx.report({ ...base, message: `build argument \`${site.key}\` of service \`${site.ref?.name ?? '?'}\` is a literal secret, and build arguments are kept in the image history: use a build secret instead` });
      } else if (site.where === 'env-file') {
        ctx.report({ ...base, message: `\`${site.key}\`${feeds} ${where} is a literal secret: keep the file out of git and commit a template instead` });
      } else {
        ctx.report({ ...base, message: `\`${site.key}\` ${where} is a literal secret written in the compose file: take it from a variable or a Compose secret` });
      }
    }

    // credential-shaped values in labels and commands (never judged by name: only by shape)
    const seen = new Set<string>();
    const report = (origin: Origin | undefined, ref: ServiceRef, what: string, value: string) => {
      if (!origin || isGitIgnored(repo, origin.file)) return;
      const raw = rawTextAt(repo, origin) ?? value;
      const token = tokenKind(raw);
      const url = token || isTestFile(origin.file) ? undefined : urlCredentials(raw);
      if (!token && (!url || weakUrlPassword(url.user, url.password))) return;
      const id = `${origin.file}:${origin.line}:${origin.column}`;
      if (seen.has(id)) return;
      seen.add(id);
      ctx.report({ origin, unit: ref.unit, service: ref.name, message: token ? `${what} of service \`${ref.name}\` holds what looks like ${token}, written literally` : `${what} of service \`${ref.name}\` embeds a literal password in a URL` });
    };
    for (const ref of services(repo)) {
      const labels = ref.svc.labels;
      if (isMapping(labels)) for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') report(at(ref, 'labels', k), ref, `label \`${k}\``, v);
      for (const key of ['command', 'entrypoint'] as const) {
        const v = ref.svc[key];
        if (Array.isArray(v)) v.forEach((item, i) => typeof item === 'string' && report(at(ref, key, i), ref, `the ${key}`, item));
        else if (typeof v === 'string') report(at(ref, key), ref, `the ${key}`, commandText(v));
      }
    }
  },
});
