/** `shipshape restore BACKUP_DIR [--volume V]... [--into NAME] [--force] [--json]` */
import { EXIT, reportError } from '../cli/output.js';
import { formatDifference } from '../backup/manifest.js';
import { runRestore } from '../backup/restore.js';
import { formatSize } from '../backup/store.js';
import type { Engine } from '../engine/client.js';
import { stderrLog } from './backup.js';

export interface RestoreFlags {
  volume?: string[];
  into?: string;
  force?: boolean;
  json?: boolean;
  image?: string;
  engine?: Engine;
}

export async function restoreCommand(backupDir: string, flags: RestoreFlags): Promise<number> {
  try {
    const r = await runRestore({ backupDir, volumes: flags.volume, into: flags.into, force: flags.force, image: flags.image, engine: flags.engine, log: stderrLog(flags.json) });
    if (flags.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      for (const v of r.volumes) {
        process.stdout.write(`${v.key} -> ${v.target}: ${v.files} files, ${formatSize(v.bytes)}, ${v.differences.length ? `${v.differences.length} differences after restore` : 'checked identical to the manifest'}\n`);
        for (const d of v.differences.slice(0, 20)) process.stdout.write(`  ${formatDifference(d)}\n`);
      }
      process.stdout.write(r.ok ? 'restore complete\n' : 'restore FINISHED WITH DIFFERENCES\n');
    }
    return r.ok ? EXIT.ok : EXIT.findings;
  } catch (e) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, error: (e as Error).message }, null, 2)}\n`);
    reportError(e);
    return EXIT.findings;
  }
}
