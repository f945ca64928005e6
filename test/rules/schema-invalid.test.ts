import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('schema-invalid', () => {
  it('reports every unit that does not load, and consistency problems no other rule owns', async () => {
    const f = await runRuleOn('schema-invalid', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:11:3 service "orphan" has neither an image nor a build context specified: invalid compose project',
      'docker-compose.interp.yml:5:26 invalid interpolation format in services.db.environment.POSTGRES_PASSWORD: a `$` starts no variable (write `$$` for a literal dollar sign); Compose refuses to load the file',
      'docker-compose.required.yml:5:9 required variable `ACME_EMAIL` is not set (`${ACME_EMAIL?…}` in services.proxy.command.[]) ("need an email for certificates"): Compose refuses to load the file until it is set in `.env` or the environment, so the rest of this unit was audited with a placeholder value',
      'docker-compose.schema.yml:4:12 validating docker-compose.schema.yml: services.web.ports must be a array',
      'docker-compose.yaml-error.yml:3:12 Nested mappings are not allowed in compact mappings',
    ]);
    expect(f.find((x) => x.file === 'compose.yaml')?.service).toBe('orphan');
  });

  it('never echoes the value of a broken interpolation (it may be a secret)', async () => {
    const f = await runRuleOn('schema-invalid', 'fail');
    expect(f.map((x) => x.message).join('\n')).not.toContain('s3cr');
  });

  it('leaves undefined references, cycles, container_name with replicas, missing env files and overlay fragments to others', async () => {
    const f = await runRuleOn('schema-invalid', 'fail');
    const text = brief(f).join('\n');
    for (const s of ['backend', 'cycle', 'container_name', 'app.env', 'overlay']) expect(text).not.toContain(s);
  });

  it('passes a file that loads', async () => {
    expect(await runRuleOn('schema-invalid', 'pass')).toEqual([]);
  });

  it('does not report a ${VAR:?} that the env template sets when there is no .env yet', async () => {
    expect(await runRuleOn('schema-invalid', 'required-template')).toEqual([]);
  });
});
