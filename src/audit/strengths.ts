/**
 * "What works well (preserve)": the positive checks seeds 000 and 003 list next to their pain
 * points. Each strength names the evidence (file:line) so a reader can see it.
 */
import { keyOriginOf, type Origin } from '../load/origin.js';
import { knownImage } from '../rules/images.js';
import { at, buildOf, envEntries, finalStage, imageOf, isMapping, serviceOrigin, services, type ServiceRef } from '../rules/util.js';
import type { RepoModel } from './types.js';

export interface Strength {
  id: string;
  title: string;
  detail: string;
  evidence: { file: string; line: number; column: number }[];
}

function ev(o: Origin | undefined): { file: string; line: number; column: number }[] {
  return o ? [{ file: o.file, line: o.line, column: o.column }] : [];
}

function isRoot(user: string | undefined): boolean {
  if (user === undefined) return true;
  const u = user.split(':')[0]!.trim();
  return u === '' || u === 'root' || u === '0';
}

function longRunning(ref: ServiceRef): boolean {
  return ref.svc.restart !== 'no' || Array.isArray(ref.svc.ports);
}

export function findStrengths(repo: RepoModel): Strength[] {
  const refs = services(repo);
  if (!refs.length) return [];
  const out: Strength[] = [];
  const add = (id: string, title: string, detail: string, evidence: Strength['evidence']) => {
    out.push({ id, title, detail, evidence: evidence.slice(0, 12) });
  };
  const names = (xs: ServiceRef[]) => [...new Set(xs.map((r) => r.name))].join(', ');

  const servers = refs.filter(longRunning);
  const checked = servers.filter((r) => {
    if (isMapping(r.svc.healthcheck) && r.svc.healthcheck.disable !== true) return true;
    const b = buildOf(repo, r);
    return !!(b && finalStage(b)?.healthcheck);
  });
  if (checked.length && checked.length >= servers.length / 2) {
    add('health-checks', 'Health checks', `${checked.length} of ${servers.length} long-running services define a health check (${names(checked)}).`, checked.flatMap((r) => ev(at(r, 'healthcheck'))));
  }

  const gated = refs.filter((r) => isMapping(r.svc.depends_on) && Object.values(r.svc.depends_on).some((d) => isMapping(d) && (d.condition === 'service_healthy' || d.condition === 'service_completed_successfully')));
  if (gated.length) add('depends-on-conditions', 'depends_on with conditions', `Start-up order is gated on health or completion for ${names(gated)}.`, gated.flatMap((r) => ev(at(r, 'depends_on'))));

  const stateful = refs.filter((r) => knownImage(r)?.dataDirs?.length);
  const persisted = stateful.filter((r) => Array.isArray(r.svc.volumes) && r.svc.volumes.some((v) => isMapping(v) && v.type === 'volume' && v.source));
  if (persisted.length) add('named-volumes', 'Named volumes for state', `Stateful services keep their data in named volumes (${names(persisted)}).`, persisted.flatMap((r) => ev(at(r, 'volumes'))));

  const nonRoot = refs.filter((r) => {
    if (typeof r.svc.user === 'string' || typeof r.svc.user === 'number') return !isRoot(String(r.svc.user));
    const b = buildOf(repo, r);
    const st = b ? finalStage(b) : undefined;
    return !!st && st.user !== undefined && !isRoot(st.user);
  });
  if (nonRoot.length) add('non-root', 'Non-root users', `${names(nonRoot)} run${nonRoot.length === 1 ? 's' : ''} as a non-root user.`, nonRoot.flatMap((r) => ev(at(r, 'user'))));

  const multi = repo.files.dockerfiles.map((d) => repo.dockerfile(`${repo.root}/${d.path}`)).filter((d) => d && d.stages.length > 1);
  if (multi.length) add('multi-stage', 'Multi-stage builds', `${multi.length} Dockerfile${multi.length > 1 ? 's use' : ' uses'} multi-stage builds (${multi.map((d) => d!.path).join(', ')}).`, multi.map((d) => ({ file: d!.path, line: d!.stages[1]!.line, column: 1 })));

  const rotated = refs.filter((r) => isMapping(r.svc.logging) && isMapping(r.svc.logging.options) && (r.svc.logging.options['max-size'] !== undefined || r.svc.logging.driver !== 'json-file'));
  if (rotated.length) add('log-rotation', 'Log rotation', `Logs are bounded for ${names(rotated)}.`, rotated.flatMap((r) => ev(at(r, 'logging'))));

  const limited = refs.filter((r) => r.svc.mem_limit !== undefined || (isMapping(r.svc.deploy) && isMapping(r.svc.deploy.resources) && isMapping(r.svc.deploy.resources.limits)));
  if (limited.length) add('resource-limits', 'Resource limits', `Memory/CPU limits are set for ${names(limited)}.`, limited.flatMap((r) => ev(at(r, 'deploy'))));

  const profiled = refs.filter((r) => r.profiles.length);
  if (profiled.length) add('profiles', 'Profiles for optional services', `Optional services sit behind profiles (${names(profiled)}), so the default stack stays small.`, profiled.flatMap((r) => ev(at(r, 'profiles'))));

  const images = refs.filter((r) => imageOf(r) && !r.svc.build);
  const pinned = images.filter((r) => {
    const i = imageOf(r)!;
    return !!i.digest || (!!i.tag && i.tag !== 'latest');
  });
  if (images.length && pinned.length === images.length) add('pinned-images', 'Pinned images', `All ${images.length} pulled images name a version or digest.`, pinned.slice(0, 5).flatMap((r) => ev(at(r, 'image'))));

  const tracing = refs.filter((r) => envEntries(r).some((e) => /OTLP|OTEL_EXPORTER|JAEGER|ZIPKIN/i.test(e.key) && !!e.value));
  const collectors = refs.filter((r) => ['tracing', 'metrics'].includes(knownImage(r)?.kind ?? ''));
  if (tracing.length && collectors.length) add('observability', 'Observability wired', `Services send telemetry (${names(tracing)}) to collectors in the stack (${names(collectors)}).`, tracing.flatMap((r) => envEntries(r).filter((e) => /OTLP|OTEL|JAEGER|ZIPKIN/i.test(e.key)).flatMap((e) => ev(e.origin))));

  const nets = new Set(refs.flatMap((r) => (isMapping(r.svc.networks) ? Object.keys(r.svc.networks) : [])));
  nets.delete('default');
  if (nets.size >= 2) add('network-isolation', 'Network isolation', `Services are split over ${nets.size} networks (${[...nets].join(', ')}).`, refs.slice(0, 1).flatMap((r) => ev(keyOriginOf(r.project.model, 'networks') ?? serviceOrigin(r))));

  const ignores = repo.files.dockerignores.length;
  if (ignores) add('dockerignore', '.dockerignore present', `${ignores} build context${ignores > 1 ? 's have' : ' has'} a .dockerignore.`, repo.files.dockerignores.slice(0, 5).map((d) => ({ file: d.path, line: 1, column: 1 })));

  const templates = repo.files.envFiles.filter((e) => e.template);
  if (templates.length) add('env-template', 'Environment template', `Variables are documented in ${templates.map((t) => t.path).join(', ')}.`, templates.map((t) => ({ file: t.path, line: 1, column: 1 })));

  return out;
}
