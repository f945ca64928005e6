/**
 * `shipshape scale SERVICE=N... [DIR]`: explicit replicas SERVICE-1..N sharing one anchored
 * definition, sequential host ports, `scale-<i>` profiles, per-replica port values, Prometheus
 * targets to match. Prints the diff and the port table; `--write` writes atomically.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { colors, EXIT, reportError } from '../cli/output.js';
import { unifiedDiff } from '../fix/diff.js';
import { writeFixes } from '../fix/write.js';
import { parseScaleSpec, planScale, portTable, type ScaleRequest } from '../generate/scale.js';
import { LoadError } from '../load/errors.js';

export interface ScaleFlags {
  /** first host port to allocate (default: each service's current host port, then the next free ones) */
  basePort?: string | number;
  /** profile name prefix for replicas 2..N (default `scale-`) */
  profilePrefix?: string;
  /** the Prometheus config whose scrape targets follow the replicas (default: found from the project) */
  prometheus?: string;
  /** write the files (default: print the diff) */
  write?: boolean;
  /** compose files (repeatable; relative to DIR) */
  file?: string[];
  /** files the compose files reference must lie inside it */
  root?: string;
}

/** `scale SERVICE=N... [DIR]`, however the positionals arrive: words with `=` are requests, one other word is DIR. */
export function splitScaleArgs(dir: string | undefined, specs: string[]): { dir: string; requests: ScaleRequest[] } {
  const words = [...(dir !== undefined ? [dir] : []), ...specs];
  const dirs = words.filter((w) => !w.includes('='));
  if (dirs.length > 1) throw new LoadError(`expected SERVICE=N and at most one directory, got ${dirs.join(', ')}`, { code: 'usage' });
  const requests = words.filter((w) => w.includes('=')).map(parseScaleSpec);
  if (!requests.length) throw new LoadError('nothing to scale: give SERVICE=N (e.g. backtest-worker=3)', { code: 'usage' });
  return { dir: dirs[0] ?? '.', requests };
}

export async function scaleCommand(dirArg: string | undefined, specs: string[], flags: ScaleFlags): Promise<number> {
  try {
    const { dir, requests } = splitScaleArgs(dirArg, specs);
    const abs = path.resolve(dir);
    if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new LoadError(`${dir}: no such directory`, { code: 'usage' });
    let basePort: number | undefined;
    if (flags.basePort !== undefined) {
      basePort = Number(flags.basePort);
      if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65535) throw new LoadError(`--base-port ${String(flags.basePort)}: expected a port number (1-65535)`, { code: 'usage' });
    }
    const plan = planScale(
      {
        dir: abs,
        ...(flags.file?.length ? { files: flags.file } : {}),
        ...(basePort !== undefined ? { basePort } : {}),
        ...(flags.profilePrefix !== undefined ? { profilePrefix: flags.profilePrefix } : {}),
        ...(flags.prometheus ? { prometheus: path.resolve(flags.prometheus) } : {}),
        ...(flags.root ? { root: path.resolve(flags.root) } : {}),
        displayBase: process.cwd(),
      },
      requests,
    );
    const c = colors(process.stdout);
    for (const w of plan.warnings) process.stderr.write(`${colors(process.stderr).yellow('warning')}: ${w}\n`);
    if (!plan.changes.length) {
      process.stdout.write(portTable(plan.table));
      process.stdout.write('Nothing to change: the files already have these replicas.\n');
      return EXIT.ok;
    }
    if (!flags.write) {
      for (const ch of plan.changes) {
        for (const line of unifiedDiff(ch.before, ch.after, ch.display).split('\n')) {
          if (!line) continue;
          const colored = line.startsWith('+') && !line.startsWith('+++') ? c.green(line) : line.startsWith('-') && !line.startsWith('---') ? c.red(line) : line.startsWith('@@') ? c.cyan(line) : line;
          process.stdout.write(`${colored}\n`);
        }
      }
      process.stdout.write('\n');
      process.stdout.write(portTable(plan.table));
      process.stdout.write(`\nNot written (dry run): --write applies it to ${plan.changes.map((ch) => ch.display).join(', ')}.\n`);
      return EXIT.ok;
    }
    writeFixes(plan.changes.map((ch) => ({ file: ch.file, before: ch.before, after: ch.after })));
    process.stdout.write(portTable(plan.table));
    process.stdout.write(`\nWrote ${plan.changes.map((ch) => ch.display).join(', ')}.\n`);
    const scaled = plan.table.filter((r) => r.profile.startsWith(flags.profilePrefix ?? 'scale-'));
    if (scaled.length) {
      const max = Math.max(...scaled.map((r) => Number(r.name.slice(r.name.lastIndexOf('-') + 1))));
      const profiles = Array.from({ length: max - 1 }, (_, i) => `--profile ${flags.profilePrefix ?? 'scale-'}${i + 2}`).join(' ');
      process.stdout.write(`Start every replica: docker compose ${profiles} up -d\n`);
    }
    return EXIT.ok;
  } catch (e) {
    return reportError(e);
  }
}
