import { defineRule, type Fix } from '../audit/types.js';
import { at, buildOf } from './util.js';
import { contextSources, humanSize, readText, relDir, servicesInOrder, sourceCovers, walkContext, type HeavyItem } from './lib/maintainability.js';

const MB = 1024 * 1024;

const LABEL: Record<HeavyItem['kind'], string> = {
  git: 'git history',
  node_modules: 'host-installed node modules',
  venv: 'a local virtualenv',
  pycache: 'Python caches',
  output: 'build output',
  data: 'data',
};

/** Smallest size worth reporting per kind (git history, node modules and virtualenvs always are). */
const MIN_BYTES: Record<HeavyItem['kind'], number> = { git: 0, node_modules: 0, venv: 0, pycache: MB, output: MB, data: 10 * MB };

export default defineRule({
  meta: {
    id: 'build-context-bloat',
    title: 'A build copies heavy folders (.git, node_modules, virtualenvs, data) into the image',
    category: 'build',
    severity: 'warning',
    priority: 'P5',
    effort: 'trivial',
    rationale:
      'A `COPY . .` over a context that still holds `.git`, host `node_modules`, a virtualenv or data files makes every build upload hundreds of megabytes, breaks the layer cache on every commit, overwrites the dependencies installed in the image with the host\'s (built for another OS), and ships the lot to every registry the image is pushed to.',
    seed: '003 §5.1',
    fixable: 'suggestion',
    docs: {
      what: 'Walks each build context as the builder sees it (after `.dockerignore`, without following symbolic links, stopping after 50,000 entries) and reports folders a broad `COPY`/`ADD` (`COPY . .`, `COPY src/ …`) takes in although they do not belong in an image: `.git`, `node_modules`, virtualenvs (`.venv`, `venv`), Python caches (over 1 MB), build output (`dist`, `build`, `target`, over 1 MB) and data (`data/`, `*.csv`, `*.parquet`, … over 10 MB). Folders a `COPY` names explicitly are taken as wanted. Once per context, with the context\'s size.',
      why: 'Build time, cache hits and image size all depend on what the context holds. BuildKit only transfers what `COPY` asks for, so a narrow `COPY` is fine; `COPY . .` asks for everything that `.dockerignore` does not exclude.',
      bad: '# Dockerfile\nCOPY . .\n# .dockerignore is missing, or lists only *.pyc\n',
      good: '# .dockerignore\n.git\nnode_modules\n.venv\n**/__pycache__\ndata/\n',
      lang: 'dockerfile',
      fix: 'List the folders in the context\'s `.dockerignore` (the suggested fix appends them), or copy only what the image needs (`COPY pyproject.toml uv.lock ./`, `COPY src/ ./src/`).',
    },
  },
  check(ctx) {
    const seen = new Set<string>();
    for (const ref of servicesInOrder(ctx.repo)) {
      const b = buildOf(ctx.repo, ref);
      if (!b?.context || b.remote || !b.contextExists || !b.info) continue;
      if (seen.has(b.context)) continue;
      seen.add(b.context);
      const sources = contextSources(b.info);
      if (!sources.length) continue;
      const ig = ctx.repo.dockerignore(b.context, b.dockerfile);
      const walk = walkContext(b.context, ig, { maxEntries: typeof ctx.options.maxEntries === 'number' ? ctx.options.maxEntries : 50_000 });
      const coverOf = (rel: string) => {
        if (sources.some((s) => sourceCovers(s.src, rel) === 'exact')) return undefined;
        return sources.find((s) => sourceCovers(s.src, rel) === 'ancestor');
      };
      const picked: { label: string; rel: string; bytes: number; pattern: string; cover: { src: string; dest: string; line: number; keyword: string } }[] = [];
      const pycache: HeavyItem[] = [];
      for (const item of walk.heavy) {
        const cover = coverOf(item.rel);
        if (!cover) continue;
        if (!item.dir) continue; // a `.git` file: a worktree or submodule pointer
        if (item.kind === 'pycache') {
          pycache.push(item);
          continue;
        }
        if (item.bytes < MIN_BYTES[item.kind]) continue;
        picked.push({ label: `${item.rel}${item.dir ? '/' : ''} (${LABEL[item.kind]}, ${humanSize(item.bytes)})`, rel: item.rel, bytes: item.bytes, pattern: item.kind === 'node_modules' ? '**/node_modules' : item.rel, cover });
      }
      const pySize = pycache.reduce((n, i) => n + i.bytes, 0);
      if (pycache.length && pySize >= MIN_BYTES.pycache) {
        const cover = coverOf(pycache[0]!.rel)!;
        picked.push({ label: `${pycache.length} Python cache folders (${humanSize(pySize)})`, rel: pycache[0]!.rel, bytes: pySize, pattern: '**/__pycache__', cover });
      }
      const data = walk.dataFiles.filter((f) => coverOf(f.rel));
      const dataSize = data.reduce((n, f) => n + f.bytes, 0);
      if (data.length && dataSize >= MIN_BYTES.data) {
        const exts = [...new Set(data.map((f) => `*${f.rel.slice(f.rel.lastIndexOf('.'))}`))];
        picked.push({ label: `${data.length} data files (${exts.slice(0, 4).join(', ')}, ${humanSize(dataSize)})`, rel: data[0]!.rel, bytes: dataSize, pattern: exts.join('\n'), cover: coverOf(data[0]!.rel)! });
      }
      if (!picked.length) continue;
      picked.sort((x, y) => y.bytes - x.bytes);
      const cover = picked[0]!.cover;
      const dfRel = b.dockerfile ? ctx.repo.rel(b.dockerfile) : 'the Dockerfile';
      const copyText = `${cover.keyword} ${cover.src} ${cover.dest}`;
      const size = `${walk.capped ? '≥ ' : ''}${humanSize(walk.bytes)}`;
      const patterns = [...new Set(picked.flatMap((p) => p.pattern.split('\n')))];
      let fix: Fix | undefined;
      if (ig.file) {
        const text = readText(ig.file) ?? '';
        const file = ctx.repo.rel(ig.file);
        const lead = text && !text.endsWith('\n') ? '\n' : '';
        fix = { description: `add ${patterns.join(', ')} to ${file}`, safety: 'unsafe', edits: [{ kind: 'text', file, start: text.length, end: text.length, text: `${lead}${patterns.join('\n')}\n` }] };
      }
      ctx.report({
        message: `build context \`${relDir(ctx.repo.root, b.context)}\` of service \`${ref.name}\` holds ${size} after ${ig.file ? '.dockerignore' : 'ignoring nothing (no .dockerignore)'}, and \`${copyText}\` (${dfRel}:${cover.line}) takes in ${picked.map((p) => p.label).join(', ')}: exclude ${picked.length === 1 ? 'it' : 'them'} in .dockerignore`,
        origin: at(ref, 'build'),
        unit: ref.unit,
        service: ref.name,
        ...(fix ? { fix } : {}),
        snippet: `# ${ig.file ? ctx.repo.rel(ig.file) : `${relDir(ctx.repo.root, b.context)}/.dockerignore`}\n${patterns.join('\n')}`,
      });
    }
  },
});
