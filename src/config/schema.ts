/**
 * The Go types `docker compose config` marshals, as data: for every struct of compose-go
 * (`types/project.go`, `types/types.go`, `types/build.go`, `types/develop.go`, `types/hooks.go`,
 * `types/healthcheck.go`, `types/device.go`, `types/envfile.go`, `types/models.go`), its fields in
 * declaration order with their YAML/JSON names, their Go types and `omitempty`.
 *
 * Written from reading compose-go @ e70e961 (v2.13.0+; docker compose v5 pins v2.14.0).
 *
 * Types that marshal themselves are kinds of their own:
 * - `duration` — types.Duration, printed with time.Duration.String() (`1m30s`);
 * - `bytes` — types.UnitBytes, printed as a decimal string (`"536870912"`);
 * - `filemode` — types.FileMode, printed as `0%o` (`"0440"`);
 * - `ulimit` — *types.UlimitsConfig: an int, or {soft, hard};
 * - `command` — types.ShellCommand: omitted only when nil (YAML), always written in JSON;
 * - `healthtest` — types.HealthCheckTest (a string becomes `["CMD-SHELL", s]`);
 * - `hosts` — types.HostsList, printed as a sorted list of `host=ip`;
 * - `ssh` — types.SSHConfig, each key printed as `id` or `id: path`;
 * - `optout` — types.OptOut: a bool whose zero (omitted) value is `true`;
 * - `devcount` — types.DeviceCount (`all` is -1);
 * - `any` — the value of an `x-*` extension, as YAML decoded it.
 */

export type MapParse =
  /** types.Mapping: list of `k=v` (bare `k` → ""), or map with null → "" */
  | 'mapping'
  /** types.Labels: same as mapping */
  | 'labels'
  /** types.Options / map[string]string: map, null → "" */
  | 'options'
  /** types.MappingWithEquals: list of `k=v` (bare `k` → null), or map keeping null */
  | 'equals'
  /** types.MultiOptions: map of a value or a list of values */
  | 'multi'
  /** a map of structs that may also be written as a list of names (service networks/models) */
  | 'names'
  /** a plain map of the element type */
  | 'plain';

export type SliceParse =
  /** []string: each element printed with fmt.Sprint */
  | 'plain'
  /** types.StringList: a string is a one-item list */
  | 'stringList'
  /** types.StringOrNumberList: a string is a one-item list, numbers become strings */
  | 'strOrNum'
  /** service `ports`: short syntax strings/numbers expand to long form */
  | 'ports'
  /** service `gpus`: `all` is `[{count: all}]` */
  | 'gpus'
  /** a list of structs (shorthands handled by the struct) */
  | 'structs';

export type GoType =
  | { k: 'string' }
  | { k: 'bool' }
  | { k: 'int' }
  | { k: 'float32' }
  | { k: 'duration' }
  | { k: 'bytes' }
  | { k: 'filemode' }
  | { k: 'ulimit' }
  | { k: 'command' }
  | { k: 'healthtest' }
  | { k: 'hosts' }
  | { k: 'ssh' }
  | { k: 'optout' }
  | { k: 'devcount' }
  | { k: 'any' }
  | { k: 'ptr'; elem: GoType }
  | { k: 'slice'; elem: GoType; parse: SliceParse }
  | { k: 'map'; elem: GoType; parse: MapParse }
  | { k: 'struct'; name: StructName };

export interface Field {
  /** YAML key (the `yaml:"…"` tag name, or the lower-cased Go field name when untagged) */
  name: string;
  type: GoType;
  /** `omitempty` in the YAML tag (true unless said otherwise) */
  omit: boolean;
  /** JSON key when it differs from the YAML one (untagged Go fields use the Go name) */
  json?: string;
  /** `json:"-"`: never written in JSON */
  noJson?: boolean;
  /** the JSON tag has no omitempty while the YAML one has (ShellCommand fields): always written */
  jsonAlways?: boolean;
}

export interface StructDesc {
  fields: Field[];
  /** has an inlined `Extensions` map (`x-*` keys, written after the fields in YAML, never in JSON) */
  ext: boolean;
}

export type StructName =
  | 'Project'
  | 'Service'
  | 'ServiceProvider'
  | 'Build'
  | 'Develop'
  | 'Trigger'
  | 'Hook'
  | 'Blkio'
  | 'WeightDevice'
  | 'ThrottleDevice'
  | 'DeviceMapping'
  | 'DeviceRequest'
  | 'Logging'
  | 'Deploy'
  | 'UpdateConfig'
  | 'Resources'
  | 'Resource'
  | 'GenericResource'
  | 'DiscreteGenericResource'
  | 'RestartPolicy'
  | 'Placement'
  | 'PlacementPreference'
  | 'ServiceNetwork'
  | 'Port'
  | 'ServiceVolume'
  | 'VolumeBind'
  | 'VolumeVolume'
  | 'VolumeTmpfs'
  | 'VolumeImage'
  | 'FileReference'
  | 'Network'
  | 'Ipam'
  | 'IpamPool'
  | 'Volume'
  | 'CredentialSpec'
  | 'FileObject'
  | 'DependsOn'
  | 'Extends'
  | 'HealthCheck'
  | 'EnvFile'
  | 'Model'
  | 'ServiceModel';

const t = {
  string: { k: 'string' } as GoType,
  bool: { k: 'bool' } as GoType,
  int: { k: 'int' } as GoType,
  float32: { k: 'float32' } as GoType,
  duration: { k: 'duration' } as GoType,
  bytes: { k: 'bytes' } as GoType,
  filemode: { k: 'filemode' } as GoType,
  ulimit: { k: 'ulimit' } as GoType,
  command: { k: 'command' } as GoType,
  healthtest: { k: 'healthtest' } as GoType,
  hosts: { k: 'hosts' } as GoType,
  ssh: { k: 'ssh' } as GoType,
  optout: { k: 'optout' } as GoType,
  devcount: { k: 'devcount' } as GoType,
  any: { k: 'any' } as GoType,
};

const ptr = (elem: GoType): GoType => ({ k: 'ptr', elem });
const st = (name: StructName): GoType => ({ k: 'struct', name });
const pst = (name: StructName): GoType => ptr(st(name));
const slice = (elem: GoType, parse: SliceParse = 'plain'): GoType => ({ k: 'slice', elem, parse });
const strings = slice(t.string);
const stringList = slice(t.string, 'stringList');
const structs = (name: StructName): GoType => slice(st(name), 'structs');
const map = (elem: GoType, parse: MapParse = 'plain'): GoType => ({ k: 'map', elem, parse });
const mapping = map(t.string, 'mapping');
const labels = map(t.string, 'labels');
const options = map(t.string, 'options');
const equals = map(ptr(t.string), 'equals');
/** map[string]*Struct that accepts a list of names */
const names = (name: StructName): GoType => map(pst(name), 'names');

interface FieldOpts {
  omit?: boolean;
  json?: string;
  noJson?: boolean;
  jsonAlways?: boolean;
}

function f(name: string, type: GoType, opts: FieldOpts = {}): Field {
  return { name, type, omit: opts.omit ?? true, ...opts };
}

const ext = (...fields: Field[]): StructDesc => ({ fields, ext: true });
const noExt = (...fields: Field[]): StructDesc => ({ fields, ext: false });

export const STRUCTS: Readonly<Record<StructName, StructDesc>> = {
  // types/project.go Project (YAML view; MarshalJSON builds a map instead, see print.ts)
  Project: ext(
    f('name', t.string),
    f('services', map(st('Service')), { omit: false }),
    f('networks', map(st('Network'))),
    f('volumes', map(st('Volume'))),
    f('secrets', map(st('FileObject'))),
    f('configs', map(st('FileObject'))),
    f('models', map(st('Model'))),
  ),
  // types/types.go ServiceConfig (`name` is blanked by its MarshalYAML and is json:"-")
  Service: ext(
    f('profiles', strings),
    f('annotations', mapping),
    f('attach', ptr(t.bool)),
    f('build', pst('Build')),
    f('develop', pst('Develop')),
    f('blkio_config', pst('Blkio')),
    f('cap_add', strings),
    f('cap_drop', strings),
    f('cgroup_parent', t.string),
    f('cgroup', t.string),
    f('cpu_count', t.int),
    f('cpu_percent', t.float32),
    f('cpu_period', t.int),
    f('cpu_quota', t.int),
    f('cpu_rt_period', t.int),
    f('cpu_rt_runtime', t.int),
    f('cpus', t.float32),
    f('cpuset', t.string),
    f('cpu_shares', t.int),
    f('command', t.command, { jsonAlways: true }),
    f('configs', structs('FileReference')),
    f('container_name', t.string),
    f('credential_spec', pst('CredentialSpec')),
    f('depends_on', map(st('DependsOn'), 'names')),
    f('deploy', pst('Deploy')),
    f('device_cgroup_rules', strings),
    f('devices', structs('DeviceMapping')),
    f('dns', stringList),
    f('dns_opt', strings),
    f('dns_search', stringList),
    f('dockerfile', t.string),
    f('domainname', t.string),
    f('entrypoint', t.command, { jsonAlways: true }),
    f('provider', pst('ServiceProvider')),
    f('environment', equals),
    f('env_file', structs('EnvFile')),
    f('expose', slice(t.string, 'strOrNum')),
    f('extends', pst('Extends')),
    f('external_links', strings),
    f('extra_hosts', t.hosts),
    f('group_add', strings),
    f('gpus', slice(st('DeviceRequest'), 'gpus')),
    f('hostname', t.string),
    f('healthcheck', pst('HealthCheck')),
    f('image', t.string),
    f('init', ptr(t.bool)),
    f('ipc', t.string),
    f('isolation', t.string),
    f('labels', labels),
    f('label_file', stringList),
    f('links', strings),
    f('logging', pst('Logging')),
    f('log_driver', t.string),
    f('log_opt', options),
    f('mem_limit', t.bytes),
    f('mem_reservation', t.bytes),
    f('memswap_limit', t.bytes),
    f('mem_swappiness', t.bytes),
    f('mac_address', t.string),
    f('models', names('ServiceModel')),
    f('net', t.string),
    f('network_mode', t.string),
    f('networks', names('ServiceNetwork')),
    f('oom_kill_disable', t.bool),
    f('oom_score_adj', t.int),
    f('pid', t.string),
    f('pids_limit', t.int),
    f('platform', t.string),
    f('ports', slice(st('Port'), 'ports')),
    f('privileged', t.bool),
    f('pull_policy', t.string),
    f('read_only', t.bool),
    f('restart', t.string),
    f('runtime', t.string),
    f('scale', ptr(t.int)),
    f('secrets', structs('FileReference')),
    f('security_opt', strings),
    f('shm_size', t.bytes),
    f('stdin_open', t.bool),
    f('stop_grace_period', ptr(t.duration)),
    f('stop_signal', t.string),
    f('storage_opt', options),
    f('sysctls', mapping),
    f('tmpfs', stringList),
    f('tty', t.bool),
    f('ulimits', map(ptr(t.ulimit))),
    f('use_api_socket', t.bool),
    f('user', t.string),
    f('userns_mode', t.string),
    f('uts', t.string),
    f('volume_driver', t.string),
    f('volumes', structs('ServiceVolume')),
    f('volumes_from', strings),
    f('working_dir', t.string),
    f('pre_start', structs('Hook')),
    f('post_start', structs('Hook')),
    f('pre_stop', structs('Hook')),
  ),
  ServiceProvider: ext(f('type', t.string), f('options', map(slice(t.string), 'multi'))),
  // types/build.go
  Build: ext(
    f('context', t.string),
    f('dockerfile', t.string),
    f('dockerfile_inline', t.string),
    f('entitlements', strings),
    f('args', equals),
    f('provenance', t.string),
    f('sbom', t.string),
    f('ssh', t.ssh),
    f('labels', labels),
    f('cache_from', stringList),
    f('cache_to', stringList),
    f('no_cache', t.bool),
    f('no_cache_filter', stringList),
    f('additional_contexts', mapping),
    f('pull', t.bool),
    f('extra_hosts', t.hosts),
    f('isolation', t.string),
    f('network', t.string),
    f('target', t.string),
    f('secrets', structs('FileReference')),
    f('shm_size', t.bytes),
    f('tags', stringList),
    f('ulimits', map(ptr(t.ulimit))),
    f('platforms', stringList),
    f('privileged', t.bool),
  ),
  // types/develop.go
  Develop: ext(f('watch', structs('Trigger'))),
  Trigger: ext(
    f('path', t.string, { omit: false }),
    f('action', t.string, { omit: false }),
    f('target', t.string),
    f('exec', st('Hook')),
    f('include', stringList),
    f('ignore', stringList),
    f('initial_sync', t.bool),
  ),
  // types/hooks.go
  Hook: ext(
    f('command', t.command, { jsonAlways: true }),
    f('image', t.string),
    f('user', t.string),
    f('privileged', t.bool),
    f('working_dir', t.string),
    f('environment', equals),
    f('per_replica', t.bool),
  ),
  Blkio: ext(
    f('weight', t.int),
    f('weight_device', structs('WeightDevice')),
    f('device_read_bps', structs('ThrottleDevice')),
    f('device_read_iops', structs('ThrottleDevice')),
    f('device_write_bps', structs('ThrottleDevice')),
    f('device_write_iops', structs('ThrottleDevice')),
  ),
  // untagged fields: YAML uses the lower-cased Go name, JSON the Go name, no omitempty
  WeightDevice: ext(f('path', t.string, { omit: false, json: 'Path' }), f('weight', t.int, { omit: false, json: 'Weight' })),
  ThrottleDevice: ext(f('path', t.string, { omit: false, json: 'Path' }), f('rate', t.bytes, { omit: false, json: 'Rate' })),
  DeviceMapping: ext(f('source', t.string), f('target', t.string), f('permissions', t.string)),
  // types/device.go (no Extensions)
  DeviceRequest: noExt(
    f('capabilities', strings),
    f('driver', t.string),
    f('count', t.devcount),
    f('device_ids', strings),
    f('options', mapping),
  ),
  Logging: ext(f('driver', t.string), f('options', options)),
  Deploy: ext(
    f('mode', t.string),
    f('replicas', ptr(t.int)),
    f('labels', labels),
    f('update_config', pst('UpdateConfig')),
    f('rollback_config', pst('UpdateConfig')),
    f('resources', st('Resources')),
    f('restart_policy', pst('RestartPolicy')),
    f('placement', st('Placement')),
    f('endpoint_mode', t.string),
  ),
  UpdateConfig: ext(
    f('parallelism', ptr(t.int)),
    f('delay', t.duration),
    f('failure_action', t.string),
    f('monitor', t.duration),
    f('max_failure_ratio', t.float32),
    f('order', t.string),
  ),
  Resources: ext(f('limits', pst('Resource')), f('reservations', pst('Resource'))),
  Resource: ext(
    f('cpus', t.float32),
    f('memory', t.bytes),
    f('pids', t.int),
    f('devices', structs('DeviceRequest')),
    f('generic_resources', structs('GenericResource')),
  ),
  GenericResource: ext(f('discrete_resource_spec', pst('DiscreteGenericResource'))),
  DiscreteGenericResource: ext(f('kind', t.string, { omit: false }), f('value', t.int, { omit: false })),
  RestartPolicy: ext(
    f('condition', t.string),
    f('delay', ptr(t.duration)),
    f('max_attempts', ptr(t.int)),
    f('window', ptr(t.duration)),
  ),
  Placement: ext(
    f('constraints', strings),
    f('preferences', structs('PlacementPreference')),
    f('max_replicas_per_node', t.int),
  ),
  PlacementPreference: ext(f('spread', t.string)),
  ServiceNetwork: ext(
    f('aliases', strings),
    f('driver_opts', options),
    f('gw_priority', t.int),
    f('interface_name', t.string),
    f('ipv4_address', t.string),
    f('ipv6_address', t.string),
    f('link_local_ips', strings),
    f('mac_address', t.string),
    f('priority', t.int),
  ),
  Port: ext(
    f('name', t.string),
    f('mode', t.string),
    f('host_ip', t.string),
    f('target', t.int),
    f('published', t.string),
    f('protocol', t.string),
    f('app_protocol', t.string),
  ),
  ServiceVolume: ext(
    f('type', t.string),
    f('source', t.string),
    f('target', t.string),
    f('read_only', t.bool),
    f('consistency', t.string),
    f('bind', pst('VolumeBind')),
    f('volume', pst('VolumeVolume')),
    f('tmpfs', pst('VolumeTmpfs')),
    f('image', pst('VolumeImage')),
  ),
  VolumeBind: ext(
    f('selinux', t.string),
    f('propagation', t.string),
    f('create_host_path', t.optout),
    f('recursive', t.string),
  ),
  VolumeVolume: ext(f('labels', mapping), f('nocopy', t.bool), f('subpath', t.string)),
  VolumeTmpfs: ext(f('size', t.bytes), f('mode', t.int)),
  VolumeImage: ext(f('subpath', t.string)),
  // FileReferenceConfig (ServiceSecretConfig, ServiceConfigObjConfig)
  FileReference: ext(
    f('source', t.string),
    f('target', t.string),
    f('uid', t.string),
    f('gid', t.string),
    f('mode', ptr(t.filemode)),
  ),
  Network: ext(
    f('name', t.string),
    f('driver', t.string),
    f('driver_opts', options),
    f('ipam', st('Ipam')),
    f('external', t.bool),
    f('internal', t.bool),
    f('attachable', t.bool),
    f('labels', labels),
    f('enable_ipv4', ptr(t.bool)),
    f('enable_ipv6', ptr(t.bool)),
  ),
  Ipam: ext(f('driver', t.string), f('config', slice(pst('IpamPool'), 'structs')), f('options', options)),
  IpamPool: ext(
    f('subnet', t.string),
    f('gateway', t.string),
    f('ip_range', t.string),
    f('aux_addresses', mapping),
  ),
  Volume: ext(
    f('name', t.string),
    f('driver', t.string),
    f('driver_opts', options),
    f('external', t.bool),
    f('labels', labels),
  ),
  CredentialSpec: ext(f('config', t.string), f('file', t.string), f('registry', t.string)),
  // FileObjectConfig (SecretConfig, ConfigObjConfig)
  FileObject: ext(
    f('name', t.string),
    f('file', t.string),
    f('environment', t.string),
    f('content', t.string),
    f('external', t.bool),
    f('labels', labels),
    f('driver', t.string),
    f('driver_opts', options),
    f('template_driver', t.string),
  ),
  // ServiceDependency: the inlined Extensions come after `required` in YAML
  DependsOn: ext(f('condition', t.string), f('restart', t.bool), f('required', t.bool, { omit: false })),
  Extends: noExt(f('file', t.string), f('service', t.string)),
  HealthCheck: ext(
    f('test', t.healthtest),
    f('timeout', ptr(t.duration)),
    f('interval', ptr(t.duration)),
    f('retries', ptr(t.int)),
    f('start_period', ptr(t.duration)),
    f('start_interval', ptr(t.duration)),
    f('disable', t.bool),
  ),
  EnvFile: noExt(f('path', t.string), f('required', t.optout), f('format', t.string)),
  Model: ext(f('name', t.string), f('model', t.string), f('context_size', t.int), f('runtime_flags', strings)),
  ServiceModel: ext(f('endpoint_var', t.string), f('model_var', t.string)),
};
