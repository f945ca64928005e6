/** `shipshape config`: the model docker compose would run, printed as `docker compose config` prints it. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { loadProject, type LoadedProject } from '../load/project.js';
import type { VariableUse } from '../load/types.js';
import { printableModel } from '../config/model.js';
import { EXIT, reportError } from '../cli/output.js';
import type { LoadFlags } from '../cli/program.js';

interface ConfigFlags extends LoadFlags {
  format: 'yaml' | 'json';
  services?: boolean;
  profiles?: boolean;
  volumes?: boolean;
  networks?: boolean;
  images?: boolean;
  variables?: boolean;
  quiet?: boolean;
  output?: string;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `config [DIR] [SERVICE...]`: a first word that is not a directory is a service name. */
export function splitDirAndServices(dir: string | undefined, services: string[]): { dir: string; services: string[] } {
  if (dir === undefined) return { dir: '.', services };
  if (isDir(dir) || (!existsSync(dir) && (dir.includes('/') || dir === '.'))) return { dir, services };
  return { dir: '.', services: [dir, ...services] };
}

export async function configCommand(dirArg: string | undefined, servicesArg: string[], flags: ConfigFlags): Promise<number> {
  try {
    const { dir, services } = splitDirAndServices(dirArg, servicesArg);
    const project = loadProject({
      workingDir: path.resolve(dir),
      files: flags.file,
      profiles: flags.profile,
      envFiles: flags.envFile,
      projectName: flags.projectName,
      projectDir: flags.projectDirectory,
      selectedServices: services,
      root: flags.root,
      displayBase: process.cwd(),
    });
    for (const w of project.warnings) process.stderr.write(`WARN[0000] ${w.message}\n`);
    const text = renderConfig(project, flags);
    if (flags.quiet) return EXIT.ok;
    if (flags.output) writeFileAtomic(path.resolve(flags.output), text);
    else process.stdout.write(text);
    return EXIT.ok;
  } catch (e) {
    return reportError(e);
  }
}

export function renderConfig(project: LoadedProject, flags: Partial<ConfigFlags>): string {
  const lines = (xs: string[]) => (xs.length ? `${xs.join('\n')}\n` : '');
  if (flags.services) return lines(Object.keys(project.services).sort());
  if (flags.profiles) return lines(project.allProfiles);
  if (flags.volumes) return lines(Object.keys(project.volumes).sort());
  if (flags.networks) return lines(Object.keys(project.networks).sort());
  if (flags.images) {
    return lines(
      Object.entries(project.services)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, s]) => (typeof s.image === 'string' && s.image ? s.image : `${project.name}-${name}`)),
    );
  }
  if (flags.variables) return renderVariables(project, flags.format ?? 'yaml');
  return printableModel(project, flags.format ?? 'yaml');
}

interface VariableSummary {
  name: string;
  required: boolean;
  defaultValue?: string;
  alternateValue?: string;
  set: boolean;
  source?: string;
  usedAt: string[];
}

export function summarizeVariables(project: LoadedProject): VariableSummary[] {
  const byName = new Map<string, VariableSummary>();
  const implicit = new Set(['COMPOSE_PROJECT_NAME', 'PWD']);
  for (const u of project.variables as VariableUse[]) {
    if (implicit.has(u.name) && !u.origin) continue;
    let s = byName.get(u.name);
    if (!s) {
      const source = project.environment.sources.get(u.name);
      s = { name: u.name, required: false, set: project.environment.values.has(u.name), usedAt: [] };
      if (source) s.source = source === 'shell' ? 'shell' : project.display(source);
      byName.set(u.name, s);
    }
    if (u.required) s.required = true;
    if ((u.operator === ':-' || u.operator === '-') && u.default !== undefined && s.defaultValue === undefined) s.defaultValue = u.default;
    if ((u.operator === ':+' || u.operator === '+') && u.default !== undefined && s.alternateValue === undefined) s.alternateValue = u.default;
    if (u.origin) {
      const where = `${u.origin.file}:${u.origin.line}:${u.origin.column}`;
      if (!s.usedAt.includes(where)) s.usedAt.push(where);
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function renderVariables(project: LoadedProject, format: 'yaml' | 'json'): string {
  const vars = summarizeVariables(project);
  if (format === 'json') return `${JSON.stringify({ version: 1, variables: vars }, null, 2)}\n`;
  const rows = [['NAME', 'REQUIRED', 'DEFAULT VALUE', 'ALTERNATE VALUE', 'SET', 'USED AT']];
  for (const v of vars) {
    rows.push([v.name, v.required ? 'true' : 'false', v.defaultValue ?? '', v.alternateValue ?? '', v.set ? `yes (${v.source ?? 'env'})` : 'no', v.usedAt.join(', ')]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd()).join('\n') + '\n';
}

