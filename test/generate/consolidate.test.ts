import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consolidateCommand } from '../../src/commands/consolidate.js';
import { renderConfig } from '../../src/commands/config.js';
import { consolidate, profileForFile, proveConsolidation, type ConsolidateOptions } from '../../src/generate/consolidate.js';
import { loadProject } from '../../src/load/project.js';
import { capture } from './capture.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures-consolidate');
const dirs: string[] = [];

function copy(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `shipshape-consolidate-${name}-`));
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function seed000(dir: string): ConsolidateOptions {
  return {
    files: [path.join(dir, 'docker/docker-compose.yml'), path.join(dir, 'docker/docker-compose.dev.yml')],
    output: path.join(dir, 'docker-compose.dev.yml'),
    cwd: dir,
    env: {},
  };
}

/** `config --format json` of some files with some profiles, with one project name. */
function config(dir: string, files: string[], profiles: string[]): Record<string, unknown> {
  const p = loadProject({ workingDir: dir, files, profiles, projectName: 'proof', env: {} });
  const cfg = JSON.parse(renderConfig(p, { format: 'json' })) as Record<string, unknown>;
  delete cfg.name;
  for (const k of Object.keys(cfg)) if (k.startsWith('x-')) delete cfg[k];
  for (const s of Object.values(cfg.services as Record<string, Record<string, unknown>>)) delete s.profiles;
  return cfg;
}

describe('profile names', () => {
  it('derives a profile from the file name', () => {
    expect(profileForFile('docker/docker-compose.dev.yml')).toBe('dev');
    expect(profileForFile('docker-compose.yml')).toBe('base');
    expect(profileForFile('compose.prod.yaml')).toBe('prod');
    expect(profileForFile('docker-compose.research.yml')).toBe('research');
    expect(profileForFile('docker-compose-workers.yaml')).toBe('workers');
  });
});

describe('consolidate: seed 000 (two overlapping dev files)', () => {
  it('writes shared services once, the rest in profiles, and the proof holds for both sources', async () => {
    const dir = copy('seed000');
    const { plan, text, proof } = consolidate(seed000(dir));
    await expect(text).toMatchFileSnapshot('fixtures-consolidate/expected/seed000.yml');

    // jaeger, prometheus and grafana are duplicated in both files: written once, without a profile
    const shared = plan.services.filter((s) => s.variants.length === 1 && s.variants[0]!.sources.length === 2).map((s) => s.name);
    expect(shared).toEqual(['jaeger', 'prometheus', 'grafana']);
    // backend differs: two variants, the dev one renamed with an alias
    const backend = plan.services.find((s) => s.name === 'backend')!;
    expect(backend.variants.map((v) => v.name)).toEqual(['backend', 'backend-dev']);
    expect(text).toMatch(/x-backend-base: &backend-base/);
    expect(text).toMatch(/backend-dev:\n {4}<<: \*backend-base\n {4}profiles: \[dev\]/);

    expect(proof.map((p) => [p.source, p.profile, p.ok])).toEqual([
      ['docker/docker-compose.yml', 'base', true],
      ['docker/docker-compose.dev.yml', 'dev', true],
    ]);
    // the base file's own `research` profile is proven too
    expect(proof[0]!.activations.map((a) => a.sourceProfiles)).toEqual([[], ['research']]);
  });

  it('agrees with config computed independently (services not renamed compare directly)', () => {
    const dir = copy('seed000');
    const o = seed000(dir);
    const { text } = consolidate(o);
    const out = path.join(dir, 'out.yml');
    writeFileSync(out, text);
    const src = config(dir, [o.files[0]!], []);
    const got = config(dir, [out], ['base']);
    expect(got).toEqual(src);
    // with the dev profile, backend-dev stands for backend
    const dev = config(dir, [out], ['dev']) as { services: Record<string, unknown> };
    expect(Object.keys(dev.services).sort()).toEqual(['backend-dev', 'grafana', 'jaeger', 'prometheus', 'training-worker']);
  });

  it('lists the port both backend variants publish as a conflict and does not write without --force', async () => {
    const dir = copy('seed000');
    const o = seed000(dir);
    const { plan } = consolidate(o);
    expect(plan.conflicts.map((c) => c.kind)).toEqual(['port']);
    expect(plan.conflicts[0]!.message).toBe('host port 8000 is published by backend [base] and backend-dev [dev]: these profiles cannot run together');

    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await capture(() => consolidateCommand(['docker/docker-compose.yml', 'docker/docker-compose.dev.yml'], { output: 'docker-compose.dev.yml' }));
      expect(r.code).toBe(1);
      expect(r.out).toContain('docker/docker-compose.yml ≡ docker-compose.dev.yml --profile base ✓');
      expect(r.out).toContain('docker/docker-compose.dev.yml ≡ docker-compose.dev.yml --profile dev ✓');
      expect(r.out).toContain('Not written: 1 conflict');
      expect(existsSync(path.join(dir, 'docker-compose.dev.yml'))).toBe(false);

      const f = await capture(() => consolidateCommand(['docker/docker-compose.yml', 'docker/docker-compose.dev.yml'], { output: 'docker-compose.dev.yml', force: true }));
      expect(f.code).toBe(0);
      expect(f.out).toContain('Wrote docker-compose.dev.yml with 1 conflict as comments');
      const written = readFileSync(path.join(dir, 'docker-compose.dev.yml'), 'utf8');
      expect(written).toContain('# CONFLICT: host port 8000 is published by backend [base] and backend-dev [dev]');
      expect(written).toContain('#   docker/docker-compose.dev.yml ≡ --profile dev ✓');
      // no temporary file left behind
      expect(readdirSync(dir).filter((n) => n.startsWith('.shipshape'))).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('the proof catches a difference', () => {
    const dir = copy('seed000');
    const o = seed000(dir);
    const { plan, text } = consolidate(o);
    const tampered = text.replace('GF_SECURITY_ADMIN_USER: admin', 'GF_SECURITY_ADMIN_USER: root');
    const proof = proveConsolidation(plan, tampered, o);
    expect(proof.map((p) => p.ok)).toEqual([false, false]);
    expect(proof[0]!.activations[0]!.differences).toEqual(['services.grafana.environment.GF_SECURITY_ADMIN_USER: source "admin", output "root"']);
    // a path the generator failed to rebase
    const unrebased = text.replace('./docker/monitoring/prometheus.yml', './monitoring/prometheus.yml');
    const p2 = proveConsolidation(plan, unrebased, o);
    expect(p2[1]!.ok).toBe(false);
    expect(p2[1]!.activations[0]!.differences[0]).toMatch(/^services\.prometheus\.volumes\[0\]\.source: /);
  });
});

describe('consolidate: a clean pair', () => {
  it('renames the differing service, rewrites what depends on it, writes, and proves', async () => {
    const dir = copy('clean');
    const o: ConsolidateOptions = { files: [path.join(dir, 'compose.yaml'), path.join(dir, 'compose.prod.yaml')], output: path.join(dir, 'compose.all.yaml'), cwd: dir, env: {} };
    const { plan, text, proof } = consolidate(o);
    await expect(text).toMatchFileSnapshot('fixtures-consolidate/expected/clean.yaml');
    expect(plan.conflicts).toEqual([]);
    expect(proof.every((p) => p.ok)).toBe(true);
    // db is identical after loading (list vs map environment, `{}` vs empty volume)
    expect(plan.services.find((s) => s.name === 'db')!.variants).toHaveLength(1);
    // worker depends on the prod api, which is api-prod in the output
    expect(text).toMatch(/worker:\n {4}profiles: \[prod\]\n(?: {4}.*\n)*? {4}depends_on: \[api-prod\]/);

    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await capture(() => consolidateCommand(['compose.yaml', 'compose.prod.yaml'], { output: 'compose.all.yaml' }));
      expect(r.code).toBe(0);
      expect(r.out).toContain('Conflicts: none');
      expect(r.out).toContain('Wrote compose.all.yaml');
      expect(readFileSync(path.join(dir, 'compose.all.yaml'), 'utf8')).toBe(text);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('consolidate: conflicts', () => {
  it('lists resources defined differently, shared ports and container names; never resolves them silently', () => {
    const dir = copy('conflicts');
    const o: ConsolidateOptions = { files: [path.join(dir, 'docker-compose.a.yml'), path.join(dir, 'docker-compose.b.yml')], output: path.join(dir, 'docker-compose.yml'), cwd: dir, env: {} };
    const { plan, text, proof } = consolidate(o);
    expect(plan.conflicts.map((c) => c.message).sort()).toEqual(
      [
        'container_name web is set by web [a] and web-b [b]: these profiles cannot run together',
        'host port 8080 is published by web [a] and web-b [b]: these profiles cannot run together',
        'networks.front differs between docker-compose.a.yml and docker-compose.b.yml: the first definition is written',
      ].sort(),
    );
    expect(text).toContain('  # CONFLICT: networks.front differs between docker-compose.a.yml and docker-compose.b.yml: the first definition is written\n  front:');
    // the network conflict is visible in the proof of b as well
    expect(proof[0]!.ok).toBe(true);
    expect(proof[1]!.ok).toBe(false);
    expect(proof[1]!.activations[0]!.differences.join('\n')).toContain('networks.front');
  });

  it('usage errors exit 2', async () => {
    const r = await capture(() => consolidateCommand(['a.yml'], { output: 'x.yml' }));
    expect(r.code).toBe(2);
    const r2 = await capture(() => consolidateCommand(['a.yml', 'b.yml'], {}));
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('--output FILE is required');
  });
});
