/** Terminal output helpers: colour only on a TTY (and never with NO_COLOR), errors as one line. */
import pc from 'picocolors';
import { LoadError } from '../load/errors.js';

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
} as const;

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export function colors(stream: NodeJS.WriteStream = process.stdout) {
  return pc.createColors(useColor(stream));
}

let debugMode = false;

/** `--debug` anywhere on the command line: errors come with their stack trace. */
export function setDebug(on: boolean): void {
  debugMode = on;
}

/** Print an error as `file:line:col: message` (+ hint) and return the exit code. */
export function reportError(e: unknown, debug = debugMode): number {
  const c = colors(process.stderr);
  if (e instanceof LoadError) {
    const [first, ...rest] = e.toLine().split('\n');
    process.stderr.write(`${c.red('error')}: ${first}\n`);
    for (const line of rest) process.stderr.write(`  ${line}\n`);
    if (e.hint) process.stderr.write(`${c.dim('hint')}: ${e.hint}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT.usage;
  }
  const err = e as Error;
  process.stderr.write(`${c.red('error')}: ${err?.message ?? String(e)}\n`);
  if (debug && err?.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT.usage;
}
