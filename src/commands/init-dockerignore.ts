/**
 * `shipshape init-dockerignore [CONTEXT...]`: propose (with --write: write) a `.dockerignore` for
 * each build context, fitted to what it holds and proven not to exclude anything its Dockerfiles
 * COPY or ADD. An existing file is kept; new patterns are appended in a marked block.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDockerfile, type DockerfileInfo } from '../audit/dockerfile.js';
import type { RepoModel } from '../audit/types.js';
import { EXIT, reportError } from '../cli/output.js';
import { count, humanSize, proposeDockerignore, sizeChange, type CopySources, type DockerignoreProposal } from '../generate/dockerignore.js';
import { buildTemplateRepo } from '../generate/env-template.js';
import { LoadError } from '../load/errors.js';
import { buildOf, isMapping, services } from '../rules/util.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface InitDockerignoreFlags {
  /** the repository whose compose files name the build contexts (default .) */
  dir?: string;
  /** write the files (default: print what would be written) */
  write?: boolean;
  /** write even when the proof is incomplete (a Dockerfile is missing or unreadable, the walk was capped) */
  force?: boolean;
  json?: boolean;
}

interface Builder {
  /** service name, or '' for a Dockerfile found in a context given on the command line */
  service: string;
  dockerfile: string;
  info?: DockerfileInfo;
}

interface ContextPlan {
  dir: string;
  builders: Builder[];
  problems: string[];
}

function shown(abs: string): string {
  const r = path.relative(process.cwd(), abs);
  if (r === '') return '.';
  return !r.startsWith('..') && !path.isAbsolute(r) ? r : abs;
}

/** Sources a build reads from its context: COPY/ADD without --from, and RUN --mount=type=bind without from. */
export function contextSourcesOf(info: DockerfileInfo): string[] {
  const out: string[] = [];
  for (const c of info.copies) if (c.from === undefined) out.push(...c.sources);
  for (const run of info.runs) {
    for (const m of run.mounts) {
      const kv = new Map(
        m.split(',').map((part) => {
          const eq = part.indexOf('=');
          return (eq < 0 ? [part.trim().toLowerCase(), ''] : [part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim()]) as [string, string];
        }),
      );
      if ((kv.get('type') ?? 'bind') !== 'bind' || kv.has('from')) continue;
      out.push(kv.get('source') ?? kv.get('src') ?? '.');
    }
  }
  return out;
}

function plansFromRepo(repo: RepoModel): Map<string, ContextPlan> {
  const plans = new Map<string, ContextPlan>();
  for (const ref of services(repo)) {
    const b = buildOf(repo, ref);
    if (!b || b.remote || !b.context) continue;
    const plan = plans.get(b.context) ?? { dir: b.context, builders: [], problems: [] };
    plans.set(b.context, plan);
    if (!b.contextExists) {
      plan.problems.push(`service ${ref.name}: the context does not exist`);
      continue;
    }
    if (b.inline) {
      const build = ref.svc.build;
      const text = isMapping(build) && typeof build.dockerfile_inline === 'string' ? build.dockerfile_inline : '';
      plan.builders.push({ service: ref.name, dockerfile: `${ref.name} (dockerfile_inline)`, info: parseDockerfile(text, 'dockerfile_inline') });
      continue;
    }
    const builder: Builder = { service: ref.name, dockerfile: b.dockerfile ?? 'Dockerfile' };
    if (b.info) builder.info = b.info;
    else plan.problems.push(`service ${ref.name}: ${shown(builder.dockerfile)} ${b.dockerfileExists ? 'does not parse' : 'does not exist'}, so its COPY sources are unknown`);
    plan.builders.push(builder);
  }
  return plans;
}

function planFor(dir: string, fromRepo: Map<string, ContextPlan>, repo: RepoModel): ContextPlan {
  const known = fromRepo.get(dir);
  if (known) return known;
  const plan: ContextPlan = { dir, builders: [], problems: [] };
  const df = path.join(dir, 'Dockerfile');
  if (existsSync(df)) {
    const info = repo.dockerfile(df);
    plan.builders.push({ service: '', dockerfile: df, ...(info ? { info } : {}) });
    if (!info) plan.problems.push(`${shown(df)} does not parse, so its COPY sources are unknown`);
  } else {
    plan.problems.push('no service builds from it and it has no Dockerfile, so no COPY source could be checked');
  }
  return plan;
}

function report(plan: ContextPlan, p: DockerignoreProposal, status: string): string {
  const out: string[] = [];
  const users = plan.builders.map((b) => (b.service ? `${b.service}: ${shown(b.dockerfile)}` : shown(b.dockerfile)));
  out.push(`build context ${shown(plan.dir)}${users.length ? ` (${users.join('; ')})` : ''}`);
  const existingCount = p.existing === undefined ? 0 : p.existing.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#')).length;
  out.push(`  ${shown(p.file)}: ${p.existing === undefined ? 'none yet' : `exists (${existingCount} pattern${existingCount === 1 ? '' : 's'}, kept as is)`}`);
  out.push(`  context size: ${sizeChange(p.before, p.after, p.capped)}`);
  if (p.patterns.length) {
    out.push('  new patterns:');
    const w = Math.max(...p.patterns.flatMap((x) => [x.pattern.length, ...x.negations.map((n) => n.pattern.length)]));
    for (const x of p.patterns) {
      const size = `${humanSize(x.bytes)}, ${count(x.files)} file${x.files === 1 ? '' : 's'}`;
      out.push(`    ${x.pattern.padEnd(w)}  ${size.padEnd(20)}  ${x.why}`);
      for (const n of x.negations) out.push(`    ${n.pattern.padEnd(w)}  ${''.padEnd(20)}  kept: ${n.why}`);
    }
  }
  for (const u of p.unsafe) {
    const paths = u.paths.slice(0, 3).join(', ') + (u.paths.length > 3 ? ` and ${u.paths.length - 3} more` : '');
    out.push(
      u.action === 'dropped'
        ? `  not excluded: ${paths}: ${u.dockerfile} copies it (\`${u.source}\`), so \`${u.pattern}\` is left out`
        : `  not excluded: ${paths}: ${u.dockerfile} copies it (\`${u.source}\`), so \`${u.pattern}\` comes with exceptions`,
    );
  }
  const whole = p.proof.sources.filter((s) => s.kind === 'whole');
  const srcList = [...new Set(p.proof.sources.filter((s) => s.kind !== 'skipped').map((s) => s.source))];
  if (plan.builders.some((b) => b.info)) {
    const what = [`COPY/ADD ${srcList.length ? srcList.slice(0, 6).join(', ') + (srcList.length > 6 ? ', …' : '') : '(none)'}`];
    if (p.proof.checked) what.unshift(plan.builders.length === 1 ? 'the Dockerfile' : 'the Dockerfiles');
    const verdict = p.proof.excluded === 0 ? `${p.proof.checked === 1 ? 'it is not' : `none of them is`} excluded` : `${p.proof.excluded} ARE EXCLUDED`;
    out.push(
      `  proof: ${count(p.proof.checked)} context path${p.proof.checked === 1 ? '' : 's'} the builds read (${what.join('; ')}), checked with Docker's own matcher: ${verdict}` +
        `${whole.length ? '; `COPY .` takes whatever the patterns leave' : ''}`,
    );
  }
  for (const a of p.proof.alreadyExcluded.slice(0, 5)) out.push(`  warning: the existing .dockerignore already excludes ${a.path}, which ${a.dockerfile} needs (\`${a.source}\`)`);
  for (const b of plan.builders) {
    if (b.info && existsSync(`${b.dockerfile}.dockerignore`)) out.push(`  note: BuildKit reads ${shown(`${b.dockerfile}.dockerignore`)} instead of .dockerignore for ${shown(b.dockerfile)}`);
  }
  for (const pr of plan.problems) out.push(`  proof incomplete: ${pr}`);
  if (p.capped) out.push('  proof incomplete: the context has over 200,000 entries; the walk stopped there');
  if (p.addition) {
    if (p.existing === undefined || p.existing.trim() === '') {
      out.push(`  --- proposed ${shown(p.file)} ---`, ...p.text.replace(/\n$/, '').split('\n').map((l) => `  ${l}`), '  ---');
    } else {
      out.push(`  --- additions to ${shown(p.file)} ---`, ...p.addition.replace(/^\n+/, '').replace(/\n$/, '').split('\n').map((l) => `  + ${l}`), '  ---');
    }
  }
  out.push(`  ${status}`);
  return `${out.join('\n')}\n`;
}

export async function initDockerignoreCommand(contexts: string[], flags: InitDockerignoreFlags): Promise<number> {
  try {
    const root = path.resolve(flags.dir ?? '.');
    if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new LoadError(`${flags.dir ?? '.'}: no such directory`, { code: 'usage' });
    const repo = await buildTemplateRepo(root);
    const fromRepo = plansFromRepo(repo);
    let dirs: string[];
    if (contexts.length) {
      dirs = [];
      for (const c of contexts) {
        const abs = path.resolve(c);
        if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new LoadError(`${c}: no such directory`, { code: 'usage', hint: 'pass build context directories' });
        if (!dirs.includes(abs)) dirs.push(abs);
      }
    } else {
      dirs = [...fromRepo.keys()].filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory()).sort();
      if (!dirs.length) {
        throw new LoadError(`no service in ${shown(root)} builds from a local context`, { code: 'usage', hint: 'pass the build context directories: shipshape init-dockerignore CONTEXT...' });
      }
    }
    const results: Record<string, unknown>[] = [];
    let text = '';
    let incompleteNotWritten = false;
    for (const dir of dirs) {
      const plan = planFor(dir, fromRepo, repo);
      const copySources: CopySources[] = plan.builders.filter((b) => b.info).map((b) => ({ dockerfile: b.dockerfile, sources: contextSourcesOf(b.info!) }));
      const p = proposeDockerignore(dir, copySources);
      const incomplete = plan.problems.length > 0 || p.capped;
      let action: 'unchanged' | 'created' | 'updated' | 'proposed' | 'refused';
      let status: string;
      const n = `${p.patterns.length} pattern${p.patterns.length === 1 ? '' : 's'}`;
      if (!p.addition) {
        action = 'unchanged';
        status = `up to date: nothing to add to ${p.existing === undefined ? 'a .dockerignore' : shown(p.file)}`;
      } else if (!flags.write) {
        action = 'proposed';
        status = `dry run: pass --write to ${p.existing === undefined ? 'write it' : 'append them'}`;
      } else if (incomplete && !flags.force) {
        action = 'refused';
        incompleteNotWritten = true;
        status = `not written: the proof is incomplete (see above); pass --force to write anyway`;
      } else {
        writeFileAtomic(p.file, p.text);
        action = p.existing === undefined || p.existing.trim() === '' ? 'created' : 'updated';
        status = action === 'created' ? `wrote ${shown(p.file)} (${n})` : `updated ${shown(p.file)}: appended ${n}`;
      }
      text += `${text ? '\n' : ''}${report(plan, p, status)}`;
      results.push({
        context: shown(dir),
        file: shown(p.file),
        action,
        services: plan.builders.map((b) => b.service).filter(Boolean),
        before: p.before,
        after: p.after,
        capped: p.capped,
        patterns: p.patterns,
        unsafe: p.unsafe,
        proof: p.proof,
        problems: plan.problems,
        addition: p.addition,
      });
    }
    process.stdout.write(flags.json ? `${JSON.stringify({ contexts: results }, null, 2)}\n` : text);
    return incompleteNotWritten ? EXIT.findings : EXIT.ok;
  } catch (e) {
    return reportError(e);
  }
}
