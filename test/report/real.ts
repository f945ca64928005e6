/** Run the real audit (every registered rule) over a small repository written to a temp dir. */
import { emptyConfig } from '../../src/audit/config.js';
import { runRules } from '../../src/audit/engine.js';
import { buildRepoModel } from '../../src/audit/repo.js';
import { buildResult, type AuditResult } from '../../src/audit/result.js';
import type { Rule } from '../../src/audit/types.js';
import { RULES } from '../../src/rules/index.js';
import { tempProject } from '../helpers/tmp.js';

export const FIXTURE_FILES: Record<string, string> = {
  'docker-compose.yml': [
    'version: "3.8"',
    'services:',
    '  api:',
    '    build:',
    '      context: ./api',
    '    ports:',
    '      - "8000:8000"',
    '    depends_on:',
    '      db:',
    '        condition: service_healthy',
    '  db:',
    '    image: postgres:16',
    '    healthcheck:',
    '      test: ["CMD", "pg_isready"]',
    '    volumes:',
    '      - pgdata:/var/lib/postgresql/data',
    '  tools:',
    '    image: redis:7',
    '    profiles: [debug]',
    'volumes:',
    '  pgdata:',
    '',
  ].join('\n'),
  'api/Dockerfile': 'FROM node:20\nUSER node\n',
  'ops/docker-compose.broken.yml': 'services:\n  web:\n    image: nginx\n    ports: "oops\n',
};

export async function auditFixture(files: Record<string, string>): Promise<{ result: AuditResult; rules: Rule[] }> {
  const dir = tempProject(files, 'shipshape-report-');
  const repo = await buildRepoModel(dir, { config: emptyConfig() });
  const run = runRules(repo, RULES);
  return { result: buildResult(repo, run, RULES, '0.1.0'), rules: RULES };
}
