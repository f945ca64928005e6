import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brief, FIXTURES, runRuleIn, runRuleOn } from './harness.js';

describe('default-credentials', () => {
  it('flags default logins, weak and placeholder passwords and disabled authentication', async () => {
    const f = await runRuleOn('default-credentials', 'fail');
    expect(brief(f)).toEqual([
      // an anchor: reported once, where the value is written
      "compose.yaml:3:31 service `grafana`: `GF_SECURITY_ADMIN_PASSWORD` is Grafana's default password `admin`",
      "compose.yaml:12:35 service `grafana-staging`: `GF_SECURITY_ADMIN_PASSWORD` defaults to Grafana's default password `admin` unless GF_ADMIN_PASSWORD is set",
      'compose.yaml:14:12 Grafana in service `grafana-bare` starts with its default login admin/admin: no `GF_SECURITY_ADMIN_PASSWORD` is set',
      'compose.yaml:19:26 service `db`: `POSTGRES_PASSWORD` is the well-known weak password `postgres`',
      'compose.yaml:23:34 service `db-open`: `POSTGRES_HOST_AUTH_METHOD` is `trust`, which lets anyone who reaches PostgreSQL log in as any user without a password',
      'compose.yaml:27:9 service `mysql`: `MYSQL_ALLOW_EMPTY_PASSWORD` is `yes`, which lets root log in with an empty password',
      'compose.yaml:29:9 service `mysql`: `MYSQL_PASSWORD` is the same as the user name in `MYSQL_USER`',
      "compose.yaml:34:30 service `rabbit`: `RABBITMQ_DEFAULT_PASS` is RabbitMQ's default password `guest`",
      'compose.yaml:36:12 MinIO in service `minio` starts with its default login minioadmin/minioadmin: no `MINIO_ROOT_PASSWORD` is set',
      'compose.yaml:41:19 service `api`: `APP_SECRET` is a placeholder that was never replaced',
      'compose.yaml:42:21 service `api`: `DATABASE_URL` embeds a password in its URL that is the well-known weak password `postgres`',
      'compose.yaml:45:14 service `cache`: `--requirepass` is the well-known weak password `changeme`',
      "grafana.env:1:1 `GF_SECURITY_ADMIN_PASSWORD` in `grafana.env` is Grafana's default password `admin`",
    ]);
    // a placeholder is never shown: only well-known values are
    expect(f.some((x) => x.message.includes('replace-me'))).toBe(false);
    expect(f.every((x) => x.severity === 'error' && x.priority === 'P2')).toBe(true);
  });

  it('a `${VAR:-admin}` default does not apply when a committed env file sets VAR', async () => {
    expect(await runRuleOn('default-credentials', 'committed')).toEqual([]);
  });

  it('a gitignored .env is local: the default still applies in every clone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-default-credentials-'));
    cpSync(path.join(FIXTURES, 'default-credentials', 'committed'), dir, { recursive: true });
    writeFileSync(path.join(dir, '.gitignore'), '.env\n');
    expect(brief(await runRuleIn('default-credentials', dir))).toEqual([
      "compose.yaml:5:35 service `grafana`: `GF_SECURITY_ADMIN_PASSWORD` defaults to Grafana's default password `admin` unless GF_ADMIN_PASSWORD is set",
    ]);
  });

  it('passes required variables, config files, secret files and non-Bitnami images', async () => {
    expect(brief(await runRuleOn('default-credentials', 'pass'))).toEqual([]);
  });
});
