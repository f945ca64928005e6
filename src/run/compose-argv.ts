/** The Compose command lines `up` and `down` run, for v1 and v2 alike (global flags from compose-cli.ts). */
import path from 'node:path';
import { composeArgs, type ComposeCli, type ComposeProject } from '../engine/compose-cli.js';

export interface ProjectRef {
  name: string;
  /** compose files, absolute */
  files: string[];
  projectDir: string;
  workingDir: string;
}

/** -p NAME (always: v1 and the loader must agree on the labels' project), -f FILE..., --project-directory, --profile..., --env-file... */
export function projectFlags(project: ProjectRef, profiles: readonly string[] = [], envFiles: readonly string[] = []): ComposeProject {
  return {
    projectName: project.name,
    files: project.files,
    projectDir: project.projectDir,
    profiles: [...profiles],
    envFiles: envFiles.map((f) => path.resolve(project.workingDir, f)),
  };
}

/** `up -d [--build]`: detached, no `--wait` (we wait ourselves, from the engine's events). */
export function upArgv(cli: ComposeCli, project: ComposeProject, opts: { build?: boolean } = {}): string[] {
  return composeArgs(cli, project, ['up', '-d', ...(opts.build ? ['--build'] : [])]);
}

/** `down [--volumes] [--remove-orphans] [--timeout S]` */
export function downArgv(cli: ComposeCli, project: ComposeProject, opts: { volumes?: boolean; removeOrphans?: boolean; stopTimeoutS?: number } = {}): string[] {
  return composeArgs(cli, project, [
    'down',
    ...(opts.volumes ? ['--volumes'] : []),
    ...(opts.removeOrphans ? ['--remove-orphans'] : []),
    ...(opts.stopTimeoutS !== undefined ? ['--timeout', String(Math.max(0, Math.round(opts.stopTimeoutS)))] : []),
  ]);
}
