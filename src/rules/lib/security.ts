/**
 * Helpers of the security rules: the uninterpolated text of a value, `.gitignore` matching (what
 * is committed), env files as rules read them, secret and weak-credential recognition, dev vs
 * production compose files, root users and the 127.0.0.1 rewrite of a port.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RepoModel } from '../../audit/types.js';
import { parseDotenv } from '../../load/dotenv.js';
import { originOf, type Origin } from '../../load/origin.js';
import type { Mapping, VariableUse } from '../../load/types.js';
import { readTextFile } from '../../load/yaml.js';
import { isMapping, services, type ServiceRef, splitImageRef } from '../util.js';

// ---------------------------------------------------------------------------------------------
// Per-repo caches (a rule run sees one RepoModel; the model is never mutated)

interface RepoCache {
  raw: Map<string, Map<string, string> | null>;
  rawDocs: Map<string, Mapping[] | null>;
  gitignores: Map<string, GitignoreRule[]>;
  gitTop?: string;
  ignored: Map<string, boolean>;
}

const caches = new WeakMap<RepoModel, RepoCache>();

function cacheOf(repo: RepoModel): RepoCache {
  let c = caches.get(repo);
  if (!c) {
    c = { raw: new Map(), rawDocs: new Map(), gitignores: new Map(), ignored: new Map() };
    caches.set(repo, c);
  }
  return c;
}

function absOf(repo: RepoModel, file: string): string {
  return path.isAbsolute(file) ? file : path.resolve(repo.root, file);
}

// ---------------------------------------------------------------------------------------------
// The text of a value as written (before interpolation)

/** The parsed, uninterpolated documents of a compose file (any file, not only a unit's own). */
export function rawDocuments(repo: RepoModel, file: string): Mapping[] {
  const c = cacheOf(repo);
  const abs = absOf(repo, file);
  if (!c.rawDocs.has(abs)) c.rawDocs.set(abs, repo.documents(abs));
  return c.rawDocs.get(abs) ?? [];
}

function indexScalars(node: unknown, out: Map<string, string>, seen: Set<object>): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  for (const k of keys) {
    const v = (node as Record<string | number, unknown>)[k];
    if (v !== null && typeof v === 'object') indexScalars(v, out, seen);
    else if (v !== null && v !== undefined) {
      const o = originOf(node, k);
      if (o && !out.has(`${o.line}:${o.column}`)) out.set(`${o.line}:${o.column}`, String(v));
    }
  }
}

/**
 * The scalar written at `origin`, uninterpolated (`${DB_PASSWORD}` rather than its value), or
 * undefined when the origin is not a scalar of a YAML file (an env file, a lost position).
 */
export function rawTextAt(repo: RepoModel, origin: Origin | undefined): string | undefined {
  if (!origin) return undefined;
  const c = cacheOf(repo);
  const abs = absOf(repo, origin.file);
  if (!c.raw.has(abs)) {
    const docs = /\.ya?ml$/i.test(abs) || c.rawDocs.has(abs) ? rawDocuments(repo, abs) : [];
    if (!docs.length) c.raw.set(abs, null);
    else {
      const index = new Map<string, string>();
      const seen = new Set<object>();
      for (const d of docs) indexScalars(d, index, seen);
      c.raw.set(abs, index);
    }
  }
  return c.raw.get(abs)?.get(`${origin.line}:${origin.column}`);
}

/**
 * The raw text of an environment entry: for list items (`KEY=value`) without the `KEY=` part; a
 * bare `KEY` (its value taken from the environment) reads as `${KEY}`, which is what it means.
 */
export function rawEnvValue(repo: RepoModel, key: string, origin: Origin | undefined): string | undefined {
  const raw = rawTextAt(repo, origin);
  if (raw === undefined) return undefined;
  return raw.startsWith(`${key}=`) ? raw.slice(key.length + 1) : raw === key ? `\${${key}}` : raw;
}

/** Does the text use a variable (`$X`, `${X…}`), `$$` escapes aside? */
export function hasInterpolation(raw: string): boolean {
  return /\$(\{|[A-Za-z_])/.test(raw.replace(/\$\$/g, ''));
}

/** `${NAME:-word}` / `${NAME-word}` as the whole value: the variable and its default word. */
export function defaultOf(raw: string): { name: string; operator: ':-' | '-'; word: string } | undefined {
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^${}]*)\}$/.exec(raw.trim());
  if (!m) return undefined;
  return { name: m[1]!, operator: m[2] as ':-' | '-', word: m[3]! };
}

// ---------------------------------------------------------------------------------------------
// .gitignore: is a file committed (shipshape judges what the repository ships, not local files)

interface GitignoreRule {
  /** directory the .gitignore sits in */
  base: string;
  negate: boolean;
  dirOnly: boolean;
  re: RegExp;
}

function globToRegExp(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\' && i + 1 < glob.length) {
      re += escapeRe(glob[++i]!);
    } else if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === glob.length) re += '.*';
          else re += '(?:.*/)?';
          i += 2; // skip the second * and the slash
          continue;
        }
        re += '[^/]*';
        i++;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += escapeRe(ch);
  }
  return re;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function parseGitignore(text: string, base: string): GitignoreRule[] {
  const out: GitignoreRule[] = [];
  for (let line of text.split(/\r?\n/)) {
    line = line.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (!line) continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = globToRegExp(line);
    out.push({ base, negate, dirOnly, re: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}$`) });
  }
  return out;
}

function gitTop(repo: RepoModel): string {
  const c = cacheOf(repo);
  if (c.gitTop === undefined) {
    let dir = repo.root;
    c.gitTop = repo.root;
    for (let i = 0; i < 64; i++) {
      if (existsSync(path.join(dir, '.git'))) {
        c.gitTop = dir;
        break;
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return c.gitTop;
}

function gitignoreRules(repo: RepoModel, dir: string): GitignoreRule[] {
  const c = cacheOf(repo);
  let rules = c.gitignores.get(dir);
  if (!rules) {
    rules = [];
    const f = path.join(dir, '.gitignore');
    try {
      if (existsSync(f)) rules = parseGitignore(readFileSync(f, 'utf8'), dir);
    } catch {
      rules = [];
    }
    c.gitignores.set(dir, rules);
  }
  return rules;
}

/**
 * Is the file excluded by the `.gitignore` files between the repository's top (the directory
 * holding `.git`, else the audited root) and the file? A gitignored file is local, not committed.
 */
export function isGitIgnored(repo: RepoModel, file: string): boolean {
  const abs = absOf(repo, file);
  const c = cacheOf(repo);
  const hit = c.ignored.get(abs);
  if (hit !== undefined) return hit;
  const top = gitTop(repo);
  const rel = path.relative(top, abs);
  let result = false;
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
    const segs = rel.split(path.sep);
    const rules: GitignoreRule[] = [];
    let dir = top;
    rules.push(...gitignoreRules(repo, dir));
    for (let i = 0; i < segs.length; i++) {
      const isDir = i < segs.length - 1;
      const target = path.join(top, ...segs.slice(0, i + 1));
      let ignored = false;
      for (const r of rules) {
        if (r.dirOnly && !isDir) continue;
        const sub = path.relative(r.base, target).split(path.sep).join('/');
        if (sub.startsWith('..')) continue;
        if (r.re.test(sub)) ignored = !r.negate;
      }
      if (ignored) {
        result = true;
        break;
      }
      if (isDir) {
        dir = path.join(dir, segs[i]!);
        rules.push(...gitignoreRules(repo, dir));
      }
    }
  }
  c.ignored.set(abs, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Env files

export interface EnvFileEntry {
  key: string;
  value: string;
  /** where the key is written */
  origin: Origin;
  /** the value uses a variable (not a literal) */
  interpolated: boolean;
}

export interface ScannedEnvFile {
  abs: string;
  rel: string;
  /** named as an example to copy */
  template: boolean;
  /** the services (with their unit) that read it through `env_file` */
  readBy: ServiceRef[];
  /** read by compose for interpolation (a project `.env`) */
  interpolation: boolean;
  entries: EnvFileEntry[];
}

function readEnvEntries(abs: string, rel: string): EnvFileEntry[] {
  let text: string;
  try {
    text = readTextFile(abs, rel, 1024 * 1024);
  } catch {
    return [];
  }
  const uses: VariableUse[] = [];
  let parsed: ReturnType<typeof parseDotenv>;
  try {
    parsed = parseDotenv(text, { file: rel, lookup: () => undefined, uses });
  } catch {
    return [];
  }
  const interpolated = new Set(uses.map((u) => u.path));
  const out: EnvFileEntry[] = [];
  for (const [key, value] of parsed.values) {
    const origin = parsed.origins.get(key);
    if (!origin || !key) continue;
    out.push({ key, value, origin, interpolated: interpolated.has(key) });
  }
  return out;
}

const envScans = new WeakMap<RepoModel, ScannedEnvFile[]>();

/**
 * Every env file that matters: the ones discovery found and the ones services read through
 * `env_file` (whatever their name), each parsed once, with who reads it.
 */
export function envFilesOf(repo: RepoModel): ScannedEnvFile[] {
  const cached = envScans.get(repo);
  if (cached) return cached;
  const byAbs = new Map<string, ScannedEnvFile>();
  const add = (abs: string, template: boolean): ScannedEnvFile => {
    let f = byAbs.get(abs);
    if (!f) {
      const rel = repo.rel(abs);
      f = { abs, rel, template, readBy: [], interpolation: false, entries: readEnvEntries(abs, rel) };
      byAbs.set(abs, f);
    }
    return f;
  };
  for (const e of repo.files.envFiles) add(path.resolve(repo.root, e.path), e.template);
  for (const ref of services(repo)) {
    const ef = ref.svc.env_file;
    if (!Array.isArray(ef)) continue;
    for (const item of ef) {
      const p = isMapping(item) && typeof item.path === 'string' ? item.path : typeof item === 'string' ? item : undefined;
      if (!p || !existsSync(p)) continue;
      const f = add(p, false);
      // a file read by a service is live configuration, whatever its name says
      f.template = false;
      f.readBy.push(ref);
    }
  }
  for (const u of repo.units) for (const f of u.project?.environment.files ?? []) if (byAbs.has(f)) byAbs.get(f)!.interpolation = true;
  const out = [...byAbs.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  envScans.set(repo, out);
  return out;
}

/**
 * For variables that interpolate a whole environment value (`POSTGRES_PASSWORD: ${PG_PW}`), the
 * environment keys they feed, so `PG_PW=…` in `.env` is judged as a `POSTGRES_PASSWORD`.
 */
export function variableTargets(repo: RepoModel): Map<string, { key: string; image?: string }[]> {
  const out = new Map<string, { key: string; image?: string }[]>();
  for (const ref of services(repo)) {
    const env = ref.svc.environment;
    if (!isMapping(env)) continue;
    for (const key of Object.keys(env)) {
      const raw = rawEnvValue(repo, key, originOf(env, key));
      if (raw === undefined) continue;
      const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])[^}]*)?\}?$/.exec(raw.trim());
      if (!m) continue;
      const list = out.get(m[1]!) ?? [];
      const image = typeof ref.svc.image === 'string' ? ref.svc.image : undefined;
      if (!list.some((t) => t.key === key)) list.push(image ? { key, image } : { key });
      out.set(m[1]!, list);
    }
  }
  return out;
}

/** Is a variable given a value by an env file the repository commits (so a `:-` default never applies in a clone)? */
export function setByCommittedFile(repo: RepoModel, ref: ServiceRef, name: string): boolean {
  const src = ref.project.environment.sources.get(name);
  if (!src || src === 'shell') return false;
  return !isGitIgnored(repo, src);
}

// ---------------------------------------------------------------------------------------------
// Secrets and credentials

/** Environment / build-arg names that hold a secret. */
const SECRET_KEY =
  /(^|[_.-])(PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|PW|SECRET|SECRETS|TOKEN|TOKENS|API_?KEY|APIKEY|ACCESS_?KEY|SECRET_?KEY|PRIVATE_?KEY|AUTH_?KEY|ENCRYPTION_?KEY|SIGNING_?KEY|MASTER_?KEY|CLIENT_?SECRET|CREDENTIALS?|LICEN[CS]E_?KEY|SALT)([_.-]|$)/i;
/** Names that match the above but hold something else: a file, a length, a switch… */
const NOT_SECRET_KEY =
  /([_.-])(FILE|FILES|PATH|DIR|LENGTH|LEN|TTL|EXPIRY|EXPIRES|EXPIRATION|LIFETIME|TIMEOUT|ENABLED|ENABLE|DISABLED|REQUIRED|HEADER|ALGORITHM|ALG|TYPE|MODE|METHOD|POLICY|ROTATION|PROVIDER|ISSUER|AUDIENCE|URL|URI|ENDPOINT|HOST|PORT|NAME|USER|USERNAME|ID|FORMAT|COST|ROUNDS|MIN|MAX|SIZE|PREFIX|COOKIE|FIELD|PARAM|ENV|VAR|VERSION|STORE|BACKEND|DRIVER|LOCATION|REGION|MANAGER|SOURCE|KIND|ARN|REF|REFERENCE|SCOPE|SCOPES|PERMISSIONS|STRATEGY|CLASS|ALGO|RESET|POLICY|COMPLEXITY|HINT|LABEL|SELECTOR|MOUNT)$/i;

export function isSecretKey(key: string): boolean {
  const k = key.trim();
  if (k === 'PWD' || k === 'OLDPWD') return false;
  if (!SECRET_KEY.test(k)) return false;
  if (/(^|[_.-])TOKEN_ID$/i.test(k)) return true;
  if (NOT_SECRET_KEY.test(k)) return false;
  return true;
}

/** Password-like keys (weak-password checks apply to these). */
export function isPasswordKey(key: string): boolean {
  return /(^|[_.-])(PASSWORD|PASSWD|PASS|PWD|PW|PASSPHRASE)([_.-]|$)/i.test(key) && isSecretKey(key);
}

const TOKEN_PATTERNS: [RegExp, string][] = [
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, 'a PEM private key'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{40,}\b/, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}\b/, 'a GitLab token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bsk-ant-[A-Za-z0-9_-]{20,}/, 'an Anthropic API key'],
  [/\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}/, 'an OpenAI-style API key'],
  [/\b[sr]k_live_[A-Za-z0-9]{16,}\b/, 'a Stripe live key'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/, 'a SendGrid API key'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, 'a JSON Web Token'],
];

/** What kind of credential a value looks like, whatever its key (undefined: nothing recognised). */
export function tokenKind(value: string): string | undefined {
  for (const [re, kind] of TOKEN_PATTERNS) if (re.test(value)) return kind;
  return undefined;
}

/** The user and password of a `scheme://user:password@host` URL in the value, when the password is written literally. */
export function urlCredentials(value: string): { user: string; password: string } | undefined {
  const m = /\b[a-z][a-z0-9+.-]*:\/\/([^:/?#@\s]*):([^@/?#\s]+)@[^\s/?#]+/i.exec(value);
  if (!m) return undefined;
  const password = m[2]!;
  if (!password || hasInterpolation(password) || /^\*+$/.test(password)) return undefined;
  return { user: decodeSafe(m[1]!), password: decodeSafe(password) };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Values under a secret-looking key that are not secrets: empty, switches, paths, URLs without
 * credentials, references to a secret store, and (except under a password key) plain numbers.
 */
export function isNonSecretValue(value: string, key = ''): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/^(true|false|yes|no|on|off|none|null|nil|disabled?|enabled?|required|optional)$/i.test(v)) return true;
  if (!isPasswordKey(key) && /^-?\d+(\.\d+)?[smhdkKMG]?$/.test(v)) return true;
  if (v.startsWith('/') || v.startsWith('./') || v.startsWith('~/') || v.startsWith('file:')) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(v) && !urlCredentials(v)) return true;
  // a reference resolved at run time by the application (vault:…, op://…, ${…} left for the app)
  if (/^(vault|op|aws-?sm|gcp-?sm|azure-?kv|env|secret|ref):/i.test(v)) return true;
  return false;
}

/** Well-known weak passwords (public knowledge: echoing them is fine). */
export const WEAK_PASSWORDS = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'p4ssw0rd', 'password1', 'password123', 'pass', 'passwd', 'pass123', 'pwd',
  'secret', 'admin', 'admin123', 'administrator', 'root', 'toor', 'changeme', 'changeit', 'change_me', 'change-me',
  'example', 'test', 'test123', 'testing', '1234', '12345', '123456', '1234567', '12345678', '123456789', 'qwerty',
  'letmein', 'guest', 'default', 'foobar', 'demo', 'user', 'postgres', 'mysql', 'mariadb', 'mongo', 'mongodb', 'redis',
  'rabbitmq', 'minioadmin', 'elastic', 'neo4j', 'sa', 'dev', 'development', 'mysecretpassword',
]);

/** Words that mark a value as a placeholder meant to be replaced. */
const PLACEHOLDER = /(change[-_ ]?me|change[-_ ]?it|change[-_ ]?this|replace[-_ ]?(me|this|with)|placeholder|insecure|not[-_ ]?secure|your[-_ ]|^<.*>$|^\[.*\]$|^x{3,}$|dummy|sample|todo|fixme|^my[-_]|^example[-_ ]|[-_ ]example$|^secret[-_]|[-_]secret$|^some[-_ ]|password|passwd|^pass[-_]|[-_]pass$|testpass)/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

export interface WeakCredential {
  /** what makes it weak, for the message (never the value unless `shown`) */
  reason: 'known-default' | 'weak' | 'same-as-user' | 'same-as-name' | 'placeholder' | 'no-auth';
  /** a public, well-known value that may be named in the message */
  shown?: string;
  /** the product or image the default belongs to */
  product?: string;
  /** for same-as-user: the key holding the user name */
  userKey?: string;
}

/** Image-specific defaults: key → default values (public knowledge), and how to name them. */
const KNOWN_DEFAULTS: { key: RegExp; values: string[]; product: string }[] = [
  { key: /^GF_SECURITY_ADMIN_PASSWORD$/, values: ['admin'], product: "Grafana's default password" },
  { key: /^RABBITMQ_DEFAULT_PASS$/, values: ['guest'], product: "RabbitMQ's default password" },
  { key: /^(MINIO_ROOT_PASSWORD|MINIO_SECRET_KEY)$/, values: ['minioadmin'], product: "MinIO's default password" },
  { key: /^(MONGO_INITDB_ROOT_PASSWORD|ME_CONFIG_MONGODB_ADMINPASSWORD|ME_CONFIG_BASICAUTH_PASSWORD)$/, values: ['example', 'pass'], product: "the MongoDB image documentation's example password" },
  { key: /^ELASTIC_PASSWORD$/, values: ['changeme'], product: "Elasticsearch's old default password" },
  { key: /^(PGADMIN_DEFAULT_PASSWORD)$/, values: ['admin', 'root', 'SuperSecret'], product: "pgAdmin's documented example password" },
  { key: /^(KEYCLOAK_ADMIN_PASSWORD|KC_BOOTSTRAP_ADMIN_PASSWORD|KEYCLOAK_PASSWORD)$/, values: ['admin'], product: "Keycloak's documented admin password" },
  { key: /^(VAULT_DEV_ROOT_TOKEN_ID|VAULT_TOKEN)$/, values: ['root', 'myroot', 'dev-only-token'], product: "Vault's documented dev root token" },
  { key: /^(SA_PASSWORD|MSSQL_SA_PASSWORD)$/, values: ['yourStrong(!)Password', 'YourStrong!Passw0rd', 'YourStrong@Passw0rd'], product: "SQL Server's documented example password" },
];

/** Settings that turn authentication off: key → values that do it. */
const NO_AUTH: { key: RegExp; test: (v: string) => boolean; what: string; bitnami?: boolean }[] = [
  { key: /^(MYSQL_ALLOW_EMPTY_PASSWORD|MARIADB_ALLOW_EMPTY_ROOT_PASSWORD|MARIADB_ALLOW_EMPTY_PASSWORD)$/, test: (v) => v.trim() !== '' && !/^(no|false|0)$/i.test(v.trim()), what: 'lets root log in with an empty password' },
  { key: /^POSTGRES_HOST_AUTH_METHOD$/, test: (v) => /^trust$/i.test(v.trim()), what: 'lets anyone who reaches PostgreSQL log in as any user without a password' },
  { key: /^ALLOW_EMPTY_PASSWORD$/, test: (v) => /^(yes|true|1)$/i.test(v.trim()), what: 'starts the service with no password', bitnami: true },
  { key: /^ALLOW_NONE_AUTHENTICATION$/, test: (v) => /^(yes|true|1)$/i.test(v.trim()), what: 'starts the service with authentication turned off', bitnami: true },
  { key: /^NEO4J_AUTH$/, test: (v) => /^none$/i.test(v.trim()), what: 'turns Neo4j authentication off' },
  { key: /^(REDIS_ALLOW_EMPTY_PASSWORD)$/, test: (v) => /^(yes|true|1)$/i.test(v.trim()), what: 'starts Redis with no password', bitnami: true },
];

/**
 * Does this setting turn authentication off? `image` is the service's image when known: the
 * Bitnami switches (`ALLOW_EMPTY_PASSWORD`, `ALLOW_NONE_AUTHENTICATION`) mean nothing to other images.
 */
export function noAuthSetting(key: string, value: string, image?: string): string | undefined {
  for (const n of NO_AUTH) {
    if (!n.key.test(key) || !n.test(value)) continue;
    if (n.bitnami && image !== undefined && !/bitnami/i.test(image)) continue;
    return n.what;
  }
  return undefined;
}

/** The user-name key that goes with a password key (`POSTGRES_PASSWORD` → `POSTGRES_USER`…). */
function userKeysFor(key: string): string[] {
  const m = /^(.*?)(PASSWORD|PASSWD|PASS|PWD|PW)(_.*)?$/i.exec(key);
  if (!m) return [];
  const pre = m[1]!;
  const out = ['USER', 'USERNAME', 'USER_NAME', 'LOGIN', 'NAME'].map((u) => `${pre}${u}`);
  if (/ROOT_$/i.test(pre)) out.push(...['USER', 'USERNAME'].map((u) => `${pre.replace(/ROOT_$/i, '')}${u}`));
  if (/DEFAULT_$/i.test(pre)) out.push(`${pre}USER`);
  return out;
}

/**
 * Is this key/value a weak or default credential? `env` is the rest of the service's (or env
 * file's) environment, to compare a password with its user name. `names` are the service and
 * image names.
 */
export function weakCredential(key: string, value: string, env: Record<string, string | null>, names: string[] = []): WeakCredential | undefined {
  const v = value.trim();
  if (!v) return undefined;
  for (const d of KNOWN_DEFAULTS) {
    if (d.key.test(key) && d.values.some((x) => x.toLowerCase() === v.toLowerCase())) return { reason: 'known-default', shown: v, product: d.product };
  }
  if (!isSecretKey(key) || isNonSecretValue(v, key)) return undefined;
  if (isPasswordKey(key) && WEAK_PASSWORDS.has(v.toLowerCase())) return { reason: 'weak', shown: v };
  if (isPasswordKey(key)) {
    for (const uk of userKeysFor(key)) {
      const u = env[uk];
      if (typeof u === 'string' && u.trim() && u.trim().toLowerCase() === v.toLowerCase()) return { reason: 'same-as-user', userKey: uk };
    }
    if (names.some((n) => n && n.toLowerCase() === v.toLowerCase())) return { reason: 'same-as-name' };
  }
  if (isPlaceholder(v)) return { reason: 'placeholder' };
  return undefined;
}

/** Weakness of the password inside a connection URL. */
export function weakUrlPassword(user: string, password: string, names: string[] = []): WeakCredential | undefined {
  const p = password.trim();
  if (WEAK_PASSWORDS.has(p.toLowerCase())) return { reason: 'weak', shown: p };
  if (user && user.toLowerCase() === p.toLowerCase()) return { reason: 'same-as-user' };
  if (names.some((n) => n && n.toLowerCase() === p.toLowerCase())) return { reason: 'same-as-name' };
  if (isPlaceholder(p)) return { reason: 'placeholder' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Users

/** `root`, `0`, `0:0`, `root:root`, `0:somegroup`… */
export function isRootUser(user: string): boolean {
  const u = user.trim().split(':')[0]!.trim();
  return u === 'root' || u === '0';
}

/** Simple globs (`*`, `?`) for `allowRoot` and similar lists. */
export function globMatch(name: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : escapeRe(ch))).join('')}$`);
  return re.test(name);
}

export function isAllowedRoot(repo: RepoModel, ref: ServiceRef): boolean {
  return repo.config.allowRoot.some((p) => globMatch(ref.name, p));
}

// ---------------------------------------------------------------------------------------------
// Dev vs production compose files

const DEV_WORD = /(^|[._-])(dev|devel|develop|development|local|test|tests|testing|e2e|ci|debug|sandbox|example|examples|sample|samples|demo|mock|playground)([._-]|$)/i;
const PROD_WORD = /(^|[._-])(prod|production|stack|deploy|deployment|release|live|swarm)([._-]|$)/i;
const OVERRIDE_WORD = /(^|[._-])override([._-]|$)/i;

function stemOf(file: string): string {
  return path.posix.basename(file).replace(/\.(ya?ml|env)$/i, '');
}

export type FileStage = 'dev' | 'prod' | 'neutral';

const TEST_WORD = /(^|[._-])(test|tests|testing|e2e|ci|it|cypress|playwright|spec|specs|fixture|fixtures)([._-]|$)/i;

/**
 * A compose or env file of a test suite or CI job (by its name or a folder: `test/`, `e2e/`,
 * `.github/`, `docker-compose.ci.yml`, `cypress/`…). Such stacks run briefly on throwaway
 * machines: their demo passwords, published ports and floating tags are not a deployment's.
 */
export function isTestFile(rel: string): boolean {
  const parts = rel.split('/').filter((d) => d && d !== '.');
  const file = parts.pop() ?? '';
  if (parts.some((d) => d === '.github' || d === '.gitlab' || d === '.circleci' || TEST_WORD.test(d))) return true;
  return TEST_WORD.test(stemOf(file));
}

/** How a file's own name (and folders) reads: dev, production, or neither. */
export function nameStage(rel: string): FileStage {
  const dirs = path.posix.dirname(rel).split('/').filter((d) => d && d !== '.');
  if (dirs.some((d) => DEV_WORD.test(d) || d === '.github')) return 'dev';
  const stem = stemOf(rel);
  if (DEV_WORD.test(stem)) return 'dev';
  if (PROD_WORD.test(stem)) return 'prod';
  if (OVERRIDE_WORD.test(stem)) return 'dev';
  return 'neutral';
}

/**
 * Does a compose file look like it runs in production? Only its name can say so (`prod`,
 * `production`, `stack`, `deploy`, `release`, `live`, `swarm`), and files named or placed like dev,
 * test, CI, example or override files never are. A plain `docker-compose.yml` is not judged even
 * when a `docker-compose.dev.yml` sits beside it: seed 000's main file is a dev stack next to a
 * "distributed workers" dev file, and its `--reload` is praised there.
 */
export function isProductionFile(rel: string): boolean {
  return nameStage(rel) === 'prod';
}

// ---------------------------------------------------------------------------------------------
// Ports

/** Split a short port spec at its top-level colons (`${X:-a}` and `[::1]` stay whole). */
export function splitPortSpec(spec: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let brace = 0;
  let bracket = 0;
  for (let i = 0; i < spec.length; i++) {
    const ch = spec[i]!;
    if (ch === '$' && spec[i + 1] === '{') {
      brace++;
      cur += '${';
      i++;
      continue;
    }
    if (ch === '}' && brace > 0) brace--;
    else if (ch === '[' && brace === 0) bracket++;
    else if (ch === ']' && brace === 0 && bracket > 0) bracket--;
    if (ch === ':' && brace === 0 && bracket === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}

/**
 * The short-syntax port spec bound to 127.0.0.1: `"5432:5432"` → `"127.0.0.1:5432:5432"`,
 * `"0.0.0.0:5432:5432"` → `"127.0.0.1:5432:5432"`, `"5432"` → `"127.0.0.1::5432"`,
 * `"${IP:-0.0.0.0}:5432:5432"` → `"${IP:-127.0.0.1}:5432:5432"`. Undefined when unsure.
 */
export function bindSpecToLoopback(spec: string): string | undefined {
  const parts = splitPortSpec(spec.trim());
  if (parts.length === 1) return `127.0.0.1::${parts[0]}`;
  if (parts.length === 2) return `127.0.0.1:${parts[0]}:${parts[1]}`;
  if (parts.length === 3) {
    const ip = parts[0]!;
    const d = defaultOf(ip);
    if (d) return `\${${d.name}${d.operator}127.0.0.1}:${parts[1]}:${parts[2]}`;
    if (hasInterpolation(ip)) return undefined;
    return `127.0.0.1:${parts[1]}:${parts[2]}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Image references

export interface ImageRef {
  /** registry and path, without tag or digest, `docker.io/` and `library/` removed */
  repo: string;
  tag?: string;
  digest?: string;
}

/** Split an image reference (`docker.io/library/python:3.12@sha256:…`), the repository normalized. */
export function parseImageRef(image: string): ImageRef {
  const { rest, tag, digest } = splitImageRef(image.trim());
  const out: ImageRef = { repo: rest.replace(/^(docker\.io\/|index\.docker\.io\/|registry-1\.docker\.io\/)?(library\/)?/i, '').toLowerCase() };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Where credentials are written: the sites secret-literal and default-credentials judge

export interface CredentialSite {
  key: string;
  /** the value compose uses (for an interpolated value: as resolved in this audit) */
  value: string;
  /** the text as written; undefined when the position could not be read back */
  raw?: string;
  /** the value is written literally (no variable in it) */
  literal: boolean;
  origin: Origin;
  where: 'environment' | 'build-arg' | 'env-file';
  /** the service (for compose sites and env files read through env_file: the first reader) */
  ref?: ServiceRef;
  /** for env files */
  envFile?: ScannedEnvFile;
  /** for env-file variables that interpolate compose values: the environment keys they feed */
  feeds?: string[];
  /** the other variables around it (to compare a password with its user name) */
  context: Record<string, string | null>;
  /** service and image names (a password equal to one of them is weak) */
  names: string[];
  /** written in a test or CI file (see isTestFile) */
  test: boolean;
}

/** The service name, its image's name and the words of that name (`unleashorg/unleash-server` → unleash-server, unleash, server). */
function namesOf(ref: ServiceRef): string[] {
  const out = [ref.name];
  if (typeof ref.svc.image === 'string' && ref.svc.image) {
    const last = parseImageRef(ref.svc.image).repo.split('/').pop();
    if (last) out.push(last, ...last.split(/[-_.]/).filter((w) => w.length >= 3));
  }
  return out;
}

const siteCache = new WeakMap<RepoModel, CredentialSite[]>();

/**
 * Every environment entry and build argument written in a compose file, and every entry of an env
 * file the repository commits (not a template, not gitignored), each once per place it is written.
 * Entries of gitignored compose files are left out: what is local is not shipped.
 */
export function credentialSites(repo: RepoModel): CredentialSite[] {
  const cached = siteCache.get(repo);
  if (cached) return cached;
  const out: CredentialSite[] = [];
  const seen = new Set<string>();
  const place = (o: Origin, key: string) => `${o.file}:${o.line}:${o.column}:${key}`;

  for (const ref of services(repo)) {
    const env = ref.svc.environment;
    const context: Record<string, string | null> = {};
    if (isMapping(env)) for (const [k, v] of Object.entries(env)) context[k] = v === null ? null : String(v);
    const groups: [Mapping | undefined, CredentialSite['where']][] = [
      [isMapping(env) ? env : undefined, 'environment'],
      [isMapping(ref.svc.build) && isMapping(ref.svc.build.args) ? ref.svc.build.args : undefined, 'build-arg'],
    ];
    for (const [map, where] of groups) {
      if (!map) continue;
      for (const [key, v] of Object.entries(map)) {
        if (v === null || typeof v === 'object') continue;
        const origin = originOf(map, key);
        if (!origin || !/\.ya?ml$/i.test(origin.file)) continue; // env-file values are judged in their file
        if (isGitIgnored(repo, origin.file)) continue;
        const id = place(origin, key);
        if (seen.has(id)) continue;
        seen.add(id);
        const raw = rawEnvValue(repo, key, origin);
        const site: CredentialSite = { key, value: String(v), literal: raw !== undefined && !hasInterpolation(raw), origin, where, ref, context, names: namesOf(ref), test: isTestFile(origin.file) };
        if (raw !== undefined) site.raw = raw;
        out.push(site);
      }
    }
  }

  const targets = variableTargets(repo);
  for (const f of envFilesOf(repo)) {
    if (f.template || isGitIgnored(repo, f.abs)) continue;
    const context: Record<string, string | null> = {};
    for (const e of f.entries) context[e.key] = e.value;
    const names = [...new Set(f.readBy.flatMap(namesOf))];
    const readers = f.readBy.map((r) => repo.rel(r.unit.files[0] ?? ''));
    const test = isTestFile(f.rel) || (readers.length > 0 && readers.every(isTestFile));
    for (const e of f.entries) {
      const id = place(e.origin, e.key);
      if (seen.has(id)) continue;
      seen.add(id);
      const site: CredentialSite = { key: e.key, value: e.value, literal: !e.interpolated, origin: e.origin, where: 'env-file', envFile: f, context, names, test };
      if (f.readBy[0]) site.ref = f.readBy[0];
      const feeds = f.interpolation || f.readBy.length === 0 ? (targets.get(e.key) ?? []).map((t) => t.key).filter((k) => k !== e.key) : [];
      if (feeds.length) site.feeds = [...new Set(feeds)];
      out.push(site);
    }
  }
  siteCache.set(repo, out);
  return out;
}

/** The key a site is judged as: its own, else the first secret-looking key it feeds. */
export function judgedKey(site: CredentialSite, test: (key: string) => boolean): string | undefined {
  if (test(site.key)) return site.key;
  return site.feeds?.find(test);
}
