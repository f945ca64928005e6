import { defineRule } from '../audit/types.js';
import type { Value } from '../load/types.js';
import { buildView, isOneShot, lastInstruction, parseImageRef, q, serviceFile, serviceFlavor } from './lib/reliability.js';
import { serviceOrigin, services } from './util.js';

/** Processes that reap zombies and forward signals as PID 1. */
const INIT = /^(tini|tini-static|dumb-init|catatonit|docker-init|init|s6-svscan|s6-overlay-suexec|runsvdir|my_init|supervisord|systemd|pid1|su-exec-init)$/;
/**
 * Interpreters and launchers that do neither: their runtimes leave SIGTERM at its default, which
 * the kernel ignores for PID 1 (servers that install their own handlers, such as uvicorn, gunicorn,
 * celery, the JVM, Ruby or .NET, are left alone).
 */
const INTERPRETER = /^(node|nodejs|npm|npx|yarn|pnpm|bun|deno|python[0-9.]*|flask|php|sh|bash|ash|dash)$/;
/** Bases with no ENTRYPOINT, or an entrypoint script that execs the command (so the CMD is PID 1). */
const PLAIN_BASE = /^(node|python|pypy|ruby|golang|rust|openjdk|eclipse-temurin|amazoncorretto|alpine|debian|ubuntu|busybox|denoland\/deno|oven\/bun|mcr\.microsoft\.com\/dotnet\/(runtime|aspnet|sdk)|buildpack-deps)$/;

/** argv of a compose command/entrypoint or a Dockerfile CMD/ENTRYPOINT (shell form becomes sh -c). */
function argvOf(v: Value | undefined): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v.trim()) return ['/bin/sh', '-c', v];
  return undefined;
}

function dockerArgv(args: string): string[] | undefined {
  const t = args.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) return v.map(String);
    } catch {
      /* shell form */
    }
  }
  return t ? ['/bin/sh', '-c', t] : undefined;
}

const base = (s: string) => s.split('/').pop() ?? s;

/** The program that ends up as PID 1 for an argv: the shell's command for `sh -c "…"`, skipping `exec`. */
function mainProgram(argv: string[]): string {
  const b = base(argv[0] ?? '');
  if ((b === 'sh' || b === 'bash' || b === 'ash' || b === 'dash') && argv[1] === '-c' && argv[2] !== undefined) {
    const script = argv[2].trim();
    const words = script.split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    if (words[0] === 'exec') return base(words[1] ?? b);
    // a compound command keeps the shell as PID 1
    if (/&&|\|\||;|\|/.test(script)) return b;
    return base(words[0] ?? b);
  }
  return b;
}

export default defineRule({
  meta: {
    id: 'init-missing',
    title: 'An interpreter runs as PID 1 without an init',
    category: 'reliability',
    severity: 'info',
    priority: 'P5',
    effort: 'trivial',
    rationale:
      'PID 1 has two jobs other processes do not: reaping orphaned children (or they pile up as zombies) and handling signals itself (the kernel ignores SIGTERM for PID 1 unless it installs a handler). Node, Python and shell scripts do neither, so `docker compose stop` waits out its 10s grace period and kills the service mid-request. An init such as tini (`init: true`) does both.',
    seed: '001 Security Features (tini)',
    fixable: true,
    docs: {
      what: 'Finds long-running services built here whose main process is an interpreter or a shell that leaves SIGTERM at its default (node, npm, yarn, python, php, sh…) rather than an init (tini, dumb-init, s6, supervisord), with no `init: true`. Images whose entrypoint is a custom script, or whose base is not a plain language image, are not judged.',
      why: 'Without an init, stops are slow and abrupt (SIGKILL after the grace period), and zombie processes accumulate in services that spawn children.',
      bad: 'services:\n  api:\n    build: .   # FROM node:20, CMD ["node", "server.js"]\n',
      good: 'services:\n  api:\n    build: .\n    init: true\n',
      fix: 'Add `init: true` (Docker injects tini as PID 1), or install tini/dumb-init in the image and make it the ENTRYPOINT. `shipshape fix` adds `init: true`.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const ref of services(repo)) {
      if (ref.svc.init === true || ref.svc.build === undefined) continue;
      if (isOneShot(ref) || serviceFlavor(ref) === 'test') continue;
      const view = buildView(repo, ref);
      if (!view) continue;
      const image = parseImageRef(view.base);
      // the entrypoint: compose's, else the Dockerfile's, else the base image's (only known for plain bases)
      let entry = argvOf(ref.svc.entrypoint);
      let cmd = argvOf(ref.svc.command);
      if (ref.svc.entrypoint === undefined) {
        const e = lastInstruction(view, 'ENTRYPOINT');
        if (e) entry = dockerArgv(e.args);
        else if (!image || !PLAIN_BASE.test(image.repo)) continue;
      }
      if (cmd === undefined && ref.svc.entrypoint === undefined) {
        const c = lastInstruction(view, 'CMD');
        if (c) cmd = dockerArgv(c.args);
      }
      let program: string | undefined;
      if (entry?.length) {
        const p = mainProgram(entry);
        if (INIT.test(p)) continue;
        if (/\.sh$|entrypoint|^start/i.test(p)) continue; // a custom script may exec an init
        if (INTERPRETER.test(p) && !(p === 'sh' || p === 'bash')) program = p;
        else if ((p === 'sh' || p === 'bash') && entry.length === 2 && entry[1] === '-c' && cmd?.length) program = mainProgram(cmd);
        else if (p === 'sh' || p === 'bash') program = p;
        else continue;
      } else if (cmd?.length) {
        program = mainProgram(cmd);
      }
      if (!program || INIT.test(program) || !INTERPRETER.test(program)) continue;
      const file = serviceFile(repo, ref);
      ctx.report({
        message: `${q(ref.name)} runs ${q(program)} as PID 1 without an init: it neither reaps zombie processes nor stops on SIGTERM unless it installs a handler, so \`docker compose stop\` may wait out the kill timeout`,
        origin: serviceOrigin(ref),
        unit: ref.unit,
        service: ref.name,
        snippet: `${ref.name}:\n  init: true`,
        ...(file ? { fix: { description: `run ${ref.name} under Docker's init (tini)`, safety: 'safe' as const, edits: [{ kind: 'yaml-set' as const, file, path: ['services', ref.name, 'init'], value: true }] } } : {}),
      });
    }
  },
});
