import { defineRule } from '../audit/types.js';
import { keyOriginOf } from '../load/origin.js';
import type { Value } from '../load/types.js';
import { freshAnchor, inSpan, listSome, rawEnv, rawFiles, readText, serviceSpans, snippetValue, type RawEnvEntry, type ServiceSpan } from './lib/maintainability.js';

interface Shared {
  key: string;
  value: string | null;
  /** the value as written in the first service (keeps numbers and booleans) */
  written: Value;
  /** services writing it literally, not yet grouped */
  services: Set<string>;
}

const MAX_GROUPS = 20;

export default defineRule({
  meta: {
    id: 'duplicate-environment',
    title: 'The same environment entries are written out in several services',
    category: 'maintainability',
    severity: 'info',
    priority: 'P4',
    effort: 'low',
    rationale:
      'When two services carry the same dozen connection strings, URLs and credentials, every change has to be made in each copy, and sooner or later one copy is missed: the services then talk to different endpoints and nobody notices until something breaks. One anchor is one place to change.',
    seed: '003 §4.1',
    fixable: true,
    docs: {
      what: 'Finds services of one compose file that write the same environment entries (same key and same value, at least three of them by default) literally, instead of sharing them through a YAML anchor.',
      why: 'Copies drift: a URL or credential updated in one service and not the other is a classic source of "works for the API, fails in the worker" bugs. Entries already shared through an anchor (`<<: *common-env`) are not counted.',
      bad: 'services:\n  api:\n    environment:\n      REDIS_URL: redis://redis:6379/0\n      MLFLOW_TRACKING_URI: http://mlflow:5000\n      SUPABASE_URL: ${SUPABASE_URL}\n      WORKERS: 4\n  worker:\n    environment:\n      REDIS_URL: redis://redis:6379/0\n      MLFLOW_TRACKING_URI: http://mlflow:5000\n      SUPABASE_URL: ${SUPABASE_URL}\n',
      good: 'x-common-env: &common-env\n  REDIS_URL: redis://redis:6379/0\n  MLFLOW_TRACKING_URI: http://mlflow:5000\n  SUPABASE_URL: ${SUPABASE_URL}\n\nservices:\n  api:\n    environment:\n      <<: *common-env\n      WORKERS: 4\n  worker:\n    environment:\n      <<: *common-env\n',
      fix: 'Move the shared entries to an `x-common-env: &common-env` mapping and merge it into each service with `<<: *common-env`. `shipshape fix --rule duplicate-environment --write` does it (services that write `environment:` as a list are rewritten as a mapping, which merge keys need: that fix is only applied when asked). The option `minShared` (default 3) sets how many shared entries make a finding.',
    },
  },
  check(ctx) {
    const minShared = typeof ctx.options.minShared === 'number' && ctx.options.minShared >= 1 ? ctx.options.minShared : 3;
    for (const file of rawFiles(ctx.repo)) {
      const spans = serviceSpans(file.raw);
      if (spans.length < 2) continue;
      const envs = new Map<string, { span: ServiceSpan; form: 'map' | 'list' | 'none'; literal: RawEnvEntry[]; inherited: boolean }>();
      const shared = new Map<string, Shared>();
      for (const span of spans) {
        const env = rawEnv(span.svc);
        if (env.form === 'none') continue;
        const literal = env.entries.filter((e) => inSpan(span, e.origin, file.rel));
        envs.set(span.name, { span, form: env.form, literal, inherited: literal.length < env.entries.length });
        for (const e of literal) {
          const sig = `${e.key}\u0000${e.value === null ? '\u0001' : e.value}`;
          let s = shared.get(sig);
          if (!s) {
            const envValue = span.svc.environment;
            const written: Value = env.form === 'map' && envValue && !Array.isArray(envValue) && typeof envValue === 'object' ? ((envValue as Record<string, Value>)[e.key] ?? null) : e.value;
            shared.set(sig, (s = { key: e.key, value: e.value, written, services: new Set() }));
          }
          s.services.add(span.name);
        }
      }
      const order = spans.map((s) => s.name).filter((n) => envs.has(n));
      const text = readText(file.abs);
      let raw = file.raw;
      for (let round = 0; round < MAX_GROUPS; round++) {
        // candidate service sets: every pair, and every set an entry is shared by
        const candidates = new Map<string, string[]>();
        const addCandidate = (names: string[]) => {
          const sorted = order.filter((n) => names.includes(n));
          if (sorted.length >= 2) candidates.set(sorted.join('\u0000'), sorted);
        };
        // pairs sharing enough entries, counted from the entries (never every pair of a big file)
        const pairs = new Map<string, number>();
        for (const s of shared.values()) {
          if (s.services.size < 2) continue;
          addCandidate([...s.services]);
          const names = order.filter((n) => s.services.has(n));
          for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
            const k = `${names[i]}\u0000${names[j]}`;
            pairs.set(k, (pairs.get(k) ?? 0) + 1);
          }
        }
        for (const [k, n] of pairs) if (n >= minShared) addCandidate(k.split('\u0000'));
        let best: { names: string[]; entries: Shared[] } | undefined;
        for (const names of candidates.values()) {
          const entries = [...shared.values()].filter((s) => names.every((n) => s.services.has(n)));
          if (entries.length < minShared) continue;
          const score = names.length * entries.length;
          const bestScore = best ? best.names.length * best.entries.length : -1;
          if (score > bestScore || (score === bestScore && best && names.length > best.names.length)) best = { names, entries };
        }
        if (!best) break;
        for (const e of best.entries) for (const n of best.names) e.services.delete(n);
        // report it
        const anchor = freshAnchor('common-env', raw, text);
        raw = { ...raw, [`x-${anchor}`]: null };
        const keys = best.entries.map((e) => e.key);
        const listForm = best.names.filter((n) => envs.get(n)!.form === 'list');
        const merged = best.names.filter((n) => envs.get(n)!.inherited);
        const second = envs.get(best.names[1]!)!;
        const origin = keyOriginOf(second.span.svc, 'environment');
        const value: Record<string, Value> = {};
        for (const e of best.entries) value[e.key] = e.written;
        const notes: string[] = [];
        if (listForm.length) notes.push(`rewrites the list-form environment of ${listSome(listForm)} as a mapping, which merge keys need`);
        if (merged.length) notes.push(`${listSome(merged)} already merge${merged.length === 1 ? 's' : ''} another anchor: check which value wins`);
        const services = best.names.length === 2 ? `${listSome(best.names.slice(0, 1))} and ${listSome(best.names.slice(1))}` : `${listSome(best.names.slice(0, -1), 8)} and ${listSome(best.names.slice(-1))}`;
        const shown = best.entries.slice(0, 8);
        const snippet = [
          `x-${anchor}: &${anchor}`,
          ...shown.map((e) => `  ${e.key}: ${snippetValue(e.key, e.value)}`.trimEnd()),
          ...(best.entries.length > shown.length ? [`  # … ${best.entries.length - shown.length} more`] : []),
          '',
          'services:',
          ...best.names.flatMap((n) => [`  ${n}:`, '    environment:', `      <<: *${anchor}`]),
        ].join('\n');
        ctx.report({
          message: `services ${services} repeat the same ${best.entries.length} environment entries (${listSome(keys, 4)}): define them once in an \`x-${anchor}\` anchor and merge it with \`<<: *${anchor}\``,
          ...(origin ? { origin } : { file: file.rel }),
          unit: file.unit,
          service: best.names[1]!,
          fix: {
            description: `move the ${best.entries.length} shared entries to x-${anchor} and merge it into ${best.names.join(', ')}${notes.length ? ` (${notes.join('; ')})` : ''}`,
            safety: notes.length ? 'unsafe' : 'safe',
            edits: [
              {
                kind: 'yaml-merge-anchor',
                file: file.rel,
                anchor,
                value,
                targets: best.names.map((n) => ['services', n, 'environment']),
                removeKeys: keys,
              },
            ],
          },
          snippet,
        });
      }
    }
  },
});
