/**
 * What the waiter needs to know about each service, read from the loaded Compose model: job or
 * server, health check or not, restart policy, dependencies.
 */
import type { Mapping, Value } from '../load/types.js';
import { parseRestartPolicy, type RestartPolicy, type ServiceSpec } from './waiter.js';

function isMap(v: Value | undefined): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The service's restart policy: `restart:`, else deploy.restart_policy.condition (none / on-failure / any). */
export function restartOf(svc: Mapping): RestartPolicy {
  if (typeof svc.restart === 'string') return parseRestartPolicy(svc.restart);
  const deploy = svc.deploy;
  if (isMap(deploy) && isMap(deploy.restart_policy)) {
    const cond = deploy.restart_policy.condition;
    if (typeof cond === 'string') return cond === 'none' ? 'no' : parseRestartPolicy(cond);
    return 'always'; // a restart_policy without condition means "any"
  }
  return 'no';
}

/**
 * Whether the service's own healthcheck settles it: true (a test), false (disabled or NONE),
 * undefined (nothing said: the image's HEALTHCHECK decides).
 */
export function ownHealthcheck(svc: Mapping): boolean | undefined {
  const hc = svc.healthcheck;
  if (!isMap(hc)) return undefined;
  if (hc.disable === true) return false;
  const test = hc.test;
  if (Array.isArray(test)) {
    if (test.length === 0) return undefined;
    return String(test[0]).toUpperCase() !== 'NONE';
  }
  if (typeof test === 'string') return test.trim() !== '' && test.trim().toUpperCase() !== 'NONE';
  return undefined;
}

/** An image's HEALTHCHECK test, as the Engine reports it (Config.Healthcheck.Test): present and not NONE. */
export function imageHasHealthcheck(test: readonly string[] | null | undefined): boolean {
  return Array.isArray(test) && test.length > 0 && String(test[0]).toUpperCase() !== 'NONE';
}

export function dependsOnOf(svc: Mapping): Record<string, string> {
  const d = svc.depends_on;
  const out: Record<string, string> = {};
  if (isMap(d)) for (const [k, v] of Object.entries(d)) out[k] = isMap(v) && typeof v.condition === 'string' ? v.condition : 'service_started';
  else if (Array.isArray(d)) for (const k of d) out[String(k)] = 'service_started';
  return out;
}

/** Containers the service is scaled to (`scale`, deploy.replicas; default 1). */
export function replicasOf(svc: Mapping): number {
  if (typeof svc.scale === 'number') return svc.scale;
  const deploy = svc.deploy;
  if (isMap(deploy) && typeof deploy.replicas === 'number') return deploy.replicas;
  return 1;
}

/**
 * Specs for the selected services (services scaled to 0 are left out). `imageHealth` gives, per
 * service, whether its image (when already present) has a HEALTHCHECK.
 */
export function buildSpecs(services: Record<string, Mapping>, imageHealth: ReadonlyMap<string, boolean | undefined> = new Map()): ServiceSpec[] {
  const names = Object.keys(services).filter((n) => replicasOf(services[n]!) > 0);
  const selected = new Set(names);
  const gatedOnCompletion = new Set<string>();
  for (const n of names) {
    for (const [dep, cond] of Object.entries(dependsOnOf(services[n]!))) if (cond === 'service_completed_successfully') gatedOnCompletion.add(dep);
  }
  return names.map((name) => {
    const svc = services[name]!;
    const restart = restartOf(svc);
    const own = ownHealthcheck(svc);
    const healthcheck = own ?? imageHealth.get(name);
    const spec: ServiceSpec = {
      name,
      kind: gatedOnCompletion.has(name) && (restart === 'no' || restart === 'on-failure') ? 'job' : 'server',
      restart,
      dependsOn: Object.keys(dependsOnOf(svc)).filter((d) => selected.has(d)),
    };
    if (healthcheck !== undefined) spec.healthcheck = healthcheck;
    return spec;
  });
}
