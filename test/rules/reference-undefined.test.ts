import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brief, FIXTURES, runRuleIn, runRuleOn } from './harness.js';

describe('reference-undefined', () => {
  it('reports each reference to nothing at the reference, also in a unit that only lacks an env file', async () => {
    const f = await runRuleOn('reference-undefined', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:5:7 service `api` depends on `db`, which only runs with profile `db`: a plain `docker compose up` fails with "depends on undefined service"',
      'compose.yaml:7:7 service `api` depends on `cache`, which is not defined: Compose refuses to load the project',
      'compose.yaml:9:7 service `api` depends on `mailer`, which is not defined: Compose refuses to load the project',
      'compose.yaml:12:25 service `api` refers to network `frontend`, which the top-level `networks:` does not declare: Compose refuses to load the project',
      'compose.yaml:14:9 service `api` refers to volume `pgdata`, which the top-level `volumes:` does not declare: Compose refuses to load the project',
      'compose.yaml:16:15 service `api` refers to secret `api_key`, which the top-level `secrets:` does not declare: Compose refuses to load the project',
      'compose.yaml:18:9 service `api` refers to config `app_config`, which the top-level `configs:` does not declare: Compose refuses to load the project',
      'compose.yaml:27:18 service `debug` depends on `metrics`, which only runs with profile `monitoring`: `docker compose --profile debug up` fails with "depends on undefined service"',
      'compose.yaml:28:13 service `debug` links to `ghost`, which is not defined: Compose refuses to load the project',
      'compose.yaml:42:19 service `sidecar` uses the network namespace of `nothere`, which is not defined: Compose refuses to load the project',
    ]);
  });

  it('is the only rule reporting these (schema-invalid leaves them alone)', async () => {
    expect(await runRuleIn('schema-invalid', path.join(FIXTURES, 'reference-undefined', 'fail'))).toEqual([]);
  });

  it('passes defined references, optional dependencies and dependencies within one profile', async () => {
    expect(await runRuleOn('reference-undefined', 'pass')).toEqual([]);
  });

  it('lets an overlay fragment (a file layered with -f) refer to what the base file defines', async () => {
    expect(await runRuleOn('reference-undefined', 'fragment')).toEqual([]);
  });
});
