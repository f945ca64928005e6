import path from 'node:path';
import { defineRule, type ComposeUnit, type Edit } from '../audit/types.js';
import { relDir, defaultFilesFor, definedBy, invocationColumn, invocationDir, invocationFiles, listSome, offsetOf, plural, wrapperText } from './lib/maintainability.js';

/** Subcommands whose plain words after it are service names. */
const SERVICE_COMMANDS = new Set(['up', 'start', 'stop', 'restart', 'logs', 'build', 'pull', 'push', 'rm', 'kill', 'create', 'ps', 'pause', 'unpause', 'run', 'exec', 'top', 'events', 'images', 'attach', 'watch', 'wait', 'config', 'down']);

/** Does the script create a file of this name (redirect, tee, cp, mv, -o)? */
function writes(text: string, base: string): boolean {
  const name = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(>>?|\\btee\\s+(-a\\s+)?|\\b(cp|mv|ln|install)\\b[^\\n;&|]*\\s|(^|\\s)(-o|--output)(\\s+|=))\\s*["']?[^\\s"';&|]*${name}(["'\\s;&|)]|$)`, 'm').test(text);
}

export default defineRule({
  meta: {
    id: 'wrapper-script-drift',
    title: 'A wrapper script calls compose with files, services or profiles that no longer exist',
    category: 'maintainability',
    severity: 'warning',
    priority: 'P4',
    effort: 'low',
    rationale:
      'Makefiles and `dev.sh` scripts are how most people start a stack, and they rot silently: a compose file gets renamed, a service or profile disappears, and the script fails only for whoever runs that branch of it. Scripts still calling the v1 `docker-compose` binary fail outright on current Docker installs, which ship only `docker compose`.',
    seed: '000 §4',
    fixable: 'suggestion',
    docs: {
      what: 'Checks every compose call in Makefiles and shell scripts: `-f` files that do not exist (resolved from the script\'s directory, following `cd` lines above the call), services and `--profile`s that none of the files it loads (or the default file of its directory) defines, and calls of the v1 `docker-compose` binary (reported once per script).',
      why: 'A wrapper that names a missing file or service fails at the worst moment, and one that still uses `docker-compose` fails on machines set up recently. Shell functions, aliases and directories held in variables are not followed; such calls are left alone.',
      bad: '#!/usr/bin/env bash\ncd docker\ndocker-compose -f docker-compose.research.yml --profile research up -d mcp\n',
      good: '#!/usr/bin/env bash\ncd docker\ndocker compose -f docker-compose.yml --profile research up -d mcp\n',
      lang: 'bash',
      fix: 'Point the script at files, services and profiles that exist, and call `docker compose` (v2) instead of `docker-compose`. The suggested fix rewrites the v1 calls; check the script afterwards, since v2 names containers with `-` instead of `_`.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const w of repo.files.wrappers) {
      const text = wrapperText(repo, w);
      // v1 binary: once per script
      const v1 = w.invocations.filter((i) => i.cli === 'v1');
      if (v1.length) {
        const edits: Edit[] = [];
        if (text !== undefined) {
          const lines = text.split(/\r?\n/);
          for (const line of new Set(v1.filter((i) => i.via === undefined).map((i) => i.line))) {
            const l = lines[line - 1] ?? '';
            for (const m of l.matchAll(/(^|[\s;&|(`$"'])docker-compose(?=\s|$)/g)) {
              const start = offsetOf(text, line, m.index + m[1]!.length + 1);
              edits.push({ kind: 'text', file: w.path, start, end: start + 'docker-compose'.length, text: 'docker compose' });
            }
          }
        }
        const first = v1[0]!;
        ctx.report({
          message: `${w.path} calls the v1 \`docker-compose\` binary (${plural(v1.length, 'call')}${v1.length > 1 ? `, lines ${listSome(v1.map((i) => String(i.line)), 6, false)}` : ''}): Compose v1 is end-of-life and missing from current Docker installs, use \`docker compose\``,
          file: w.path,
          line: first.line,
          column: invocationColumn(repo, w, first),
          ...(edits.length ? { fix: { description: 'call `docker compose` instead of `docker-compose`', safety: 'unsafe' as const, edits } } : {}),
        });
      }
      for (const inv of w.invocations) {
        const dir = invocationDir(repo, w, inv);
        const problems: string[] = [];
        const resolved = invocationFiles(repo, w, inv);
        // a file the script writes itself (`envsubst < tmpl > compose.gen.yml`, `cp a b`) is not missing
        const missing = resolved.filter((r) => r.abs === null && !(text !== undefined && writes(text, path.posix.basename(r.arg))));
        for (const m of missing) problems.push(`\`${m.arg}\` does not exist${m.tried ? ` (looked in ${relDir(repo.root, path.dirname(m.tried)).replace(/^\.$/, 'the root')})` : ''}`);
        const unknownFile = resolved.some((r) => r.abs === undefined);
        let files: string[] = [];
        if (inv.files.length) files = resolved.map((r) => r.abs).filter((x): x is string => !!x);
        else if (dir !== null) files = defaultFilesFor(repo, dir);
        const checkable = !unknownFile && dir !== null && (files.length > 0 || missing.length > 0);
        let unit: ComposeUnit | undefined;
        if (checkable) {
          // with a missing file, anything defined beside it counts (the file name is the problem then)
          const pool = missing.length ? [...files, ...repo.units.filter((u) => u.dir === dir).map((u) => u.files[0]!)] : files;
          const defined = definedBy(repo, [...new Set(pool)]);
          unit = repo.units.find((u) => u.files[0] === files[0]);
          if (defined.complete) {
            const services = inv.subcommand && SERVICE_COMMANDS.has(inv.subcommand) ? inv.services.filter((s) => !defined.services.has(s)) : [];
            const profiles = inv.profiles.filter((p) => p !== '*' && !p.includes('$') && !defined.profiles.has(p));
            const what = [services.length ? `${services.length === 1 ? 'service' : 'services'} ${listSome(services)}` : '', profiles.length ? `${profiles.length === 1 ? 'profile' : 'profiles'} ${listSome(profiles)}` : ''].filter(Boolean);
            if (what.length) {
              const where = missing.length ? 'no compose file there defines' : files.length === 1 ? `${path.basename(files[0]!)} does not define` : 'none of its files defines';
              problems.push(`${where} ${what.join(' or ')}`);
            }
          }
        }
        if (!problems.length) continue;
        const runDir = dir === null ? undefined : relDir(repo.root, dir);
        ctx.report({
          message: `\`${inv.command.length > 90 ? `${inv.command.slice(0, 87)}...` : inv.command}\`${runDir !== undefined && runDir !== w.dir ? ` (run in ${runDir === '.' ? 'the root' : runDir})` : ''}: ${problems.join('; ')}`,
          file: w.path,
          line: inv.line,
          column: invocationColumn(repo, w, inv),
          ...(unit ? { unit } : {}),
        });
      }
    }
  },
});
