import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('stateful-without-volume', () => {
  it('flags databases without a volume on their data directory, and a tmpfs there', async () => {
    const f = await runRuleOn('stateful-without-volume', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:3:12 `db` (PostgreSQL database) has no volume on `/var/lib/postgresql/data`: its data does not survive `docker compose down` or a re-created container',
      'compose.yaml:7:12 `mysql` (MySQL/MariaDB database) keeps its data on a tmpfs at `/var/lib/mysql`: it lives in memory and is gone on every restart',
    ]);
  });

  it('passes volumes on, above or named by the data directory, caches, and test files', async () => {
    expect(await runRuleOn('stateful-without-volume', 'pass')).toEqual([]);
  });
});
