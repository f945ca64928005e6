/**
 * `shipshape status [DIR] [--watch] [--json]`: the stack's health dashboard (see src/run/status.ts).
 * Exit 0: every service running / healthy; 1: something is not; 2: usage or engine error.
 */
import { EXIT, reportError } from '../cli/output.js';
import { runStatus } from '../run/status.js';
import { projectTarget } from '../cli/target.js';

export interface StatusFlags {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
  watch?: boolean;
  json?: boolean;
  /** seconds between refreshes with --watch (default 2) */
  interval?: string | number;
  /** log lines per container (default 3) */
  lines?: string | number;
}

function positive(v: string | number | undefined, name: string, fallback: number, integer = false): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : Number(String(v).trim().replace(/s$/i, ''));
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)) || (!integer && n <= 0)) throw new Error(`${name} must be a ${integer ? 'whole number' : 'positive number'}, got ${JSON.stringify(v)}`);
  return n;
}

export async function statusCommand(dir: string | undefined, flags: StatusFlags): Promise<number> {
  let intervalS: number;
  let logLines: number;
  try {
    intervalS = positive(flags.interval, '--interval', 2);
    logLines = positive(flags.lines, '--lines', 3, true);
  } catch (e) {
    return reportError(e);
  }
  try {
    const r = await runStatus({
      ...projectTarget(dir, flags),
      json: flags.json,
      watch: flags.watch,
      intervalS,
      logLines,
    });
    return r.exitCode;
  } catch (e) {
    reportError(e);
    return EXIT.usage;
  }
}
