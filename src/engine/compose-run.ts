/** Running one Compose CLI command as a child process: output kept (last lines), stoppable. */
import { spawn } from 'node:child_process';

export interface ComposeLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ComposeProcess {
  /** resolves with the exit code (128 + n for a signal, 127 when it could not be started) */
  exited: Promise<number>;
  /** the last lines it printed (both streams, in order) */
  output(): ComposeLine[];
  /** SIGTERM, then SIGKILL after `graceMs` */
  stop(graceMs?: number): void;
  readonly running: boolean;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function spawnCompose(
  argv: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; keepLines?: number; onLine?: (l: ComposeLine) => void } = {},
): ComposeProcess {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('spawnCompose: empty argv');
  const keep = opts.keepLines ?? 200;
  const lines: ComposeLine[] = [];
  let running = true;
  let killTimer: NodeJS.Timeout | undefined;
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });

  const pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  const push = (stream: 'stdout' | 'stderr', text: string) => {
    // v1 redraws "Creating x ... done" with carriage returns and escape codes
    // eslint-disable-next-line no-control-regex
    const clean = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '').trimEnd();
    if (!clean) return;
    const l = { stream, text: clean };
    lines.push(l);
    if (lines.length > keep) lines.shift();
    opts.onLine?.(l);
  };
  const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    pending[stream] += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending[stream].indexOf('\n')) >= 0) {
      push(stream, pending[stream].slice(0, nl));
      pending[stream] = pending[stream].slice(nl + 1);
    }
  };
  child.stdout.on('data', feed('stdout'));
  child.stderr.on('data', feed('stderr'));

  const exited = new Promise<number>((resolve) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      push('stderr', `cannot run ${argv.join(' ')}: ${err.code === 'ENOENT' ? 'not found' : err.message}`);
      running = false;
      resolve(127);
    });
    child.on('close', (code, signal) => {
      for (const s of ['stdout', 'stderr'] as const) if (pending[s]) push(s, pending[s]);
      running = false;
      if (killTimer) clearTimeout(killTimer);
      resolve(code ?? (signal ? 128 + (SIGNALS[signal] ?? 0) : 1));
    });
  });

  return {
    exited,
    output: () => [...lines],
    stop(graceMs = 3000) {
      if (!running) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        if (running) child.kill('SIGKILL');
      }, graceMs);
      killTimer.unref();
    },
    get running() {
      return running;
    },
  };
}
