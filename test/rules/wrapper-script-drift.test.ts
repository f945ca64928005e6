import { describe, expect, it } from 'vitest';
import { brief, runRuleIn, runRuleOn } from './harness.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

describe('wrapper-script-drift', () => {
  it('flags v1 calls once per script, missing files (following an earlier `cd`), unknown services and profiles', async () => {
    const f = await runRuleOn('wrapper-script-drift', 'fail');
    expect(brief(f)).toEqual([
      'Makefile:5:2 `docker compose -f docker/docker-compose.yml --profile debug up -d api`: docker-compose.yml does not define service `api` or profile `debug`',
      'docker_dev.sh:6:7 docker_dev.sh calls the v1 `docker-compose` binary (3 calls, lines 6, 7, 8): Compose v1 is end-of-life and missing from current Docker installs, use `docker compose`',
      'docker_dev.sh:7:13 `docker-compose -f docker-compose.research.yml --profile research up -d mcp` (run in docker): `docker-compose.research.yml` does not exist (looked in docker); no compose file there defines service `mcp` or profile `research`',
    ]);
    expect(f[1]!.fix?.safety).toBe('unsafe');
    expect(f[1]!.fix?.edits).toHaveLength(3);
    expect(f[1]!.fix?.edits[0]).toMatchObject({ kind: 'text', file: 'docker_dev.sh', text: 'docker compose' });
  });

  it('passes calls that match the files, and leaves calls it cannot resolve alone', async () => {
    expect(await runRuleOn('wrapper-script-drift', 'pass')).toEqual([]);
  });

  it('yields the example trading platform: v1 syntax, the missing research file, service mcp and profile research', async () => {
    const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/trading-platform');
    const f = await runRuleIn('wrapper-script-drift', example);
    expect(brief(f)).toEqual([
      'docker_dev.sh:6:7 docker_dev.sh calls the v1 `docker-compose` binary (5 calls, lines 6, 7, 8, 9, 10): Compose v1 is end-of-life and missing from current Docker installs, use `docker compose`',
      'docker_dev.sh:8:13 `docker-compose -f docker-compose.research.yml --profile research up -d mcp` (run in docker): `docker-compose.research.yml` does not exist (looked in docker); no compose file there defines service `mcp` or profile `research`',
    ]);
  });
});
