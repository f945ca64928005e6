/**
 * Types for project discovery: what Docker-related files a repository holds and how they fit together.
 *
 * Every path in these types is relative to the discovery root and uses `/` separators; a file in
 * the root itself has no directory part (`compose.yaml`), and the root directory is written `.`.
 * Every list is sorted by path (then line, for compose invocations).
 */

export interface DiscoverOptions {
  /**
   * Most directory entries (files, directories, links) to look at before stopping; default 200 000.
   * When the cap is reached the walk stops and `truncated` is true.
   */
  maxFiles?: number;
  /**
   * Glob patterns to leave out, matched against root-relative `/` paths. A pattern without `/`
   * matches a name at any depth (`*.bak`, `fixtures`); one with `/` matches the whole path from
   * the root (`test/data/**`, `/examples`); a trailing `/` matches directories only. `*` and `?`
   * stay inside one path segment, `**` spans segments, `[abc]` is a character class, and a leading
   * `!` is not supported (such patterns are ignored). An ignored directory is not entered.
   */
  ignore?: string[];
  /**
   * Look inside `.yml`/`.yaml` files whose names do not say "compose" for a top-level
   * `services:` mapping (default true). Turn off to discover by file name only.
   */
  sniffContent?: boolean;
}

/** How a compose file takes part in `docker compose` runs in its directory. */
export type ComposeKind = 'default' | 'override' | 'standalone';

export interface ComposeFile {
  path: string;
  /** directory holding the file, `.` for the root */
  dir: string;
  /**
   * - `default`: one of compose's default names (`compose.yaml`, `compose.yml`, `docker-compose.yml`,
   *   `docker-compose.yaml`), whether or not it is the one compose picks (see `isDefault`);
   * - `override`: `<base>.override.yml|yaml` - the default override names, and variants such as
   *   `docker-compose.dev.override.yml` (a convention: compose loads those only with `-f`);
   * - `standalone`: every other compose file (`docker-compose.prod.yml`, `stack.yml`, ...).
   */
  kind: ComposeKind;
  /**
   * True for the files `docker compose` loads with no `-f` when run in `dir`: the first default
   * name present and the first default override name present (only when a default exists), or,
   * when the directory's `.env` sets COMPOSE_FILE, the files listed there.
   */
  isDefault: boolean;
  /** for overrides: the base file this one is layered on (same directory) */
  overrides?: string;
  /** for bases: the override layered on this one (the one compose picks, or `<stem>.override.yml`) */
  overriddenBy?: string;
  /** a default-named file that compose skips because an earlier name exists (the one it takes) */
  shadowedBy?: string;
  /** named as an example to copy (`.example`, `.sample`, `.template`, `.dist`, `.tmpl`, `.tpl`) */
  template: boolean;
  /** `name`: the file name says compose; `content`: a YAML file with a top-level `services:` mapping */
  detectedBy: 'name' | 'content';
  /** set when the file is a symbolic link (root-relative target) */
  linkTarget?: string;
}

export interface DockerfileEntry {
  path: string;
  dir: string;
  /** `<Dockerfile>.dockerignore` beside it, which BuildKit uses instead of the context's `.dockerignore` */
  ignoreFile?: string;
  linkTarget?: string;
}

export interface DockerignoreEntry {
  path: string;
  dir: string;
  /** for `<name>.dockerignore`: the Dockerfile it belongs to (may not exist - see `orphan`) */
  forDockerfile?: string;
  /** a `<name>.dockerignore` whose Dockerfile is not in the same directory */
  orphan?: boolean;
  linkTarget?: string;
}

/** COMPOSE_* settings found in a directory's `.env`, which `docker compose` reads there. */
export interface ComposeEnvSettings {
  COMPOSE_FILE?: string;
  COMPOSE_PATH_SEPARATOR?: string;
  COMPOSE_PROFILES?: string;
  COMPOSE_PROJECT_NAME?: string;
}

export interface EnvFile {
  path: string;
  dir: string;
  /** an example to copy rather than a live file (`.env.example`, `env.sample`, `db.env.dist`, ...) */
  template: boolean;
  /** which template suffix made it one */
  templateSuffix?: string;
  /** only for files named exactly `.env`: the COMPOSE_* variables set there (values only for these keys) */
  composeSettings?: ComposeEnvSettings;
  linkTarget?: string;
}

/** One `docker compose` / `docker-compose` call found in a wrapper script. */
export interface ComposeInvocation {
  /** 1-based line where the (possibly continued) command starts */
  line: number;
  /** the command line as written, continuation lines joined with single spaces */
  text: string;
  /**
   * the compose command itself, after variable substitution: from `docker`/`docker-compose` to the
   * end of that command (without redirections), words re-quoted when they hold spaces
   */
  command: string;
  /** `v1`: the `docker-compose` binary; `v2`: `docker compose`; `unknown`: an unresolved variable named like compose */
  cli: 'v1' | 'v2' | 'unknown';
  /** the variable reference the command came through, e.g. `$(COMPOSE)` */
  via?: string;
  /** first word after the global options (`up`, `logs`, ...) when it is a plain word */
  subcommand?: string;
  /** `-f` / `--file` values as written (after substitution), in order; includes COMPOSE_FILE=... prefixes */
  files: string[];
  /** for each of `files`: the discovered compose file it names (relative to the script's directory, else the root), or null */
  resolvedFiles: (string | null)[];
  profiles: string[];
  /** `-p` / `--project-name` */
  projectName?: string;
  /** services named after the subcommand, plain words only */
  services: string[];
  /** for Makefiles: the rule whose recipe holds the command */
  target?: string;
  /** set when a `cd <dir>` earlier on the same line changes where the command runs (relative to the script's directory) */
  cwd?: string;
}

export interface WrapperScript {
  path: string;
  dir: string;
  kind: 'make' | 'shell';
  invocations: ComposeInvocation[];
}

export type SkipReason =
  | 'default-skip'
  | 'ignored'
  | 'symlink-loop'
  | 'symlink-duplicate'
  | 'symlink-outside-root'
  | 'broken-symlink'
  | 'unreadable'
  | 'too-large';

export interface SkippedEntry {
  path: string;
  reason: SkipReason;
  /** extra detail: the link target, the error code, ... */
  detail?: string;
}

export interface DiscoveryWarning {
  /** stable identifier, e.g. `multiple-default-files` */
  code:
    | 'multiple-default-files'
    | 'multiple-override-files'
    | 'override-without-base'
    | 'not-compose-content'
    | 'compose-file-env-missing'
    | 'truncated';
  message: string;
  /** the file or directory the warning is about */
  path: string;
}

export interface ProjectFiles {
  /** absolute path of the discovery root, as given (resolved) */
  root: string;
  composeFiles: ComposeFile[];
  dockerfiles: DockerfileEntry[];
  dockerignores: DockerignoreEntry[];
  envFiles: EnvFile[];
  /** Makefiles and shell scripts that call compose (scripts without compose calls are not listed) */
  wrappers: WrapperScript[];
  warnings: DiscoveryWarning[];
  skipped: SkippedEntry[];
  /** true when `maxFiles` stopped the walk early */
  truncated: boolean;
  stats: {
    /** directory entries looked at */
    entries: number;
    /** directories read */
    directories: number;
    /** files read for content (YAML sniffing, `.env`, wrapper scripts) */
    filesRead: number;
  };
}
