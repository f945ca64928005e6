/**
 * `shipshape consolidate FILE... --output FILE [--force]`: overlapping standalone compose files
 * become one file, shared services once, the rest in profiles named after the sources, with a
 * proof per source that `config` of the output under its profile equals `config` of the source.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { colors, EXIT, reportError } from '../cli/output.js';
import { consolidate, readIfExists, type ConsolidateOptions } from '../generate/consolidate.js';
import { LoadError } from '../load/errors.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface ConsolidateFlags {
  /** the file to write (required) */
  output?: string;
  /** write even with conflicts (listed as comments) or a failed proof */
  force?: boolean;
  /** print the generated file on standard output (the report goes to standard error); write nothing */
  dryRun?: boolean;
  /** `FILE=PROFILE`: the profile for a source instead of the one derived from its name (repeatable) */
  profileName?: string[];
  /** files the compose files reference must lie inside it */
  root?: string;
}

function shown(abs: string): string {
  const r = path.relative(process.cwd(), abs);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : abs;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function consolidateCommand(files: string[], flags: ConsolidateFlags): Promise<number> {
  try {
    if (!flags.output) throw new LoadError('--output FILE is required', { code: 'usage', hint: 'shipshape consolidate docker/docker-compose.yml docker/docker-compose.dev.yml --output docker-compose.dev.yml' });
    if (files.length < 2) throw new LoadError('give at least two compose files to consolidate', { code: 'usage' });
    const abs = files.map((f) => path.resolve(f));
    for (const [i, f] of abs.entries()) {
      const st = statSync(f, { throwIfNoEntry: false });
      if (!st) throw new LoadError(`${files[i]}: no such file`, { code: 'no-file' });
      if (!st.isFile()) throw new LoadError(`${files[i]} is not a file`, { code: 'usage' });
    }
    const output = path.resolve(flags.output);
    if (statSync(output, { throwIfNoEntry: false })?.isDirectory()) throw new LoadError(`${flags.output} is a directory`, { code: 'usage', hint: 'pass a file name with --output' });
    const profileNames: Record<string, string> = {};
    for (const spec of flags.profileName ?? []) {
      const i = spec.lastIndexOf('=');
      if (i <= 0 || i === spec.length - 1) throw new LoadError(`--profile-name ${spec}: expected FILE=PROFILE`, { code: 'usage' });
      const file = path.resolve(spec.slice(0, i));
      if (!abs.includes(file)) throw new LoadError(`--profile-name ${spec}: ${spec.slice(0, i)} is not one of the files`, { code: 'usage' });
      profileNames[file] = spec.slice(i + 1);
    }
    const opts: ConsolidateOptions = { files: abs, output, cwd: process.cwd(), profileNames, ...(flags.root ? { root: path.resolve(flags.root) } : {}) };
    const { plan, text, proof } = consolidate(opts);

    const report = flags.dryRun ? process.stderr : process.stdout;
    const c = colors(report);
    const say = (s = '') => report.write(`${s}\n`);
    say(`Consolidating ${plural(plan.sources.length, 'file')} into ${shown(output)}`);
    const w = Math.max(...plan.sources.map((s) => s.display.length));
    for (const s of plan.sources) say(`  ${s.display.padEnd(w)}  → profile ${s.profile}`);
    const n = plan.sources.length;
    const shared = plan.services.filter((p) => p.variants.length === 1 && p.variants[0]!.sources.length === n);
    const variants = plan.services.filter((p) => p.variants.length > 1);
    const partial = plan.services.filter((p) => p.variants.length === 1 && p.variants[0]!.sources.length < n);
    say('Services:');
    say(`  shared, no profile:  ${shared.length ? shared.map((p) => p.name).join(', ') : '-'}`);
    if (partial.length) {
      say(`  in some sources:     ${partial.map((p) => `${p.name} [${p.variants[0]!.sources.map((i) => plan.sources[i]!.profile).join(', ')}]`).join(', ')}`);
    }
    for (const p of variants) {
      say(`  variants of ${p.name}: ${p.variants.map((v) => `${v.name} [${v.sources.map((i) => plan.sources[i]!.profile).join(', ')}]`).join(', ')}`);
    }
    if (plan.notes.length) {
      say('Notes:');
      for (const note of plan.notes) say(`  - ${note}`);
    }
    if (plan.conflicts.length) {
      say(c.red(`Conflicts (${plan.conflicts.length}):`));
      for (const x of plan.conflicts) say(`  ${c.red('✗')} ${x.message}`);
    } else say('Conflicts: none');
    say('Proof (config of the source ≡ config of the output with its profile):');
    for (const r of proof) {
      for (const a of r.activations) {
        const src = `${r.source}${a.sourceProfiles.length ? ` --profile ${a.sourceProfiles.join(' --profile ')}` : ''}`;
        const out = `${shown(output)} --profile ${a.outputProfiles.join(' --profile ')}`;
        say(`  ${src} ≡ ${out} ${a.ok ? c.green('✓') : c.red('✗')}`);
        for (const d of a.differences) say(`      ${d}`);
      }
    }
    const proofOk = proof.every((r) => r.ok);
    const blocked = plan.conflicts.length > 0 || !proofOk;
    if (blocked && !flags.force) {
      const why = [plan.conflicts.length ? plural(plan.conflicts.length, 'conflict') : '', proofOk ? '' : 'the proof fails'].filter(Boolean).join(' and ');
      say(`Not written: ${why} (--force writes it, conflicts as comments)`);
      if (flags.dryRun) process.stdout.write(text);
      return EXIT.findings;
    }
    if (flags.dryRun) {
      process.stdout.write(text);
      return proofOk ? EXIT.ok : EXIT.findings;
    }
    const replaced = readIfExists(output) !== undefined;
    writeFileAtomic(output, text);
    say(`${replaced ? 'Replaced' : 'Wrote'} ${shown(output)}${plan.conflicts.length ? ` with ${plural(plan.conflicts.length, 'conflict')} as comments` : ''}`);
    return proofOk ? EXIT.ok : EXIT.findings;
  } catch (e) {
    return reportError(e);
  }
}
