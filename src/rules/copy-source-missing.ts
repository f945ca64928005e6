import { statSync } from 'node:fs';
import path from 'node:path';
import type { DockerfileInfo } from '../audit/dockerfile.js';
import { makeIgnore } from '../audit/dockerignore.js';
import { defineRule } from '../audit/types.js';
import { isRemoteContext } from '../load/paths.js';
import { allServices, exists, gitignored, insideRoot, shown } from './lib/correctness.js';
import { buildOf, isMapping } from './util.js';

/** The stages a build of `target` (default: the last stage) runs, as BuildKit prunes the rest. */
function reachableStages(info: DockerfileInfo, target?: string): Set<number> {
  const stages = info.stages;
  const out = new Set<number>();
  if (!stages.length) return out;
  const stageIndex = (ref: string, before: number): number => {
    const lower = ref.toLowerCase();
    const i = stages.findIndex((s, j) => j < before && s.name?.toLowerCase() === lower);
    if (i >= 0) return i;
    if (/^\d+$/.test(ref) && Number(ref) < before) return Number(ref);
    return -1;
  };
  let start = stages.length - 1;
  if (target) {
    start = stages.findIndex((s) => s.name?.toLowerCase() === target.toLowerCase());
    // an unknown target fails the build for another reason
    if (start < 0) return out;
  }
  const visit = (i: number) => {
    if (i < 0 || out.has(i)) return;
    out.add(i);
    const st = stages[i]!;
    visit(stageIndex(st.image, i));
    for (const ins of st.instructions) {
      if (ins.flags.from !== undefined) visit(stageIndex(ins.flags.from, i));
      for (const m of ins.mounts) {
        const from = /(?:^|,)from=([^,]+)/.exec(m)?.[1];
        if (from) visit(stageIndex(from, i));
      }
    }
  };
  visit(start);
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export default defineRule({
  meta: {
    id: 'copy-source-missing',
    title: 'A COPY/ADD source is not in the build context',
    category: 'correctness',
    severity: 'error',
    priority: 'P1',
    effort: 'low',
    rationale:
      'A `COPY` of a file that is not in the build context (missing, or excluded by `.dockerignore`) fails the build with "failed to compute cache key: not found". Lock files that were never generated and files a broad `.dockerignore` pattern excludes are the usual causes.',
    seed: '003 §1.4',
    fixable: false,
    docs: {
      what:
        'Reads the Dockerfile of every build and checks each literal `COPY`/`ADD` source of the stages the build runs (the target and the stages it uses) against the build context: the path must exist and must not be excluded by the `.dockerignore` that applies (`<Dockerfile>.dockerignore` first, then the context\'s). `COPY --from=<stage|image>`, URLs, heredocs and sources with variables are skipped; `--from=<name>` of a local `additional_contexts` entry is checked in that directory. Wildcard sources are never reported: BuildKit accepts a pattern that matches nothing. Paths a `.gitignore` lists are taken to be generated before the build and are skipped.',
      why: 'The build stops at the first missing source, so the service never gets an image.',
      bad: '# Dockerfile\nFROM python:3.12-slim\nCOPY pyproject.toml uv.lock ./   # uv.lock was never generated\n',
      good: '# Dockerfile\nFROM python:3.12-slim\nCOPY pyproject.toml uv.lock ./   # uv.lock generated with `uv lock` and committed\n',
      fix: 'Create or commit the file, correct the path (it is relative to the build context, not to the Dockerfile), or remove the pattern from `.dockerignore` that excludes it.',
      lang: 'dockerfile',
    },
  },
  check(ctx) {
    const { repo } = ctx;
    for (const ref of allServices(repo)) {
      const b = ref.svc.build;
      if (!isMapping(b)) continue;
      const build = buildOf(repo, ref);
      if (!build?.info || !build.context || !build.contextExists || !build.dockerfile) continue;
      const dfRel = insideRoot(repo, build.dockerfile);
      if (!dfRel) continue;
      const info = build.info;
      const ctxShown = shown(repo, build.context);
      const extra = new Map<string, string>();
      const add = b.additional_contexts;
      if (isMapping(add)) for (const [k, v] of Object.entries(add)) if (typeof v === 'string') extra.set(k, v);
      if (Array.isArray(add)) for (const e of add) if (typeof e === 'string' && e.includes('=')) extra.set(e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1));
      const stages = reachableStages(info, build.target);
      const ignore = repo.dockerignore(build.context, build.dockerfile);
      const ignoreName = ignore.file ? shown(repo, ignore.file) : '.dockerignore';
      const hasExceptions = ignore.patterns.some((p) => p.startsWith('!'));
      for (const c of info.copies) {
        if (!stages.has(c.stage)) continue;
        let dir = build.context;
        let named: string | undefined;
        if (c.from !== undefined) {
          const isStage = info.stages.some((s, j) => j < c.stage && (s.name?.toLowerCase() === c.from!.toLowerCase() || String(j) === c.from));
          const ctxPath = extra.get(c.from);
          if (isStage || ctxPath === undefined || isRemoteContext(ctxPath) || ctxPath.includes('://')) continue;
          dir = path.resolve(ref.project.projectDir, ctxPath);
          if (!isDir(dir)) continue; // build-context-missing reports it
          named = c.from;
        }
        for (const src of c.sources) {
          if (!src || src.startsWith('<<') || src.includes('$') || /[*?[\]\\]/.test(src)) continue;
          if (c.keyword === 'ADD' && (/^[a-z][a-z0-9+.-]*:\/\//i.test(src) || src.startsWith('git@'))) continue;
          const rel = path.posix.join('/', src).slice(1).replace(/\/+$/, '');
          const abs = rel ? path.join(dir, rel) : dir;
          const where = named ? `the additional build context \`${named}\` (directory \`${shown(repo, dir)}\`)` : `the build context \`${ctxShown}\``;
          const base = { file: dfRel, line: c.line, column: c.column, unit: ref.unit, service: ref.name };
          if (!rel) continue;
          if (!exists(abs)) {
            if (gitignored(repo, abs)) continue;
            ctx.report({ ...base, message: `\`${c.keyword} ${src}\` fails: \`${rel}\` does not exist in ${where}` });
            continue;
          }
          if (named || !ignore.ignores(rel)) continue;
          if (hasExceptions && isDir(abs)) continue;
          const pattern = [...ignore.patterns].reverse().find((p) => !p.startsWith('!') && makeIgnore([p]).ignores(rel));
          ctx.report({
            ...base,
            message: `\`${c.keyword} ${src}\` fails: \`${rel}\` is excluded from ${where} by \`${ignoreName}\`${pattern ? ` (pattern \`${pattern}\`)` : ''}`,
          });
        }
      }
    }
  },
});
