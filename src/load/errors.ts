import type { Origin } from './origin.js';

/**
 * An error with a location: stages return or throw these; only the CLI boundary turns them
 * into one line and an exit code.
 */
export class LoadError extends Error {
  readonly origin: Origin | undefined;
  readonly hint: string | undefined;
  readonly code: string;

  constructor(message: string, opts: { origin?: Origin; hint?: string; code?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LoadError';
    this.origin = opts.origin;
    this.hint = opts.hint;
    this.code = opts.code ?? 'load';
  }

  /** `file:line:col: message` (the location is left out when unknown). */
  toLine(): string {
    const loc = this.origin ? `${this.origin.file}:${this.origin.line}:${this.origin.column}: ` : '';
    return `${loc}${this.message}`;
  }
}

/** A non-fatal message from loading (Compose prints these as warnings). */
export interface Warning {
  message: string;
  origin?: Origin;
}
