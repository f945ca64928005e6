import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSecretKey, isNonSecretValue, parseGitignore, tokenKind } from '../../src/rules/lib/security.js';
import { brief, FIXTURES, runRuleIn, runRuleOn } from './harness.js';

const fail = [
  '.env:2:1 `DB_ROOT` (it sets `POSTGRES_PASSWORD`) in committed env file `.env` is a literal secret: keep the file out of git and commit a template instead',
  'compose.yaml:7:20 build argument `NPM_TOKEN` of service `api` is a literal secret, and build arguments are kept in the image history: use a build secret instead',
  'compose.yaml:10:19 `JWT_SECRET` (environment of service `api`) is a literal secret written in the compose file: take it from a variable or a Compose secret',
  'compose.yaml:12:21 `DATABASE_URL` (environment of service `api`) embeds a literal password in its URL',
  'db.env:2:1 `STRIPE_SECRET_KEY` in committed env file `db.env` is a literal secret: keep the file out of git and commit a template instead',
];

function copyFixture(variant: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-secret-literal-'));
  cpSync(path.join(FIXTURES, 'secret-literal', variant), dir, { recursive: true });
  return dir;
}

describe('secret-literal', () => {
  it('flags literal secrets in compose files and committed env files, never showing the value', async () => {
    const f = await runRuleOn('secret-literal', 'fail');
    expect(brief(f)).toEqual(fail);
    // interpolated values (${DB_PASSWORD}), paths, URLs without credentials, templates and weak
    // values (default-credentials' job) are not reported; no message holds a value
    for (const x of f) {
      expect(x.severity).toBe('error');
      for (const secret of ['d41d8cd98f', '9f8e7d6c5b', 'Xk39dlq2PzQ', 'Hq83nd92ka', 'Zt8qLm2vRw5n']) expect(x.message).not.toContain(secret);
    }
    expect(f.find((x) => x.file === 'compose.yaml' && x.line === 10)?.service).toBe('api');
  });

  it('does not judge env files the repository ignores (.gitignore): they are local, not committed', async () => {
    const dir = copyFixture('fail');
    writeFileSync(path.join(dir, '.gitignore'), '# local settings\n*.env\n.env\n!.env.example\n');
    const f = await runRuleIn('secret-literal', dir);
    expect(brief(f)).toEqual(fail.filter((l) => !l.startsWith('.env') && !l.startsWith('db.env')));
  });

  it('a gitignored compose file is not judged either', async () => {
    const dir = copyFixture('fail');
    writeFileSync(path.join(dir, '.gitignore'), '/compose.yaml\n');
    const f = await runRuleIn('secret-literal', dir);
    expect(brief(f).filter((l) => l.startsWith('compose.yaml'))).toEqual([]);
  });

  it('recognises credential-shaped values whatever their key (tokens are built here, not committed)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-secret-literal-'));
    const gh = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
    const aws = `AKIA${'Q'.repeat(4)}${'7'.repeat(12)}`;
    const pem = `-----BEGIN RSA ${'PRIVATE'} KEY-----`;
    writeFileSync(
      path.join(dir, 'compose.yaml'),
      [
        'services:',
        '  bot:',
        '    image: example/bot:1.0',
        `    command: ["bot", "--token", "${gh}"]`,
        '    labels:',
        `      deploy.credentials: "${aws}"`,
        '    environment:',
        `      UPSTREAM: "${gh}"`,
        '      TEST_TOKEN: ${TEST_TOKEN}',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'keys.env'), `SIGNING="${pem}\\nMIIE"\n`);
    const f = await runRuleIn('secret-literal', dir);
    expect(brief(f)).toEqual([
      'compose.yaml:4:33 the command of service `bot` holds what looks like a GitHub token, written literally',
      'compose.yaml:6:27 label `deploy.credentials` of service `bot` holds what looks like an AWS access key id, written literally',
      'compose.yaml:8:17 `UPSTREAM` (environment of service `bot`) holds what looks like a GitHub token, written literally',
      'keys.env:1:1 `SIGNING` in committed env file `keys.env` holds what looks like a PEM private key, written literally',
    ]);
    for (const x of f) expect(x.message).not.toContain(gh);
  });

  it('passes variables, Compose secrets, secret files and templates', async () => {
    expect(brief(await runRuleOn('secret-literal', 'pass'))).toEqual([]);
  });

  it('reads secret-looking names, and leaves files, lengths and switches alone', () => {
    for (const k of ['DB_PASSWORD', 'JWT_SECRET', 'NEXTAUTH_SECRET', 'GITHUB_TOKEN', 'API_KEY', 'AWS_SECRET_ACCESS_KEY', 'PIHOLE_PW', 'RABBITMQ_DEFAULT_PASS', 'VAULT_DEV_ROOT_TOKEN_ID', 'INIT_ADMIN_API_TOKENS']) expect(isSecretKey(k), k).toBe(true);
    for (const k of ['PWD', 'POSTGRES_PASSWORD_FILE', 'TOKEN_TTL', 'PASSWORD_MIN_LENGTH', 'SECRET_NAME', 'AUTH_TOKEN_HEADER', 'KAFKA_AUTHORIZER_CLASS_NAME', 'BYPASS_CACHE', 'POSTGRES_HOST_AUTH_METHOD']) expect(isSecretKey(k), k).toBe(false);
    expect(isNonSecretValue('/run/secrets/db', 'DB_PASSWORD')).toBe(true);
    expect(isNonSecretValue('redis://cache:6379/0', 'REDIS_TOKEN')).toBe(true);
    expect(isNonSecretValue('839201', 'DB_PASSWORD')).toBe(false);
    expect(tokenKind('plain text')).toBeUndefined();
  });

  it('matches .gitignore patterns as git does (anchoring, directories, negation, **)', () => {
    const match = (pattern: string, rel: string) => parseGitignore(pattern, '/r').some((r) => r.re.test(rel));
    expect(match('.env', '.env')).toBe(true);
    expect(match('.env', 'deploy/.env')).toBe(true);
    expect(match('/.env', 'deploy/.env')).toBe(false);
    expect(match('*.env', 'config/db.env')).toBe(true);
    expect(match('config/*.env', 'config/db.env')).toBe(true);
    expect(match('config/*.env', 'other/config/db.env')).toBe(false);
    expect(match('**/secrets/*', 'a/b/secrets/key.env')).toBe(true);
    expect(match('.env*', '.env.local')).toBe(true);
    expect(parseGitignore('!.env.example', '/r')[0]!.negate).toBe(true);
    expect(parseGitignore('secrets/', '/r')[0]!.dirOnly).toBe(true);
  });
});
