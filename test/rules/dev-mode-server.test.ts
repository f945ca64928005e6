import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('dev-mode-server', () => {
  it('flags dev servers and debug switches in a production-named file only (not in the plain default file beside it)', async () => {
    const f = await runRuleOn('dev-mode-server', 'fail');
    expect(brief(f)).toEqual([
      'docker-compose.prod.yml:4:14 service `api` runs with `--reload` (a development file watcher) in production-looking file `docker-compose.prod.yml`',
      'docker-compose.prod.yml:6:14 service `api`: `DEBUG` is `true`, which turns debug mode on (tracebacks and, for Flask/Werkzeug, an interactive debugger), in production-looking file `docker-compose.prod.yml`',
      'docker-compose.prod.yml:7:17 service `api`: `NODE_ENV` defaults to `development` unless NODE_ENV is set, which selects the development environment, in production-looking file `docker-compose.prod.yml`',
      'docker-compose.prod.yml:11:14 service `web` opens the Node.js inspector on all interfaces (anyone who reaches it can run code) in production-looking file `docker-compose.prod.yml`',
      "docker-compose.prod.yml:13:12 service `vault` runs the Vault image's default command `server -dev` in production-looking file `docker-compose.prod.yml`: an in-memory dev server, unsealed, with a root token",
      'docker-compose.prod.yml:15:32 service `vault`: `VAULT_DEV_ROOT_TOKEN_ID` is set, which configures a Vault dev server, in production-looking file `docker-compose.prod.yml`',
      "docker-compose.prod.yml:18:14 service `flask` runs Flask's development server (`flask run`) in production-looking file `docker-compose.prod.yml`",
    ]);
    // the dev root token is never shown
    expect(f.some((x) => x.message.includes('s3cr3t'))).toBe(false);
  });

  it('does not take a default file for production because a dev-named file sits beside it', async () => {
    expect(brief(await runRuleOn('dev-mode-server', 'sibling'))).toEqual([]);
  });

  it('passes seed 000: --reload in the main dev file, beside dev and prod files, and a clean prod file', async () => {
    expect(brief(await runRuleOn('dev-mode-server', 'pass'))).toEqual([]);
  });
});
