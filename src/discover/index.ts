/**
 * Project discovery: walk a repository and map its Docker Compose files (with their override
 * pairing), Dockerfiles, `.dockerignore` files, env files and the Makefiles / shell scripts that
 * call compose. See `README.md` in this folder for the decisions and the JSON shape.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_COMPOSE_NAMES,
  DEFAULT_OVERRIDE_NAMES,
  assignComposeRoles,
  categorizeName,
  envTemplateSuffix,
  looksLikeCompose,
  notComposeReason,
  parseComposeEnv,
  sniffYaml,
  type ComposeCandidate,
} from './classify.js';
import type {
  ComposeEnvSettings,
  ComposeInvocation,
  DiscoverOptions,
  DiscoveryWarning,
  DockerfileEntry,
  DockerignoreEntry,
  EnvFile,
  ProjectFiles,
  SkippedEntry,
  WrapperScript,
} from './types.js';
import { errCode, walk, type WalkedFile } from './walk.js';
import { scanWrapper, wrapperKind } from './wrappers.js';

export type * from './types.js';
export { renderFilesText, toFilesJson, FILES_JSON_VERSION, type FilesJson } from './render.js';
export { DEFAULT_SKIP_DIRS, DEFAULT_MAX_ENTRIES } from './walk.js';
export { DEFAULT_COMPOSE_NAMES, DEFAULT_OVERRIDE_NAMES } from './classify.js';

/** bytes read from a YAML or `.env` file to classify it */
const HEAD_BYTES = 64 * 1024;
/** wrapper scripts larger than this are not read */
const MAX_SCRIPT_BYTES = 2 * 1024 * 1024;

const byPath = <T extends { path: string }>(a: T, b: T): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

const shared = Buffer.allocUnsafe(HEAD_BYTES);

/** Read up to `max` bytes of a file; `size` is its full size when it is longer than HEAD_BYTES. */
function readText(abs: string, max: number): { text: string; size: number } {
  const fd = fs.openSync(abs, 'r');
  try {
    // most files fit the shared buffer: no fstat, one read
    const n = fs.readSync(fd, shared, 0, HEAD_BYTES, 0);
    if (n < HEAD_BYTES || max <= HEAD_BYTES) return { text: shared.toString('utf8', 0, Math.min(n, max)), size: n };
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(Math.min(size, max));
    let off = 0;
    while (off < buf.length) {
      const r = fs.readSync(fd, buf, off, buf.length - off, off);
      if (r === 0) break;
      off += r;
    }
    return { text: buf.toString('utf8', 0, off), size };
  } finally {
    fs.closeSync(fd);
  }
}

/** Walk `root` and describe the Docker-related files in it. */
export async function discoverProject(root: string, opts: DiscoverOptions = {}): Promise<ProjectFiles> {
  const absRoot = path.resolve(root);
  const st = await fs.promises.stat(absRoot);
  if (!st.isDirectory()) throw new Error(`not a directory: ${absRoot}`);
  const sniff = opts.sniffContent !== false;

  const walked = walk(absRoot, {
    maxEntries: opts.maxFiles,
    ignore: opts.ignore,
    keep: (name) => {
      const c = categorizeName(name);
      return c !== null && (c !== 'yaml' || sniff);
    },
  });

  const skipped: SkippedEntry[] = [...walked.skipped];
  const warnings: DiscoveryWarning[] = [];
  const candidates: ComposeCandidate[] = [];
  const dockerfileFiles: WalkedFile[] = [];
  const ignoreFiles: WalkedFile[] = [];
  const envFiles: EnvFile[] = [];
  const composeEnv = new Map<string, { envPath: string; settings: ComposeEnvSettings }>();
  const scripts: { file: WalkedFile; kind: 'make' | 'shell'; invocations: Omit<ComposeInvocation, 'resolvedFiles'>[] }[] = [];
  let filesRead = 0;

  /** the file's text (its first `max` bytes, or nothing when `whole` and it is longer) */
  const read = (f: WalkedFile, max: number, whole = false): string | undefined => {
    try {
      filesRead++;
      const { text, size } = readText(f.abs, max);
      if (whole && size > max) {
        skipped.push({ path: f.path, reason: 'too-large', detail: `${size} bytes` });
        return undefined;
      }
      return text;
    } catch (err) {
      skipped.push({ path: f.path, reason: 'unreadable', detail: errCode(err) });
      return undefined;
    }
  };
  const candidate = (f: WalkedFile, detectedBy: 'name' | 'content'): ComposeCandidate => {
    const c: ComposeCandidate = { path: f.path, dir: f.dir, name: f.name, detectedBy };
    if (f.linkTarget !== undefined) c.linkTarget = f.linkTarget;
    return c;
  };

  for (const f of walked.files) {
    const cat = categorizeName(f.name);
    switch (cat) {
      case 'compose': {
        // a name docker compose picks by itself is a compose file unless it is plainly another format
        // (a workflow called docker-compose.yml): a broken one is for the audit to report
        const standard = (DEFAULT_COMPOSE_NAMES as readonly string[]).includes(f.name) || (DEFAULT_OVERRIDE_NAMES as readonly string[]).includes(f.name);
        const text = read(f, HEAD_BYTES);
        const sniffed = text === undefined ? null : notComposeReason(sniffYaml(text));
        const reason = standard && sniffed && !sniffed.startsWith('it looks like') ? null : sniffed;
        if (reason) {
          warnings.push({ code: 'not-compose-content', path: f.path, message: `${f.path} is named like a compose file but is left out: ${reason}` });
        } else {
          candidates.push(candidate(f, 'name'));
        }
        break;
      }
      case 'yaml': {
        const text = read(f, HEAD_BYTES);
        if (text !== undefined && /^services\s*:|^include\s*:/m.test(text) && looksLikeCompose(sniffYaml(text))) {
          candidates.push(candidate(f, 'content'));
        }
        break;
      }
      case 'dockerfile':
        dockerfileFiles.push(f);
        break;
      case 'dockerignore':
        ignoreFiles.push(f);
        break;
      case 'env': {
        const suffix = envTemplateSuffix(f.name);
        const e: EnvFile = { path: f.path, dir: f.dir, template: suffix !== undefined };
        if (suffix !== undefined) e.templateSuffix = suffix;
        if (f.name === '.env') {
          const text = read(f, HEAD_BYTES);
          const settings = text === undefined ? undefined : parseComposeEnv(text);
          if (settings) {
            e.composeSettings = settings;
            composeEnv.set(f.dir, { envPath: f.path, settings });
          }
        }
        if (f.linkTarget !== undefined) e.linkTarget = f.linkTarget;
        envFiles.push(e);
        break;
      }
      case 'make':
      case 'shell': {
        const kind = wrapperKind(f.name);
        if (!kind) break;
        const text = read(f, MAX_SCRIPT_BYTES, true);
        if (text === undefined) break;
        const invocations = scanWrapper(text, kind);
        if (invocations.length > 0) scripts.push({ file: f, kind, invocations });
        break;
      }
      default:
        break;
    }
  }

  const roles = assignComposeRoles(candidates, composeEnv);
  warnings.push(...roles.warnings);
  const composeFiles = roles.files.sort(byPath);
  const composePaths = new Set(composeFiles.map((f) => f.path));

  const dockerfilePaths = new Set(dockerfileFiles.map((f) => f.path));
  const ignorePaths = new Set(ignoreFiles.map((f) => f.path));
  const dockerfiles: DockerfileEntry[] = dockerfileFiles
    .map((f) => {
      const d: DockerfileEntry = { path: f.path, dir: f.dir };
      if (ignorePaths.has(`${f.path}.dockerignore`)) d.ignoreFile = `${f.path}.dockerignore`;
      if (f.linkTarget !== undefined) d.linkTarget = f.linkTarget;
      return d;
    })
    .sort(byPath);
  const dockerignores: DockerignoreEntry[] = ignoreFiles
    .map((f) => {
      const d: DockerignoreEntry = { path: f.path, dir: f.dir };
      if (f.name !== '.dockerignore') {
        d.forDockerfile = f.path.slice(0, -'.dockerignore'.length);
        if (!dockerfilePaths.has(d.forDockerfile)) d.orphan = true;
      }
      if (f.linkTarget !== undefined) d.linkTarget = f.linkTarget;
      return d;
    })
    .sort(byPath);

  const wrappers: WrapperScript[] = scripts
    .map(({ file, kind, invocations }) => ({
      path: file.path,
      dir: file.dir,
      kind,
      invocations: invocations.map((inv) => withResolved(inv, file.dir, composePaths)),
    }))
    .sort(byPath);

  if (walked.truncated) {
    warnings.push({
      code: 'truncated',
      path: '.',
      message: `stopped after ${walked.entries} directory entries (maxFiles); the lists are incomplete`,
    });
  }
  warnings.sort((a, b) => byPath(a, b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  skipped.sort(byPath);

  return {
    root: absRoot,
    composeFiles,
    dockerfiles,
    dockerignores,
    envFiles: envFiles.sort(byPath),
    wrappers,
    warnings,
    skipped,
    truncated: walked.truncated,
    stats: { entries: walked.entries, directories: walked.directories, filesRead },
  };
}

function withResolved(inv: Omit<ComposeInvocation, 'resolvedFiles'>, dir: string, composePaths: ReadonlySet<string>): ComposeInvocation {
  const out = {} as ComposeInvocation;
  for (const [k, v] of Object.entries(inv)) {
    (out as unknown as Record<string, unknown>)[k] = v;
    if (k === 'files') {
      const from = inv.cwd === undefined ? dir : path.posix.normalize(path.posix.join(dir, inv.cwd));
      out.resolvedFiles = inv.files.map((f) => resolveComposeRef(f, from, composePaths));
    }
  }
  return out;
}

/** Which discovered compose file a `-f` argument names, trying the script's directory, then the root. */
export function resolveComposeRef(arg: string, dir: string, composePaths: ReadonlySet<string>): string | null {
  // a leading directory variable ($(CURDIR)/, ${PWD}/, "$(dirname "$0")"/ ...) is taken as "here"
  let a = arg.replace(/\\/g, '/').replace(/^(?:\$\([^()]*(?:\([^()]*\)[^()]*)*\)|\$\{[^}]*\}|\$[A-Za-z_]\w*|`[^`]*`)\//, '');
  if (a.includes('$') || a.includes('`') || path.posix.isAbsolute(a) || a === '') return null;
  if (a.startsWith('./')) a = a.slice(2);
  for (const base of dir === '.' || dir === '..' || dir.startsWith('../') ? ['.'] : [dir, '.']) {
    const p = path.posix.normalize(base === '.' ? a : `${base}/${a}`);
    if (!p.startsWith('../') && composePaths.has(p)) return p;
  }
  return null;
}
