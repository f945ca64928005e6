/**
 * Finding `docker compose` / `docker-compose` calls in Makefiles and shell scripts (best effort).
 *
 * How a file is read:
 * - lines ending in `\` are joined with the next (the command keeps the number of its first line);
 *   shell here-document bodies are skipped;
 * - Makefiles: variables (`=`, `:=`, `::=`, `?=`, `+=`, with `export`/`override`) are collected
 *   from the whole file first, as make does, and `$(NAME)` / `${NAME}` are substituted in recipe
 *   lines (recursively; `$$` becomes `$`); recipe lines are the tab-indented ones and the part after
 *   `;` on a rule line; the rule they belong to is reported as `target`;
 * - shell scripts: `NAME=value` assignments (also `export`/`local`/`readonly`/`declare`, arrays
 *   `NAME=(...)`) are substituted for `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME[@]}`, using the
 *   last assignment above the line (else the first one below); values holding a command
 *   substitution are not substituted;
 * - each line is split into commands at `;`, `&&`, `||`, `|`, `&`, parentheses, and inside `$(...)`
 *   and backticks; a command is a compose call when, after assignments and wrappers such as `sudo`,
 *   `env`, `exec`, `time`, `nohup`, `then`, `do`, `$(shell ...)`, its first word is `docker-compose`
 *   (v1) or `docker [global options] compose` (v2) - so `echo docker compose up` and
 *   `command -v docker-compose` are not calls. A first word that is an unresolved variable named
 *   like compose (`$(DOCKER_COMPOSE)`, `$COMPOSE_CMD`) followed by a compose subcommand or option
 *   is reported with `cli: 'unknown'`.
 * A `cd <relative dir>` earlier on the same line is followed (`cwd`). Shell functions and aliases
 * wrapping compose are not followed.
 */
import path from 'node:path';
import type { ComposeInvocation } from './types.js';

export type WrapperKind = 'make' | 'shell';
export type RawInvocation = Omit<ComposeInvocation, 'resolvedFiles'>;

// Markers put around substituted text so the tokenizer can tell which variable a word came from.
const MARK_START = '\u0001';
const MARK_MID = '\u0002';
const MARK_END = '\u0003';
// eslint-disable-next-line no-control-regex
const MARKS_RE = /\u0001[^\u0002]*\u0002|\u0003/g;
const stripMarks = (s: string): string => (s.includes(MARK_START) || s.includes(MARK_END) ? s.replace(MARKS_RE, '') : s);

const MAX_DEPTH = 12;
/** substitution stops growing a line past this many characters (self-multiplying variables) */
const MAX_EXPANSION = 100_000;

export function wrapperKind(name: string): WrapperKind | null {
  if (name === 'Makefile' || name === 'makefile' || name === 'GNUmakefile' || name.endsWith('.mk')) return 'make';
  if (name.endsWith('.sh') || name.endsWith('.bash')) return 'shell';
  return null;
}

/** Cheap pre-check: can this text contain a compose call at all? */
export function mayCallCompose(text: string): boolean {
  return /compose/i.test(text);
}

interface Logical {
  line: number;
  text: string;
  /** make: a tab-indented recipe line */
  recipe: boolean;
}

function logicalLines(text: string, kind: WrapperKind): Logical[] {
  const phys = text.split(/\r?\n/);
  const out: Logical[] = [];
  for (let i = 0; i < phys.length; i++) {
    const start = i;
    const first = phys[i]!;
    const recipe = kind === 'make' && first.startsWith('\t');
    let cur = first;
    while (endsWithContinuation(cur) && i + 1 < phys.length) {
      cur = cur.slice(0, -1).replace(/\s+$/, '');
      i++;
      let next = phys[i]!;
      if (recipe && next.startsWith('\t')) next = next.slice(1);
      cur += ' ' + next.trimStart();
    }
    out.push({ line: start + 1, text: cur, recipe });
    if (kind === 'shell') {
      const hd = heredocDelimiter(cur);
      if (hd) {
        while (i + 1 < phys.length) {
          i++;
          const l = phys[i]!;
          if ((hd.strip ? l.replace(/^\t+/, '') : l).trim() === hd.word) break;
        }
      }
    }
  }
  return out;
}

function endsWithContinuation(line: string): boolean {
  const m = /\\+$/.exec(line);
  return m !== null && m[0].length % 2 === 1;
}

function heredocDelimiter(line: string): { word: string; strip: boolean } | null {
  // outside single quotes only, and not a here-string (<<<)
  const m = /(?:^|[^<])<<(-?)\s*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][\w.-]*))/.exec(line.replace(/'[^']*'/g, "''"));
  if (!m) return null;
  return { word: m[2] ?? m[3] ?? m[4] ?? '', strip: m[1] === '-' };
}

// ---------------------------------------------------------------------------------------------
// Variable substitution

type Lookup = (name: string, seen: ReadonlySet<string>) => string | undefined;

/** index of the bracket closing the one at `open`, skipping quoted text; s.length when unbalanced */
function findClose(s: string, open: number): number {
  const o = s[open]!;
  const c = o === '(' ? ')' : o === '{' ? '}' : o;
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\') {
      i++;
    } else if (ch === "'" && o !== '{') {
      const e = s.indexOf("'", i + 1);
      if (e < 0) return s.length;
      i = e;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      i = j;
    } else if (ch === o) {
      depth++;
    } else if (ch === c) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return s.length;
}

const MAKE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** make-style expansion; `mark` wraps each top-level substitution in markers */
function expandMake(s: string, lookup: Lookup, seen: ReadonlySet<string>, mark: boolean, depth = 0): string {
  if (!s.includes('$')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (out.length > MAX_EXPANSION) return out + s.slice(i);
    const ch = s[i]!;
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const n = s[i + 1];
    if (n === '$') {
      out += '$';
      i++;
    } else if (n === '(' || n === '{') {
      const e = findClose(s, i + 1);
      const inner = s.slice(i + 2, e);
      const close = n === '(' ? ')' : '}';
      const value = MAKE_NAME_RE.test(inner) && depth < MAX_DEPTH && !seen.has(inner) ? lookup(inner, seen) : undefined;
      if (value !== undefined) {
        const expanded = expandMake(value, lookup, new Set([...seen, inner]), false, depth + 1);
        out += mark ? `${MARK_START}$${n}${inner}${close}${MARK_MID}${expanded}${MARK_END}` : expanded;
      } else if (/[\s,]/.test(inner)) {
        // a function call such as $(shell ...): substitute inside it
        out += `$${n}${expandMake(inner, lookup, seen, mark, depth + 1)}${close}`;
      } else {
        out += s.slice(i, Math.min(e + 1, s.length));
      }
      i = e;
    } else {
      out += '$' + (n ?? '');
      i++;
    }
  }
  return out;
}

/** shell-style expansion (not inside single quotes) */
function expandShell(s: string, lookup: Lookup, seen: ReadonlySet<string>, mark: boolean, depth = 0): string {
  if (!s.includes('$')) return s;
  let out = '';
  let inSingle = false;
  let inDouble = false;
  const sub = (ref: string, name: string, value: string): string => {
    const expanded = expandShell(value, lookup, new Set([...seen, name]), false, depth + 1);
    return mark ? `${MARK_START}${ref}${MARK_MID}${expanded}${MARK_END}` : expanded;
  };
  for (let i = 0; i < s.length; i++) {
    if (out.length > MAX_EXPANSION) return out + s.slice(i);
    const ch = s[i]!;
    if (ch === '\\' && !inSingle) {
      out += ch + (s[i + 1] ?? '');
      i++;
    } else if (ch === "'" && !inDouble) {
      inSingle = !inSingle;
      out += ch;
    } else if (ch === '"' && !inSingle) {
      inDouble = !inDouble;
      out += ch;
    } else if (ch !== '$' || inSingle || depth >= MAX_DEPTH) {
      out += ch;
    } else if (s[i + 1] === '{') {
      const e = findClose(s, i + 1);
      const raw = s.slice(i, Math.min(e + 1, s.length));
      const inner = s.slice(i + 2, e);
      i = e;
      const m = /^([A-Za-z_]\w*)(\[[@*]\])?(?:(:?[-=+?])([\s\S]*))?$/.exec(inner);
      if (!m) {
        out += raw;
        continue;
      }
      const name = m[1]!;
      const op = m[3];
      const word = m[4] ?? '';
      const value = seen.has(name) ? undefined : lookup(name, seen);
      const set = value !== undefined && (value !== '' || !op?.startsWith(':'));
      if (m[2] !== undefined && op === undefined && value !== undefined && inDouble) {
        // "${ARR[@]}" gives one word per element: close the quotes around the elements
        out += `"${sub(raw, name, value)}"`;
      } else if (op === undefined || op === ':?' || op === '?') out += value !== undefined ? sub(raw, name, value) : raw;
      else if (op.endsWith('+')) out += set ? expandShell(word, lookup, seen, mark, depth + 1) : '';
      else out += set ? sub(raw, name, value) : expandShell(word, lookup, seen, mark, depth + 1);
    } else if (s[i + 1] === '(') {
      const e = findClose(s, i + 1);
      out += `$(${expandShell(s.slice(i + 2, e), lookup, seen, mark, depth + 1)}${e < s.length ? ')' : ''}`;
      i = e;
    } else {
      const m = /^[A-Za-z_]\w*/.exec(s.slice(i + 1));
      const name = m?.[0];
      const value = name !== undefined && !seen.has(name) ? lookup(name, seen) : undefined;
      if (name !== undefined && value !== undefined) {
        out += sub('$' + name, name, value);
        i += name.length;
      } else {
        out += ch;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tokenizing

interface Word {
  value: string;
  /** variable reference the word came from (its first character was substituted text) */
  via?: string;
}
type Tok = Word | { op: string };
const isOp = (t: Tok): t is { op: string } => 'op' in t;

interface Tokenized {
  tokens: Tok[];
  /** texts of command substitutions, to scan as commands too */
  subs: string[];
}

const REDIR_RE = /^(?:&>>|&>|>>|>&|>\||<<<|<<-|<<|<&|<>|>|<)/;

function tokenize(s: string): Tokenized {
  const tokens: Tok[] = [];
  const subs: string[] = [];
  let cur = '';
  let inWord = false;
  let via: string | undefined;
  let curVia: string | undefined;
  const flush = (): void => {
    if (inWord) {
      const w: Word = { value: stripMarks(cur) };
      if (via !== undefined) w.via = via;
      tokens.push(w);
    }
    cur = '';
    inWord = false;
    via = undefined;
  };
  const startWord = (): void => {
    if (!inWord) {
      inWord = true;
      via = curVia;
    }
  };
  /** handles a marker at i; returns the index after it, or -1 when s[i] is not a marker */
  const marker = (i: number): number => {
    const ch = s[i];
    if (ch === MARK_START) {
      const e = s.indexOf(MARK_MID, i);
      if (e < 0) return i + 1;
      curVia = s.slice(i + 1, e);
      if (inWord && cur === '') via = curVia;
      return e + 1;
    }
    if (ch === MARK_END) {
      curVia = undefined;
      return i + 1;
    }
    return -1;
  };
  const substitution = (i: number): number => {
    // s[i] === '$', s[i + 1] === '('
    const e = findClose(s, i + 1);
    if (s[i + 2] !== '(') subs.push(s.slice(i + 2, e));
    cur += s.slice(i, e + 1);
    return e + 1;
  };
  const backtick = (i: number): number => {
    let e = i + 1;
    while (e < s.length && s[e] !== '`') e += s[e] === '\\' ? 2 : 1;
    subs.push(s.slice(i + 1, e));
    cur += s.slice(i, e + 1);
    return e + 1;
  };

  let i = 0;
  while (i < s.length) {
    const m = marker(i);
    if (m >= 0) {
      i = m;
      continue;
    }
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      flush();
      i++;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === '\\') {
      startWord();
      cur += s[i + 1] ?? '';
      i += 2;
    } else if (c === "'") {
      startWord();
      const e = s.indexOf("'", i + 1);
      const end = e < 0 ? s.length : e;
      cur += s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      startWord();
      i++;
      while (i < s.length && s[i] !== '"') {
        const mk = marker(i);
        if (mk >= 0) {
          i = mk;
        } else if (s[i] === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) {
          cur += s[i + 1];
          i += 2;
        } else if (s[i] === '$' && s[i + 1] === '(') {
          i = substitution(i);
        } else if (s[i] === '`') {
          i = backtick(i);
        } else {
          cur += s[i];
          i++;
        }
      }
      i++;
    } else if (c === '$' && s[i + 1] === '(') {
      startWord();
      i = substitution(i);
    } else if (c === '$' && s[i + 1] === '{') {
      startWord();
      const e = findClose(s, i + 1);
      cur += s.slice(i, e + 1);
      i = e + 1;
    } else if (c === '`') {
      startWord();
      i = backtick(i);
    } else if (c === '>' || c === '<' || (c === '&' && s[i + 1] === '>')) {
      if (inWord && /^\d+$/.test(cur)) {
        cur = '';
        inWord = false;
        via = undefined;
      } else {
        flush();
      }
      const op = REDIR_RE.exec(s.slice(i, i + 3))![0];
      tokens.push({ op: 'redir' });
      i += op.length;
    } else if ((c === '&' || c === '|') && s[i + 1] === c) {
      flush();
      tokens.push({ op: c + c });
      i += 2;
    } else if (c === '(' && inWord && cur.endsWith('=')) {
      // array assignment: keep NAME=(...) as one word
      const e = findClose(s, i);
      cur += s.slice(i, e + 1);
      i = e + 1;
    } else if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      flush();
      tokens.push({ op: c });
      i++;
    } else {
      startWord();
      cur += c;
      i++;
    }
  }
  flush();
  return { tokens, subs };
}

/** Split tokens into commands, dropping redirections and their targets. */
function commands(tokens: readonly Tok[]): Word[][] {
  const out: Word[][] = [];
  let cur: Word[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isOp(t)) {
      if (t.op === 'redir') {
        if (tokens[i + 1] && !isOp(tokens[i + 1]!)) i++;
        continue;
      }
      if (cur.length) out.push(cur);
      cur = [];
    } else {
      cur.push(t);
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Recognising a compose call in one command

const ASSIGN_RE = /^([A-Za-z_]\w*)\+?=/;
const PLAIN_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const VAR_REF_RE = /^\$(?:\(([A-Za-z_][\w.-]*)\)|\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/;

const KEYWORDS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', 'exec', 'nohup', 'shell', 'builtin', 'noglob']);

const DOCKER_VALUE_OPTS = new Set(['-c', '--context', '-H', '--host', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);

const COMPOSE_GLOBAL_VALUE_OPTS = new Set([
  '-f',
  '--file',
  '-p',
  '--project-name',
  '--profile',
  '--env-file',
  '--project-directory',
  '--ansi',
  '--parallel',
  '--progress',
  '-c',
  '--context',
  '-H',
  '--host',
  '--log-level',
  '--tlscacert',
  '--tlscert',
  '--tlskey',
]);

const COMPOSE_SUBCOMMANDS = new Set([
  'attach', 'build', 'commit', 'config', 'cp', 'create', 'down', 'events', 'exec', 'export', 'images', 'kill', 'logs',
  'ls', 'pause', 'port', 'ps', 'publish', 'pull', 'push', 'restart', 'rm', 'run', 'scale', 'start', 'stats', 'stop',
  'top', 'unpause', 'up', 'version', 'volumes', 'wait', 'watch', 'alpha', 'bridge', 'help',
]);

interface SubSpec {
  /** options taking a value */
  value: readonly string[];
  /** only the first positional is a service (the rest is a command or a port) */
  first?: boolean;
}

const TIMEOUT = ['-t', '--timeout'];
/** subcommands taking service names, with their value-taking options */
const SUBCOMMANDS: Record<string, SubSpec> = {
  up: { value: ['--scale', ...TIMEOUT, '--exit-code-from', '--attach', '--no-attach', '--pull', '--wait-timeout'] },
  create: { value: ['--scale', '--pull'] },
  logs: { value: ['--tail', '-n', '--since', '--until', '--index'] },
  build: { value: ['--build-arg', '--builder', '-m', '--memory', '--progress', '--ssh', '--provenance', '--sbom'] },
  exec: { value: ['-e', '--env', '-u', '--user', '-w', '--workdir', '--index'], first: true },
  run: {
    value: ['-e', '--env', '-u', '--user', '-w', '--workdir', '--name', '--entrypoint', '-l', '--label', '-p', '--publish', '-v', '--volume', '--env-from-file', '--cap-add', '--cap-drop', '--pull'],
    first: true,
  },
  restart: { value: TIMEOUT },
  stop: { value: TIMEOUT },
  down: { value: [...TIMEOUT, '--rmi'] },
  start: { value: [] },
  pause: { value: [] },
  unpause: { value: [] },
  pull: { value: ['--policy'] },
  push: { value: [] },
  rm: { value: [] },
  kill: { value: ['-s', '--signal'] },
  ps: { value: ['--format', '--filter', '--status'] },
  top: { value: [] },
  images: { value: ['--format'] },
  attach: { value: ['--detach-keys', '--index'], first: true },
  port: { value: ['--index', '--protocol'], first: true },
  watch: { value: [] },
  events: { value: [] },
  wait: { value: [] },
  config: { value: ['--format', '-o', '--output', '--hash'] },
};

const basename = (w: string): string => w.slice(w.lastIndexOf('/') + 1);

function quoteWord(v: string): string {
  return v === '' || /\s/.test(v) ? JSON.stringify(v) : v;
}

interface Found {
  cli: ComposeInvocation['cli'];
  via?: string;
  subcommand?: string;
  files: string[];
  profiles: string[];
  projectName?: string;
  services: string[];
  command: string;
}

function recognise(cmd: readonly Word[]): Found | null {
  // a substituted "docker compose ..." that stayed one word (as in "$COMPOSE" up) is split again
  const words: Word[] = [];
  for (const w of cmd) {
    if (w.via !== undefined && /^(?:\S*\/)?docker(?:-compose)?\s/.test(w.value)) {
      for (const part of w.value.split(/\s+/).filter(Boolean)) words.push({ value: part, via: w.via });
    } else {
      words.push(w);
    }
  }
  const files: string[] = [];
  const profiles: string[] = [];
  let projectName: string | undefined;
  let i = 0;
  while (i < words.length) {
    const w = words[i]!.value;
    const a = ASSIGN_RE.exec(w);
    if (a) {
      const val = w.slice(w.indexOf('=') + 1);
      if (a[1] === 'COMPOSE_FILE') files.push(...val.split(':').filter(Boolean));
      else if (a[1] === 'COMPOSE_PROFILES') profiles.push(...val.split(',').filter(Boolean));
      else if (a[1] === 'COMPOSE_PROJECT_NAME') projectName = val;
      i++;
    } else if (KEYWORDS.has(w) || w === 'time') {
      i++;
      if (w === 'time') while (words[i]?.value.startsWith('-')) i++;
    } else if (w === 'command') {
      if (/^-[vV]$/.test(words[i + 1]?.value ?? '')) return null;
      i++;
    } else if (w === 'sudo' || w === 'env' || w === 'nice' || w === 'xargs') {
      i++;
      while (words[i]?.value.startsWith('-')) {
        const o = words[i]!.value;
        i += /^-[ugCDhprtUTn]$/.test(o) || o === '-I' ? 2 : 1;
      }
    } else if (w === 'timeout') {
      i++;
      while (words[i]?.value.startsWith('-')) i += /^-[sk]$/.test(words[i]!.value) ? 2 : 1;
      i++; // the duration
    } else {
      break;
    }
  }
  const head = words[i];
  if (!head) return null;
  let cli: Found['cli'];
  let via = head.via;
  let j: number;
  const b = basename(head.value);
  if (b === 'docker-compose') {
    cli = 'v1';
    j = i + 1;
  } else if (b === 'docker') {
    j = i + 1;
    while (j < words.length && words[j]!.value.startsWith('-')) {
      const o = words[j]!.value;
      j += DOCKER_VALUE_OPTS.has(o) ? 2 : 1;
    }
    if (words[j]?.value !== 'compose') return null;
    cli = 'v2';
    j++;
  } else {
    const ref = VAR_REF_RE.exec(head.value);
    const name = ref ? (ref[1] ?? ref[2] ?? ref[3] ?? '') : '';
    const next = words[i + 1]?.value ?? '';
    if (!/compose/i.test(name) || !(COMPOSE_SUBCOMMANDS.has(next) || next.startsWith('-'))) return null;
    cli = 'unknown';
    via = head.value;
    j = i + 1;
  }
  const commandWords = words.slice(i).map((w) => quoteWord(w.value));

  // global options
  let subcommand: string | undefined;
  while (j < words.length) {
    const w = words[j]!.value;
    if (w === '--') {
      j++;
      continue;
    }
    if (w.startsWith('-')) {
      let opt = w;
      let val: string | undefined;
      const eq = w.indexOf('=');
      if (w.startsWith('--') && eq > 0) {
        opt = w.slice(0, eq);
        val = w.slice(eq + 1);
        j++;
      } else if (COMPOSE_GLOBAL_VALUE_OPTS.has(w)) {
        val = words[j + 1]?.value;
        j += 2;
      } else if (/^-[fp]./.test(w)) {
        opt = w.slice(0, 2);
        val = w.slice(2).replace(/^=/, '');
        j++;
      } else {
        j++;
      }
      if (val === undefined) continue;
      if (opt === '-f' || opt === '--file') files.push(val);
      else if (opt === '--profile') profiles.push(val);
      else if (opt === '-p' || opt === '--project-name') projectName = val;
      continue;
    }
    if (/^[a-z][a-z0-9-]*$/.test(w)) {
      subcommand = w;
      j++;
    }
    break;
  }

  // services after the subcommand
  const services: string[] = [];
  const spec = subcommand !== undefined ? SUBCOMMANDS[subcommand] : undefined;
  if (spec) {
    while (j < words.length) {
      const w = words[j]!.value;
      if (w === '--' && !spec.first) {
        j++;
        continue;
      }
      if (w.startsWith('-') && w !== '-' && w !== '--') {
        j += !w.includes('=') && spec.value.includes(w) ? 2 : 1;
        continue;
      }
      if (PLAIN_RE.test(w)) services.push(w);
      j++;
      if (spec.first) break;
    }
  }

  const found: Found = { cli, files, profiles, services, command: commandWords.join(' ') };
  if (via !== undefined) found.via = via;
  if (subcommand !== undefined) found.subcommand = subcommand;
  if (projectName !== undefined) found.projectName = projectName;
  return found;
}

// ---------------------------------------------------------------------------------------------
// Whole files

interface Def {
  line: number;
  value: string;
}

/** Scan a wrapper script's text for compose calls. */
export function scanWrapper(text: string, kind: WrapperKind): RawInvocation[] {
  if (!mayCallCompose(text)) return [];
  // the marker characters must not come from the file itself
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0001-\u0003]/g, '');
  return kind === 'make' ? scanMake(clean) : scanShell(clean);
}

function emit(out: RawInvocation[], line: number, textRaw: string, expanded: string, target: string | undefined, depth = 0): void {
  const { tokens, subs } = tokenize(expanded);
  let cwd: string | undefined;
  for (const cmd of commands(tokens)) {
    if (cmd[0]?.value === 'cd') {
      // `cd dir && docker compose ...`: follow plain relative directories
      const to = cmd[1]?.value;
      cwd = to !== undefined && !to.includes('$') && !path.posix.isAbsolute(to) && to !== '-' && to !== '~' ? path.posix.normalize(path.posix.join(cwd ?? '.', to)) : undefined;
      if (cwd === '.') cwd = undefined;
      continue;
    }
    const f = recognise(cmd);
    if (!f) continue;
    const inv: RawInvocation = { line, text: textRaw, command: f.command, cli: f.cli, files: f.files, profiles: f.profiles, services: f.services };
    if (f.via !== undefined) inv.via = f.via;
    if (f.subcommand !== undefined) inv.subcommand = f.subcommand;
    if (f.projectName !== undefined) inv.projectName = f.projectName;
    if (target !== undefined) inv.target = target;
    if (cwd !== undefined) inv.cwd = cwd;
    out.push(orderKeys(inv));
  }
  if (depth < 4) for (const sub of subs) emit(out, line, textRaw, sub, target, depth + 1);
}

function orderKeys(inv: RawInvocation): RawInvocation {
  const o: RawInvocation = { line: inv.line, text: inv.text, command: inv.command, cli: inv.cli } as RawInvocation;
  if (inv.via !== undefined) o.via = inv.via;
  if (inv.subcommand !== undefined) o.subcommand = inv.subcommand;
  o.files = inv.files;
  o.profiles = inv.profiles;
  if (inv.projectName !== undefined) o.projectName = inv.projectName;
  o.services = inv.services;
  if (inv.target !== undefined) o.target = inv.target;
  if (inv.cwd !== undefined) o.cwd = inv.cwd;
  return o;
}

const MAKE_ASSIGN_RE = /^\s*((?:(?:export|override|private)\s+)*)([A-Za-z_][A-Za-z0-9_.-]*)\s*(:::=|::=|:=|\?=|\+=|!=|=)\s*(.*)$/;
const MAKE_DIRECTIVE_RE = /^\s*(?:ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|export|unexport|vpath|undefine)\b/;

function stripMakeComment(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '#') return s.slice(0, i);
  }
  return s;
}

function scanMake(text: string): RawInvocation[] {
  const lines = logicalLines(text, 'make');
  const vars = new Map<string, string>();
  let inDefine = false;
  for (const l of lines) {
    if (l.recipe) continue;
    if (inDefine) {
      if (/^\s*endef\b/.test(l.text)) inDefine = false;
      continue;
    }
    if (/^\s*(?:(?:export|override)\s+)*define\b/.test(l.text)) {
      inDefine = true;
      continue;
    }
    const m = MAKE_ASSIGN_RE.exec(stripMakeComment(l.text));
    if (!m) continue;
    const name = m[2]!;
    const op = m[3]!;
    const value = m[4]!.trim();
    if (op === '!=') continue;
    if (op === '?=') {
      if (!vars.has(name)) vars.set(name, value);
    } else if (op === '+=') {
      const prev = vars.get(name);
      vars.set(name, prev ? `${prev} ${value}` : value);
    } else {
      vars.set(name, value);
    }
  }
  const lookup: Lookup = (name) => vars.get(name);

  const out: RawInvocation[] = [];
  let target: string | undefined;
  inDefine = false;
  for (const l of lines) {
    if (inDefine) {
      if (/^\s*endef\b/.test(l.text)) inDefine = false;
      else scanRecipe(out, l, l.text, undefined, lookup);
      continue;
    }
    if (l.recipe) {
      scanRecipe(out, l, l.text.slice(1), target, lookup);
      continue;
    }
    if (/^\s*(?:(?:export|override)\s+)*define\b/.test(l.text)) {
      inDefine = true;
      continue;
    }
    const code = stripMakeComment(l.text);
    if (!code.trim() || MAKE_ASSIGN_RE.test(code) || MAKE_DIRECTIVE_RE.test(code)) continue;
    const rule = /^([^\s:=#][^:=#]*?)\s*::?(?!=)(.*)$/.exec(code);
    if (!rule) continue;
    target = rule[1]!.trim();
    const semi = rule[2]!.indexOf(';');
    if (semi >= 0) scanRecipe(out, l, rule[2]!.slice(semi + 1), target, lookup);
  }
  return out;
}

function scanRecipe(out: RawInvocation[], l: Logical, recipe: string, target: string | undefined, lookup: Lookup): void {
  const body = recipe.replace(/^\s*[@+-]*/, '');
  if (!body.includes('$') && !/compose/i.test(body)) return;
  emit(out, l.line, l.text.trim(), expandMake(body, lookup, new Set(), true), target);
}

function scanShell(text: string): RawInvocation[] {
  const lines = logicalLines(text, 'shell');
  // assignments anywhere in the file, by name
  const defs = new Map<string, Def[]>();
  for (const l of lines) {
    if (!l.text.includes('=')) continue;
    for (const cmd of commands(tokenize(l.text).tokens)) {
      let k = 0;
      while (k < cmd.length && (KEYWORDS.has(cmd[k]!.value) || /^(?:export|local|readonly|declare|typeset)$/.test(cmd[k]!.value))) {
        k++;
        while (k < cmd.length && /^-\w+$/.test(cmd[k]!.value)) k++;
      }
      const rest = cmd.slice(k);
      if (rest.length === 0 || !rest.every((w) => ASSIGN_RE.test(w.value))) continue;
      for (const w of rest) {
        const name = ASSIGN_RE.exec(w.value)![1]!;
        let value = w.value.slice(w.value.indexOf('=') + 1);
        if (value.startsWith('(') && value.endsWith(')')) {
          value = tokenize(value.slice(1, -1))
            .tokens.filter((t): t is Word => !isOp(t))
            .map((t) => t.value)
            .join(' ');
        }
        if (/\$\(|`/.test(value.replace(/\$\(\(/g, ''))) continue;
        let list = defs.get(name);
        if (!list) defs.set(name, (list = []));
        list.push({ line: l.line, value });
      }
    }
  }
  const out: RawInvocation[] = [];
  for (const l of lines) {
    if (!/compose/i.test(l.text) && !l.text.includes('$')) continue;
    const lookup: Lookup = (name) => {
      const list = defs.get(name);
      if (!list) return undefined;
      let best: Def | undefined;
      for (const d of list) if (d.line < l.line) best = d;
      return (best ?? list[0])!.value;
    };
    emit(out, l.line, l.text.trim(), expandShell(l.text, lookup, new Set(), true), undefined);
  }
  return out;
}
