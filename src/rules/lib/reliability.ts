/**
 * Shared knowledge of the reliability rules: what a one-shot job is, whether a service has a
 * health check (compose, Dockerfile, or an image known to ship one), which tools an image has,
 * Dockerfile stage chains, Go durations, test/dev file flavours, and the raw text of a file.
 */
import path from 'node:path';
import { parseDockerfile, type DockerInstruction, type DockerfileInfo, type Stage } from '../../audit/dockerfile.js';
import type { ComposeUnit, RepoModel } from '../../audit/types.js';
import type { Origin } from '../../load/origin.js';
import type { Mapping, Value } from '../../load/types.js';
import { knownImage } from '../images.js';
import { definedElsewhere } from './correctness.js';
import { at, buildOf, commandText, isMapping, serviceOrigin, type BuildInfo, type ServiceRef } from '../util.js';

// ---------------------------------------------------------------------------------------------
// One-shot jobs

/** Names of services that run once and exit by design (migrations, init containers, seeders…). */
const ONE_SHOT_NAME =
  /(^|[-_.])(migrat(e|es|ion|ions|or)?|db-?migrate|init|initdb|init-?db|seed|seeder|seeding|setup|bootstrap|create-?buckets?|provision(er|ing)?|prepare|cert-?gen|keygen|fixtures?|populate|upgrade|test|tests|e2e|cypress|build|builder|generate|generator|installer|install|fix-?perms?|fix-?permissions?|chown)([-_.0-9]|$)/i;

/** `word` as a whole word of a command: not part of an option such as `--bootstrap-server`. */
const w = (s: string) => `(?<![\\w./-])(?:${s})(?![\\w-])`;

/** A command that fixes ownership or modes of a volume (the usual job of a root one-shot before the real service starts). */
const PERMISSION_FIX = new RegExp(w('chown|chmod|setfacl'));

/** Commands of one-shot jobs. */
const ONE_SHOT_COMMAND = new RegExp(
  [
    w('migrate|migrations?'),
    'db:migrate',
    'alembic\\s+upgrade',
    w('flyway|liquibase'),
    'prisma\\s+(migrate|db\\s+push)',
    'knex\\s+migrate',
    'manage\\.py\\s+(migrate|collectstatic|loaddata|createsuperuser)',
    w('seed'),
    'db:seed',
    w('setup|bootstrap|createbuckets'),
    '\\bmc\\s+(mb|alias|config|policy|anonymous|admin)\\b',
    '\\b(npm|yarn|pnpm)\\s+(run\\s+)?(build|test|lint)\\b',
    w('pytest'),
    '\\bgo\\s+test\\b',
    '\\bexit\\s+0\\s*$',
  ].join('|'),
  'i',
);

/** Commands that keep serving after an initial migrate/setup step (`migrate && exec gunicorn …`). */
const SERVER_COMMAND = new RegExp(
  [
    w('runserver|gunicorn|uvicorn|hypercorn|daphne|waitress-serve|puma|unicorn|passenger|nginx|httpd|apache2-foreground|php-fpm|supervisord'),
    '\\b(npm|yarn|pnpm)\\s+(run\\s+)?(start|dev|serve)\\b',
    '\\bnode\\s+\\S+',
    '\\bjava\\s',
    '\\brails\\s+(s|server)\\b',
    '\\bcelery\\b.*\\b(worker|beat)\\b',
    '\\bexec\\s+\\S+',
    '\\btail\\s+-f\\b',
    '\\bsleep\\s+(infinity|inf)\\b',
    '\\bserve\\b',
  ].join('|'),
  'i',
);

/** Services others wait for with `condition: service_completed_successfully` (one project). */
const gatedCache = new WeakMap<object, Set<string>>();

export function completionGated(project: ServiceRef['project']): Set<string> {
  const cached = gatedCache.get(project);
  if (cached) return cached;
  const out = new Set<string>();
  gatedCache.set(project, out);
  for (const svc of Object.values({ ...project.services, ...project.disabledServices })) {
    const deps = svc.depends_on;
    if (!isMapping(deps)) continue;
    for (const [name, d] of Object.entries(deps)) if (isMapping(d) && d.condition === 'service_completed_successfully') out.add(name);
  }
  return out;
}

/** The restart policy as Compose sees it: `restart`, else `deploy.restart_policy.condition`. */
export function restartPolicy(svc: Mapping): string | undefined {
  if (typeof svc.restart === 'string') return svc.restart;
  const deploy = svc.deploy;
  if (isMapping(deploy) && isMapping(deploy.restart_policy)) {
    const c = deploy.restart_policy.condition;
    if (typeof c === 'string') return c === 'none' ? 'no' : c === 'any' ? 'always' : c;
    return 'always';
  }
  return undefined;
}

/**
 * A one-shot job exits by design: others gate on its `service_completed_successfully`, or it
 * never restarts on its own (`restart` absent, "no" or on-failure) and its name or command says
 * migrate/init/seed/setup/bootstrap/createbuckets/fix-permissions/…, or its command only fixes
 * ownership (`chown`/`chmod`) and starts no server.
 */
export function isOneShot(ref: ServiceRef): boolean {
  if (completionGated(ref.project).has(ref.name)) return true;
  const restart = restartPolicy(ref.svc);
  if (restart !== undefined && restart !== 'no' && !restart.startsWith('on-failure')) return false;
  if (ONE_SHOT_NAME.test(ref.name)) return true;
  if (typeof ref.svc.container_name === 'string' && ONE_SHOT_NAME.test(ref.svc.container_name)) return true;
  const cmd = `${commandText(ref.svc.entrypoint)} ${commandText(ref.svc.command)}`.trim();
  if (!cmd || SERVER_COMMAND.test(cmd)) return false;
  // a script that only fixes ownership of a volume (`chown -R 1001 /data`) and serves nothing
  if (PERMISSION_FIX.test(cmd)) return true;
  // `migrate && serve`: what runs last is what the container is for
  const segments = cmd.split(/&&|\|\||;|\n/).map((x) => x.trim()).filter(Boolean);
  return ONE_SHOT_COMMAND.test(segments[segments.length - 1] ?? cmd);
}

export function isLongRunning(ref: ServiceRef): boolean {
  return !isOneShot(ref);
}

// ---------------------------------------------------------------------------------------------
// Files: flavour (test/dev/main) and raw text

const TEST_TOKENS = new Set(['test', 'tests', 'testing', 'e2e', 'ci', 'cypress', 'playwright', 'integration', 'github', 'gitlab']);
const DEV_TOKENS = new Set(['dev', 'develop', 'development', 'local', 'debug', 'devcontainer']);

/** What a compose file is for, from its path relative to the audited root. */
export function fileFlavor(rel: string): 'test' | 'dev' | 'main' {
  const tokens = rel.toLowerCase().split(/[/\\._-]+/).filter(Boolean);
  if (tokens.some((t) => TEST_TOKENS.has(t))) return 'test';
  if (tokens.some((t) => DEV_TOKENS.has(t))) return 'dev';
  return 'main';
}

/** The flavour of the file a service is defined in. */
export function serviceFlavor(ref: ServiceRef): 'test' | 'dev' | 'main' {
  const o = serviceOrigin(ref);
  return fileFlavor(o?.file ?? ref.unit.label);
}

/** The raw (uninterpolated) top-level mapping of a file given relative to the root. */
export function rawFile(repo: RepoModel, rel: string, unit?: ComposeUnit): Mapping | undefined {
  const units = unit ? [unit, ...repo.units] : repo.units;
  for (const u of units) {
    for (const [abs, raw] of u.raw) if (raw && repo.rel(abs) === rel) return raw;
  }
  return undefined;
}

/** The raw mapping of service `name` in file `rel`. */
export function rawService(repo: RepoModel, rel: string, name: string, unit?: ComposeUnit): Mapping | undefined {
  const raw = rawFile(repo, rel, unit);
  const svcs = raw?.services;
  if (!isMapping(svcs)) return undefined;
  const s = svcs[name];
  return isMapping(s) ? s : undefined;
}

/** The file a service is defined in (relative), when its raw mapping is there under the same name. */
export function serviceFile(repo: RepoModel, ref: ServiceRef): string | undefined {
  const o = serviceOrigin(ref);
  if (!o) return undefined;
  return rawService(repo, o.file, ref.name, ref.unit) ? o.file : undefined;
}

// ---------------------------------------------------------------------------------------------
// Durations

/** Parse a Go duration ("1m30s", "500ms", "10s") to milliseconds; undefined if not one. */
export function parseDuration(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v / 1e6 : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]!]!;
    consumed = re.lastIndex;
  }
  return consumed === s.length && consumed > 0 ? total : undefined;
}

export function formatMs(ms: number): string {
  if (ms >= 60000 && ms % 60000 === 0) return `${ms / 60000}m`;
  if (ms >= 60000) return `${Math.floor(ms / 60000)}m${Math.round((ms % 60000) / 1000)}s`;
  if (ms >= 1000) return `${Math.round(ms / 100) / 10}s`;
  return `${ms}ms`;
}

/** Docker's health check defaults (a value of 0 means "inherit/default"). */
export const HEALTH_DEFAULTS = { interval: 30000, timeout: 30000, startPeriod: 0, retries: 3 };

// ---------------------------------------------------------------------------------------------
// Dockerfile stage chains

/** The stages a build's final stage is built FROM, root first (the final stage last). */
export function stageChain(info: DockerfileInfo, final: Stage): Stage[] {
  const chain: Stage[] = [final];
  let cur = final;
  for (let guard = 0; guard < 64; guard++) {
    const img = cur.image.toLowerCase();
    const parent = info.stages.find((s) => s.index < cur.index && s.name !== undefined && s.name.toLowerCase() === img);
    if (!parent) break;
    chain.unshift(parent);
    cur = parent;
  }
  return chain;
}

export interface BuildView {
  build: BuildInfo;
  info: DockerfileInfo;
  final: Stage;
  chain: Stage[];
  /** the external image the chain starts FROM (as written; may hold ${ARG}s) */
  base: string;
  instructions: DockerInstruction[];
}

/** A service's build with its parsed Dockerfile (dockerfile_inline included), or undefined when it cannot be read. */
export function buildView(repo: RepoModel, ref: ServiceRef): BuildView | undefined {
  const build = buildOf(repo, ref);
  if (!build) return undefined;
  let info = build.info;
  if (!info && build.inline && isMapping(ref.svc.build) && typeof ref.svc.build.dockerfile_inline === 'string') {
    try {
      info = parseDockerfile(ref.svc.build.dockerfile_inline, at(ref, 'build', 'dockerfile_inline')?.file ?? 'dockerfile_inline');
    } catch {
      info = undefined;
    }
  }
  if (!info || !info.stages.length) return undefined;
  let final = info.final;
  if (build.target) final = info.stages.find((s) => s.name?.toLowerCase() === build.target!.toLowerCase()) ?? final;
  if (!final) return undefined;
  const chain = stageChain(info, final);
  return { build, info, final, chain, base: chain[0]!.image, instructions: chain.flatMap((s) => s.instructions) };
}

/** The last instruction `keyword` in the chain. */
export function lastInstruction(view: BuildView, keyword: string): DockerInstruction | undefined {
  const all = view.instructions.filter((i) => i.keyword === keyword);
  return all[all.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Images: tools, shells, health checks

export interface ImageRef {
  full: string;
  /** repository without registry docker.io / library/ prefixes, lower-case */
  repo: string;
  tag: string;
}

export function parseImageRef(image: string): ImageRef | undefined {
  const s = image.trim();
  if (!s || s.includes('$')) return undefined;
  let rest = s.split('@')[0]!;
  let tag = '';
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const repo = rest.toLowerCase().replace(/^(docker\.io\/|index\.docker\.io\/)/, '').replace(/^library\//, '');
  return { full: s, repo, tag: tag.toLowerCase() };
}

export interface ToolFacts {
  curl?: boolean;
  wget?: boolean;
  /** /bin/sh exists (false for scratch and distroless) */
  shell?: boolean;
  /** how the image was judged, for messages */
  label: string;
}

const ALPINE_TAG = /(^|[-.])alpine/;
const SLIM_TAG = /(^|[-.])slim/;
/** official language images whose full (buildpack-deps) variants ship curl and wget and whose -alpine/-slim variants do not ship curl */
const LANGUAGE_IMAGES = /^(node|python|golang|ruby|rust|buildpack-deps|pypy)$/;

/**
 * What a well-known image ships. Only facts checked against the images' Dockerfiles; anything
 * else is unknown (undefined) and never reported on. Deliberately not `knownImage().tools`:
 * that table marks nginx (which installs curl in both its Debian and Alpine images) and the
 * Alpine-based proxies (busybox wget) as having neither tool.
 */
export function imageTools(image: string): ToolFacts | undefined {
  const r = parseImageRef(image);
  if (!r) return undefined;
  const label = r.full;
  const alpineTag = ALPINE_TAG.test(r.tag);
  if (r.repo === 'scratch') return { curl: false, wget: false, shell: false, label };
  if (/^gcr\.io\/distroless\//.test(r.repo)) {
    // :debug variants carry a busybox shell (with wget)
    if (/(^|-)debug/.test(r.tag)) return { curl: false, wget: true, shell: true, label };
    return { curl: false, wget: false, shell: false, label };
  }
  if (r.repo === 'alpine' || r.repo === 'busybox') return { curl: false, wget: true, shell: true, label };
  if (r.repo === 'debian' || r.repo === 'ubuntu') return { curl: false, wget: false, shell: true, label };
  if (/^(nginx|nginxinc\/nginx-unprivileged)$/.test(r.repo)) return { curl: true, shell: true, ...(alpineTag ? { wget: true } : {}), label };
  if (LANGUAGE_IMAGES.test(r.repo)) {
    if (alpineTag) return { curl: false, wget: true, shell: true, label };
    if (SLIM_TAG.test(r.tag)) return r.repo === 'node' || r.repo === 'python' ? { curl: false, wget: false, shell: true, label } : undefined;
    return { curl: true, wget: true, shell: true, label };
  }
  if (r.repo === 'postgres' || r.repo === 'redis' || r.repo === 'valkey/valkey') {
    if (alpineTag) return { curl: false, wget: true, shell: true, label };
    return { curl: false, wget: false, shell: true, label };
  }
  // Prometheus and its exporters are built on quay.io/prometheus/busybox
  if (/^(prom|quay\.io\/prometheus)\/(prometheus|alertmanager|node-exporter|pushgateway|blackbox-exporter)$/.test(r.repo)) return { curl: false, wget: true, shell: true, label };
  // Alpine-based proxies: busybox wget, no curl
  if (r.repo === 'traefik' || r.repo === 'caddy') return { curl: false, wget: true, shell: true, label };
  return undefined;
}

const INSTALLS = /\b(apt-get|apt|apk|yum|dnf|microdnf|zypper|tdnf|pacman)\b[^;&|]*?\b(install|add|-S)\b([^;&|]*)/g;

/** The tools in a built image: the chain's base image, plus anything a RUN in the chain installs or uses. */
export function buildTools(view: BuildView): ToolFacts | undefined {
  const base = imageTools(view.base);
  const label = `built FROM ${view.base} in ${view.info.path}`;
  const found: ToolFacts = base ? { ...base, label } : { label };
  for (const ins of view.instructions) {
    if (ins.keyword === 'RUN') {
      const text = ins.args;
      for (const m of text.matchAll(INSTALLS)) {
        const pkgs = m[3] ?? '';
        if (/(^|\s)curl(\s|=|$)/.test(pkgs)) found.curl = true;
        if (/(^|\s)wget(\s|=|$)/.test(pkgs)) found.wget = true;
        if (/(^|\s)busybox(\s|=|$)/.test(pkgs)) found.wget = true;
      }
      // a RUN that calls curl or wget proves it is there (at least in that stage)
      for (const t of toolsCalled(text)) found[t] = true;
      if (/\bbusybox\b.*--install/.test(text)) found.wget = true;
    } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      if (/\bcurl\b/.test(ins.args)) found.curl = true;
      if (/\bwget\b/.test(ins.args)) found.wget = true;
    }
  }
  if (!base && found.curl === undefined && found.wget === undefined) return undefined;
  return found;
}

/** curl/wget invoked as a command in a shell string (not mentioned as an argument). */
export function toolsCalled(shell: string): ('curl' | 'wget')[] {
  const out = new Set<'curl' | 'wget'>();
  const re = /(?:^|[;&|(`!{]|\$\(|\b(?:if|then|else|elif|do|while|until|exec|command|time|timeout\s+\S+|nice|sudo)\b)\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:\S*\/)?(curl|wget)(?=\s|$|;|&|\|)/g;
  for (const m of shell.matchAll(re)) out.add(m[1] as 'curl' | 'wget');
  return [...out];
}

/** Pulled images known to ship a Dockerfile HEALTHCHECK (few do). */
const IMAGES_WITH_HEALTHCHECK = /^(localstack\/localstack(-pro)?|pihole\/pihole|vaultwarden\/server|jellyfin\/jellyfin|louislam\/uptime-kuma|syncthing\/syncthing|gcr\.io\/cadvisor\/cadvisor|google\/cadvisor)$/;

export function imageShipsHealthcheck(image: string): boolean {
  const r = parseImageRef(image);
  return !!r && IMAGES_WITH_HEALTHCHECK.test(r.repo);
}

export interface HealthcheckTest {
  mode: 'exec' | 'shell' | 'none';
  argv: string[];
  shell?: string;
}

/** A compose `healthcheck.test` (string or list), or a Dockerfile HEALTHCHECK's arguments. */
export function parseComposeTest(test: Value | undefined): HealthcheckTest | undefined {
  if (typeof test === 'string') return test.trim() ? { mode: 'shell', argv: [], shell: test } : undefined;
  if (!Array.isArray(test) || !test.length) return undefined;
  const [kind, ...rest] = test.map((x) => String(x));
  if (kind === 'NONE') return { mode: 'none', argv: [] };
  if (kind === 'CMD') return { mode: 'exec', argv: rest };
  if (kind === 'CMD-SHELL') return { mode: 'shell', argv: [], shell: rest.join(' ') };
  return undefined;
}

export interface DockerHealthcheck {
  test?: HealthcheckTest;
  flags: Record<string, string>;
}

/** `HEALTHCHECK [--flag=v…] CMD …` / `HEALTHCHECK NONE` (flags the parser already split off are passed in). */
export function parseDockerHealthcheck(args: string, parsedFlags: Record<string, string> = {}): DockerHealthcheck {
  const flags: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsedFlags)) flags[k.toLowerCase()] = v;
  let rest = args.trim();
  for (;;) {
    const m = /^--([a-z-]+)=(\S+)\s*/i.exec(rest);
    if (!m) break;
    flags[m[1]!.toLowerCase()] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  if (/^NONE\b/i.test(rest)) return { test: { mode: 'none', argv: [] }, flags };
  const cmd = /^CMD\s+([\s\S]*)$/i.exec(rest);
  if (!cmd) return { flags };
  const body = cmd[1]!.trim();
  if (body.startsWith('[')) {
    try {
      const v = JSON.parse(body) as unknown;
      if (Array.isArray(v)) return { test: { mode: 'exec', argv: v.map(String) }, flags };
    } catch {
      /* shell form after all */
    }
  }
  return { test: { mode: 'shell', argv: [], shell: body }, flags };
}

/** The HEALTHCHECK the final stage ends up with (the last one in its chain), with its flags. */
export function dockerHealthcheck(view: BuildView): { check: DockerHealthcheck; line: number; column: number } | undefined {
  const ins = lastInstruction(view, 'HEALTHCHECK');
  if (!ins) return undefined;
  return { check: parseDockerHealthcheck(ins.args, ins.flags), line: ins.line, column: ins.column };
}

export type HealthSource =
  | { kind: 'compose'; origin?: Origin; test: HealthcheckTest }
  | { kind: 'dockerfile'; view: BuildView; line: number; column: number; check: DockerHealthcheck }
  | { kind: 'image' }
  | { kind: 'disabled'; origin?: Origin }
  /** known to have none: compose has none and the Dockerfile (or a well-known image) has none */
  | { kind: 'none' }
  /** compose has none and the image is not known: it may ship one */
  | { kind: 'unknown-image' }
  /** a build whose Dockerfile cannot be read */
  | { kind: 'unknown' };

/** Where a service's health check comes from, if anywhere. */
export function healthOf(repo: RepoModel, ref: ServiceRef): HealthSource {
  const hc = ref.svc.healthcheck;
  if (isMapping(hc)) {
    if (hc.disable === true) return { kind: 'disabled', origin: at(ref, 'healthcheck', 'disable') };
    const t = parseComposeTest(hc.test);
    if (t?.mode === 'none') return { kind: 'disabled', origin: at(ref, 'healthcheck', 'test') };
    if (t) return { kind: 'compose', origin: at(ref, 'healthcheck', 'test'), test: t };
  }
  if (ref.svc.build !== undefined) {
    const view = buildView(repo, ref);
    if (!view) return { kind: 'unknown' };
    const last = dockerHealthcheck(view);
    if (last) {
      if (last.check.test?.mode === 'none') return { kind: 'none' };
      if (last.check.test) return { kind: 'dockerfile', view, ...last };
    }
    if (imageShipsHealthcheck(view.base)) return { kind: 'image' };
    return /\$/.test(view.base) ? { kind: 'unknown' } : { kind: 'none' };
  }
  const image = typeof ref.svc.image === 'string' ? ref.svc.image : '';
  if (!image) return { kind: 'unknown' };
  if (imageShipsHealthcheck(image)) return { kind: 'image' };
  if (knownImage(ref) || imageTools(image)) return { kind: 'none' };
  return { kind: 'unknown-image' };
}

export function hasHealthcheck(h: HealthSource): boolean {
  return h.kind === 'compose' || h.kind === 'dockerfile' || h.kind === 'image';
}

// ---------------------------------------------------------------------------------------------
// Slow starters

const JVM_IMAGE = /(^|\/)(openjdk|eclipse-temurin|amazoncorretto|ibmjava|ibm-semeru-runtimes|adoptopenjdk|sapmachine|azul\/zulu-openjdk\S*|tomcat|jetty|wildfly|jboss\/\S+|keycloak\/keycloak|quay\.io\/keycloak\/keycloak|sonarqube|jenkins\/jenkins|kestra\/kestra|confluentinc\/\S+|apache\/(kafka|flink|spark|zookeeper|cassandra)\S*|bitnami\/(kafka|zookeeper|cassandra|elasticsearch|spark))$/;

/** Why a service is slow to start (for the start_period check), or undefined. */
export function slowStarter(repo: RepoModel, ref: ServiceRef): { why: string; budgetMs: number } | undefined {
  const known = knownImage(ref);
  // a cold start (first init included): PostgreSQL ~5-15s, MySQL/MariaDB and MongoDB 20-40s, JVM services 30-60s+
  if (known?.slowStart) return { why: known.purpose, budgetMs: /PostgreSQL/.test(known.purpose) ? 15000 : known.kind === 'database' && !/SQL Server|Cassandra|ClickHouse/.test(known.purpose) ? 40000 : 60000 };
  const image = typeof ref.svc.image === 'string' ? parseImageRef(ref.svc.image) : undefined;
  if (image && JVM_IMAGE.test(image.repo)) return { why: 'a JVM service', budgetMs: 60000 };
  if (ref.svc.build !== undefined) {
    const view = buildView(repo, ref);
    const base = view ? parseImageRef(view.base) : undefined;
    if (base && JVM_IMAGE.test(base.repo)) return { why: 'a JVM service', budgetMs: 60000 };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Misc

/** The service's volume mounts in canonical form. */
export function mounts(ref: ServiceRef): { index: number; type: string; source?: string; target: string; m: Mapping }[] {
  const vols = ref.svc.volumes;
  if (!Array.isArray(vols)) return [];
  const out: { index: number; type: string; source?: string; target: string; m: Mapping }[] = [];
  vols.forEach((v, index) => {
    if (!isMapping(v) || typeof v.target !== 'string') return;
    const e: { index: number; type: string; source?: string; target: string; m: Mapping } = { index, type: typeof v.type === 'string' ? v.type : 'volume', target: v.target, m: v };
    if (typeof v.source === 'string') e.source = v.source;
    out.push(e);
  });
  return out;
}

/** `tmpfs:` entries as a list of strings with their index (-1 for the single-string form). */
export function tmpfsEntries(ref: ServiceRef): { index: number; value: string }[] {
  const t = ref.svc.tmpfs;
  if (typeof t === 'string') return [{ index: -1, value: t }];
  if (Array.isArray(t)) return t.flatMap((v, index) => (typeof v === 'string' ? [{ index, value: v }] : []));
  return [];
}

/** Posix path a is b or contains b. */
export function pathCovers(a: string, b: string): boolean {
  const x = path.posix.normalize(a).replace(/(.)\/$/, '$1');
  const y = path.posix.normalize(b).replace(/(.)\/$/, '$1');
  return x === y || x === '/' || y.startsWith(`${x}/`);
}

/** Backtick-quote a value for messages. */
export function q(s: string): string {
  return `\`${s}\``;
}

/** A file meant for `docker stack deploy` (Swarm restarts tasks by default, ignores depends_on): named stack.yml / docker-stack.yml, or using Swarm-only deploy keys. */
const swarmKeysCache = new WeakMap<object, boolean>();

export function isSwarmStack(ref: ServiceRef): boolean {
  const file = serviceOrigin(ref)?.file ?? ref.unit.label;
  if (/(^|\/)(docker-)?stack\.ya?ml$/i.test(file)) return true;
  let swarmKeys = swarmKeysCache.get(ref.project);
  if (swarmKeys === undefined) {
    swarmKeys = Object.values({ ...ref.project.services, ...ref.project.disabledServices }).some((s) => {
      const d = s.deploy;
      return isMapping(d) && (d.placement !== undefined || d.mode === 'global' || d.update_config !== undefined || d.rollback_config !== undefined);
    });
    swarmKeysCache.set(ref.project, swarmKeys);
  }
  return swarmKeys;
}

const TOLERANT_KINDS = ['metrics', 'dashboards', 'proxy', 'admin-ui', 'tracing', 'logging'];

/** Names that say "reverse proxy" and nothing else (not `kafka-rest-proxy`, `proxy-api`). */
const PROXY_NAME = /^(nginx|proxy|reverse[-_]?proxy|(nginx|web|http|https|edge)[-_]proxy|traefik|caddy|haproxy|envoy)$/i;

/**
 * Clients that cope with a dependency that is not ready yet: scrapers, dashboards, reverse proxies,
 * admin UIs and exporters retry or connect lazily, so ordering them after "started" is enough.
 */
export function isTolerantClient(ref: ServiceRef, repo?: RepoModel): boolean {
  const k = knownImage(ref);
  if (k && TOLERANT_KINDS.includes(k.kind)) return true;
  const image = typeof ref.svc.image === 'string' ? ref.svc.image.toLowerCase() : '';
  if (/exporter/.test(image) || /(^|[-_])exporter([-_]|$)/.test(ref.name.toLowerCase())) return true;
  // a reverse proxy built here (`proxy: {build: ./proxy}` on top of nginx): by its Dockerfile's base
  // image when it can be read, else by a name that says nothing but proxy
  if (!k && repo && ref.svc.build !== undefined) {
    const view = buildView(repo, ref);
    if (view) {
      const base = knownImage({ ...ref, svc: { ...ref.svc, image: view.base } });
      return !!base && TOLERANT_KINDS.includes(base.kind);
    }
    const b = ref.svc.build;
    const context = isMapping(b) && typeof b.context === 'string' ? path.posix.basename(b.context.replace(/\\/g, '/').replace(/\/+$/, '')) : '';
    return PROXY_NAME.test(ref.name) || PROXY_NAME.test(context);
  }
  return false;
}

/**
 * A service of an overlay fragment (`docker compose -f base.yml -f this.yml`): it has neither
 * `image` nor `build` here and another compose file of the repository defines it in full. Judged
 * alone it lacks everything the base gives it (restart policy, logging, limits), so per-service
 * rules judge it in the base file instead.
 */
export function isOverlayService(repo: RepoModel, ref: ServiceRef): boolean {
  const svc = ref.svc;
  if (svc.image || svc.build || svc.provider) return false;
  return definedElsewhere(repo, ref.unit, 'services', ref.name, (v) => isMapping(v) && (!!v.image || !!v.build));
}
