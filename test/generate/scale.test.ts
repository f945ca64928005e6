import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scaleCommand, splitScaleArgs } from '../../src/commands/scale.js';
import { diffLines } from '../../src/fix/diff.js';
import { parseScaleSpec, planScale, portTable, rewriteTargets, scaledReplicas, scaleServiceText, unscaleServiceText, type ScaleOptions } from '../../src/generate/scale.js';
import { loadProject } from '../../src/load/project.js';
import type { Mapping } from '../../src/load/types.js';
import { capture } from './capture.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures-scale');
const dirs: string[] = [];

function copy(name = 'workers'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `shipshape-scale-${name}-`));
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const COMPOSE = 'docker-compose.yml';
const PROM = 'monitoring/prometheus.yml';

function read(dir: string) {
  return { compose: readFileSync(path.join(dir, COMPOSE), 'utf8'), prom: readFileSync(path.join(dir, PROM), 'utf8') };
}

/** Plan and write, as `scale --write` does. */
function scale(dir: string, specs: string[], extra: Partial<ScaleOptions> = {}) {
  const plan = planScale({ dir, displayBase: dir, env: {}, ...extra }, specs.map(parseScaleSpec));
  for (const c of plan.changes) writeFileSync(c.file, c.after);
  return plan;
}

function services(dir: string, profiles: string[]): Record<string, Mapping> {
  return loadProject({ workingDir: dir, profiles, env: {} }).services;
}

function published(svc: Mapping | undefined): string[] {
  return ((svc?.ports as Mapping[] | undefined) ?? []).map((p) => String(p.published));
}

describe('scale: seed 004 layout', () => {
  it('writes replicas sharing one anchored definition (golden files)', async () => {
    const dir = copy();
    const plan = scale(dir, ['backtest-worker=3', 'training-worker=2']);
    const { compose, prom } = read(dir);
    await expect(compose).toMatchFileSnapshot('fixtures-scale/expected/workers.scaled.yml');
    await expect(prom).toMatchFileSnapshot('fixtures-scale/expected/prometheus.scaled.yml');
    await expect(portTable(plan.table)).toMatchFileSnapshot('fixtures-scale/expected/port-table.md');
    expect(plan.table.map((r) => [r.name, r.ports[0], r.profile, r.always])).toEqual([
      ['backtest-worker-1', 5003, 'default', true],
      ['backtest-worker-2', 5006, 'scale-2', false],
      ['backtest-worker-3', 5007, 'scale-3', false],
      ['training-worker-1', 5004, 'default', true],
      ['training-worker-2', 5008, 'scale-2', false],
    ]);
    expect(compose).toContain('x-backtest-worker: &backtest-worker\n');
    expect(compose).toContain('#~scale:backtest-worker~    container_name: ktrdr-backtest-worker\n');
  });

  it('round trip: 1 → 3 → 1 gives back both files byte for byte', () => {
    const dir = copy();
    const before = read(dir);
    scale(dir, ['backtest-worker=3']);
    expect(read(dir).compose).not.toBe(before.compose);
    expect(scaledReplicas(read(dir).compose, 'backtest-worker')).toBe(3);
    scale(dir, ['backtest-worker=1']);
    expect(read(dir)).toEqual(before);
  });

  it('round trip: 1 → 2 → 4 → 2 → 1, one service and two at once', () => {
    const dir = copy();
    const original = read(dir);
    scale(dir, ['backtest-worker=2']);
    const two = read(dir);
    scale(dir, ['backtest-worker=4']);
    expect(scaledReplicas(read(dir).compose, 'backtest-worker')).toBe(4);
    scale(dir, ['backtest-worker=2']);
    expect(read(dir)).toEqual(two);

    scale(dir, ['backtest-worker=2', 'training-worker=2']);
    const both = read(dir);
    scale(dir, ['training-worker=3', 'backtest-worker=4']);
    scale(dir, ['backtest-worker=2', 'training-worker=2']);
    expect(read(dir)).toEqual(both);
    scale(dir, ['training-worker=1', 'backtest-worker=1']);
    expect(read(dir)).toEqual(original);
  });

  it('allocates sequential host ports, skipping ports other services publish', () => {
    const dir = copy();
    // 5004 is training-worker's, 5005 node-exporter's
    const plan = scale(dir, ['backtest-worker=3']);
    expect(plan.table.map((r) => r.ports)).toEqual([[5003], [5006], [5007]]);
    scale(dir, ['backtest-worker=1']);
    // from --base-port, service after service (seed 004: 5003, 5004, then the training workers)
    const p2 = scale(dir, ['backtest-worker=2', 'training-worker=2'], { basePort: 5003 });
    expect(p2.table.map((r) => `${r.name}:${r.ports[0]}`)).toEqual(['backtest-worker-1:5003', 'backtest-worker-2:5004', 'training-worker-1:5006', 'training-worker-2:5007']);
    const s = services(dir, ['*']);
    expect(published(s['node-exporter'])).toEqual(['5005']);
  });

  it('config with --profile scale-2: worker-1 and worker-2, distinct host ports, their own WORKER_PORT and URL', () => {
    const dir = copy();
    scale(dir, ['backtest-worker=3']);
    const none = services(dir, []);
    expect(Object.keys(none).filter((n) => n.startsWith('backtest-worker'))).toEqual(['backtest-worker-1']);
    const s2 = services(dir, ['scale-2']);
    expect(Object.keys(s2).filter((n) => n.startsWith('backtest-worker'))).toEqual(['backtest-worker-1', 'backtest-worker-2']);
    const w1 = s2['backtest-worker-1']!;
    const w2 = s2['backtest-worker-2']!;
    expect(published(w1)).toEqual(['5003']);
    expect(published(w2)).toEqual(['5006']);
    expect((w1.environment as Mapping).WORKER_PORT).toBe('5003');
    expect((w2.environment as Mapping).WORKER_PORT).toBe('5006');
    expect((w2.environment as Mapping).WORKER_PUBLIC_BASE_URL).toBe('http://workers-b.ktrdr.home.mynerd.place:5006');
    // the rest of the environment comes from the shared definition (and its own merge)
    expect((w2.environment as Mapping).WORKER_TYPE).toBe('backtesting');
    expect((w2.environment as Mapping).KTRDR_API_URL).toBe('http://backend.ktrdr.home.mynerd.place:8000');
    expect(w2.command).toEqual(['uvicorn', 'ktrdr.backtesting.backtest_worker:app', '--host', '0.0.0.0', '--port', '5006']);
    expect(w1.container_name).toBeUndefined();
    expect(w2.image).toBe(w1.image);
    // depends_on pointing to the service now points to replica 1
    expect(Object.keys(s2.backend!.depends_on as Mapping)).toEqual(['backtest-worker-1']);
    expect(Object.keys(s2['training-worker']!.depends_on as Mapping)).toEqual(['backtest-worker-1']);
    const s3 = services(dir, ['scale-2', 'scale-3']);
    expect(published(s3['backtest-worker-3'])).toEqual(['5007']);
  });

  it('regenerates the Prometheus targets for the service and leaves the rest of that file alone', () => {
    const dir = copy();
    const before = read(dir).prom;
    const plan = scale(dir, ['backtest-worker=3', 'training-worker=2']);
    expect(plan.prometheus).toBe(PROM);
    const after = read(dir).prom;
    expect(after).toContain('- targets: ["backtest-worker-1:5003", "backtest-worker-2:5006", "backtest-worker-3:5007"]\n');
    expect(after).toContain('          - training-worker-1:5004   # first worker\n          - training-worker-2:5008\n          - node-exporter:9100\n');
    // every line that changed names a worker target; nothing else moved
    const ops = diffLines(before, after).filter((o) => o.op !== ' ');
    expect(ops.length).toBeGreaterThan(0);
    for (const o of ops) expect(o.line).toMatch(/(backtest|training)-worker(-\d)?:\d+/);
    expect(after.replace(/\[[^\]]*backtest-worker[^\]]*\]/, '[]').replace(/ {10}- training-worker-\d:\d+( {3}# first worker)?\n/g, '')).toBe(
      before.replace(/\[[^\]]*backtest-worker[^\]]*\]/, '[]').replace(/ {10}- training-worker:\d+( {3}# first worker)?\n/g, ''),
    );
  });

  it('takes the Prometheus config from --prometheus', () => {
    const dir = copy();
    const other = path.join(dir, 'prom-other.yml');
    writeFileSync(other, "scrape_configs:\n  - job_name: w\n    static_configs:\n      - targets: ['backtest-worker:5003', 'x:1']\n");
    scale(dir, ['backtest-worker=2'], { prometheus: other });
    expect(readFileSync(other, 'utf8')).toContain("targets: ['backtest-worker-1:5003', 'backtest-worker-2:5006', 'x:1']");
    // the mounted one is not touched
    expect(read(dir).prom).toBe(readFileSync(path.join(FIXTURES, 'workers', PROM), 'utf8'));
  });
});

describe('scale: text level', () => {
  const text = 'services:\r\n  api:\r\n    depends_on: [w]\r\n  w:\r\n    image: x\r\n    ports:\r\n      - "5003:5003"\r\n    environment:\r\n      PORT: 5003';
  it('keeps CRLF line ends and a missing final newline through the round trip', () => {
    for (const t of [text, text.replace(/\r\n/g, '\n'), `${text}\r\n`]) {
      const r = scaleServiceText(t, 'w', { replicas: [{ hostPorts: new Map() }, { hostPorts: new Map([[5003, 5004]]) }], profilePrefix: 'scale-' });
      expect(r.text).toContain('depends_on: [w-1] # shipshape scale: w-1 (was w)');
      expect(r.overridden).toEqual(['environment.PORT']);
      expect(unscaleServiceText(r.text, 'w')).toBe(t);
    }
  });

  it('refuses markers that were edited away', () => {
    const r = scaleServiceText(text, 'w', { replicas: [{ hostPorts: new Map() }, { hostPorts: new Map([[5003, 5004]]) }], profilePrefix: 'scale-' });
    const broken = r.text.replace(/ *# shipshape scale: w replicas end/, '');
    expect(() => unscaleServiceText(broken, 'w')).toThrow(/markers for w are incomplete/);
  });

  it('rewriteTargets returns undefined when nothing names the service', () => {
    expect(rewriteTargets('scrape_configs: []\n', 'w', () => ['w-1:1'], (_k, p) => p)).toBeUndefined();
  });
});

describe('scale command', () => {
  it('prints the diff and the port table without --write, writes with it', async () => {
    const dir = copy();
    const before = read(dir);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await capture(() => scaleCommand('backtest-worker=2', [], {}));
      expect(r.code).toBe(0);
      expect(r.out).toContain('--- a/docker-compose.yml\n+++ b/docker-compose.yml\n');
      expect(r.out).toContain('+  backtest-worker-2:\n');
      expect(r.out).toContain('--- a/monitoring/prometheus.yml\n');
      expect(r.out).toContain('| Worker            | Port | Profile | Always Running? |\n');
      expect(r.out).toContain('| backtest-worker-2 | 5006 | scale-2 | No (profile)    |\n');
      expect(r.out).toContain('Not written (dry run)');
      expect(read(dir)).toEqual(before);

      const w = await capture(() => scaleCommand(undefined, ['backtest-worker=2', '.'], { write: true }));
      expect(w.code).toBe(0);
      expect(w.out).toContain('Wrote docker-compose.yml, monitoring/prometheus.yml.');
      expect(w.out).toContain('docker compose --profile scale-2 up -d');
      expect(scaledReplicas(read(dir).compose, 'backtest-worker')).toBe(2);

      const again = await capture(() => scaleCommand(undefined, ['backtest-worker=2'], { write: true }));
      expect(again.out).toContain('Nothing to change');

      const back = await capture(() => scaleCommand(undefined, ['backtest-worker=1'], { write: true }));
      expect(back.code).toBe(0);
      expect(read(dir)).toEqual(before);
    } finally {
      process.chdir(cwd);
    }
  });

  it('usage errors exit 2', async () => {
    const dir = copy();
    expect((await capture(() => scaleCommand(dir, ['backtest-worker'], {}))).code).toBe(2);
    expect((await capture(() => scaleCommand(dir, ['backtest-worker=0'], {}))).code).toBe(2);
    const r = await capture(() => scaleCommand(dir, ['nope=2'], {}));
    expect(r.code).toBe(2);
    expect(r.err).toContain('no service nope');
    expect((await capture(() => scaleCommand(dir, ['backtest-worker=2'], { basePort: 'x' }))).code).toBe(2);
    expect(splitScaleArgs('a=2', ['b=3', 'dir'])).toEqual({ dir: 'dir', requests: [{ service: 'a', replicas: 2 }, { service: 'b', replicas: 3 }] });
  });
});
