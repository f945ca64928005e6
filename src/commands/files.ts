/** `shipshape files`: the map of a repo's Docker files. */
import path from 'node:path';
import { discoverProject, renderFilesText, toFilesJson } from '../discover/index.js';
import { EXIT, reportError } from '../cli/output.js';

export async function filesCommand(dir: string | undefined, flags: { json?: boolean }): Promise<number> {
  try {
    const root = path.resolve(dir ?? '.');
    const files = await discoverProject(root);
    process.stdout.write(flags.json ? `${JSON.stringify(toFilesJson(files), null, 2)}\n` : renderFilesText(files));
    return EXIT.ok;
  } catch (e) {
    return reportError(e);
  }
}
