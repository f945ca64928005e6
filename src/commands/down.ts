/**
 * `shipshape down [DIR]`: `compose down` for the project. `--volumes` also removes its volumes:
 * on a terminal it asks first (unless --yes); without a terminal it needs --yes (else exit 2).
 */
import { EXIT, reportError } from '../cli/output.js';
import { runDown } from '../run/down.js';
import { parseTimeout } from './up.js';
import { projectTarget } from '../cli/target.js';

export interface DownFlags {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
  volumes?: boolean;
  yes?: boolean;
  /** stop timeout, seconds */
  timeout?: string | number;
  removeOrphans?: boolean;
}

export async function downCommand(dir: string | undefined, flags: DownFlags): Promise<number> {
  let stopTimeoutS: number | undefined;
  try {
    stopTimeoutS = flags.timeout === undefined ? undefined : flags.timeout === '0' || flags.timeout === 0 ? 0 : parseTimeout(flags.timeout);
  } catch (e) {
    return reportError(e);
  }
  try {
    const r = await runDown({
      ...projectTarget(dir, flags),
      volumes: flags.volumes,
      yes: flags.yes,
      stopTimeoutS,
      removeOrphans: flags.removeOrphans,
    });
    return r.exitCode;
  } catch (e) {
    reportError(e);
    return EXIT.findings;
  }
}
