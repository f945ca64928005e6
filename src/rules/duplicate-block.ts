import { defineRule } from '../audit/types.js';
import { keyOriginOf, originOf } from '../load/origin.js';
import { isMapping } from '../load/paths.js';
import type { Mapping, Value } from '../load/types.js';
import { canonical, freshAnchor, inSpan, listSome, rawFiles, readText, serviceSpans, type ServiceSpan } from './lib/maintainability.js';

interface Block {
  /** path inside the service */
  path: string[];
  label: string;
  anchor: string;
}

const BLOCKS: Block[] = [
  { path: ['logging'], label: '`logging`', anchor: 'default-logging' },
  { path: ['healthcheck'], label: '`healthcheck`', anchor: 'default-healthcheck' },
  { path: ['deploy'], label: '`deploy`', anchor: 'default-deploy' },
  { path: ['deploy', 'resources'], label: '`deploy.resources`', anchor: 'default-resources' },
];

function leaves(v: Value | undefined): number {
  if (v === null || v === undefined) return 0;
  if (Array.isArray(v)) return v.reduce<number>((n, x) => n + Math.max(1, leaves(x)), 0);
  if (typeof v === 'object') return Object.values(v).reduce<number>((n, x) => n + Math.max(1, leaves(x)), 0);
  return 1;
}

/** Is every scalar of the block written inside the service (none merged in from an anchor)? */
function writtenIn(v: Value | undefined, span: ServiceSpan, file: string): boolean {
  if (v === null || typeof v !== 'object') return true;
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  for (const k of keys) {
    const x = (v as Record<string | number, Value>)[k];
    if (x !== null && typeof x === 'object') {
      if (!writtenIn(x, span, file)) return false;
    } else if (!inSpan(span, originOf(v, k), file)) return false;
  }
  return true;
}

function get(svc: Mapping, p: string[]): { value: Value | undefined; parent: unknown } {
  let node: Value | undefined = svc;
  let parent: unknown = undefined;
  for (const k of p) {
    if (!isMapping(node)) return { value: undefined, parent: undefined };
    parent = node;
    node = node[k];
  }
  return { value: node, parent };
}

function yamlLines(v: Value, indent: string): string[] {
  if (isMapping(v)) {
    return Object.entries(v).flatMap(([k, x]) => (x !== null && typeof x === 'object' && (Array.isArray(x) ? x.length : Object.keys(x).length) ? [`${indent}${k}:`, ...yamlLines(x, `${indent}  `)] : [`${indent}${k}: ${scalar(x)}`]));
  }
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== 'object')) return [`${indent}${JSON.stringify(v)}`];
    return v.flatMap((x) => {
      const inner = yamlLines(x, `${indent}  `);
      return [`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
    });
  }
  return [`${indent}${scalar(v)}`];
}

function scalar(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return /^[\w./:@${}-]+$/.test(v) && !/^(true|false|yes|no|on|off|null|[-+]?[0-9.]+)$/i.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export default defineRule({
  meta: {
    id: 'duplicate-block',
    title: 'The same logging, healthcheck or deploy block is copied into several services',
    category: 'maintainability',
    severity: 'info',
    priority: 'P4',
    effort: 'low',
    rationale:
      'Log rotation, resource limits and probe timings are policies: they should change in one place. Copied into every service, they drift apart, and the next person raising a memory limit or a log size changes one copy and believes the job is done.',
    fixable: 'suggestion',
    docs: {
      what: 'Finds identical `logging`, `healthcheck`, `deploy` or `deploy.resources` blocks written out in two or more services of one compose file (blocks with at least two settings; blocks shared through an anchor already are not counted).',
      why: 'A policy copied N times is N places to update. An `x-` extension with an anchor keeps one definition that every service refers to.',
      bad: 'services:\n  api:\n    logging:\n      driver: json-file\n      options: { max-size: 10m, max-file: "3" }\n  worker:\n    logging:\n      driver: json-file\n      options: { max-size: 10m, max-file: "3" }\n',
      good: 'x-default-logging: &default-logging\n  driver: json-file\n  options: { max-size: 10m, max-file: "3" }\n\nservices:\n  api:\n    logging: *default-logging\n  worker:\n    logging: *default-logging\n',
      fix: 'Define the block once under an `x-` key with an anchor and refer to it from each service (`logging: *default-logging`, or `<<: *default-logging` to override single keys). The suggested fix does that with a merge key; review it, since services that were meant to differ later will now share the block.',
    },
  },
  check(ctx) {
    for (const file of rawFiles(ctx.repo)) {
      const spans = serviceSpans(file.raw);
      if (spans.length < 2) continue;
      const text = readText(file.abs);
      let raw = file.raw;
      const deployReported = new Set<string>();
      for (const block of BLOCKS) {
        const groups = new Map<string, { span: ServiceSpan; value: Value; parent: unknown }[]>();
        for (const span of spans) {
          const { value, parent } = get(span.svc, block.path);
          if (!isMapping(value) || leaves(value) < 2) continue;
          // written in this service (not an alias or merge of an anchor)
          const o = originOf(parent, block.path[block.path.length - 1]!);
          if (!inSpan(span, o, file.rel) || !writtenIn(value, span, file.rel)) continue;
          const key = canonical(value);
          const g = groups.get(key) ?? [];
          g.push({ span, value, parent });
          groups.set(key, g);
        }
        for (const group of groups.values()) {
          if (group.length < 2) continue;
          const names = group.map((g) => g.span.name);
          // identical whole deploy blocks already cover their resources
          if (block.path.join('.') === 'deploy.resources' && names.every((n) => deployReported.has(n))) continue;
          if (block.path.join('.') === 'deploy') for (const n of names) deployReported.add(n);
          const anchor = freshAnchor(block.anchor, raw, text);
          raw = { ...raw, [`x-${anchor}`]: null };
          const second = group[1]!;
          const origin = keyOriginOf(second.parent, block.path[block.path.length - 1]!);
          const value = group[0]!.value;
          const services = `${listSome(names.slice(0, -1), 8)} and ${listSome(names.slice(-1))}`;
          const where = block.path.length === 1 ? `${block.path[0]}: *${anchor}` : `${block.path[block.path.length - 1]}: *${anchor}\` under \`${block.path.slice(0, -1).join('.')}`;
          ctx.report({
            message: `services ${services} repeat the same ${block.label} block: define it once as \`x-${anchor}: &${anchor}\` and write \`${where}\``,
            ...(origin ? { origin } : { file: file.rel }),
            unit: file.unit,
            service: second.span.name,
            fix: {
              description: `move the ${block.path.join('.')} block to x-${anchor} and merge it into ${names.join(', ')}`,
              safety: 'unsafe',
              edits: [
                {
                  kind: 'yaml-merge-anchor',
                  file: file.rel,
                  anchor,
                  value,
                  targets: names.map((n) => ['services', n, ...block.path]),
                  removeKeys: isMapping(value) ? Object.keys(value) : [],
                },
              ],
            },
            snippet: [`x-${anchor}: &${anchor}`, ...yamlLines(value, '  '), '', 'services:', ...names.flatMap((n) => [`  ${n}:`, ...block.path.slice(0, -1).map((k, i) => `${'  '.repeat(i + 2)}${k}:`), `${'  '.repeat(block.path.length + 1)}${block.path[block.path.length - 1]}: *${anchor}`])].join('\n'),
          });
        }
      }
    }
  },
});
