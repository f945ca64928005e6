/**
 * `--format sarif`: SARIF 2.1.0 (OASIS), shaped for GitHub code scanning.
 *
 * - One run; `tool.driver.rules` lists every rule that ran (so code scanning can tell "ran and
 *   found nothing" from "does not exist" and close fixed alerts), each with help text, a help
 *   URI, its default level and, for security rules, a `security-severity`.
 * - Results point at paths relative to `%SRCROOT%` (the audited root) with 1-based line/column.
 * - `partialFingerprints` hash rule, file, message and service (not the line), so an alert
 *   survives edits above it; identical keys in one file are told apart by an occurrence counter.
 * - Suppressed findings are left out: GitHub code scanning does not honour SARIF `suppressions`
 *   and would open alerts for them. Their number is in the run's `properties`.
 * - Rule crashes and ignored suppression comments are tool execution notifications.
 *
 * Validated against the official schema in test/report/sarif.test.ts.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../audit/types.js';
import { docsUrl, reportModel, type RuleInfo } from './markdown.js';
import type { Renderer } from './types.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/shipshape/shipshape';
export const FINGERPRINT_KEY = 'shipshape/v1';

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub's security severity scale: > 7 high, 4–7 medium, < 4 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.5', info: '3.0' };

/** "no-root-user" → "NoRootUser" */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** Where a file is: relative to %SRCROOT% as the findings' paths are, or a file: URI for a path outside the root. */
function artifactLocation(file: string): Record<string, string> {
  return path.isAbsolute(file) ? { uri: pathToFileURL(file).href } : { uri: relativeUri(file), uriBaseId: '%SRCROOT%' };
}

/** A relative path as a URI reference (each segment percent-encoded, forward slashes). */
export function relativeUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** Plain text for `text` properties: balanced `code` spans become 'code'. */
function plain(s: string): string {
  return (s.split('`').length % 2 === 1 ? s.replace(/`([^`]*)`/g, "'$1'") : s).replace(/`/g, '');
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function fence(body: string, lang: string): string {
  const runs = body.match(/^[ \t]*`{3,}/gm) ?? [];
  const f = '`'.repeat(Math.max(3, ...runs.map((r) => r.trim().length + 1)));
  return `${f}${lang}\n${body.replace(/\s+$/, '')}\n${f}`;
}

function ruleDescriptor(r: RuleInfo): Record<string, unknown> {
  const d = r.docs;
  const what = d?.what ?? r.title;
  const textParts = [plain(what), d?.why ? plain(d.why) : r.rationale ? plain(r.rationale) : '', d?.fix ? `Fix: ${plain(d.fix)}` : '', `Documentation: ${docsUrl(r.id)}`].filter(Boolean);
  const mdParts = [what];
  if (d?.why) mdParts.push(`**Why:** ${d.why}`);
  else if (r.rationale) mdParts.push(`**Why:** ${r.rationale}`);
  if (d?.bad) mdParts.push(`Failing example:\n\n${fence(d.bad, d.lang ?? 'yaml')}`);
  if (d?.good) mdParts.push(`Fixed:\n\n${fence(d.good, d.lang ?? 'yaml')}`);
  if (d?.fix) mdParts.push(`**Fix:** ${d.fix}`);
  mdParts.push(`[Rule documentation](${docsUrl(r.id)})`);
  const properties: Record<string, unknown> = {
    tags: [String(r.category)],
    precision: 'high',
    'problem.severity': LEVEL[r.severity] === 'note' ? 'recommendation' : LEVEL[r.severity],
    priority: r.priority,
    effort: r.effort,
  };
  if (r.category === 'security') properties['security-severity'] = SECURITY_SEVERITY[r.severity];
  return {
    id: r.id,
    name: pascalCase(r.id),
    shortDescription: { text: plain(r.title), markdown: r.title },
    fullDescription: { text: plain(what), markdown: what },
    helpUri: docsUrl(r.id),
    help: { text: textParts.join('\n\n'), markdown: mdParts.join('\n\n') },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties,
  };
}

function resultOf(f: Finding, ruleIndex: number, fingerprint: string): Record<string, unknown> {
  const res: Record<string, unknown> = {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
  };
  if (f.file) {
    const loc: Record<string, unknown> = {
      physicalLocation: {
        artifactLocation: artifactLocation(f.file),
        region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) },
      },
    };
    if (f.service) loc.logicalLocations = [{ name: f.service, kind: 'resource' }];
    res.locations = [loc];
  }
  res.partialFingerprints = { [FINGERPRINT_KEY]: fingerprint };
  const props: Record<string, unknown> = { priority: f.priority, category: f.category };
  if (f.service) props.service = f.service;
  if (f.unit) props.unit = f.unit;
  if (f.fix) props.fix = { description: f.fix.description, safety: f.fix.safety };
  res.properties = props;
  return res;
}

export const renderSarif: Renderer = (result, opts) => {
  const model = reportModel(result, opts);
  const infos = [...model.rules.values()];
  const index = new Map(infos.map((r, i) => [r.id, i]));

  const seen = new Map<string, number>();
  const results = result.findings.map((f) => {
    const base = sha256([f.rule, f.file, f.message, f.service ?? ''].join('\u0000'));
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return resultOf(f, index.get(f.rule)!, `${base}:${n}`);
  });

  const notifications: Record<string, unknown>[] = [];
  for (const e of result.ruleErrors) {
    notifications.push({ level: 'error', message: { text: `internal error in rule ${e.rule}: ${e.message.split('\n')[0] ?? ''}` }, associatedRule: { id: e.rule, ...(index.has(e.rule) ? { index: index.get(e.rule) } : {}) } });
  }
  for (const s of result.invalidSuppressions) {
    notifications.push({
      level: 'warning',
      message: { text: `shipshape-ignore comment ignored: ${s.why}` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(s.file), region: { startLine: Math.max(1, s.line) } } }],
    });
  }
  const invocation: Record<string, unknown> = { executionSuccessful: true };
  if (notifications.length) invocation.toolExecutionNotifications = notifications;

  const root = path.isAbsolute(result.root) ? pathToFileURL(result.root).href.replace(/\/?$/, '/') : undefined;
  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'shipshape',
            version: result.tool.version,
            semanticVersion: result.tool.version,
            informationUri: INFORMATION_URI,
            rules: infos.map(ruleDescriptor),
          },
        },
        invocations: [invocation],
        originalUriBaseIds: { '%SRCROOT%': root ? { uri: root } : { description: { text: 'The audited directory.' } } },
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          score: result.score,
          reportVersion: result.version,
          suppressed: result.suppressed.length,
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
};
