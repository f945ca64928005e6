import type { Origin } from './origin.js';

/** A plain YAML/JSON value as the loader handles it. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type Mapping = { [key: string]: Value };

/** Variable lookup used for interpolation: undefined means "not set". */
export type Lookup = (name: string) => string | undefined;

/** One use of a variable in a compose file, an env file, or an include. */
export interface VariableUse {
  name: string;
  /** the operator used: '' for $X / ${X}, or one of ':-' '-' ':?' '?' ':+' '+' */
  operator: '' | ':-' | '-' | ':?' | '?' | ':+' | '+';
  /** the default (for :- and -) or alternative (for :+ and +) word, uninterpolated */
  default?: string;
  /** true for :? and ? */
  required: boolean;
  /** the message given with :? / ? */
  message?: string;
  /** dotted path of the value in the model, e.g. services.api.environment.DB_URL */
  path: string;
  origin?: Origin;
}

/** Options shared by loader entry points. */
export interface LoadOptions {
  /** directory discovery starts from (default: process.cwd()) */
  workingDir?: string;
  /** -f files, in order; empty means "find the default files in workingDir" */
  files?: string[];
  /** --project-directory */
  projectDir?: string;
  /** -p / --project-name */
  projectName?: string;
  /** --env-file, repeatable */
  envFiles?: string[];
  /** --profile, repeatable */
  profiles?: string[];
  /** the process environment (default: process.env) */
  env?: Record<string, string | undefined>;
}
