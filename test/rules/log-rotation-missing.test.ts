import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

const EDIT = {
  kind: 'yaml-merge-anchor',
  file: 'compose.yaml',
  anchor: 'default-logging',
  value: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
  targets: [
    ['services', 'api', 'logging'],
    ['services', 'worker', 'logging'],
  ],
};

describe('log-rotation-missing', () => {
  it('flags json-file logging without max-size, at the service or at the driver', async () => {
    const f = await runRuleOn('log-rotation-missing', 'fail');
    expect(brief(f)).toEqual([
      "compose.yaml:2:3 `api` logs with Docker's default json-file driver and no `max-size`: its log file grows until the disk is full",
      'compose.yaml:7:15 `worker` logs with the json-file driver without `max-size`: its log file grows until the disk is full',
    ]);
  });

  it('gives every finding of a file the same complete edit: one shared anchor, every service as a target', async () => {
    const f = await runRuleOn('log-rotation-missing', 'fail');
    for (const x of f) {
      expect(x.fix?.safety).toBe('safe');
      expect(x.fix?.edits).toEqual([EDIT]);
    }
  });

  it('passes a service of an overlay fragment (no image or build of its own): the base file that defines it is judged', async () => {
    expect(await runRuleOn('log-rotation-missing', 'overlay')).toEqual([]);
  });

  it('passes root one-shots that only fix volume ownership (by name or by a chown/chmod command), not a server that chowns first', async () => {
    expect(brief(await runRuleOn('log-rotation-missing', 'permission-fix'))).toEqual([
      "compose.yaml:22:3 `cache` logs with Docker's default json-file driver and no `max-size`: its log file grows until the disk is full",
    ]);
  });

  it('passes logging through an anchor on every service', async () => {
    expect(await runRuleOn('log-rotation-missing', 'pass')).toEqual([]);
  });
});
