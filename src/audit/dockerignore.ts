/**
 * .dockerignore with Docker's own matching rules (@balena/dockerignore), including the
 * BuildKit per-Dockerfile ignore file (`<Dockerfile>.dockerignore` beside the Dockerfile wins).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ignore } from '@balena/dockerignore';
import { readTextFile } from '../load/yaml.js';

// a CommonJS module whose typings claim an ES default export
const ignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;

export interface IgnoreInfo {
  /** absolute path of the ignore file used, if any */
  file?: string;
  patterns: string[];
  /** is this context-relative path (posix separators) excluded from the build context? */
  ignores(relPath: string): boolean;
}

export function parseIgnorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

export function makeIgnore(patterns: string[], file?: string): IgnoreInfo {
  const ig = ignore().add(patterns);
  const out: IgnoreInfo = {
    patterns,
    ignores: (rel) => {
      const clean = rel.replace(/^\.\/+/, '').replace(/\/+$/, '');
      if (!clean || clean === '.') return false;
      return ig.ignores(clean);
    },
  };
  if (file) out.file = file;
  return out;
}

/** The ignore rules for a build: `<dockerfile>.dockerignore` if present, else `<context>/.dockerignore`. */
export function loadDockerignore(contextDir: string, dockerfilePath?: string): IgnoreInfo {
  const candidates = [];
  if (dockerfilePath) candidates.push(`${dockerfilePath}.dockerignore`);
  candidates.push(path.join(contextDir, '.dockerignore'));
  for (const c of candidates) {
    if (existsSync(c)) {
      try {
        return makeIgnore(parseIgnorePatterns(readTextFile(c, c, 1024 * 1024)), c);
      } catch {
        return makeIgnore([], c);
      }
    }
  }
  return makeIgnore([]);
}
