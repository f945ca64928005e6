/**
 * `shipshape verify`: prove a running stack against its Compose model, as a checklist with the
 * evidence for every item:
 *
 *   running      every container running (and healthy; a `starting` one is waited for, up to its
 *                start period plus one interval and timeout); a service with no container fails
 *   healthcheck  the health-check command run now through exec (compose test, else the
 *                container's / image's HEALTHCHECK), exit code and output
 *   port         each published TCP port accepts a connection on 127.0.0.1 (other host IPs skipped)
 *   user         `id` run in the container (fallback: inspect Config.User): root fails unless the
 *                service is in allowRoot (.shipshape.yml)
 *   limits       HostConfig.Memory / NanoCpus against mem_limit, cpus, deploy.resources.limits
 *   logging      HostConfig.LogConfig against logging.driver / options (max-size: rotation)
 *   restart      HostConfig.RestartPolicy against restart / deploy.restart_policy
 *   persistence  (--persistence) a marker written to each named volume survives a restart
 *
 * With `--up` the stack is first started under an isolated project name with `up`'s machinery
 * and removed (`down -v`) afterwards, also on failure.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { loadConfig } from '../audit/config.js';
import { connectEngine, containerName, engineVersion, LABEL, listProjectContainers, withTimeout, type Engine } from '../engine/client.js';
import { detectComposeCli, type ComposeCli } from '../engine/compose-cli.js';
import { spawnCompose } from '../engine/compose-run.js';
import { LoadError } from '../load/errors.js';
import { loadProject, type LoadedProject } from '../load/project.js';
import type { Mapping } from '../load/types.js';
import { downArgv, projectFlags } from './compose-argv.js';
import type { ProjectInputs } from './preflight.js';
import type { Out } from './report.js';
import { runUp } from './up.js';
import {
  healthCommand,
  healthItem,
  limitsItem,
  loggingItem,
  namedVolumeMounts,
  notCreatedItem,
  portItem,
  portTargets,
  restartItem,
  runningItem,
  startWaitS,
  userItem,
  type InspectData,
  type VerifyItem,
} from './verify-checks.js';
import { execIn, inspectData, isNotFound, restartContainer, tcpConnect, waitReady } from './verify-engine.js';
import { renderVerify, type VerifyFormat, type VerifyReport } from './verify-render.js';

export interface VerifyOptions extends ProjectInputs {
  up?: boolean;
  persistence?: boolean;
  format?: VerifyFormat;
  /** where the report goes (default process.stdout) */
  out?: Out;
  /** where progress (and `up`'s output) goes (default process.stderr) */
  err?: Out;
  color?: boolean;
  /** `.shipshape.yml` to read allowRoot from (default: found in DIR) */
  config?: string;
  /** `--up`: deadline for the stack to get ready (default 120 s) */
  upTimeoutS?: number;
  engine?: Engine;
  cli?: ComposeCli;
}

export interface VerifyResult extends VerifyReport {
  rendered: string;
}

/** `<name>-verify-<random>`, valid for both Compose generations. */
export function isolatedProjectName(name: string): string {
  return `${name}-verify-${randomBytes(3).toString('hex')}`;
}

function loadModel(opts: VerifyOptions, projectName?: string): LoadedProject {
  return loadProject({
    workingDir: path.resolve(opts.dir),
    files: opts.files,
    profiles: opts.profiles,
    envFiles: opts.envFiles,
    projectName: projectName ?? opts.projectName,
    projectDir: opts.projectDirectory,
    root: opts.root,
    env: { ...(opts.env ?? process.env) },
    resolveEnvFiles: false,
    displayBase: process.cwd(),
  });
}

export async function runVerify(opts: VerifyOptions): Promise<VerifyResult> {
  const began = Date.now();
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const format = opts.format ?? 'text';
  const color = opts.color ?? (format === 'text' && Boolean(out.isTTY) && !process.env.NO_COLOR);
  const items: VerifyItem[] = [];
  let projectName = opts.projectName ?? '';
  let upProject: string | undefined;

  const finish = (exitCode: 0 | 1 | 2, error?: string): VerifyResult => {
    const report: VerifyReport = { project: projectName, ok: exitCode === 0, exitCode, items, durationS: (Date.now() - began) / 1000 };
    if (upProject) report.upProject = upProject;
    if (error) report.error = error;
    const rendered = renderVerify(report, format, color);
    out.write(rendered);
    return { ...report, rendered };
  };

  // the model and the configuration
  let project: LoadedProject;
  let allowRoot: string[];
  try {
    project = loadModel(opts);
    projectName = project.name;
    allowRoot = loadConfig(path.resolve(opts.dir), opts.config).allowRoot;
  } catch (e) {
    return finish(2, e instanceof LoadError ? e.toLine() : (e as Error).message);
  }

  let engine: Engine;
  try {
    engine = opts.engine ?? connectEngine({ env: opts.env });
    await engineVersion(engine);
  } catch (e) {
    return finish(2, (e as Error).message);
  }
  const { docker } = engine;

  let cli: ComposeCli | undefined = opts.cli;
  try {
    if (opts.up) {
      upProject = isolatedProjectName(project.name);
      err.write(`verify: starting the stack as ${upProject}\n`);
      try {
        project = loadModel(opts, upProject);
      } catch (e) {
        return finish(2, e instanceof LoadError ? e.toLine() : (e as Error).message);
      }
      const up = await runUp({
        dir: opts.dir,
        files: opts.files,
        profiles: opts.profiles,
        envFiles: opts.envFiles,
        projectName: upProject,
        projectDirectory: opts.projectDirectory,
        root: opts.root,
        env: opts.env,
        timeoutS: opts.upTimeoutS ?? 120,
        out: err,
        tty: false,
        color: false,
        engine,
        ...(cli ? { cli } : {}),
      });
      const failed = up.failures.map((f) => `${f.service || 'stack'}: ${f.reason}`);
      items.push({
        kind: 'up',
        service: '',
        status: up.exitCode === 0 ? 'pass' : 'fail',
        title: up.exitCode === 0 ? `stack started as ${upProject} and ready` : `stack did not get ready as ${upProject} (up exit ${up.exitCode})`,
        evidence: [...failed, ...up.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`), `took ${up.timings.totalS.toFixed(1)} s`],
      });
      if (up.exitCode === 2 && !up.project) return finish(2, 'pre-flight failed: the stack could not be started');
    }
    items.push(...(await verifyProject(docker, project, allowRoot, Boolean(opts.persistence), err)));
  } catch (e) {
    items.push({ kind: 'running', service: '', status: 'fail', title: `verification stopped: ${(e as Error).message}`, evidence: [] });
  } finally {
    if (upProject) {
      try {
        cli ??= await detectComposeCli({ env: opts.env });
        const proc = spawnCompose(downArgv(cli, projectFlags(project), { volumes: true, removeOrphans: true, stopTimeoutS: 2 }), { cwd: project.workingDir, env: opts.env ?? process.env });
        const code = await withTimeout(proc.exited, 120_000, 'compose down timed out');
        err.write(code === 0 ? `verify: removed ${upProject} (down -v)\n` : `verify: compose down -v for ${upProject} exited ${code}:\n${proc.output().map((l) => `  ${l.text}`).join('\n')}\n`);
      } catch (e) {
        err.write(`verify: could not remove ${upProject}: ${(e as Error).message}\n`);
      }
    }
  }
  return finish(items.every((i) => i.status !== 'fail') ? 0 : 1);
}

/** Every check on every container of the project (persistence last, one service at a time). */
export async function verifyProject(docker: Dockerode, project: LoadedProject, allowRoot: readonly string[], persistence: boolean, err: Out): Promise<VerifyItem[]> {
  const list = await withTimeout(listProjectContainers(docker, project.name, { all: true }), 15_000, 'listing containers timed out');
  const byService = new Map<string, Dockerode.ContainerInfo[]>();
  for (const c of list) {
    const s = c.Labels[LABEL.service];
    if (!s) continue;
    byService.set(s, [...(byService.get(s) ?? []), c]);
  }
  const names = Object.keys(project.services).sort();
  const perService = await Promise.all(
    names.map(async (service) => {
      const svc = project.services[service]!;
      const ctrs = (byService.get(service) ?? []).sort((a, b) => containerName(a).localeCompare(containerName(b)));
      if (!ctrs.length) return [notCreatedItem(service)];
      const items: VerifyItem[] = [];
      for (const c of ctrs) items.push(...(await verifyContainer(docker, service, svc, c.Id, allowRoot)));
      return items;
    }),
  );
  const items = perService.flat();
  if (persistence) {
    for (const service of names) {
      const c = byService.get(service)?.[0];
      const mounts = namedVolumeMounts(project.services[service]!);
      if (!c || !mounts.length) continue;
      err.write(`verify: persistence of ${service}'s named volumes (${mounts.map((m) => m.volume).join(', ')})\n`);
      items.push(...(await verifyPersistence(docker, service, c.Id, project.services[service]!)));
    }
  }
  return items;
}

async function imageHealthTest(docker: Dockerode, image: string | undefined): Promise<string[] | null | undefined> {
  if (!image) return undefined;
  try {
    return (await withTimeout(docker.getImage(image).inspect(), 10_000, 'image inspect timed out')).Config?.Healthcheck?.Test;
  } catch {
    return undefined;
  }
}

export async function verifyContainer(docker: Dockerode, service: string, svc: Mapping, id: string, allowRoot: readonly string[]): Promise<VerifyItem[]> {
  let info = await inspectData(docker, id);
  // running and healthy, waiting out the start period
  let waitedS = 0;
  if (info.State.Status === 'running' && info.State.Health?.Status === 'starting') {
    const started = Date.parse(info.State.StartedAt ?? '');
    const sinceStart = Number.isFinite(started) ? (Date.now() - started) / 1000 : 0;
    const budgetS = Math.max(0, startWaitS(info) - sinceStart);
    const w = await waitReady(docker, id, budgetS * 1000);
    waitedS = w.waitedS;
    if (w.info) info = w.info;
  }
  const items: VerifyItem[] = [runningItem(service, info, waitedS)];
  if (info.State.Status !== 'running') {
    // nothing to exec in: the user from inspect, the rest from HostConfig
    return [...items, userItem(service, info, undefined, allowRoot), limitsItem(service, svc, info), loggingItem(service, svc, info), restartItem(service, svc, info)];
  }

  const cmd = healthCommand(svc, info, info.Config.Healthcheck?.Test?.length ? undefined : await imageHealthTest(docker, info.Config.Image));
  const timeoutS = info.Config.Healthcheck?.Timeout ? info.Config.Healthcheck.Timeout / 1e9 : 30;
  const [health, id_, ports] = await Promise.all([
    'argv' in cmd ? execIn(docker, id, cmd.argv, { timeoutMs: Math.min(60, timeoutS + 5) * 1000 }) : Promise.resolve(undefined),
    execIn(docker, id, ['id'], { timeoutMs: 10_000 }),
    Promise.all(portTargets(info).map(async (t) => portItem(service, info, t, t.connect ? await tcpConnect(t.connect, t.hostPort) : undefined))),
  ]);
  items.push(healthItem(service, info, cmd, health));
  items.push(...ports);
  items.push(userItem(service, info, id_ && isNotFound(id_) ? { ...id_, error: id_.error ?? 'no `id` in the container' } : id_, allowRoot));
  items.push(limitsItem(service, svc, info), loggingItem(service, svc, info), restartItem(service, svc, info));
  return items;
}

/** Write a marker into each named volume, restart, wait until ready, read it back; remove it always. */
export async function verifyPersistence(docker: Dockerode, service: string, id: string, svc: Mapping): Promise<VerifyItem[]> {
  const info0 = await inspectData(docker, id);
  const cname = info0.Name.replace(/^\//, '');
  const token = randomBytes(6).toString('hex');
  const file = `.shipshape-verify-${token}`;
  const mounts = namedVolumeMounts(svc);
  const items: VerifyItem[] = [];
  const written: { volume: string; target: string }[] = [];
  const base = { kind: 'persistence' as const, service, container: cname };
  const actual = new Map((info0.Mounts ?? []).map((m) => [m.Destination, m]));
  try {
    for (const m of mounts) {
      const mounted = actual.get(m.target);
      if (m.readOnly || mounted?.RW === false) {
        items.push({ ...base, status: 'skip', title: `${cname}: volume ${m.volume} at ${m.target} is read-only`, evidence: [] });
        continue;
      }
      const w = await execIn(docker, id, ['sh', '-c', `echo ${token} > '${m.target}/${file}'`], { user: '0', timeoutMs: 10_000 });
      if (w.error || w.exitCode !== 0) {
        items.push({ ...base, status: 'fail', title: `${cname}: cannot write a marker to volume ${m.volume} at ${m.target}`, evidence: [w.error ?? `exit ${w.exitCode}: ${w.output.trim()}`] });
        continue;
      }
      written.push(m);
    }
    if (!written.length) return items;

    const restartedAt = Date.now();
    await restartContainer(docker, id);
    const hc = info0.Config.Healthcheck;
    const budget = Math.min(120, Math.max(30, (hc?.StartPeriod ?? 0) / 1e9 + ((hc?.Interval ?? 30e9) / 1e9) * ((hc?.Retries ?? 3) + 1)));
    const ready = await waitReady(docker, id, budget * 1000);
    const restartEvidence = `restarted (engine restart) and ${ready.ok ? 'ready' : 'NOT ready'} after ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`;
    for (const m of written) {
      const r = await execIn(docker, id, ['cat', `${m.target}/${file}`], { user: '0', timeoutMs: 10_000 });
      const ok = !r.error && r.exitCode === 0 && r.output.trim() === token;
      items.push({
        ...base,
        status: ok ? 'pass' : 'fail',
        title: ok ? `${cname}: volume ${m.volume} at ${m.target} kept a marker across a restart` : `${cname}: volume ${m.volume} at ${m.target} lost the marker across a restart`,
        evidence: [`marker ${m.target}/${file} = ${token}`, restartEvidence, `read back: ${r.error ?? (r.exitCode === 0 ? r.output.trim() : `exit ${r.exitCode}: ${r.output.trim()}`)}`],
      });
    }
  } catch (e) {
    items.push({ ...base, status: 'fail', title: `${cname}: persistence check stopped: ${(e as Error).message}`, evidence: [] });
  } finally {
    for (const m of written) {
      const rm = await execIn(docker, id, ['rm', '-f', `${m.target}/${file}`], { user: '0', timeoutMs: 10_000 });
      if (rm.error || rm.exitCode !== 0) {
        items.push({ ...base, status: 'fail', title: `${cname}: could not remove the marker ${m.target}/${file}`, evidence: [rm.error ?? `exit ${rm.exitCode}: ${rm.output.trim()}`] });
      }
    }
  }
  return items;
}

export type { InspectData };
