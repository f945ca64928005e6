/**
 * Loader/config conformance suite: every folder under test/conformance/cases/ is one project
 * (compose files, .env, env files, sub-folders) plus a case.json that says how to run
 * `shipshape config` on it and what the JSON output (or the error) must be. The expected values
 * come from compose-go / docker compose behaviour (each case names its source); see
 * cases/README.md for the format.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderConfig } from '../../src/commands/config.js';
import { loadProject } from '../../src/load/project.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Expectation {
  /** dotted path (`services.web.ports.0.published`) or a list of segments (for keys that contain dots) */
  path: string | string[];
  equals?: Json;
  absent?: boolean;
  endsWith?: string;
  startsWith?: string;
  contains?: string;
  keys?: string[];
  length?: number;
}

interface ConformanceCase {
  description: string;
  source: string;
  args?: string[];
  env?: Record<string, string>;
  unset?: string[];
  dirName?: string;
  expect?: Expectation[];
  error?: string;
  /** substrings that must each appear in one of the loader's warnings */
  warnings?: string[];
}

interface ParsedArgs {
  files: string[];
  profiles: string[];
  envFiles: string[];
  projectName?: string;
  projectDir?: string;
  services: string[];
}

const CASES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases');

function listCases(): string[] {
  return readdirSync(CASES_DIR)
    .filter((d) => statSync(path.join(CASES_DIR, d)).isDirectory())
    .sort();
}

function readCase(name: string): ConformanceCase {
  return JSON.parse(readFileSync(path.join(CASES_DIR, name, 'case.json'), 'utf8')) as ConformanceCase;
}

/** The `shipshape config` flags the suite understands. */
export function parseArgs(args: string[]): ParsedArgs {
  const out: ParsedArgs = { files: [], profiles: [], envFiles: [], services: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let flag = a;
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      flag = a.slice(0, eq);
      value = a.slice(eq + 1);
    }
    const next = (): string => {
      if (value !== undefined) return value;
      const v = args[++i];
      if (v === undefined) throw new Error(`flag ${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-f':
      case '--file':
        out.files.push(next());
        break;
      case '--profile':
        out.profiles.push(next());
        break;
      case '--env-file':
        out.envFiles.push(next());
        break;
      case '-p':
      case '--project-name':
        out.projectName = next();
        break;
      case '--project-directory':
        out.projectDir = next();
        break;
      case '--format':
        next();
        break;
      default:
        if (a.startsWith('-')) throw new Error(`unsupported flag in case.json args: ${a}`);
        out.services.push(a);
    }
  }
  return out;
}

function segments(p: string | string[]): string[] {
  return Array.isArray(p) ? p : p === '' ? [] : p.split('.');
}

function lookup(root: Json, p: string | string[]): { found: boolean; value?: Json } {
  let cur: Json = root;
  for (const seg of segments(p)) {
    if (Array.isArray(cur)) {
      const i = Number(seg);
      if (!/^\d+$/.test(seg) || i >= cur.length) return { found: false };
      cur = cur[i]!;
    } else if (cur !== null && typeof cur === 'object') {
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return { found: false };
      cur = cur[seg]!;
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

/** Replace `${DIR}` (the temp project folder) in every string of an expected value. */
function withDir<T extends Json | undefined>(v: T, dir: string): T {
  if (typeof v === 'string') return v.split('${DIR}').join(dir) as T;
  if (Array.isArray(v)) return v.map((x) => withDir(x, dir)) as T;
  if (v !== null && typeof v === 'object') {
    const o: { [key: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) o[k.split('${DIR}').join(dir)] = withDir(x, dir);
    return o as T;
  }
  return v;
}

function show(p: string | string[]): string {
  return Array.isArray(p) ? JSON.stringify(p) : p;
}

function check(out: Json, e: Expectation, dir: string): void {
  // soft assertions: every mismatch of a case is reported, not only the first
  const soft = expect.soft;
  const { found, value } = lookup(out, e.path);
  const where = `at ${show(e.path)}`;
  if (e.absent) {
    soft(found, `${where}: expected no value, got ${JSON.stringify(value)}`).toBe(false);
    return;
  }
  if (!found) {
    soft(found, `${where}: no value`).toBe(true);
    return;
  }
  if ('equals' in e) soft(value, where).toEqual(withDir(e.equals, dir));
  if (e.endsWith !== undefined) {
    soft(typeof value === 'string' && value.endsWith(withDir(e.endsWith, dir)), `${where}: ${JSON.stringify(value)} should end with ${e.endsWith}`).toBe(true);
  }
  if (e.startsWith !== undefined) {
    soft(typeof value === 'string' && value.startsWith(withDir(e.startsWith, dir)), `${where}: ${JSON.stringify(value)} should start with ${e.startsWith}`).toBe(true);
  }
  if (e.contains !== undefined) {
    soft(typeof value === 'string' && value.includes(withDir(e.contains, dir)), `${where}: ${JSON.stringify(value)} should contain ${e.contains}`).toBe(true);
  }
  if (e.keys !== undefined) {
    const isMap = value !== null && typeof value === 'object' && !Array.isArray(value);
    soft(isMap ? Object.keys(value) : value, `${where}: keys (in printed order)`).toEqual(e.keys);
  }
  if (e.length !== undefined) {
    const n = Array.isArray(value) ? value.length : value !== null && typeof value === 'object' ? Object.keys(value).length : typeof value === 'string' ? value.length : -1;
    soft(n, `${where}: length of ${JSON.stringify(value)}`).toBe(e.length);
  }
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function stage(name: string, c: ConformanceCase): string {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'shipshape-conf-')));
  tempDirs.push(base);
  const dir = c.dirName ? path.join(base, c.dirName) : path.join(base, 'project');
  cpSync(path.join(CASES_DIR, name), dir, { recursive: true, filter: (src) => path.basename(src) !== 'case.json' || path.dirname(src) !== path.join(CASES_DIR, name) });
  return dir;
}

function run(name: string, c: ConformanceCase): { out?: Json; error?: Error; warnings: string[]; dir: string } {
  const dir = stage(name, c);
  const args = parseArgs(c.args ?? []);
  const env: Record<string, string> = { ...(c.env ?? {}) };
  for (const k of c.unset ?? []) delete env[k];
  try {
    const project = loadProject({
      workingDir: dir,
      files: args.files,
      profiles: args.profiles,
      envFiles: args.envFiles,
      projectName: args.projectName,
      projectDir: args.projectDir,
      selectedServices: args.services,
      env,
    });
    const text = renderConfig(project, { format: 'json' });
    return { out: JSON.parse(text) as Json, warnings: project.warnings.map((w) => w.message), dir };
  } catch (err) {
    return { error: err instanceof Error ? err : new Error(String(err)), warnings: [], dir };
  }
}

const names = listCases();
const cases = names.map((n) => [n, readCase(n)] as const);

describe('conformance suite (test/conformance/cases)', () => {
  it('has at least 90 cases, each with a source and either expectations or an error', () => {
    expect(names.length).toBeGreaterThanOrEqual(90);
    for (const [n, c] of cases) {
      expect(typeof c.source === 'string' && c.source.trim() !== '', `${n}: source`).toBe(true);
      expect(typeof c.description === 'string' && c.description.trim() !== '', `${n}: description`).toBe(true);
      expect((c.expect?.length ?? 0) > 0 !== (c.error !== undefined), `${n}: needs expect[] or error, not both`).toBe(true);
      expect(() => parseArgs(c.args ?? []), `${n}: args`).not.toThrow();
    }
  });

  it('case folder names are unique by number', () => {
    const nums = names.map((n) => n.split('-')[0]);
    expect(new Set(nums).size).toBe(nums.length);
  });

  it.each(cases)('%s', (name, c) => {
    const r = run(name, c);
    if (c.error !== undefined) {
      expect(r.error, `expected an error containing ${JSON.stringify(c.error)}, got output ${JSON.stringify(r.out)}`).toBeDefined();
      expect(r.error!.message).toContain(withDir(c.error, r.dir));
      return;
    }
    if (r.error) throw new Error(`load failed: ${r.error.message}`, { cause: r.error });
    for (const e of c.expect ?? []) check(r.out!, e, r.dir);
    for (const w of c.warnings ?? []) {
      expect(r.warnings.some((m) => m.includes(w)), `warning containing ${JSON.stringify(w)} in ${JSON.stringify(r.warnings)}`).toBe(true);
    }
  });
});
