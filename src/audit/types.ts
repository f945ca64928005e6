/**
 * The rule API, modelled on ESLint's rule modules: a rule is data (`meta`) plus a `check` that
 * reads the repository model and reports findings through its context. Rules never print and
 * never write files; a fix is data (edits) that `shipshape fix` applies.
 */
import type { ProjectFiles } from '../discover/types.js';
import type { LoadError } from '../load/errors.js';
import type { Origin } from '../load/origin.js';
import type { LoadedProject } from '../load/project.js';
import type { Mapping } from '../load/types.js';
import type { AuditConfig } from './config.js';
import type { DockerfileInfo } from './dockerfile.js';
import type { IgnoreInfo } from './dockerignore.js';

export type Category = 'correctness' | 'security' | 'reliability' | 'maintainability' | 'build';
export type Severity = 'error' | 'warning' | 'info';
/** P1 must fix before first run, P2 security, P3 reliability, P4 configuration, P5 nice to have */
export type Priority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
export type Effort = 'trivial' | 'low' | 'medium' | 'high';

export interface RuleDocs {
  /** what the rule finds, one or two sentences */
  what: string;
  /** why it matters */
  why: string;
  /** a failing example (YAML, Dockerfile, …) */
  bad: string;
  /** the same, fixed */
  good: string;
  /** how to fix it, in words */
  fix: string;
  /** language of the examples for fenced code blocks (default yaml) */
  lang?: string;
}

export interface RuleMeta {
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  priority: Priority;
  effort: Effort;
  /** one paragraph: why a serious stack cares */
  rationale: string;
  /** the seed document it answers, e.g. "003 §3.1" */
  seed?: string;
  /** true: `fix` applies a safe fix; 'suggestion': fixes exist but need a human's consent */
  fixable: boolean | 'suggestion';
  docs: RuleDocs;
}

/** One edit of a YAML file through its document model (comments and layout outside it are kept). */
export type YamlEdit =
  | { kind: 'yaml-set'; file: string; path: (string | number)[]; value: unknown; comment?: string }
  | { kind: 'yaml-delete'; file: string; path: (string | number)[] }
  | {
      kind: 'yaml-merge-anchor';
      file: string;
      anchor: string;
      /** the top-level extension key that holds the anchor (default: `x-<anchor>`) */
      key?: string;
      value: unknown;
      targets: (string | number)[][];
      removeKeys?: string[];
    };

/** A plain text edit (0-based offsets into the file's text). */
export interface TextEdit {
  kind: 'text';
  file: string;
  start: number;
  end: number;
  text: string;
}

export type Edit = YamlEdit | TextEdit;

export interface Fix {
  /** what the fix does, in a few words */
  description: string;
  /** safe fixes are applied by `fix --write`; unsafe ones only when asked */
  safety: 'safe' | 'unsafe';
  edits: Edit[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  priority: Priority;
  category: Category;
  message: string;
  /** path relative to the audited root */
  file: string;
  line: number;
  column: number;
  service?: string;
  /** the compose unit (file set) the finding was made on */
  unit?: string;
  fix?: Fix;
  /** a snippet showing the fixed form, for reports */
  snippet?: string;
}

export interface ReportInput {
  message: string;
  /** where: an origin from the model, or an explicit file/line/column */
  origin?: Origin;
  file?: string;
  line?: number;
  column?: number;
  service?: string;
  unit?: ComposeUnit;
  fix?: Fix;
  snippet?: string;
}

/** A set of compose files that `docker compose` loads together (a default file and its override, or one standalone file). */
export interface ComposeUnit {
  /** label for reports: the files, relative to the root, joined with " + " */
  label: string;
  /** absolute paths, in load order */
  files: string[];
  /** the directory compose would run in */
  dir: string;
  kind: 'default' | 'standalone';
  /** loaded with every profile active; absent when it failed to load */
  project?: LoadedProject;
  /** why Compose would refuse to load it (with `project` also set when it could be loaded in a degraded way) */
  error?: LoadError;
  /**
   * set when `project` was loaded despite `error`: missing env files skipped, unset required
   * variables given placeholder values, so the rest of the unit can still be judged
   */
  degraded?: { skippedEnvFiles: boolean; placeholders: string[] };
  /** the parsed, uninterpolated top-level mapping of each file (for file-level rules such as obsolete-version) */
  raw: Map<string, Mapping | null>;
}

export interface RepoModel {
  /** absolute path of the audited directory */
  root: string;
  files: ProjectFiles;
  units: ComposeUnit[];
  /** parsed Dockerfiles by absolute path (only those that exist) */
  dockerfile(absPath: string): DockerfileInfo | undefined;
  /** the .dockerignore that applies to a build (context dir + dockerfile) */
  dockerignore(contextDir: string, dockerfilePath?: string): IgnoreInfo;
  /** a path relative to the root, for reports */
  rel(absPath: string): string;
  /**
   * The parsed, uninterpolated documents of a YAML file (with positions), shared with the loader's
   * parse cache so a file is parsed once per audit; empty when it does not parse.
   */
  documents(absPath: string): Mapping[];
  config: AuditConfig;
}

export interface RuleContext {
  repo: RepoModel;
  /** options for this rule from the config (rules.<id>.options) */
  options: Record<string, unknown>;
  report(input: ReportInput): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
