import { describe, expect, it } from 'vitest';
import { brief, runRuleOn } from './harness.js';

describe('fragmented-compose-files', () => {
  it('flags two standalone files redefining the same services with drift (seed 000), at the second file', async () => {
    const f = await runRuleOn('fragmented-compose-files', 'fail');
    expect(brief(f)).toEqual([
      'docker/docker-compose.dev.yml:2:3 docker/docker-compose.dev.yml redefines 3 services of docker/docker-compose.yml (`backend`, `jaeger`, `grafana`) and `backend`, `jaeger` differ: consolidate them into one file with profiles or a base file plus an override (`shipshape consolidate`)',
    ]);
    expect(f[0]!.unit).toBe('docker/docker-compose.dev.yml');
  });

  it('passes a base and a -f override a Makefile loads together', async () => {
    expect(await runRuleOn('fragmented-compose-files', 'pass')).toEqual([]);
  });

  it('passes files the README loads together with -f', async () => {
    expect(await runRuleOn('fragmented-compose-files', 'docs')).toEqual([]);
  });

  it('passes a second file whose services only patch the base (no image or build)', async () => {
    expect(await runRuleOn('fragmented-compose-files', 'fragment')).toEqual([]);
  });

  it('passes a catalogue of alternative stacks made of third-party images', async () => {
    expect(await runRuleOn('fragmented-compose-files', 'catalogue')).toEqual([]);
  });
});
