/**
 * The real-world corpus (../../../shared/corpus): every compose file is loaded as
 * `docker compose -f <file> config --format json` would load it in the file's directory, and the
 * outcome is compared with expected.json, which records what docker compose itself does (reviewed
 * by hand: a file that Compose loads must load here, and a file Compose rejects must fail here with
 * Compose's message).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeFiles, copyCorpus, CORPUS_ENV, loadOne, readManifest, type CorpusCopy } from './corpus.js';

interface ExpectedOk {
  outcome: 'ok';
  services: string[];
  note?: string;
}

interface ExpectedError {
  outcome: 'error';
  /** Compose's message (first line; `<corpus>` stands for the copy's root). Several when Compose's own choice varies (Go map order). */
  error: string | string[];
  reason: string;
}

interface Expected {
  env: Record<string, string>;
  files: Record<string, ExpectedOk | ExpectedError>;
}

const MAX_MS = 1000;

const manifest = readManifest();
const files = composeFiles(manifest);
const expected = JSON.parse(readFileSync(new URL('./expected.json', import.meta.url), 'utf8')) as Expected;

let copy: CorpusCopy;
beforeAll(() => {
  copy = copyCorpus(manifest);
});
afterAll(() => copy?.remove());

describe('corpus: expected.json', () => {
  it('has one entry per compose file of the manifest', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(Object.keys(expected.files).sort()).toEqual(files.map((f) => f.id).sort());
  });

  it('was reviewed with the environment the test uses', () => {
    expect(expected.env).toEqual(CORPUS_ENV);
  });

  it('gives a reason for every expected failure', () => {
    for (const [id, e] of Object.entries(expected.files)) {
      if (e.outcome === 'error') expect(e.reason.trim(), id).not.toBe('');
    }
  });
});

describe('corpus: docker compose config', () => {
  it.each(files.map((f) => [f.id, f] as const))('%s', (id, f) => {
    const want = expected.files[id];
    expect(want, `no entry for ${id} in expected.json`).toBeDefined();
    const got = loadOne(copy, f);

    expect(got.crash, `${id}: the loader crashed (only a LoadError may escape)`).toBeUndefined();
    if (want!.outcome === 'ok') {
      expect(got.error, `${id}: docker compose loads this file`).toBeUndefined();
      expect(got.services).toEqual(want!.services);
      expect(got.uncleanPaths, `${id}: relative paths made absolute must be clean, as Go's filepath.Join makes them`).toEqual([]);
    } else {
      const allowed = ([] as string[]).concat(want!.error);
      expect(got.ok, `${id}: docker compose rejects this file (${want!.reason})`).toBe(false);
      if (allowed.length === 1) expect(got.error, `${id}: docker compose's message`).toBe(allowed[0]);
      else expect(got.error, `${id}: one of docker compose's messages`).toBeOneOf(allowed);
    }
    expect(got.ms, `${id}: load + render time in ms`).toBeLessThan(MAX_MS);
  });
});
