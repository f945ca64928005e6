/**
 * `shipshape verify [DIR] [--up] [--persistence] [--format text|markdown|json]`: prove the stack
 * against its Compose model, a checklist with evidence (see src/run/verify.ts).
 * Exit 0: every item passes (skipped ones do not fail); 1: an item fails; 2: usage or engine error.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, reportError } from '../cli/output.js';
import { runVerify } from '../run/verify.js';
import type { VerifyFormat } from '../run/verify-render.js';
import { projectTarget } from '../cli/target.js';

export interface VerifyFlags {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
  up?: boolean;
  persistence?: boolean;
  format?: string;
  /** `.shipshape.yml` to read allowRoot from */
  config?: string;
  /** write the report to a file instead of standard output */
  output?: string;
  /** --up: seconds for the stack to get ready (default 120) */
  timeout?: string | number;
}

const FORMATS: readonly VerifyFormat[] = ['text', 'markdown', 'json'];

export async function verifyCommand(dir: string | undefined, flags: VerifyFlags): Promise<number> {
  const format = (flags.format ?? 'text') as VerifyFormat;
  let upTimeoutS = 120;
  try {
    if (!FORMATS.includes(format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(flags.format)}`);
    if (flags.timeout !== undefined) {
      upTimeoutS = Number(String(flags.timeout).replace(/s$/i, ''));
      if (!Number.isFinite(upTimeoutS) || upTimeoutS <= 0) throw new Error(`--timeout must be a positive number of seconds, got ${JSON.stringify(flags.timeout)}`);
    }
  } catch (e) {
    return reportError(e);
  }
  let text = '';
  const sink = { write: (s: string) => ((text += s), true), isTTY: false };
  try {
    const r = await runVerify({
      ...projectTarget(dir, flags),
      up: flags.up,
      persistence: flags.persistence,
      format,
      config: flags.config,
      upTimeoutS,
      ...(flags.output ? { out: sink } : {}),
    });
    if (flags.output) writeFileSync(path.resolve(flags.output), text);
    if (r.error && r.exitCode === 2 && (format !== 'text' || flags.output)) process.stderr.write(`error: ${r.error}\n`);
    return r.exitCode;
  } catch (e) {
    reportError(e);
    return EXIT.usage;
  }
}
