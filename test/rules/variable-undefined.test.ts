import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('variable-undefined', () => {
  it('reports each use of an unset variable without a default, in compose and env files', async () => {
    const f = await runRuleOn('variable-undefined', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:3:12 variable `PG_VERSION` is not set in `.env`: Compose substitutes an empty string in `services.db.image`',
      'compose.yaml:11:14 variable `API_TOKEN` is not set in `.env`: Compose substitutes an empty string in `services.db.environment.TOKEN`',
      'compose.yaml:13:15 variable `INNER` is not set in `.env`: Compose substitutes an empty string in `services.db.environment.NESTED`',
      'compose.yaml:14:13 variable `SMTP_HOST` is not set in `.env` (only `.env.example` has it): Compose substitutes an empty string in `services.db.environment.SMTP`',
      'db.env:1:14 variable `DB_HOST` is not set in `.env`: Compose substitutes an empty string in `DATABASE_URL`',
    ]);
    expect(f[0]!.service).toBe('db');
  });

  it('ignores defaults, alternatives, shell variables, variables a wrapper script exports and escaped dollars', async () => {
    const text = brief(await runRuleOn('variable-undefined', 'fail')).join('\n');
    expect(text).not.toMatch(/DB_PASSWORD|DB_USER|`MODE`|EXTRA|PWD|DEPLOY_ENV|OUTER|PRICE/);
  });

  it('without a .env, takes what the env template defines as set (copying it is the documented setup)', async () => {
    expect(brief(await runRuleOn('variable-undefined', 'no-dotenv'))).toEqual([
      'compose.yaml:5:20 variable `SERVER_NAME` is not set (there is no `.env`): Compose substitutes an empty string in `services.web.environment.SERVER_NAME`',
    ]);
  });

  it('passes when every variable is set or has a default', async () => {
    expect(await runRuleOn('variable-undefined', 'pass')).toEqual([]);
  });
});
