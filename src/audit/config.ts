/**
 * `.shipshape.yml` (or the `shipshape` key of package.json): rules on/off/severity and options,
 * ignored paths, deprecated variables, services allowed to run as root, the failure threshold.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LoadError } from '../load/errors.js';
import { originOf } from '../load/origin.js';
import { isMapping } from '../load/paths.js';
import type { Mapping } from '../load/types.js';
import { parseYamlDocuments, readTextFile } from '../load/yaml.js';
import type { Severity } from './types.js';

export type RuleSetting = 'off' | Severity;

export interface AuditConfig {
  /** where it was read from, if anywhere */
  file?: string;
  rules: Record<string, { level?: RuleSetting; options: Record<string, unknown>; reason?: string }>;
  /** gitignore-style globs of paths not to audit */
  ignore: string[];
  /** variable name -> why it is deprecated */
  deprecatedVariables: Record<string, string>;
  /** services (names or globs) allowed to run as root */
  allowRoot: string[];
  /** hosts outside the stack that URLs may name (besides the built-in ones) */
  knownHosts: string[];
  /** default for --fail-on */
  threshold?: Severity;
}

export const CONFIG_FILES = ['.shipshape.yml', '.shipshape.yaml'];

export function emptyConfig(): AuditConfig {
  return { rules: {}, ignore: [], deprecatedVariables: {}, allowRoot: [], knownHosts: [] };
}

const SEVERITIES = new Set(['error', 'warning', 'info']);

function bad(message: string, where: unknown, key?: string | number, file?: string): never {
  throw new LoadError(message, { code: 'config', origin: originOf(where, key) ?? (file ? { file, line: 1, column: 1 } : undefined), hint: 'see docs/configuration.md' });
}

function stringList(v: unknown, where: Mapping, key: string, file: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(`${key} must be a list of strings`, where, key, file);
  return v as string[];
}

export function parseConfig(raw: unknown, file: string): AuditConfig {
  const cfg = emptyConfig();
  cfg.file = file;
  if (raw === null || raw === undefined) return cfg;
  if (!isMapping(raw)) bad('the configuration must be a mapping', raw, undefined, file);
  const known = new Set(['rules', 'ignore', 'deprecatedVariables', 'allowRoot', 'knownHosts', 'threshold']);
  for (const k of Object.keys(raw)) if (!known.has(k)) bad(`unknown configuration key "${k}" (known: ${[...known].join(', ')})`, raw, k, file);
  if (raw.rules !== undefined) {
    if (!isMapping(raw.rules)) bad('rules must be a mapping of rule id to off|error|warning|info or {severity, options, reason}', raw, 'rules', file);
    for (const [id, v] of Object.entries(raw.rules)) {
      if (typeof v === 'string') {
        if (v !== 'off' && !SEVERITIES.has(v)) bad(`rules.${id} must be off, error, warning or info`, raw.rules, id, file);
        cfg.rules[id] = { level: v as RuleSetting, options: {} };
      } else if (v === false) cfg.rules[id] = { level: 'off', options: {} };
      else if (isMapping(v)) {
        const level = v.severity ?? v.level;
        if (level !== undefined && level !== 'off' && !SEVERITIES.has(String(level))) bad(`rules.${id}.severity must be off, error, warning or info`, v, 'severity', file);
        const entry: AuditConfig['rules'][string] = { options: isMapping(v.options) ? (v.options as Record<string, unknown>) : {} };
        if (level !== undefined) entry.level = level as RuleSetting;
        if (typeof v.reason === 'string') entry.reason = v.reason;
        cfg.rules[id] = entry;
      } else bad(`rules.${id} must be off, error, warning, info or a mapping`, raw.rules, id, file);
    }
  }
  cfg.ignore = stringList(raw.ignore, raw, 'ignore', file);
  cfg.allowRoot = stringList(raw.allowRoot, raw, 'allowRoot', file);
  cfg.knownHosts = stringList(raw.knownHosts, raw, 'knownHosts', file);
  const dv = raw.deprecatedVariables;
  if (Array.isArray(dv)) for (const n of dv) cfg.deprecatedVariables[String(n)] = 'listed as deprecated in the shipshape configuration';
  else if (isMapping(dv)) for (const [n, why] of Object.entries(dv)) cfg.deprecatedVariables[n] = typeof why === 'string' ? why : 'listed as deprecated in the shipshape configuration';
  else if (dv !== undefined && dv !== null) bad('deprecatedVariables must be a list of names or a mapping of name to reason', raw, 'deprecatedVariables', file);
  if (raw.threshold !== undefined) {
    if (!SEVERITIES.has(String(raw.threshold))) bad('threshold must be error, warning or info', raw, 'threshold', file);
    cfg.threshold = raw.threshold as Severity;
  }
  return cfg;
}

/** Find and read the configuration for `root` (or an explicit file). */
export function loadConfig(root: string, explicit?: string): AuditConfig {
  if (explicit) {
    const abs = path.resolve(explicit);
    const display = path.relative(root, abs) || abs;
    return parseConfig(parseYamlDocuments(readTextFile(abs, display), display)[0]?.value ?? null, display);
  }
  for (const name of CONFIG_FILES) {
    const abs = path.join(root, name);
    if (existsSync(abs)) return parseConfig(parseYamlDocuments(readTextFile(abs, name), name)[0]?.value ?? null, name);
  }
  const pkg = path.join(root, 'package.json');
  if (existsSync(pkg)) {
    try {
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as { shipshape?: unknown };
      if (json.shipshape !== undefined) return parseConfig(json.shipshape, 'package.json');
    } catch (e) {
      if (e instanceof LoadError) throw e;
      /* an unreadable package.json is not ours to judge */
    }
  }
  return emptyConfig();
}
