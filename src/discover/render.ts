/**
 * Output of discovery: a text listing for people and a versioned JSON shape for tools.
 * Neither adds colour; the CLI does that.
 */
import type {
  ComposeFile,
  ComposeInvocation,
  DiscoveryWarning,
  DockerfileEntry,
  DockerignoreEntry,
  EnvFile,
  ProjectFiles,
  SkippedEntry,
  WrapperScript,
} from './types.js';

export const FILES_JSON_VERSION = 1 as const;

/**
 * The JSON form of {@link ProjectFiles} (`toFilesJson`). Stable: keys always come in the order
 * below, optional keys are left out when unset (never `null`, except inside `resolvedFiles`),
 * lists are sorted by path. A change to this shape bumps `version`.
 *
 * ```
 * { version: 1, root, truncated, stats: { entries, directories, filesRead },
 *   composeFiles:  [{ path, dir, kind, isDefault, overrides?, overriddenBy?, shadowedBy?, template, detectedBy, linkTarget? }],
 *   dockerfiles:   [{ path, dir, ignoreFile?, linkTarget? }],
 *   dockerignores: [{ path, dir, forDockerfile?, orphan?, linkTarget? }],
 *   envFiles:      [{ path, dir, template, templateSuffix?, composeSettings?, linkTarget? }],
 *   wrappers:      [{ path, dir, kind, invocations: [{ line, text, command, cli, via?, subcommand?,
 *                     files, resolvedFiles, profiles, projectName?, services, target?, cwd? }] }],
 *   warnings:      [{ code, path, message }],
 *   skipped:       [{ path, reason, detail? }] }
 * ```
 */
export interface FilesJson {
  version: typeof FILES_JSON_VERSION;
  root: string;
  truncated: boolean;
  stats: ProjectFiles['stats'];
  composeFiles: ComposeFile[];
  dockerfiles: DockerfileEntry[];
  dockerignores: DockerignoreEntry[];
  envFiles: EnvFile[];
  wrappers: WrapperScript[];
  warnings: DiscoveryWarning[];
  skipped: SkippedEntry[];
}

/** Copy `obj` with exactly `keys`, in that order, leaving out undefined values. */
function pick<T extends object>(obj: T, keys: readonly (keyof T)[]): T {
  const out = {} as T;
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

const COMPOSE_KEYS: (keyof ComposeFile)[] = ['path', 'dir', 'kind', 'isDefault', 'overrides', 'overriddenBy', 'shadowedBy', 'template', 'detectedBy', 'linkTarget'];
const INVOCATION_KEYS: (keyof ComposeInvocation)[] = [
  'line',
  'text',
  'command',
  'cli',
  'via',
  'subcommand',
  'files',
  'resolvedFiles',
  'profiles',
  'projectName',
  'services',
  'target',
  'cwd',
];

export function toFilesJson(pf: ProjectFiles): FilesJson {
  return {
    version: FILES_JSON_VERSION,
    root: pf.root,
    truncated: pf.truncated,
    stats: pick(pf.stats, ['entries', 'directories', 'filesRead']),
    composeFiles: pf.composeFiles.map((f) => pick(f, COMPOSE_KEYS)),
    dockerfiles: pf.dockerfiles.map((f) => pick(f, ['path', 'dir', 'ignoreFile', 'linkTarget'])),
    dockerignores: pf.dockerignores.map((f) => pick(f, ['path', 'dir', 'forDockerfile', 'orphan', 'linkTarget'])),
    envFiles: pf.envFiles.map((f) => {
      const e = pick(f, ['path', 'dir', 'template', 'templateSuffix', 'composeSettings', 'linkTarget']);
      if (e.composeSettings) e.composeSettings = pick(e.composeSettings, ['COMPOSE_FILE', 'COMPOSE_PATH_SEPARATOR', 'COMPOSE_PROFILES', 'COMPOSE_PROJECT_NAME']);
      return e;
    }),
    wrappers: pf.wrappers.map((w) => ({
      path: w.path,
      dir: w.dir,
      kind: w.kind,
      invocations: w.invocations.map((i) => {
        const o = pick(i, INVOCATION_KEYS);
        o.files = [...i.files];
        o.resolvedFiles = [...i.resolvedFiles];
        o.profiles = [...i.profiles];
        o.services = [...i.services];
        return o;
      }),
    })),
    warnings: pf.warnings.map((w) => pick(w, ['code', 'path', 'message'])),
    skipped: pf.skipped.map((s) => pick(s, ['path', 'reason', 'detail'])),
  };
}

// ---------------------------------------------------------------------------------------------
// Text

const MAX_COL = 44;

function table(rows: readonly [string, string][], indent = '  '): string[] {
  const width = Math.min(MAX_COL, Math.max(0, ...rows.map(([a]) => a.length)));
  return rows.map(([a, b]) => (b ? `${indent}${a.padEnd(width)}  ${b}` : `${indent}${a}`).trimEnd());
}

function section(out: string[], title: string, count: number, body: string[]): void {
  out.push('');
  if (count === 0) {
    out.push(`${title}: none`);
    return;
  }
  out.push(`${title} (${count})`);
  out.push(...body);
}

const linkNote = (t: string | undefined): string => (t === undefined ? '' : `link to ${t}`);
const join = (parts: readonly string[]): string => parts.filter(Boolean).join('; ');

function describeCompose(f: ComposeFile): string {
  const parts: string[] = [];
  if (f.kind === 'default') {
    parts.push(f.isDefault ? 'default file, used by `docker compose`' : f.shadowedBy ? `default name, not used: ${f.shadowedBy} comes first` : 'default name, not used here');
  } else if (f.kind === 'override') {
    parts.push(f.overrides ? `override of ${f.overrides}` : 'override without a base file');
    if (f.isDefault) parts.push('used by `docker compose`');
    if (f.shadowedBy) parts.push(`not used: ${f.shadowedBy} comes first`);
  } else {
    parts.push(f.isDefault ? 'standalone, used by `docker compose` (COMPOSE_FILE)' : 'standalone');
  }
  if (f.overriddenBy) parts.push(`overridden by ${f.overriddenBy}`);
  if (f.template) parts.push('template');
  if (f.detectedBy === 'content') parts.push('found by content');
  parts.push(linkNote(f.linkTarget));
  return join(parts);
}

function describeInvocation(i: ComposeInvocation): string[] {
  const head = `line ${i.line}${i.target !== undefined ? ` (${i.target})` : ''}: ${i.cwd !== undefined ? `(in ${i.cwd}) ` : ''}${i.command}`;
  const details: string[] = [];
  details.push(i.cli === 'v1' ? 'docker-compose (v1)' : i.cli === 'v2' ? 'docker compose (v2)' : 'compose through an unresolved variable');
  if (i.via !== undefined) details.push(`via ${i.via}`);
  if (i.files.length) {
    details.push(
      `files ${i.files.map((f, k) => (i.resolvedFiles[k] && i.resolvedFiles[k] !== f ? `${f} (${i.resolvedFiles[k]})` : i.resolvedFiles[k] ? f : `${f} (not found)`)).join(', ')}`,
    );
  }
  if (i.profiles.length) details.push(`profiles ${i.profiles.join(', ')}`);
  if (i.projectName !== undefined) details.push(`project ${i.projectName}`);
  if (i.services.length) details.push(`services ${i.services.join(', ')}`);
  return [`    ${head}`, `      ${details.join('; ')}`];
}

const SKIP_TEXT: Record<SkippedEntry['reason'], string> = {
  'default-skip': 'skipped by default',
  ignored: 'ignored',
  'symlink-loop': 'symbolic link loop, not followed',
  'symlink-duplicate': 'symbolic link to a directory already walked, not followed',
  'symlink-outside-root': 'symbolic link out of the project, not followed',
  'broken-symlink': 'broken symbolic link',
  unreadable: 'could not be read',
  'too-large': 'too large to read',
};

function skipDetail(s: SkippedEntry): string {
  if (s.detail === undefined) return '';
  return s.reason.includes('symlink') ? ` (-> ${s.detail})` : ` (${s.detail})`;
}

function listNames(paths: readonly string[], max = 8): string {
  const shown = paths.slice(0, max).join(', ');
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}

/** A human-readable listing, grouped by kind of file. Ends with a newline. */
export function renderFilesText(pf: ProjectFiles): string {
  const out: string[] = [`Project files in ${pf.root}${pf.truncated ? ' (incomplete: entry limit reached)' : ''}`];

  section(out, 'Compose files', pf.composeFiles.length, table(pf.composeFiles.map((f) => [f.path, describeCompose(f)])));

  section(
    out,
    'Dockerfiles',
    pf.dockerfiles.length,
    table(pf.dockerfiles.map((f) => [f.path, join([f.ignoreFile ? `ignore file ${f.ignoreFile}` : '', linkNote(f.linkTarget)])])),
  );

  section(
    out,
    '.dockerignore files',
    pf.dockerignores.length,
    table(
      pf.dockerignores.map((f) => [
        f.path,
        join([f.forDockerfile ? `for ${f.forDockerfile}${f.orphan ? ' (no such Dockerfile found)' : ''}` : '', linkNote(f.linkTarget)]),
      ]),
    ),
  );

  section(
    out,
    'Env files',
    pf.envFiles.length,
    table(
      pf.envFiles.map((f) => [
        f.path,
        join([
          f.template ? `template (${f.templateSuffix ?? ''})` : '',
          ...Object.entries(f.composeSettings ?? {}).map(([k, v]) => `${k}=${v}`),
          linkNote(f.linkTarget),
        ]),
      ]),
    ),
  );

  const wrapperLines: string[] = [];
  for (const w of pf.wrappers) {
    wrapperLines.push(`  ${w.path} (${w.kind}, ${w.invocations.length} compose call${w.invocations.length === 1 ? '' : 's'})`);
    for (const i of w.invocations) wrapperLines.push(...describeInvocation(i));
  }
  section(out, 'Wrapper scripts calling compose', pf.wrappers.length, wrapperLines);

  if (pf.warnings.length) section(out, 'Warnings', pf.warnings.length, pf.warnings.map((w) => `  ${w.message}`));

  if (pf.skipped.length) {
    const lines: string[] = [];
    for (const reason of ['default-skip', 'ignored'] as const) {
      const paths = pf.skipped.filter((s) => s.reason === reason).map((s) => s.path);
      if (paths.length) lines.push(`  ${SKIP_TEXT[reason]}: ${listNames(paths)}`);
    }
    lines.push(
      ...table(
        pf.skipped
          .filter((s) => s.reason !== 'default-skip' && s.reason !== 'ignored')
          .map((s) => [s.path, `${SKIP_TEXT[s.reason]}${skipDetail(s)}`]),
      ),
    );
    section(out, 'Skipped', pf.skipped.length, lines);
  }

  return out.join('\n') + '\n';
}
