/**
 * `shipshape logs [DIR] [SERVICE...]`: container logs of the project, read through the Engine
 * API (dockerode), merged by time; `-f` follows them (Ctrl-C ends it) and picks up containers
 * that start later. Exit 0, or 2 for usage errors (unknown service, bad --since/--tail, no engine).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT, reportError } from '../cli/output.js';
import { runLogs } from '../run/logs.js';

export interface LogsFlags {
  file?: string[];
  profile?: string[];
  envFile?: string[];
  projectName?: string;
  projectDirectory?: string;
  root?: string;
  follow?: boolean;
  since?: string;
  tail?: string;
  timestamps?: boolean;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `logs [DIR] [SERVICE...]`: a first word that is not a directory is a service name. */
export function splitLogsArgs(dir: string | undefined, services: string[]): { dir: string; services: string[] } {
  if (dir === undefined) return { dir: '.', services };
  if (isDir(dir) || (!existsSync(dir) && (dir.includes('/') || dir === '.'))) return { dir, services };
  return { dir: '.', services: [dir, ...services] };
}

export async function logsCommand(dirArg: string | undefined, servicesArg: string[], flags: LogsFlags): Promise<number> {
  const { dir, services } = splitLogsArgs(dirArg, servicesArg ?? []);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  if (flags.follow) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    const r = await runLogs({
      dir: path.resolve(dir),
      files: flags.file,
      profiles: flags.profile,
      envFiles: flags.envFile,
      projectName: flags.projectName,
      projectDirectory: flags.projectDirectory,
      root: flags.root,
      services,
      follow: flags.follow,
      since: flags.since,
      tail: flags.tail,
      timestamps: flags.timestamps,
      signal: abort.signal,
    });
    return r.exitCode;
  } catch (e) {
    reportError(e);
    return EXIT.findings;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
