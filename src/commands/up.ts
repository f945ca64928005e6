/**
 * `shipshape up [DIR]`: pre-flight checks, `compose up -d`, then a wait driven by engine events
 * until every service met its rule (jobs exit 0, servers healthy, or running without a check).
 * Exit 0: all ready; 1: a service failed or the deadline passed; 2: usage or pre-flight error.
 */
import { EXIT, reportError } from '../cli/output.js';
import { runUp } from '../run/up.js';
import { projectTarget } from '../cli/target.js';

export interface UpFlags {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
  build?: boolean;
  /** seconds (default 120) */
  timeout?: string | number;
  json?: boolean;
  failFast?: boolean;
  tolerateUnhealthy?: boolean;
}

/** Seconds from `--timeout`: a positive number, with an optional `s`/`m` suffix. */
export function parseTimeout(v: string | number | undefined, fallback = 120): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v > 0) return v;
    throw new Error(`--timeout must be a positive number of seconds, got ${v}`);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(v);
  const n = m ? Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm'] ?? 1) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--timeout must be a positive number of seconds (e.g. 120, 90s, 5m), got ${JSON.stringify(v)}`);
  return n;
}

export async function upCommand(dir: string | undefined, flags: UpFlags): Promise<number> {
  let timeoutS: number;
  try {
    if (flags.failFast && flags.tolerateUnhealthy) throw new Error('--fail-fast and --tolerate-unhealthy exclude each other');
    timeoutS = parseTimeout(flags.timeout);
  } catch (e) {
    return reportError(e);
  }
  try {
    const r = await runUp({
      ...projectTarget(dir, flags),
      build: flags.build,
      timeoutS,
      failFast: !flags.tolerateUnhealthy,
      json: flags.json,
    });
    return r.exitCode;
  } catch (e) {
    reportError(e);
    return EXIT.findings;
  }
}
