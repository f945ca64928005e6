import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** default 60 s */
  timeoutMs?: number;
  /** written to the child's stdin, then closed */
  input?: string | Buffer;
}

/** Run a command (no shell) and collect its output; never rejects for a non-zero exit. */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (!cmd) return Promise.reject(new Error('run: empty argv'));
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        let code = 0;
        let extra = '';
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          code = typeof e.code === 'number' ? e.code : 127;
          if (typeof e.code === 'string') extra = `${e.code}: ${e.message}`;
          if (e.killed) extra = `killed after ${options.timeoutMs ?? 60_000} ms`;
        }
        resolve({ code, stdout: String(stdout), stderr: extra ? `${String(stderr)}${String(stderr) ? '\n' : ''}${extra}` : String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Like run(), but throws (with the command, exit code and output) unless it exits 0. */
export async function runOk(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const r = await run(argv, options);
  if (r.code !== 0) {
    throw new Error(
      `command failed (exit ${r.code}): ${argv.join(' ')}\n--- stdout ---\n${r.stdout.trim()}\n--- stderr ---\n${r.stderr.trim()}`,
    );
  }
  return r;
}
