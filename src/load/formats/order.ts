/**
 * Key order of `docker compose config` output (reference §13).
 *
 * - **Typed objects** (Go structs) print their fields in declaration order, leaving out empty
 *   ones, then the inline `x-*` extensions sorted like map keys (go-yaml appends an inlined map
 *   after all struct fields). The tables below list the YAML names in field order, from
 *   compose-go `types/types.go`, `types/build.go`, `types/healthcheck.go`, `types/develop.go`,
 *   `types/hooks.go`, `types/models.go`, `types/envfile.go`, `types/device.go`, `types/project.go`.
 * - **Maps** (service names, environment, labels, networks of a service, options, …) print their
 *   keys sorted with go-yaml's natural order: goNaturalCompare, a port of `keyList.Less` in
 *   go.yaml.in/yaml/v4 (`internal/libyaml/representer.go`; `sorter.go` in older versions).
 */

type Obj = { [key: string]: unknown };

/** The project (top level). */
export const TOP_LEVEL_ORDER = ['name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

/** A service (`ServiceConfig`; `name` is never printed). */
export const SERVICE_ORDER = [
  'profiles', 'annotations', 'attach', 'build', 'develop', 'blkio_config', 'cap_add', 'cap_drop',
  'cgroup_parent', 'cgroup', 'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period',
  'cpu_rt_runtime', 'cpus', 'cpuset', 'cpu_shares', 'command', 'configs', 'container_name',
  'credential_spec', 'depends_on', 'deploy', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt',
  'dns_search', 'dockerfile', 'domainname', 'entrypoint', 'provider', 'environment', 'env_file',
  'expose', 'extends', 'external_links', 'extra_hosts', 'group_add', 'gpus', 'hostname',
  'healthcheck', 'image', 'init', 'ipc', 'isolation', 'labels', 'label_file', 'links', 'logging',
  'log_driver', 'log_opt', 'mem_limit', 'mem_reservation', 'memswap_limit', 'mem_swappiness',
  'mac_address', 'models', 'net', 'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj',
  'pid', 'pids_limit', 'platform', 'ports', 'privileged', 'pull_policy', 'read_only', 'restart',
  'runtime', 'scale', 'secrets', 'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period',
  'stop_signal', 'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user',
  'userns_mode', 'uts', 'volume_driver', 'volumes', 'volumes_from', 'working_dir', 'pre_start',
  'post_start', 'pre_stop',
] as const;

/** `ports[]` (ServicePortConfig). */
export const PORT_ORDER = ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'] as const;
/** service `volumes[]` (ServiceVolumeConfig). */
export const SERVICE_VOLUME_ORDER = ['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image'] as const;
/** `volumes[].bind`. */
export const VOLUME_BIND_ORDER = ['selinux', 'propagation', 'create_host_path', 'recursive'] as const;
/** `volumes[].volume`. */
export const VOLUME_VOLUME_ORDER = ['labels', 'nocopy', 'subpath'] as const;
/** `volumes[].tmpfs`. */
export const VOLUME_TMPFS_ORDER = ['size', 'mode'] as const;
/** `volumes[].image`. */
export const VOLUME_IMAGE_ORDER = ['subpath'] as const;
/** `depends_on.<svc>` (ServiceDependency; `required` is always printed). */
export const DEPENDS_ON_ORDER = ['condition', 'restart', 'required'] as const;
/** `build` (BuildConfig). */
export const BUILD_ORDER = [
  'context', 'dockerfile', 'dockerfile_inline', 'entitlements', 'args', 'provenance', 'sbom', 'ssh',
  'labels', 'cache_from', 'cache_to', 'no_cache', 'no_cache_filter', 'additional_contexts', 'pull',
  'extra_hosts', 'isolation', 'network', 'target', 'secrets', 'shm_size', 'tags', 'ulimits',
  'platforms', 'privileged',
] as const;
/** `healthcheck` (HealthCheckConfig). */
export const HEALTHCHECK_ORDER = ['test', 'timeout', 'interval', 'retries', 'start_period', 'start_interval', 'disable'] as const;
/** `deploy` (DeployConfig). */
export const DEPLOY_ORDER = [
  'mode', 'replicas', 'labels', 'update_config', 'rollback_config', 'resources', 'restart_policy',
  'placement', 'endpoint_mode',
] as const;
/** `deploy.update_config` and `deploy.rollback_config` (UpdateConfig). */
export const UPDATE_CONFIG_ORDER = ['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'] as const;
/** `deploy.resources`. */
export const RESOURCES_ORDER = ['limits', 'reservations'] as const;
/** `deploy.resources.limits` / `.reservations` (Resource). */
export const RESOURCE_ORDER = ['cpus', 'memory', 'pids', 'devices', 'generic_resources'] as const;
/** `gpus[]` and `deploy.resources.reservations.devices[]` (DeviceRequest). */
export const DEVICE_REQUEST_ORDER = ['capabilities', 'driver', 'count', 'device_ids', 'options'] as const;
/** `generic_resources[]`. */
export const GENERIC_RESOURCE_ORDER = ['discrete_resource_spec'] as const;
/** `generic_resources[].discrete_resource_spec` (untagged Go fields: lower-cased names). */
export const DISCRETE_RESOURCE_ORDER = ['kind', 'value'] as const;
/** `deploy.restart_policy`. */
export const RESTART_POLICY_ORDER = ['condition', 'delay', 'max_attempts', 'window'] as const;
/** `deploy.placement`. */
export const PLACEMENT_ORDER = ['constraints', 'preferences', 'max_replicas_per_node'] as const;
/** `deploy.placement.preferences[]`. */
export const PLACEMENT_PREFERENCE_ORDER = ['spread'] as const;
/** `logging`. */
export const LOGGING_ORDER = ['driver', 'options'] as const;
/** `networks.<net>` inside a service (ServiceNetworkConfig). */
export const SERVICE_NETWORK_ORDER = [
  'aliases', 'driver_opts', 'gw_priority', 'interface_name', 'ipv4_address', 'ipv6_address',
  'link_local_ips', 'mac_address', 'priority',
] as const;
/** service `secrets[]`, `configs[]`, `build.secrets[]` (FileReferenceConfig). */
export const FILE_REFERENCE_ORDER = ['source', 'target', 'uid', 'gid', 'mode'] as const;
/** `ulimits.<name>` in its `{soft, hard}` form (both always printed). */
export const ULIMIT_ORDER = ['soft', 'hard'] as const;
/** `devices[]` (DeviceMapping). */
export const DEVICE_MAPPING_ORDER = ['source', 'target', 'permissions'] as const;
/** `blkio_config`. */
export const BLKIO_ORDER = [
  'weight', 'weight_device', 'device_read_bps', 'device_read_iops', 'device_write_bps', 'device_write_iops',
] as const;
/** `blkio_config.weight_device[]` (untagged Go fields: always printed). */
export const WEIGHT_DEVICE_ORDER = ['path', 'weight'] as const;
/** `blkio_config.device_{read,write}_{bps,iops}[]` (untagged Go fields: always printed). */
export const THROTTLE_DEVICE_ORDER = ['path', 'rate'] as const;
/** `credential_spec`. */
export const CREDENTIAL_SPEC_ORDER = ['config', 'file', 'registry'] as const;
/** `extends` (only with --no-interpolate style dumps; never in `config` output). */
export const EXTENDS_ORDER = ['file', 'service'] as const;
/** `env_file[]` (EnvFile). */
export const ENV_FILE_ORDER = ['path', 'required', 'format'] as const;
/** `develop`. */
export const DEVELOP_ORDER = ['watch'] as const;
/** `develop.watch[]` (Trigger; `path` and `action` always printed). */
export const WATCH_ORDER = ['path', 'action', 'target', 'exec', 'include', 'ignore', 'initial_sync'] as const;
/** `pre_start[]`, `post_start[]`, `pre_stop[]`, `develop.watch[].exec` (ServiceHook). */
export const HOOK_ORDER = ['command', 'image', 'user', 'privileged', 'working_dir', 'environment', 'per_replica'] as const;
/** `provider`. */
export const PROVIDER_ORDER = ['type', 'options'] as const;
/** `models.<name>` inside a service (ServiceModelConfig). */
export const SERVICE_MODEL_ORDER = ['endpoint_var', 'model_var'] as const;
/** top-level `networks.<name>` (NetworkConfig). */
export const NETWORK_ORDER = [
  'name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels',
  'enable_ipv4', 'enable_ipv6',
] as const;
/** `networks.<name>.ipam`. */
export const IPAM_ORDER = ['driver', 'config', 'options'] as const;
/** `networks.<name>.ipam.config[]` (IPAMPool). */
export const IPAM_POOL_ORDER = ['subnet', 'gateway', 'ip_range', 'aux_addresses'] as const;
/** top-level `volumes.<name>` (VolumeConfig). */
export const VOLUME_ORDER = ['name', 'driver', 'driver_opts', 'external', 'labels'] as const;
/** top-level `secrets.<name>` and `configs.<name>` (FileObjectConfig). */
export const FILE_OBJECT_ORDER = [
  'name', 'file', 'environment', 'content', 'external', 'labels', 'driver', 'driver_opts', 'template_driver',
] as const;
/** top-level `models.<name>` (ModelConfig). */
export const MODEL_ORDER = ['name', 'model', 'context_size', 'runtime_flags'] as const;

/** Every table by the object it orders. */
export const KEY_ORDERS = {
  project: TOP_LEVEL_ORDER,
  service: SERVICE_ORDER,
  port: PORT_ORDER,
  serviceVolume: SERVICE_VOLUME_ORDER,
  volumeBind: VOLUME_BIND_ORDER,
  volumeVolume: VOLUME_VOLUME_ORDER,
  volumeTmpfs: VOLUME_TMPFS_ORDER,
  volumeImage: VOLUME_IMAGE_ORDER,
  dependsOn: DEPENDS_ON_ORDER,
  build: BUILD_ORDER,
  healthcheck: HEALTHCHECK_ORDER,
  deploy: DEPLOY_ORDER,
  updateConfig: UPDATE_CONFIG_ORDER,
  resources: RESOURCES_ORDER,
  resource: RESOURCE_ORDER,
  deviceRequest: DEVICE_REQUEST_ORDER,
  genericResource: GENERIC_RESOURCE_ORDER,
  discreteResource: DISCRETE_RESOURCE_ORDER,
  restartPolicy: RESTART_POLICY_ORDER,
  placement: PLACEMENT_ORDER,
  placementPreference: PLACEMENT_PREFERENCE_ORDER,
  logging: LOGGING_ORDER,
  serviceNetwork: SERVICE_NETWORK_ORDER,
  fileReference: FILE_REFERENCE_ORDER,
  ulimit: ULIMIT_ORDER,
  deviceMapping: DEVICE_MAPPING_ORDER,
  blkio: BLKIO_ORDER,
  weightDevice: WEIGHT_DEVICE_ORDER,
  throttleDevice: THROTTLE_DEVICE_ORDER,
  credentialSpec: CREDENTIAL_SPEC_ORDER,
  extends: EXTENDS_ORDER,
  envFile: ENV_FILE_ORDER,
  develop: DEVELOP_ORDER,
  watch: WATCH_ORDER,
  hook: HOOK_ORDER,
  provider: PROVIDER_ORDER,
  serviceModel: SERVICE_MODEL_ORDER,
  network: NETWORK_ORDER,
  ipam: IPAM_ORDER,
  ipamPool: IPAM_POOL_ORDER,
  volume: VOLUME_ORDER,
  fileObject: FILE_OBJECT_ORDER,
  model: MODEL_ORDER,
} as const satisfies Record<string, readonly string[]>;

// ---------------------------------------------------------------------------------------------
// go-yaml's natural key order
// ---------------------------------------------------------------------------------------------

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const INT64 = 64;

function isLetter(r: string): boolean {
  return LETTER.test(r);
}

function isDigit(r: string): boolean {
  return DIGIT.test(r);
}

function cp(r: string): number {
  return r.codePointAt(0) ?? 0;
}

/**
 * go-yaml's `keyList.Less` for two string keys:
 * - the common prefix is skipped, remembering whether its last rune was a digit;
 * - at the first difference, two letters compare by code point (so `B` < `a`);
 * - a letter against a non-letter: the non-letter comes first, except right after a digit,
 *   where the letter comes first (`a1b` < `a1_`, but `a_` < `ab`);
 * - otherwise the runs of digits starting there compare as numbers (`s9` < `s10`); on a tie
 *   the shorter run (fewer leading zeros) comes first, then the code points;
 * - a string that is a prefix of the other comes first.
 */
export function goNaturalLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ai0 = ar[i] as string;
    const bi0 = br[i] as string;
    if (ai0 === bi0) {
      digits = isDigit(ai0);
      continue;
    }
    const al = isLetter(ai0);
    const bl = isLetter(bi0);
    if (al && bl) return cp(ai0) < cp(bi0);
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ai0 === '0' || bi0 === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++) {
      an = BigInt.asIntN(INT64, an * 10n + BigInt(cp(ar[ai] as string) - 48));
    }
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] as string); bi++) {
      bn = BigInt.asIntN(INT64, bn * 10n + BigInt(cp(br[bi] as string) - 48));
    }
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return cp(ai0) < cp(bi0);
  }
  return ar.length < br.length;
}

/** Comparator form of goNaturalLess, for Array.prototype.sort. */
export function goNaturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  if (goNaturalLess(a, b)) return -1;
  if (goNaturalLess(b, a)) return 1;
  return 0;
}

function put(obj: Obj, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * The keys of a map in go-yaml's order. Prefer this to sortKeysNatural when printing: a JS object
 * always enumerates integer-like keys (`"1"`, `"10"`) first in numeric order, whatever the
 * insertion order, so an object cannot hold e.g. the Go order `1, 01, 2`.
 */
export function naturalKeys(obj: Obj): string[] {
  return Object.keys(obj).sort(goNaturalCompare);
}

/**
 * The keys of a typed object in output order: the keys named in `order` that `obj` has, in that
 * order; then any other keys that do not start with `x-`, in their current order; then the `x-*`
 * keys sorted with goNaturalCompare (go-yaml writes a struct's inlined extension map after its
 * fields).
 */
export function orderedKeys(obj: Obj, order: readonly string[]): string[] {
  const known = new Set(order);
  const out = order.filter((k) => Object.prototype.hasOwnProperty.call(obj, k));
  const extensions: string[] = [];
  for (const k of Object.keys(obj)) {
    if (known.has(k)) continue;
    if (k.startsWith('x-')) extensions.push(k);
    else out.push(k);
  }
  return out.concat(extensions.sort(goNaturalCompare));
}

/** A new object with the keys of `obj` in naturalKeys order (see the caveat there). */
export function sortKeysNatural<T extends Obj>(obj: T): T {
  const out: Obj = {};
  for (const k of naturalKeys(obj)) put(out, k, obj[k]);
  return out as T;
}

/** A new object with the keys of `obj` in orderedKeys order. */
export function orderKeys<T extends Obj>(obj: T, order: readonly string[]): T {
  const out: Obj = {};
  for (const k of orderedKeys(obj, order)) put(out, k, obj[k]);
  return out as T;
}
