/**
 * A Dockerfile as rules need it, read with dockerfile-ast: stages, the final stage's USER and
 * HEALTHCHECK, COPY/ADD sources, RUN commands with their --mount flags, with 1-based positions.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { readTextFile } from '../load/yaml.js';

export interface Position {
  line: number;
  column: number;
}

export interface DockerInstruction extends Position {
  keyword: string;
  /** the arguments as written (continuations joined) */
  args: string;
  /** --flag=value flags (name -> value) */
  flags: Record<string, string>;
  /** raw --mount flag values, for RUN */
  mounts: string[];
  stage: number;
}

export interface CopySource extends Position {
  keyword: 'COPY' | 'ADD';
  sources: string[];
  dest: string;
  /** COPY --from=... (a stage name, index or image): sources are not read from the context */
  from?: string;
  stage: number;
}

export interface Stage extends Position {
  index: number;
  name?: string;
  /** the FROM image (or earlier stage name) */
  image: string;
  /** the last USER of the stage (inherited from an earlier stage it is built FROM) */
  user?: string;
  userAt?: Position;
  healthcheck?: { args: string } & Position;
  instructions: DockerInstruction[];
}

export interface DockerfileInfo {
  path: string;
  text: string;
  stages: Stage[];
  final: Stage | undefined;
  copies: CopySource[];
  runs: DockerInstruction[];
  instructions: DockerInstruction[];
  /** `# syntax=` directive, if any */
  syntax?: string;
}

function words(s: string): string[] {
  return s.trim().split(/\s+/).filter(Boolean);
}

/** COPY/ADD arguments: JSON form or shell form, without flags. */
function copyArgs(args: string): string[] {
  const t = args.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) return v.map(String);
    } catch {
      /* fall back to words */
    }
  }
  return words(t).filter((w) => !w.startsWith('--'));
}

export function parseDockerfile(text: string, file: string): DockerfileInfo {
  const df = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  const copies: CopySource[] = [];
  const runs: DockerInstruction[] = [];
  const all: DockerInstruction[] = [];
  let current: Stage | undefined;
  const directive = df.getDirectives().find((d) => d.getName()?.toLowerCase() === 'syntax');
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase();
    const r = ins.getRange();
    const pos = { line: r.start.line + 1, column: r.start.character + 1 };
    const args = (ins.getArgumentsContent() ?? '').replace(/\\\r?\n/g, ' ');
    const flags: Record<string, string> = {};
    const mounts: string[] = [];
    const flagList = (ins as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] }).getFlags?.() ?? [];
    for (const f of flagList) {
      const name = f.getName();
      const value = f.getValue() ?? '';
      if (name === 'mount') mounts.push(value);
      flags[name] = value;
    }
    if (keyword === 'FROM') {
      const w = words(args).filter((x) => !x.startsWith('--'));
      const image = w[0] ?? '';
      const asIdx = w.findIndex((x) => x.toLowerCase() === 'as');
      const name = asIdx >= 0 ? w[asIdx + 1] : undefined;
      const parent = stages.find((s) => s.name !== undefined && s.name.toLowerCase() === image.toLowerCase());
      current = { index: stages.length, image, instructions: [], ...pos };
      if (name) current.name = name;
      if (parent?.user !== undefined) {
        current.user = parent.user;
        if (parent.userAt) current.userAt = parent.userAt;
      }
      if (parent?.healthcheck) current.healthcheck = parent.healthcheck;
      stages.push(current);
    }
    const stageIndex = current?.index ?? 0;
    const info: DockerInstruction = { keyword, args, flags, mounts, stage: stageIndex, ...pos };
    all.push(info);
    current?.instructions.push(info);
    if (!current) continue;
    if (keyword === 'USER') {
      current.user = words(args)[0] ?? '';
      current.userAt = pos;
    } else if (keyword === 'HEALTHCHECK') {
      current.healthcheck = { args, ...pos };
    } else if (keyword === 'RUN') {
      runs.push(info);
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      const list = copyArgs(args);
      if (list.length >= 2) {
        const c: CopySource = { keyword, sources: list.slice(0, -1), dest: list[list.length - 1]!, stage: stageIndex, ...pos };
        if (flags.from !== undefined) c.from = flags.from;
        copies.push(c);
      }
    }
  }
  const out: DockerfileInfo = { path: file, text, stages, final: stages[stages.length - 1], copies, runs, instructions: all };
  const v = directive?.getValue();
  if (v) out.syntax = v;
  return out;
}

export function readDockerfile(absPath: string, display: string): DockerfileInfo {
  return parseDockerfile(readTextFile(absPath, display, 4 * 1024 * 1024), display);
}
