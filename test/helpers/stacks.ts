/** Small v1-compatible compose projects for end-to-end tests, remembered so they can be torn down. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ComposeProject } from '../../src/engine/compose-cli.js';
import { uniqueProjectName } from './engine.js';

/** Write `<root>/<name>/docker-compose.yml` with these service lines, record the project in `projects`. */
export async function writeStack(root: string, projects: ComposeProject[], name: string, services: string[]): Promise<{ dir: string; projectName: string }> {
  const dir = path.join(root, name);
  await mkdir(dir);
  const file = path.join(dir, 'docker-compose.yml');
  await writeFile(file, ['version: "2.4"', 'services:', ...services, ''].join('\n'));
  const projectName = uniqueProjectName(`shipshape-${name}`);
  projects.push({ projectName, files: [file], projectDir: dir });
  return { dir, projectName };
}
