import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { brief, FIXTURES, runRuleIn, runRuleOn } from './harness.js';

describe('env-file-missing', () => {
  it('reports every missing required env file once per place, naming the template to copy', async () => {
    const f = await runRuleOn('env-file-missing', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:2:13 env file `.env` (services `app`, `cron`) does not exist: Compose refuses to load the project until it does; copy `.env.example` to `.env` and fill it in',
      'compose.yaml:14:9 env file `.db.env` (service `db`) does not exist: Compose refuses to load the project until it does; create it or mark the entry `required: false`',
    ]);
  });

  it('is not reported as schema-invalid, and leaves `required: false` entries alone', async () => {
    expect(await runRuleIn('schema-invalid', path.join(FIXTURES, 'env-file-missing', 'fail'))).toEqual([]);
    expect(brief(await runRuleOn('env-file-missing', 'fail')).join('\n')).not.toContain('optional.env');
  });

  it('passes when every required env file exists', async () => {
    expect(await runRuleOn('env-file-missing', 'pass')).toEqual([]);
  });
});
