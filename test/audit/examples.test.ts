/** The bundled examples: each report names every flaw the example carries (its README lists them). */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runRules } from '../../src/audit/engine.js';
import { buildRepoModel } from '../../src/audit/repo.js';
import { RULES } from '../../src/rules/index.js';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

async function findings(name: string) {
  const repo = await buildRepoModel(example(name));
  const run = runRules(repo, RULES);
  expect(run.ruleErrors).toEqual([]);
  return run.findings;
}

/** [rule, file, a piece of the message] for every flaw the example is built to carry */
const FLAWS: Record<string, [string, string, string][]> = {
  'trading-platform': [
    ['fragmented-compose-files', 'docker/docker-compose.dev.yml', 'redefines 5 services'],
    ['duplicate-service-definition', 'docker/docker-compose.dev.yml', '`jaeger`'],
    ['scaled-fixed-host-port', 'docker/docker-compose.dev.yml', 'backtest-worker'],
    ['hardcoded-ip', 'docker/docker-compose.yml', '172.17.0.1'],
    ['deprecated-variable', 'docker/docker-compose.dev.yml', 'USE_TRAINING_HOST_SERVICE'],
    ['deprecated-variable', 'docker/docker-compose.yml', 'USE_REMOTE_BACKTEST_SERVICE'],
    ['obsolete-version', 'docker/docker-compose.dev.yml', 'version'],
    ['default-credentials', 'docker/docker-compose.yml', 'admin'],
    ['wrapper-script-drift', 'docker_dev.sh', 'docker-compose.research.yml'],
    ['wrapper-script-drift', 'docker_dev.sh', 'v1'],
    ['copy-source-missing', 'docker/backend/Dockerfile.dev', 'uv.lock'],
    ['dockerignore-missing', 'docker/docker-compose.yml', '.dockerignore'],
    ['env-template-missing', 'docker/docker-compose.yml', 'JWT_SECRET'],
  ],
  'broker-pipeline': [
    ['default-credentials', 'docker-compose.yml', 'admin'],
    ['default-credentials', 'docker-compose.yml', 'VAULT_DEV_ROOT_TOKEN_ID'],
    ['public-internal-port', 'docker-compose.yml', '9092'],
    ['public-internal-port', 'docker-compose.yml', '9090'],
    ['depends-on-unhealthy-start', 'docker-compose.yml', 'kafka'],
    ['healthcheck-tool-missing', 'planes/data/Dockerfile', 'curl'],
    ['log-rotation-missing', 'docker-compose.yml', 'kafka'],
    ['resource-limits-missing', 'docker-compose.yml', 'kafka'],
    ['stateful-without-volume', 'docker-compose.yml', 'kafka'],
    ['service-url-unreachable', 'docker-compose.yml', 'risk-engine'],
    ['wrapper-script-drift', 'scripts/docker-start.sh', 'v1'],
  ],
  analytics: [
    ['dockerfile-missing', 'docker-compose.yml', 'Dockerfile.feast'],
    ['dockerfile-missing', 'docker-compose.yml', 'frontend'],
    ['bind-source-missing', 'docker-compose.yml', 'nginx.conf'],
    ['copy-source-missing', 'docker/Dockerfile', 'uv.lock'],
    ['runs-as-root', 'docker-compose.yml', 'C_FORCE_ROOT'],
    ['resource-limits-missing', 'docker-compose.yml', 'worker'],
    ['depends-on-unhealthy-start', 'docker-compose.yml', 'api'],
    ['healthcheck-tool-missing', 'docker-compose.yml', 'curl'],
    ['duplicate-environment', 'docker-compose.yml', 'worker'],
    ['log-rotation-missing', 'docker-compose.yml', 'api'],
    ['tmpfs-unbounded', 'docker-compose.yml', '/tmp/scratch'],
    ['dockerignore-missing', 'docker-compose.yml', '.dockerignore'],
    ['buildkit-cache-missing', 'docker/Dockerfile', 'cache'],
  ],
};

describe('the examples report every flaw they carry', () => {
  for (const [name, flaws] of Object.entries(FLAWS)) {
    it(name, async () => {
      const got = await findings(name);
      for (const [rule, file, text] of flaws) {
        const hit = got.some((f) => f.rule === rule && f.file === file && f.message.includes(text));
        expect(hit, `${name}: expected ${rule} in ${file} mentioning "${text}"\n${got.filter((f) => f.rule === rule).map((f) => `  ${f.file}:${f.line} ${f.message}`).join('\n')}`).toBe(true);
      }
    });
  }
});
