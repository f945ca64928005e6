import { defineRule, type RepoModel } from '../audit/types.js';
import type { Origin } from '../load/origin.js';
import { defaultOf, hasInterpolation, isProductionFile, nameStage, parseImageRef, rawEnvValue, setByCommittedFile } from './lib/security.js';
import { at, commandText, envEntries, services, type ServiceRef } from './util.js';

/** Development servers and debug switches in a command line. */
const COMMAND_PATTERNS: [RegExp, string][] = [
  [/\bserver\b(.*\s)?-dev\b/, 'runs a Vault dev server (`server -dev`: in memory, unsealed, with a known root token)'],
  [/(^|\s)--reload(-dir|-include|-exclude)?(\s|=|$)/, 'runs with `--reload` (a development file watcher)'],
  [/\bflask\b(\s+--?\S+)*\s+run\b/, 'runs Flask\'s development server (`flask run`)'],
  [/\bmanage\.py\s+runserver\b/, 'runs Django\'s development server (`manage.py runserver`)'],
  [/\bphp\s+artisan\s+serve\b/, 'runs Laravel\'s development server (`php artisan serve`)'],
  [/\b(npm|pnpm|yarn|bun)\s+(run\s+)?dev\b/, 'runs the package\'s `dev` script (a development server)'],
  [/\b(next|nuxt|vite|astro|remix)\s+dev\b|\bnodemon\b|\bwebpack-dev-server\b|\bwebpack\s+serve\b|\bng\s+serve\b/, 'runs a development server with hot reload'],
  [/--inspect(-brk)?=(0\.0\.0\.0|\*|\[::\])/, 'opens the Node.js inspector on all interfaces (anyone who reaches it can run code)'],
  [/\bdebugpy\b.*--listen\s+(0\.0\.0\.0|\*|\[::\])/, 'opens a debugpy debugger on all interfaces (anyone who reaches it can run code)'],
];

/** Environment switches that put a framework in development or debug mode. */
const ENV_PATTERNS: [RegExp, (v: string) => boolean, string][] = [
  [/^(VAULT_DEV_ROOT_TOKEN_ID|VAULT_DEV_LISTEN_ADDRESS)$/, (v) => v.trim() !== '', 'configures a Vault dev server'],
  [/^(FLASK_DEBUG|DEBUG|DJANGO_DEBUG|APP_DEBUG)$/, (v) => /^(1|true|yes|on)$/i.test(v.trim()), 'turns debug mode on (tracebacks and, for Flask/Werkzeug, an interactive debugger)'],
  [/^(FLASK_ENV|NODE_ENV|RAILS_ENV|RACK_ENV|MIX_ENV)$/, (v) => /^(dev|development)$/i.test(v.trim()), 'selects the development environment'],
  [/^APP_ENV$/, (v) => /^(dev|development|local)$/i.test(v.trim()), 'selects the development environment'],
  [/^(ASPNETCORE_ENVIRONMENT|DOTNET_ENVIRONMENT)$/, (v) => /^development$/i.test(v.trim()), 'selects the Development environment (developer exception pages)'],
  [/^GIN_MODE$/, (v) => /^debug$/i.test(v.trim()), 'runs Gin in debug mode'],
];

const VAULT_IMAGE = /^(hashicorp\/vault|vault)$/;

/** Is the text at this origin part of a production-looking file? Env files go with the unit that reads them unless their own name says dev. */
function inProduction(repo: RepoModel, ref: ServiceRef, origin: Origin | undefined): string | undefined {
  if (!origin) return undefined;
  if (/\.ya?ml$/i.test(origin.file)) return isProductionFile(origin.file) ? origin.file : undefined;
  if (nameStage(origin.file) === 'dev') return undefined;
  const first = ref.unit.files[0];
  if (!first) return undefined;
  const rel = repo.rel(first);
  return isProductionFile(rel) ? rel : undefined;
}

export default defineRule({
  meta: {
    id: 'dev-mode-server',
    title: 'A development server or debug mode in a production file',
    category: 'security',
    severity: 'warning',
    priority: 'P2',
    effort: 'low',
    rationale:
      'Development servers trade safety for convenience: Vault `-dev` keeps secrets in memory behind a known root token, Werkzeug\'s debugger runs arbitrary Python for anyone who reaches it, `--reload` watchers and `npm run dev` servers are slow and leak source maps and stack traces, and an open `--inspect` port is remote code execution. They belong in dev files, never in the file that ships.',
    seed: '002 §Production Deployment',
    fixable: false,
    docs: {
      what:
        'In production-looking compose files only, finds development servers and debug switches: Vault `server -dev` (including the Vault image run with its default command) and `VAULT_DEV_ROOT_TOKEN_ID`, `--reload`, `flask run`, `manage.py runserver`, `php artisan serve`, `npm run dev` / `next dev` / `vite` dev servers / `nodemon`, `--inspect=0.0.0.0`, `debugpy --listen 0.0.0.0`, and `DEBUG` / `FLASK_DEBUG` / `APP_DEBUG` true, `NODE_ENV` / `RAILS_ENV` / `FLASK_ENV` / `APP_ENV` development, `ASPNETCORE_ENVIRONMENT=Development`, `GIN_MODE=debug`. A file is production-looking when its name says `prod`, `production`, `stack`, `deploy`, `release`, `live` or `swarm` (`docker-compose.prod.yml`, `stack.yml`, `compose.deploy.yaml`); dev, local, test, CI, example and override files (by name or folder) never are, and neither are plain default files such as `docker-compose.yml`, even beside a `docker-compose.dev.yml`: in a dev setup `--reload` is a feature (seed 000).',
      why: 'Seed 002 lists "Vault: use a proper Vault deployment (not dev mode)" first among its production fixes. A debug mode in production turns every error page into an information leak and, for Werkzeug and Node\'s inspector, into remote code execution.',
      bad: '# docker-compose.prod.yml\nservices:\n  api:\n    image: example/api:1.4\n    command: uvicorn app.main:app --host 0.0.0.0 --reload\n    environment:\n      DEBUG: "true"\n',
      good: '# docker-compose.prod.yml\nservices:\n  api:\n    image: example/api:1.4\n    command: gunicorn app.main:app -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:8000 --workers 4\n    environment:\n      DEBUG: "false"\n',
      fix: 'Run the production server (gunicorn/uvicorn workers without `--reload`, `node server.js`, `next start`, Vault with a storage backend and `vault operator init`), set the environment switches to production values, and keep the dev variants in a dev or override file.',
    },
  },
  check(ctx) {
    const repo = ctx.repo;
    for (const ref of services(repo)) {
      const base = { unit: ref.unit, service: ref.name };
      const image = typeof ref.svc.image === 'string' ? parseImageRef(ref.svc.image).repo : '';
      const isVault = VAULT_IMAGE.test(image);

      if (isVault && ref.svc.command === undefined && ref.svc.entrypoint === undefined) {
        const origin = at(ref, 'image');
        const file = inProduction(repo, ref, origin);
        if (file) ctx.report({ ...base, origin, message: `service \`${ref.name}\` runs the Vault image's default command \`server -dev\` in production-looking file \`${file}\`: an in-memory dev server, unsealed, with a root token` });
      }

      for (const key of ['command', 'entrypoint'] as const) {
        const v = ref.svc[key];
        if (v === undefined || v === null) continue;
        const text = commandText(v);
        const origin = at(ref, key);
        const file = inProduction(repo, ref, origin);
        if (!file) continue;
        for (const [re, what] of COMMAND_PATTERNS) {
          if (re === COMMAND_PATTERNS[0]![0] && !isVault && !/\bvault\b/.test(text)) continue;
          if (!re.test(text)) continue;
          ctx.report({ ...base, origin, message: `service \`${ref.name}\` ${what} in production-looking file \`${file}\`` });
        }
      }

      for (const e of envEntries(ref)) {
        if (e.value === null) continue;
        const hit = ENV_PATTERNS.find(([re]) => re.test(e.key));
        if (!hit) continue;
        const file = inProduction(repo, ref, e.origin);
        if (!file) continue;
        // judge what a clone gets: a literal, or the default of `${VAR:-default}` unless a committed file sets VAR
        let value = e.value;
        let unless = '';
        const raw = /\.ya?ml$/i.test(e.origin?.file ?? '') ? rawEnvValue(repo, e.key, e.origin) : undefined;
        if (raw !== undefined && hasInterpolation(raw)) {
          const d = defaultOf(raw);
          if (d && !setByCommittedFile(repo, ref, d.name)) {
            value = d.word;
            unless = ` unless ${d.name} is set`;
          } else if (!d || !setByCommittedFile(repo, ref, d.name)) {
            const names = [...raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
            if (!names.length || !names.every((n) => setByCommittedFile(repo, ref, n))) continue;
          }
        }
        if (!hit[1](value)) continue;
        // never echo a token: the Vault dev settings are named, not shown
        const shown = /^VAULT_DEV_/.test(e.key) ? 'is set' : `${unless ? 'defaults to' : 'is'} \`${value.trim()}\`${unless}`;
        ctx.report({ ...base, origin: e.origin, message: `service \`${ref.name}\`: \`${e.key}\` ${shown}, which ${hit[2]}, in production-looking file \`${file}\`` });
      }
    }
  },
});
