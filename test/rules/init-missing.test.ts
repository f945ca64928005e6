import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('init-missing', () => {
  it('flags built services whose PID 1 is an interpreter or a shell, with a safe fix', async () => {
    const f = await runRuleOn('init-missing', 'fail');
    expect(brief(f)).toEqual([
      'compose.yaml:2:3 `api` runs `node` as PID 1 without an init: it neither reaps zombie processes nor stops on SIGTERM unless it installs a handler, so `docker compose stop` may wait out the kill timeout',
      'compose.yaml:5:3 `worker` runs `sh` as PID 1 without an init: it neither reaps zombie processes nor stops on SIGTERM unless it installs a handler, so `docker compose stop` may wait out the kill timeout',
    ]);
    expect(f[0]!.fix).toEqual({
      description: "run api under Docker's init (tini)",
      safety: 'safe',
      edits: [{ kind: 'yaml-set', file: 'compose.yaml', path: ['services', 'api', 'init'], value: true }],
    });
  });

  it('passes init: true, tini entrypoints, Go binaries, custom entrypoint scripts and pulled images', async () => {
    expect(await runRuleOn('init-missing', 'pass')).toEqual([]);
  });
});
