/**
 * `shipshape down`: `compose down` for the project, with `--volumes` guarded: on a terminal it
 * asks first (unless --yes); without one, and without --yes, it refuses (exit 2).
 */
import { createInterface } from 'node:readline/promises';
import type { Readable } from 'node:stream';
import { connectEngine, projectFilters, withTimeout, type Engine } from '../engine/client.js';
import { ComposeArgsError, detectComposeCli, type ComposeCli } from '../engine/compose-cli.js';
import { downArgv, projectFlags } from './compose-argv.js';
import { spawnCompose } from '../engine/compose-run.js';
import { LoadError } from '../load/errors.js';
import { describeCompose, loadForPreflight, type ProjectInputs } from './preflight.js';
import type { Out } from './report.js';

export interface DownOptions extends ProjectInputs {
  volumes?: boolean;
  yes?: boolean;
  /** stop timeout in seconds, passed to compose (`-t`) */
  stopTimeoutS?: number;
  removeOrphans?: boolean;
  out?: Out;
  err?: Out;
  stdin?: Readable & { isTTY?: boolean };
  /** answer the question (tests); default: read a line from stdin */
  ask?: (question: string) => Promise<string>;
  /** is there a terminal to ask on (default: stdin and stderr are TTYs) */
  interactive?: boolean;
  engine?: Engine;
  cli?: ComposeCli;
}

export interface DownResult {
  exitCode: 0 | 1 | 2;
  project?: string;
  volumes: string[];
}

export async function runDown(opts: DownOptions): Promise<DownResult> {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const say = (s: string) => err.write(`${s}\n`);
  const stdin = opts.stdin ?? process.stdin;
  const interactive = opts.interactive ?? (Boolean(stdin.isTTY) && Boolean(err.isTTY));

  if (opts.volumes && !opts.yes && !interactive) {
    say('error: refusing to remove volumes without confirmation: no terminal to ask on; pass --yes to remove them');
    return { exitCode: 2, volumes: [] };
  }

  // the project's name and files; missing required variables do not matter for a name
  const loaded = loadForPreflight(opts);
  if (loaded.error || !loaded.project) {
    const e = loaded.error;
    say(`error: ${e instanceof LoadError ? e.toLine() : e ? (e as Error).message : 'the project does not load'}`);
    return { exitCode: 2, volumes: [] };
  }
  const project = loaded.project;

  let cli: ComposeCli;
  try {
    cli = opts.cli ?? (await detectComposeCli({ env: opts.env }));
  } catch (e) {
    say(`error: ${(e as Error).message}`);
    return { exitCode: 2, project: project.name, volumes: [] };
  }
  say(describeCompose(cli));

  // what --volumes would delete, to name it in the question
  let volumes: string[] = [];
  if (opts.volumes) {
    try {
      const engine = opts.engine ?? connectEngine({ env: opts.env });
      const res = await withTimeout(engine.docker.listVolumes({ filters: projectFilters(project.name) }), 15_000, 'listing volumes timed out');
      volumes = (res.Volumes ?? []).map((v) => v.Name).sort();
    } catch {
      volumes = [];
    }
    if (!opts.yes) {
      const what = volumes.length ? `volume${volumes.length === 1 ? '' : 's'} ${volumes.join(', ')}` : 'its volumes';
      const question = `Remove project ${project.name} with ${what}? Their data will be lost. [y/N] `;
      const answer = opts.ask ? await opts.ask(question) : await askLine(question, stdin, err);
      if (!/^y(es)?$/i.test(answer.trim())) {
        say('nothing removed');
        return { exitCode: 1, project: project.name, volumes };
      }
    }
  }

  let argv: string[];
  try {
    argv = downArgv(cli, projectFlags(project, opts.profiles, opts.envFiles), opts);
  } catch (e) {
    say(`error: ${(e as Error).message}`);
    return { exitCode: e instanceof ComposeArgsError ? 2 : 1, project: project.name, volumes };
  }
  // compose interpolates the files for `down` too: a missing required variable fails it, with compose's own message
  const proc = spawnCompose(argv, { cwd: project.workingDir, env: opts.env ?? process.env, onLine: (l) => (l.stream === 'stdout' ? out : err).write(`${l.text}\n`) });
  const code = await proc.exited;
  if (code !== 0) say(`error: compose down exited with code ${code}`);
  return { exitCode: code === 0 ? 0 : 1, project: project.name, volumes };
}

async function askLine(question: string, input: Readable, output: Out): Promise<string> {
  const rl = createInterface({ input, output: output as NodeJS.WritableStream, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
