/** `shipshape backups [DIR] [--in ROOT] [--json]`: the project's backups with size, age and last verification. */
import path from 'node:path';
import { EXIT, reportError } from '../cli/output.js';
import { LoadError } from '../load/errors.js';
import { loadForPreflight } from '../run/preflight.js';
import { defaultRoot, formatAge, formatSize, listBackups } from '../backup/store.js';

export interface BackupsFlags {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
  /** folder holding the backups (default `<DIR>/backups/<project>`) */
  in?: string;
  json?: boolean;
}

export async function backupsCommand(dir: string | undefined, flags: BackupsFlags): Promise<number> {
  try {
    const projectDir = path.resolve(dir ?? '.');
    let root = flags.in ? path.resolve(flags.in) : undefined;
    let project: string | undefined;
    if (!root) {
      const loaded = loadForPreflight({ dir: projectDir, files: flags.file, profiles: flags.profile, envFiles: flags.envFile, projectName: flags.projectName, projectDirectory: flags.projectDirectory, root: flags.root });
      if (!loaded.project) throw loaded.error instanceof LoadError ? loaded.error : new Error(loaded.error ? (loaded.error as Error).message : 'the project does not load');
      project = loaded.project.name;
      root = defaultRoot(projectDir, project);
    }
    const list = listBackups(root, project);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ root, project, backups: list }, null, 2)}\n`);
      return EXIT.ok;
    }
    if (!list.length) {
      process.stdout.write(`no backups in ${root}\n`);
      return EXIT.ok;
    }
    const rows = list.map((b) => [b.name, formatSize(b.size), formatAge(b.createdAt), b.volumes.join(','), b.verify ? `${b.verify.ok ? 'ok' : 'FAILED'} ${formatAge(b.verify.at)} ago` : 'never']);
    const head = ['BACKUP', 'SIZE', 'AGE', 'VOLUMES', 'VERIFIED'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
    process.stdout.write(`(${root})\n`);
    return EXIT.ok;
  } catch (e) {
    return reportError(e);
  }
}
