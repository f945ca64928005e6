import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('copy-source-missing', () => {
  it('flags missing and .dockerignore-excluded sources at the COPY line (seed 003 §1.4)', async () => {
    const f = await runRuleOn('copy-source-missing', 'fail');
    expect(brief(f)).toEqual([
      'docker/Dockerfile:4:1 `COPY uv.lock` fails: `uv.lock` does not exist in the build context `.`',
      'docker/Dockerfile:7:1 `COPY requirements-dev.txt` fails: `requirements-dev.txt` does not exist in the build context `.`',
      'docker/Dockerfile:14:1 `COPY config/settings.toml` fails: `config/settings.toml` is excluded from the build context `.` by `docker/Dockerfile.dockerignore` (pattern `config/*.toml`)',
      'web/Dockerfile:2:1 `COPY package.json` fails: `package.json` does not exist in the additional build context `shared` (directory `shared`)',
      'web/Dockerfile:4:1 `COPY secrets.json` fails: `secrets.json` is excluded from the build context `web` by `web/.dockerignore` (pattern `secrets.json`)',
    ]);
  });

  it('skips stages the target does not build, wildcards, --from stages, URLs, variables and git-ignored build outputs', async () => {
    const text = brief(await runRuleOn('copy-source-missing', 'fail')).join('\n');
    expect(text).not.toMatch(/notes\.txt|\*\.md|tool\.tar|APP_DIR|dist/);
  });

  it('passes a build whose sources are all in the context (a wildcard matching nothing is fine under BuildKit)', async () => {
    expect(await runRuleOn('copy-source-missing', 'pass')).toEqual([]);
  });
});
