import { defineRule } from '../audit/types.js';
import {
  credentialSites,
  defaultOf,
  isGitIgnored,
  isSecretKey,
  isTestFile,
  judgedKey,
  noAuthSetting,
  parseImageRef,
  rawTextAt,
  setByCommittedFile,
  urlCredentials,
  weakCredential,
  weakUrlPassword,
  WEAK_PASSWORDS,
  isPlaceholder,
  type CredentialSite,
  type WeakCredential,
} from './lib/security.js';
import { at, commandText, isMapping, services, type ServiceRef } from './util.js';

/** How the weakness reads in a message ("is" / "defaults to" + this). */
function phrase(w: WeakCredential): string {
  switch (w.reason) {
    case 'known-default':
      return `${w.product} \`${w.shown}\``;
    case 'weak':
      return `the well-known weak password \`${w.shown}\``;
    case 'same-as-user':
      return w.userKey ? `the same as the user name in \`${w.userKey}\`` : 'the same as its user name';
    case 'same-as-name':
      return 'the name of the service or its image';
    case 'placeholder':
      return 'a placeholder that was never replaced';
    default:
      return 'a default credential';
  }
}

function subject(site: CredentialSite, key: string): string {
  const feeds = key !== site.key ? ` (it sets \`${key}\`)` : '';
  if (site.where === 'env-file') return `\`${site.key}\`${feeds} in \`${site.origin.file}\``;
  const svc = site.ref ? `service \`${site.ref.name}\`: ` : '';
  return `${svc}${site.where === 'build-arg' ? 'build argument ' : ''}\`${site.key}\``;
}

/** Images that start with a documented default login when no password is configured. */
const LOGIN_DEFAULTS: { image: RegExp; keys: string[]; login: string; product: string; config?: RegExp }[] = [
  { image: /^(grafana\/grafana(-oss|-enterprise)?|bitnami\/grafana)$/, keys: ['GF_SECURITY_ADMIN_PASSWORD', 'GF_SECURITY_ADMIN_PASSWORD__FILE'], login: 'admin/admin', product: 'Grafana', config: /^\/etc\/grafana(\/grafana\.ini)?$|^\/opt\/bitnami\/grafana\/conf/ },
  { image: /^(minio\/minio|quay\.io\/minio\/minio|bitnami\/minio)$/, keys: ['MINIO_ROOT_PASSWORD', 'MINIO_ROOT_PASSWORD_FILE', 'MINIO_SECRET_KEY', 'MINIO_SECRET_KEY_FILE'], login: 'minioadmin/minioadmin', product: 'MinIO' },
];

function checkLoginDefault(ref: ServiceRef): { login: string; product: string; key: string } | undefined {
  if (typeof ref.svc.image !== 'string' || ref.svc.env_file !== undefined) return undefined;
  const repo = parseImageRef(ref.svc.image).repo;
  const known = LOGIN_DEFAULTS.find((d) => d.image.test(repo));
  if (!known) return undefined;
  const env = isMapping(ref.svc.environment) ? ref.svc.environment : {};
  if (known.keys.some((k) => k in env)) return undefined;
  const vols = Array.isArray(ref.svc.volumes) ? ref.svc.volumes : [];
  if (known.config && vols.some((v) => isMapping(v) && typeof v.target === 'string' && known.config!.test(v.target.replace(/\/+$/, '')))) return undefined;
  if (Array.isArray(ref.svc.configs) && ref.svc.configs.length) return undefined;
  return { login: known.login, product: known.product, key: known.keys[0]! };
}

export default defineRule({
  meta: {
    id: 'default-credentials',
    title: 'A service uses a default or trivially weak credential',
    category: 'security',
    severity: 'error',
    priority: 'P2',
    effort: 'trivial',
    rationale:
      'Default logins (Grafana admin/admin, RabbitMQ guest/guest, MinIO minioadmin), documentation values (`example`, `changeme`), passwords equal to the user name and settings that turn authentication off are the first thing any scanner tries. They are public knowledge, so they protect nothing.',
    seed: '002 Quick Start §4',
    fixable: false,
    docs: {
      what:
        'Finds well-known default credentials in compose files and committed env files: image defaults (Grafana `admin`, RabbitMQ `guest`, MinIO `minioadmin`, Elasticsearch `changeme`, pgAdmin, Keycloak, Vault dev tokens), common weak passwords (`password`, `postgres`, `secret`, `admin`, `123456`, …), passwords equal to their user name or to the service\'s name, unreplaced placeholders (`changeme`, `replace-me…`, `your-password`), settings that turn authentication off (`POSTGRES_HOST_AUTH_METHOD=trust`, `MYSQL_ALLOW_EMPTY_PASSWORD`, Bitnami `ALLOW_EMPTY_PASSWORD=yes` / `ALLOW_NONE_AUTHENTICATION=yes`, `NEO4J_AUTH=none`), weak passwords in connection URLs and in `redis-server --requirepass`, and Grafana or MinIO started with no password at all (their built-in login applies). A `${VAR:-admin}` default counts unless a committed env file sets the variable. Test and CI compose files are not judged, nor are gitignored files. Only the well-known value itself is ever named in a message.',
      why: 'Seed 002 documents Grafana at "admin / admin"; every credential-stuffing tool tries those pairs first. A weak password on a service that is reachable from the network is an open door; one on an internal service is the second step of every lateral move.',
      bad: 'services:\n  grafana:\n    image: grafana/grafana:11.2.0\n    environment:\n      GF_SECURITY_ADMIN_PASSWORD: ${GF_ADMIN_PASSWORD:-admin}\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n',
      good: 'services:\n  grafana:\n    image: grafana/grafana:11.2.0\n    environment:\n      GF_SECURITY_ADMIN_PASSWORD: ${GF_ADMIN_PASSWORD:?set GF_ADMIN_PASSWORD}\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}\n',
      fix: 'Require the password from the environment (`${VAR:?message}`) instead of defaulting it, generate a strong one per deployment (`openssl rand -base64 32`) and keep it in a gitignored `.env` or a secret store; remove settings that disable authentication.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const site of credentialSites(repo)) {
      // test and CI stacks run throwaway services with throwaway passwords
      if (site.test) continue;
      const base = { origin: site.origin, unit: site.ref?.unit, service: site.ref?.name };
      const text = site.raw ?? site.value;

      // authentication turned off
      const image = site.where === 'env-file' ? undefined : typeof site.ref?.svc.image === 'string' ? site.ref.svc.image : site.ref?.svc.build !== undefined ? '' : undefined;
      const off = noAuthSetting(site.key, site.value, image);
      if (off && site.literal) {
        ctx.report({ ...base, message: `${subject(site, site.key)} is \`${site.value.trim()}\`, which ${off}` });
        continue;
      }

      const url = urlCredentials(text);
      if (url) {
        const w = weakUrlPassword(url.user, url.password, site.names);
        if (w) ctx.report({ ...base, message: `${subject(site, site.key)} embeds a password in its URL that is ${phrase(w)}` });
        continue;
      }

      const key = judgedKey(site, (k) => isSecretKey(k) || /^(GF_SECURITY_ADMIN_PASSWORD|RABBITMQ_DEFAULT_PASS|MINIO_ROOT_PASSWORD|MINIO_SECRET_KEY|VAULT_DEV_ROOT_TOKEN_ID|VAULT_TOKEN)$/.test(k));
      if (!key) continue;

      if (site.literal) {
        const w = weakCredential(key, site.value, site.context, site.names);
        if (w) ctx.report({ ...base, message: `${subject(site, key)} is ${phrase(w)}` });
        continue;
      }

      // `${VAR:-default}`: the default applies wherever VAR is not set
      if (site.raw === undefined || !site.ref) continue;
      const d = defaultOf(site.raw);
      if (!d || d.word.trim() === '' || d.word.includes('$')) continue;
      if (setByCommittedFile(repo, site.ref, d.name)) continue;
      const w = weakCredential(key, d.word, site.context, site.names);
      if (w) ctx.report({ ...base, message: `${subject(site, key)} defaults to ${phrase(w)} unless ${d.name} is set` });
    }

    for (const ref of services(repo)) {
      const base = { unit: ref.unit, service: ref.name };
      const imageOrigin = at(ref, 'image');
      if (!imageOrigin || isTestFile(imageOrigin.file) || isGitIgnored(repo, imageOrigin.file)) continue;
      const missing = checkLoginDefault(ref);
      if (missing) {
        ctx.report({ ...base, origin: imageOrigin, message: `${missing.product} in service \`${ref.name}\` starts with its default login ${missing.login}: no \`${missing.key}\` is set` });
      }
      // redis-server --requirepass <weak>
      const cmd = ref.svc.command;
      const text = commandText(cmd);
      const m = /--requirepass[\s=]+("[^"]*"|'[^']*'|\S+)/.exec(text);
      if (m) {
        const origin = at(ref, 'command');
        const raw = (Array.isArray(cmd) ? undefined : rawTextAt(repo, origin)) ?? text;
        const written = /--requirepass[\s=]+("[^"]*"|'[^']*'|\S+)/.exec(raw)?.[1] ?? m[1]!;
        const pw = written.replace(/^["']|["']$/g, '');
        if (!pw.includes('$') && (WEAK_PASSWORDS.has(pw.toLowerCase()) || isPlaceholder(pw)) && origin) {
          const what = WEAK_PASSWORDS.has(pw.toLowerCase()) ? `the well-known weak password \`${pw}\`` : 'a placeholder that was never replaced';
          ctx.report({ ...base, origin, message: `service \`${ref.name}\`: \`--requirepass\` is ${what}` });
        }
      }
    }
  },
});
