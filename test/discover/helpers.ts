import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** Make a temporary tree from `{ 'relative/path': 'content' }` (a path ending in `/` makes an empty directory). */
export function makeTree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-discover-'));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    if (rel.endsWith('/')) {
      fs.mkdirSync(abs, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

export function removeTrees(): void {
  for (const root of made.splice(0)) fs.rmSync(root, { recursive: true, force: true });
}

export const SERVICES = 'services:\n  web:\n    image: nginx\n';
