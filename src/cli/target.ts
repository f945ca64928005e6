/** The project a runtime command acts on, from the load flags every such command takes. */
import path from 'node:path';
import type { LoadFlags } from './program.js';

export interface ProjectTarget {
  dir: string;
  files: string[] | undefined;
  profiles: string[] | undefined;
  envFiles: string[] | undefined;
  projectName: string | undefined;
  projectDirectory: string | undefined;
  root: string | undefined;
}

export function projectTarget(dir: string | undefined, flags: LoadFlags): ProjectTarget {
  return {
    dir: path.resolve(dir ?? '.'),
    files: flags.file,
    profiles: flags.profile,
    envFiles: flags.envFile,
    projectName: flags.projectName,
    projectDirectory: flags.projectDirectory,
    root: flags.root,
  };
}
