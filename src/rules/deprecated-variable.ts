import path from 'node:path';
import { defineRule, type ComposeUnit, type Fix } from '../audit/types.js';
import { keyOriginOf, type Origin } from '../load/origin.js';
import { isMapping } from '../load/paths.js';
import { envEntries, services } from './util.js';
import { envFileKeys, inSpan, listSome, originKey, rawEnv, rawFiles, rawVariableUses, readText, serviceSpans } from './lib/maintainability.js';

interface Place {
  name: string;
  origin: Origin;
  kind: 'service' | 'env-file' | 'interpolation';
  services: string[];
  unit?: ComposeUnit;
  fix?: Fix;
}

const COMPOSE_FILE_RE = /\.(ya?ml|json)$/i;

export default defineRule({
  meta: {
    id: 'deprecated-variable',
    title: 'A deprecated variable is still set or used',
    category: 'maintainability',
    severity: 'warning',
    priority: 'P4',
    effort: 'trivial',
    rationale:
      'Flags the application no longer reads are dead configuration that still looks meaningful: people keep setting them, copy them into new services, and debug behaviour they no longer control. When the application does still read them, they switch on paths the team meant to retire.',
    seed: '000 §6',
    fixable: 'suggestion',
    docs: {
      what: 'Finds variables listed under `deprecatedVariables` in `.shipshape.yml` wherever they still appear: set in a service\'s `environment`, set in an env file, or interpolated (`${VAR}`) in a compose or env file. Each place is reported once.',
      why: 'Deprecated switches linger for years unless something points at every place they are set. Listing them in the configuration, with the reason, turns the migration note into a check.',
      bad: '# .shipshape.yml\ndeprecatedVariables:\n  USE_TRAINING_HOST_SERVICE: workers self-register through WorkerRegistry\n\n# docker-compose.yml\nservices:\n  backend:\n    environment:\n      - USE_TRAINING_HOST_SERVICE=false\n',
      good: 'services:\n  backend:\n    environment:\n      - OTLP_ENDPOINT=http://jaeger:4317\n',
      fix: 'Remove the variable (and the code path that read it). The suggested fix deletes the entry from the compose file; entries in env files are removed by hand.',
    },
  },
  check(ctx) {
    const deprecated = ctx.repo.config.deprecatedVariables;
    const names = new Set(Object.keys(deprecated));
    if (!names.size) return;
    const places = new Map<string, Place>();
    const add = (p: Place, key: string) => {
      const prev = places.get(key);
      if (prev) {
        for (const s of p.services) if (!prev.services.includes(s)) prev.services.push(s);
        return;
      }
      places.set(key, p);
    };
    // set in a service's environment, as written in the compose files
    for (const file of rawFiles(ctx.repo)) {
      for (const span of serviceSpans(file.raw)) {
        const env = rawEnv(span.svc);
        for (const e of env.entries) {
          if (!names.has(e.key) || !e.keyOrigin) continue;
          const p: Place = { name: e.key, origin: e.keyOrigin, kind: 'service', services: [span.name], unit: file.unit };
          let fixPath: (string | number)[] | undefined;
          if (inSpan(span, e.keyOrigin, file.rel)) fixPath = ['services', span.name, 'environment', e.at];
          else {
            // written in an x- anchor the service merges
            for (const [top, v] of Object.entries(file.raw)) {
              if (top.startsWith('x-') && isMapping(v) && e.key in v && originKey(keyOriginOf(v, e.key)) === originKey(e.keyOrigin)) fixPath = [top, e.key];
            }
          }
          if (fixPath) p.fix = { description: `remove ${e.key}`, safety: 'unsafe', edits: [{ kind: 'yaml-delete', file: file.rel, path: fixPath }] };
          add(p, originKey(e.keyOrigin));
        }
      }
    }
    // set through env_file (positions in the env file)
    for (const ref of services(ctx.repo)) {
      for (const e of envEntries(ref)) {
        if (!names.has(e.key) || !e.origin || COMPOSE_FILE_RE.test(e.origin.file)) continue;
        add({ name: e.key, origin: e.origin, kind: 'env-file', services: [ref.name], unit: ref.unit }, `${e.origin.file}:${e.origin.line}`);
      }
    }
    // set in env files discovery found (templates included: they teach people to set it)
    for (const f of ctx.repo.files.envFiles) {
      const text = readText(path.join(ctx.repo.root, f.path), 1024 * 1024);
      if (!text) continue;
      for (const k of envFileKeys(text)) {
        if (k.commented || !names.has(k.key)) continue;
        add({ name: k.key, origin: { file: f.path, line: k.line, column: k.column }, kind: 'env-file', services: [] }, `${f.path}:${k.line}`);
      }
    }
    // interpolated
    for (const unit of ctx.repo.units) {
      const uses = unit.project ? unit.project.variables : unit.files.flatMap((f) => rawVariableUses(unit.raw.get(f) ?? {}));
      for (const use of uses) {
        if (!names.has(use.name) || !use.origin) continue;
        const m = /^services\.([^.]+)/.exec(use.path);
        add({ name: use.name, origin: use.origin, kind: 'interpolation', services: m && COMPOSE_FILE_RE.test(use.origin.file) ? [m[1]!] : [], unit }, `${originKey(use.origin)}:use`);
      }
    }
    for (const p of places.values()) {
      const why = deprecated[p.name];
      const head = `\`${p.name}\` is deprecated${why ? ` (${why})` : ''}`;
      const svc = p.services.length ? `${p.services.length === 1 ? 'service' : 'services'} ${listSome(p.services)}` : '';
      const message =
        p.kind === 'service'
          ? `${head} but ${svc} still ${p.services.length === 1 ? 'sets' : 'set'} it: remove it`
          : p.kind === 'env-file'
            ? `${head} but ${p.origin.file} still sets it${svc ? ` for ${svc}` : ''}: remove it`
            : `${head} but it is still interpolated here: stop using it`;
      ctx.report({
        message,
        origin: p.origin,
        ...(p.unit ? { unit: p.unit } : {}),
        ...(p.services[0] ? { service: p.services[0] } : {}),
        ...(p.fix ? { fix: p.fix } : {}),
      });
    }
  },
});
