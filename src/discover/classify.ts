/**
 * What a file is, from its name (and for YAML, a look at its top-level keys), and how compose
 * files pair up within a directory.
 *
 * Decisions:
 * - Compose by name: a `.yml`/`.yaml` file whose stem has the word `compose` delimited by the start,
 *   the end or one of `.`, `-`, `_`: `compose.yaml`, `docker-compose.dev.yml`, `docker-compose-ci.yml`,
 *   `compose_test.yml`, `app.compose.yaml`, `podman-compose.yml`, `dashboard-compose.yaml`
 *   (not `composer.yml`). Such a file is dropped, with a `not-compose-content` warning, only when its
 *   content clearly is something else (a GitHub workflow named `docker-compose.yml`, a list, a
 *   Kubernetes manifest, `services:` given as a list as in CI configs, or no compose key at all).
 * - Compose by content: any other YAML file whose first document has a top-level `services:`
 *   mapping (or `include:` list) and only top-level keys compose knows (`version`, `name`,
 *   `services`, `networks`, `volumes`, `configs`, `secrets`, `include`, `models`, `x-*`). This finds
 *   `stack.yml`, `full-stack.yml`, test fixtures and the like.
 * - `<compose name>.yml.example|.sample|.template|.dist|.tmpl|.tpl` and names with such a word
 *   (`docker-compose.example.yml`) are compose files with `template: true`; they are never defaults
 *   and never the override compose picks.
 * - Env files: `.env`, `.env.<anything>` (not `.envrc`, and not `.env.<code extension>` such as
 *   `.env.ts`), `<name>.env`, and `env.<template word>` / `<name>.env.<template word>`
 *   (`env.sample`, `db.env.example`). A plain file named `env` is not taken.
 * - Dockerfiles: `Dockerfile`, `dockerfile`, `Dockerfile.<x>`, `<x>.Dockerfile`, `<x>.dockerfile`
 *   (not `<x>.dockerignore`, `.md`, `.txt`).
 */
import path from 'node:path';
import type { ComposeEnvSettings, ComposeFile, DiscoveryWarning } from './types.js';

/** compose's default file names, in the order it tries them */
export const DEFAULT_COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;
/** compose's default override names, in the order it tries them */
export const DEFAULT_OVERRIDE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
] as const;

export const TEMPLATE_WORDS: ReadonlySet<string> = new Set(['example', 'sample', 'template', 'dist', 'tmpl', 'tpl']);

export type NameCategory = 'compose' | 'yaml' | 'dockerfile' | 'dockerignore' | 'env' | 'make' | 'shell';

const YAML_RE = /\.ya?ml$/i;
const COMPOSE_TEMPLATE_EXT_RE = /\.ya?ml\.(example|sample|template|dist|tmpl|tpl)$/i;
const COMPOSE_WORD_RE = /(?:^|[._-])compose(?:[._-]|$)/i;
const ENV_CODE_EXT = new Set(['js', 'cjs', 'mjs', 'ts', 'cts', 'mts', 'jsx', 'tsx', 'py', 'rb', 'go', 'sh', 'json', 'yml', 'yaml', 'toml', 'md']);

/** Category of a file from its name alone, or null when discovery has no use for it. */
export function categorizeName(name: string): NameCategory | null {
  if (YAML_RE.test(name)) {
    return COMPOSE_WORD_RE.test(name.replace(YAML_RE, '')) ? 'compose' : 'yaml';
  }
  if (COMPOSE_TEMPLATE_EXT_RE.test(name)) {
    return COMPOSE_WORD_RE.test(name.replace(COMPOSE_TEMPLATE_EXT_RE, '')) ? 'compose' : null;
  }
  if (name === '.dockerignore' || name.endsWith('.dockerignore')) return 'dockerignore';
  if (isDockerfileName(name)) return 'dockerfile';
  if (isEnvName(name)) return 'env';
  if (name === 'Makefile' || name === 'makefile' || name === 'GNUmakefile' || name.endsWith('.mk')) return 'make';
  if (name.endsWith('.sh') || name.endsWith('.bash')) return 'shell';
  return null;
}

export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower === 'dockerfile') return true;
  if (lower.endsWith('.dockerignore') || lower.endsWith('.md') || lower.endsWith('.txt')) return false;
  if (lower.startsWith('dockerfile.') && lower.length > 'dockerfile.'.length) return true;
  return lower.endsWith('.dockerfile') && lower.length > '.dockerfile'.length;
}

export function isEnvName(name: string): boolean {
  if (name === '.env') return true;
  if (name.startsWith('.env.')) {
    const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
    return name.length > 5 && !ENV_CODE_EXT.has(ext);
  }
  if (name.endsWith('.env') && name.length > 4) return true;
  const m = /^(?:.+\.)?env\.([^.]+)$/.exec(name);
  return m !== null && TEMPLATE_WORDS.has(m[1]!.toLowerCase());
}

/** The template word making an env file an example (`.env.example` -> `example`), if any. */
export function envTemplateSuffix(name: string): string | undefined {
  const parts = name.split('.').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!.toLowerCase();
    if (TEMPLATE_WORDS.has(p)) return p;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// YAML content sniffing

export interface YamlSniff {
  /** top-level keys of the first document, in order */
  keys: string[];
  /** the document is a sequence rather than a mapping */
  topLevelList: boolean;
  servicesMapping: boolean;
  servicesList: boolean;
  includeList: boolean;
}

const COMPOSE_TOP_KEYS = new Set(['version', 'name', 'services', 'networks', 'volumes', 'configs', 'secrets', 'include', 'models']);
/** top-level keys of other well-known YAML formats */
const FOREIGN_TOP_KEYS = new Set([
  'apiVersion',
  'kind',
  'jobs',
  'on',
  'stages',
  'steps',
  'pipeline',
  'pipelines',
  'workflows',
  'runs',
  'before_script',
  'script',
  'language',
  'AWSTemplateFormatVersion',
  'Resources',
]);

const TOP_KEY_RE = /^(?:"([^"]*)"|'([^']*)'|([^\s#'"{}[\]?&*!|>%@`][^:#]*?))\s*:(?:[ \t]+(.*))?$/;

/** Look at the top-level keys of a YAML text (first document only; no full parse). */
export function sniffYaml(text: string): YamlSniff {
  const res: YamlSniff = { keys: [], topLevelList: false, servicesMapping: false, servicesList: false, includeList: false };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let pending: 'services' | 'include' | null = null;
  let seenContent = false;
  for (const line of lines) {
    if (line === '' || /^\s*(#|$)/.test(line)) continue;
    if (line.startsWith('---')) {
      if (seenContent) break;
      continue;
    }
    if (line.startsWith('...')) break;
    if (line.startsWith('%')) continue; // directive
    const indented = line[0] === ' ' || line[0] === '\t';
    const isItem = /^\s*-(\s|$)/.test(line);
    if (pending) {
      if (isItem) markList(res, pending);
      else if (indented) markMap(res, pending);
      pending = null;
      if (indented || isItem) continue;
    }
    if (indented) continue;
    if (isItem) {
      if (!seenContent) res.topLevelList = true;
      seenContent = true;
      continue;
    }
    seenContent = true;
    const m = TOP_KEY_RE.exec(line);
    if (!m) continue;
    const key = m[1] ?? m[2] ?? m[3] ?? '';
    res.keys.push(key);
    if (key !== 'services' && key !== 'include') continue;
    // strip anchors / tags / comments before looking at an inline value
    const value = (m[4] ?? '')
      .replace(/^(?:[&!][^\s]*\s*)+/, '')
      .replace(/(^|\s)#.*$/, '')
      .trim();
    if (value === '') pending = key;
    else if (value.startsWith('{')) markMap(res, key);
    else if (value.startsWith('[')) markList(res, key);
  }
  return res;
}

function markList(res: YamlSniff, key: 'services' | 'include'): void {
  if (key === 'services') res.servicesList = true;
  else res.includeList = true;
}

function markMap(res: YamlSniff, key: 'services' | 'include'): void {
  if (key === 'services') res.servicesMapping = true;
}

function isComposeKey(k: string): boolean {
  return COMPOSE_TOP_KEYS.has(k) || k.startsWith('x-');
}

/** For a file not named like compose: does its content make it one? */
export function looksLikeCompose(s: YamlSniff): boolean {
  if (s.topLevelList || s.servicesList) return false;
  if (!s.servicesMapping && !s.includeList) return false;
  return s.keys.every(isComposeKey);
}

/** For a file named like compose: the reason its content rules it out, or null when it may be one. */
export function notComposeReason(s: YamlSniff): string | null {
  if (s.topLevelList) return 'its content is a YAML list, not a mapping';
  if (s.servicesList) return '`services` is a list (as in CI configuration), not a mapping';
  if (s.servicesMapping) return null;
  const foreign = s.keys.filter((k) => FOREIGN_TOP_KEYS.has(k));
  if (foreign.length > 0) {
    const what = s.keys.includes('jobs') && s.keys.includes('on') ? 'a GitHub Actions workflow' : s.keys.includes('apiVersion') ? 'a Kubernetes manifest' : 'another format';
    return `it looks like ${what} (top-level ${foreign.map((k) => `\`${k}\``).join(', ')})`;
  }
  if (s.keys.length > 0 && !s.keys.some(isComposeKey)) {
    return `it has no top-level compose key (found ${s.keys.slice(0, 4).map((k) => `\`${k}\``).join(', ')})`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// .env COMPOSE_* settings

const COMPOSE_ENV_KEYS = ['COMPOSE_FILE', 'COMPOSE_PATH_SEPARATOR', 'COMPOSE_PROFILES', 'COMPOSE_PROJECT_NAME'] as const;

/** The COMPOSE_* variables set in a dotenv text (other values are not kept). */
export function parseComposeEnv(text: string): ComposeEnvSettings | undefined {
  let out: ComposeEnvSettings | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?(COMPOSE_[A-Z_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1] as (typeof COMPOSE_ENV_KEYS)[number];
    if (!(COMPOSE_ENV_KEYS as readonly string[]).includes(key)) continue;
    (out ??= {})[key] = dotenvValue(m[2]!);
  }
  return out;
}

function dotenvValue(raw: string): string {
  const v = raw.trim();
  const q = v[0];
  if (q === '"' || q === "'") {
    const end = v.indexOf(q, 1);
    if (end > 0) return v.slice(1, end);
  }
  return v.replace(/\s+#.*$/, '').trim();
}

// ---------------------------------------------------------------------------------------------
// Compose file roles

export interface ComposeCandidate {
  path: string;
  dir: string;
  name: string;
  detectedBy: 'name' | 'content';
  linkTarget?: string;
}

interface NameParts {
  /** file name without the `.yml`/`.yaml` (and template) extension */
  stem: string;
  ext: string;
  template: boolean;
}

function nameParts(name: string): NameParts {
  let template = false;
  let base = name;
  const t = /^(.*\.ya?ml)\.([^.]+)$/i.exec(name);
  if (t && TEMPLATE_WORDS.has(t[2]!.toLowerCase())) {
    template = true;
    base = t[1]!;
  }
  const m = /^(.*)\.(ya?ml)$/i.exec(base);
  const stem = m ? m[1]! : base;
  const ext = m ? m[2]! : '';
  if (stem.split('.').some((p) => TEMPLATE_WORDS.has(p.toLowerCase()))) template = true;
  return { stem, ext, template };
}

const joinDir = (dir: string, name: string): string => (dir === '.' ? name : `${dir}/${name}`);

/**
 * Give each compose file its kind, default status and override pairing.
 * `composeFileEnv` maps a directory to the COMPOSE_FILE settings of its `.env`.
 */
export function assignComposeRoles(
  candidates: readonly ComposeCandidate[],
  composeEnv: ReadonlyMap<string, { envPath: string; settings: ComposeEnvSettings }>,
): { files: ComposeFile[]; warnings: DiscoveryWarning[] } {
  const warnings: DiscoveryWarning[] = [];
  const byDir = new Map<string, Map<string, ComposeFile>>();
  const files: ComposeFile[] = [];
  for (const c of candidates) {
    const { template } = nameParts(c.name);
    const f: ComposeFile = {
      path: c.path,
      dir: c.dir,
      kind: 'standalone',
      isDefault: false,
      template,
      detectedBy: c.detectedBy,
    };
    if (c.linkTarget !== undefined) f.linkTarget = c.linkTarget;
    files.push(f);
    let m = byDir.get(c.dir);
    if (!m) byDir.set(c.dir, (m = new Map()));
    m.set(c.name, f);
  }
  const allPaths = new Map(files.map((f) => [f.path, f]));

  for (const [dir, inDir] of byDir) {
    // compose's own discovery
    const defaults = DEFAULT_COMPOSE_NAMES.map((n) => inDir.get(n)).filter((f): f is ComposeFile => f !== undefined);
    const overrides = DEFAULT_OVERRIDE_NAMES.map((n) => inDir.get(n)).filter((f): f is ComposeFile => f !== undefined);
    for (const f of defaults) f.kind = 'default';
    for (const f of overrides) f.kind = 'override';
    const base = defaults[0];
    const over = overrides[0];
    if (base) {
      base.isDefault = true;
      for (const f of defaults.slice(1)) f.shadowedBy = base.path;
      if (defaults.length > 1) {
        warnings.push({
          code: 'multiple-default-files',
          path: dir,
          message: `found multiple config files with supported names: ${defaults.map((f) => f.path).join(', ')}; docker compose uses ${base.path}`,
        });
      }
      if (over) {
        over.isDefault = true;
        over.overrides = base.path;
        base.overriddenBy = over.path;
        for (const f of overrides.slice(1)) f.shadowedBy = over.path;
        if (overrides.length > 1) {
          warnings.push({
            code: 'multiple-override-files',
            path: dir,
            message: `found multiple override files with supported names: ${overrides.map((f) => f.path).join(', ')}; docker compose uses ${over.path}`,
          });
        }
      }
    } else {
      for (const o of overrides) {
        warnings.push({
          code: 'override-without-base',
          path: o.path,
          message: `${o.path} has no compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml beside it, so docker compose never loads it on its own`,
        });
      }
    }

    // variant overrides: <stem>.override[.<qualifier>...].<ext> layered on <stem>.<ext>
    for (const [name, f] of inDir) {
      if ((DEFAULT_OVERRIDE_NAMES as readonly string[]).includes(name)) continue;
      const { stem, ext } = nameParts(name);
      const parts = stem.split('.');
      const at = parts.lastIndexOf('override');
      if (at < 1) continue;
      f.kind = 'override';
      const baseStem = parts.slice(0, at).join('.');
      const qualifiers = parts.slice(at + 1);
      const exts = ext.toLowerCase() === 'yaml' ? ['yaml', 'yml'] : ['yml', 'yaml'];
      const baseFile = exts.map((e) => inDir.get(`${baseStem}.${e}`)).find((x) => x !== undefined);
      if (baseFile) {
        f.overrides = baseFile.path;
        if (qualifiers.length === 0 && !f.template && baseFile.overriddenBy === undefined && !baseFile.isDefault) {
          baseFile.overriddenBy = f.path;
        }
      } else {
        // compose will not pair it; point at a same-named base higher up when there is one
        let hint = '';
        for (let d = dir; d !== '.'; ) {
          d = path.posix.dirname(d);
          const cand = exts.map((e) => allPaths.get(joinDir(d, `${baseStem}.${e}`))).find((x) => x !== undefined);
          if (cand) {
            hint = ` (${cand.path} has that name; it is probably meant to be used as \`-f ${cand.path} -f ${f.path}\`)`;
            break;
          }
        }
        warnings.push({
          code: 'override-without-base',
          path: f.path,
          message: `${f.path} looks like an override of ${joinDir(dir, `${baseStem}.${exts[0]}`)}, which is not in the same directory${hint}`,
        });
      }
    }
  }

  // COMPOSE_FILE in a directory's .env replaces name-based discovery there
  const withComposeFile = [...composeEnv].filter(([, e]) => (e.settings.COMPOSE_FILE ?? '').trim() !== '');
  for (const [dir] of withComposeFile) {
    const inDir = byDir.get(dir);
    if (inDir) for (const f of inDir.values()) f.isDefault = false;
  }
  for (const [dir, { envPath, settings }] of withComposeFile) {
    const sep = settings.COMPOSE_PATH_SEPARATOR || ':';
    for (const entry of (settings.COMPOSE_FILE ?? '').split(sep)) {
      const p = entry.trim();
      if (!p) continue;
      if (p.includes('$') || path.posix.isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p)) continue;
      const rel = path.posix.normalize(joinDir(dir, p.replace(/\\/g, '/')));
      const f = allPaths.get(rel);
      if (f) {
        f.isDefault = true;
      } else {
        warnings.push({
          code: 'compose-file-env-missing',
          path: envPath,
          message: `COMPOSE_FILE in ${envPath} names ${p}, which is not among the discovered compose files`,
        });
      }
    }
  }

  return { files, warnings };
}
