/** `shipshape audit`: discover, load as Compose does, run the rules, report. */
import path from 'node:path';
import { createRequire } from 'node:module';
import { SEVERITY_RANK, runRules } from '../audit/engine.js';
import { buildRepoModel } from '../audit/repo.js';
import { buildResult } from '../audit/result.js';
import type { Severity } from '../audit/types.js';
import { EXIT, reportError, useColor } from '../cli/output.js';
import { startProgress } from '../cli/progress.js';
import { LoadError } from '../load/errors.js';
import { rendererFor, type Format } from '../report/index.js';
import { RULES } from '../rules/index.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface AuditFlags {
  format: Format;
  output?: string;
  rule?: string[];
  disable?: string[];
  profile?: string[];
  file?: string[];
  minSeverity?: Severity;
  failOn?: Severity | 'never';
  config?: string;
  reportUnusedSuppressions?: boolean;
}

export async function auditCommand(dir: string | undefined, flags: AuditFlags): Promise<number> {
  const progress = startProgress('auditing');
  try {
    const root = path.resolve(dir ?? '.');
    for (const id of [...(flags.rule ?? []), ...(flags.disable ?? [])]) {
      if (!RULES.some((r) => r.meta.id === id)) throw new LoadError(`unknown rule "${id}"`, { code: 'usage', hint: 'run `shipshape rules` for the list' });
    }
    const repo = await buildRepoModel(root, { files: flags.file, profiles: flags.profile, configFile: flags.config });
    progress.update(`running ${RULES.length} rules on ${repo.units.length} compose unit${repo.units.length === 1 ? '' : 's'}`);
    const run = runRules(repo, RULES, { only: flags.rule, disable: flags.disable, minSeverity: flags.minSeverity });
    const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
    const result = buildResult(repo, run, RULES, version);
    const render = await rendererFor(flags.format);
    progress.stop();
    const toTty = !flags.output && flags.format === 'text' && useColor(process.stdout);
    const text = render(result, { color: toTty, rules: RULES });
    if (flags.output) {
      writeFileAtomic(path.resolve(flags.output), text);
      process.stderr.write(`wrote ${flags.output} (${result.counts.total} findings, score ${result.score.toFixed(1)}/10)\n`);
    } else process.stdout.write(text);
    if (flags.reportUnusedSuppressions) {
      for (const s of result.unusedSuppressions) process.stderr.write(`${s.file}:${s.line}: unused suppression of ${s.rule} (${s.reason})\n`);
    }
    const threshold = flags.failOn ?? repo.config.threshold ?? 'error';
    if (threshold === 'never') return EXIT.ok;
    const failing = result.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]);
    const unused = flags.reportUnusedSuppressions && result.unusedSuppressions.length > 0;
    return failing || unused ? EXIT.findings : EXIT.ok;
  } catch (e) {
    progress.stop();
    return reportError(e);
  }
}
