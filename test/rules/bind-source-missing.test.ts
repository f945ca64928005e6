import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('bind-source-missing', () => {
  it('flags missing files that Compose would turn into directories, sources that cannot be created, and secret files (seed 003 §1.3)', async () => {
    const f = await runRuleOn('bind-source-missing', 'fail');
    expect(brief(f)).toEqual([
      'docker/docker-compose.yml:5:9 bind source `docker/frontend/nginx.conf` of service `frontend` does not exist: Compose creates an empty directory there and mounts it on `/etc/nginx/conf.d/default.conf`, so a missing config file becomes a directory',
      'docker/docker-compose.yml:13:17 bind source `docker/data` of service `api` does not exist and `create_host_path` is false: the container fails to start',
      'docker/docker-compose.yml:18:9 bind source `docker/config` of service `api` does not exist: Compose creates an empty directory there and mounts it on `/etc/app/config.yml`, so a missing config file becomes a directory',
      'docker/docker-compose.yml:19:9 bind source `docker/local.env` of service `api` does not exist: Compose creates an empty directory there and mounts it on `/app/.env`, so a missing config file becomes a directory (it is git-ignored: every checkout has to create it)',
      'docker/docker-compose.yml:25:11 secret `db_password` reads `docker/secrets/db_password.txt`, which does not exist: `db` cannot start until it is created',
    ]);
    expect(f.map((x) => x.service)).toEqual(['frontend', 'api', 'api', 'api', 'db']);
  });

  it('ignores missing data directories, host paths outside the repository, paths from unset variables and unused secrets', async () => {
    const text = brief(await runRuleOn('bind-source-missing', 'fail')).join('\n');
    expect(text).not.toMatch(/dist|docker\.sock|localtime|app\.yml|unused/);
  });

  it('points at the `source:` line of a long-syntax bind, where the missing path is written', async () => {
    expect(brief(await runRuleOn('bind-source-missing', 'long-syntax'))).toEqual([
      'compose.yaml:7:17 bind source `proxy/nginx.conf` of service `proxy` does not exist: Compose creates an empty directory there and mounts it on `/etc/nginx/conf.d/default.conf`, so a missing config file becomes a directory',
    ]);
  });

  it('passes existing files and directories Compose may create', async () => {
    expect(await runRuleOn('bind-source-missing', 'pass')).toEqual([]);
  });
});
