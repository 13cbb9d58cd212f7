/**
 * The canonical, normalized project model: what every part of berth after the loader consumes.
 *
 * Field names follow the Compose specification's long forms (snake_case), so `berth config` reads
 * like `docker compose config`. Every short syntax has already been expanded by the loader, and
 * durations are plain milliseconds. The types are inferred from these schemas, which document the
 * model; nothing parses the normalized model with them at run time (the loader's checks run on the
 * raw file: validate.ts against schema*.ts, then normalize and semantic checks).
 */
import { z } from "zod";
import { RawDevelop } from "./schema.js";
import { RawModel } from "./schema-project.js";
import { RawService } from "./schema-service.js";

export const DependsOnCondition = z.enum(["service_started", "service_healthy", "service_completed_successfully"]);
export type DependsOnCondition = z.infer<typeof DependsOnCondition>;

export const DependencySpec = z.object({
  condition: DependsOnCondition,
  required: z.boolean(),
  restart: z.boolean(),
});
export type DependencySpec = z.infer<typeof DependencySpec>;

export const PortSpec = z.object({
  /** Container port. */
  target: z.number().int().min(1).max(65535),
  /**
   * Host port or range ("8080", "8080-8090"). Undefined: a port the engine (or the port
   * strategy) picks, so that two environments never collide.
   */
  published: z.string().optional(),
  /** Host address; undefined means berth's secure default, 127.0.0.1. */
  host_ip: z.string().optional(),
  protocol: z.enum(["tcp", "udp", "sctp"]),
  mode: z.enum(["ingress", "host"]).optional(),
  name: z.string().optional(),
  app_protocol: z.string().optional(),
});
export type PortSpec = z.infer<typeof PortSpec>;

export const HealthcheckSpec = z.object({
  /** ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]. */
  test: z.array(z.string()).optional(),
  interval_ms: z.number().int().nonnegative().optional(),
  timeout_ms: z.number().int().nonnegative().optional(),
  start_period_ms: z.number().int().nonnegative().optional(),
  start_interval_ms: z.number().int().nonnegative().optional(),
  retries: z.number().int().nonnegative().optional(),
  disable: z.boolean().optional(),
});
export type HealthcheckSpec = z.infer<typeof HealthcheckSpec>;

export const VolumeMountSpec = z.object({
  type: z.enum(["bind", "volume", "tmpfs", "npipe", "cluster", "image"]),
  /** Host path (bind, absolute after normalization) or volume name; undefined: anonymous volume. */
  source: z.string().optional(),
  target: z.string(),
  read_only: z.boolean().optional(),
  bind: z
    .object({
      propagation: z.string().optional(),
      create_host_path: z.boolean().optional(),
      selinux: z.string().optional(),
      recursive: z.string().optional(),
    })
    .optional(),
  volume: z
    .object({
      nocopy: z.boolean().optional(),
      subpath: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  /** size in bytes; mode as a number (e.g. 0o1777 = 1023). */
  tmpfs: z.object({ size: z.number().optional(), mode: z.number().optional() }).optional(),
  image: z.object({ subpath: z.string().optional() }).optional(),
  consistency: z.string().optional(),
});
export type VolumeMountSpec = z.infer<typeof VolumeMountSpec>;

export const ServiceNetworkSpec = z.object({
  aliases: z.array(z.string()).optional(),
  ipv4_address: z.string().optional(),
  ipv6_address: z.string().optional(),
  priority: z.number().optional(),
  gw_priority: z.number().optional(),
  interface_name: z.string().optional(),
  link_local_ips: z.array(z.string()).optional(),
  mac_address: z.string().optional(),
  driver_opts: z.record(z.string(), z.string()).optional(),
});
export type ServiceNetworkSpec = z.infer<typeof ServiceNetworkSpec>;

/** A service's reference to a top-level secret or config (long form). */
export const FileRefSpec = z.object({
  source: z.string(),
  target: z.string().optional(),
  uid: z.string().optional(),
  gid: z.string().optional(),
  mode: z.number().int().optional(),
});
export type FileRefSpec = z.infer<typeof FileRefSpec>;

export const UlimitSpec = z.object({ soft: z.number().int(), hard: z.number().int() });
export type UlimitSpec = z.infer<typeof UlimitSpec>;

export const BuildSpec = z.object({
  /** Absolute path, or a URL (git/http) kept as written. */
  context: z.string(),
  dockerfile_inline: z.string().optional(),
  ssh: z.array(z.string()).optional(),
  cache_from: z.array(z.string()).optional(),
  cache_to: z.array(z.string()).optional(),
  no_cache: z.boolean().optional(),
  additional_contexts: z.record(z.string(), z.string()).optional(),
  network: z.string().optional(),
  pull: z.boolean().optional(),
  /** Bytes. */
  shm_size: z.number().int().optional(),
  /** "host:ip" entries. */
  extra_hosts: z.array(z.string()).optional(),
  isolation: z.string().optional(),
  privileged: z.boolean().optional(),
  secrets: z.array(FileRefSpec).optional(),
  tags: z.array(z.string()).optional(),
  ulimits: z.record(z.string(), UlimitSpec).optional(),
  platforms: z.array(z.string()).optional(),
  entitlements: z.array(z.string()).optional(),
  dockerfile: z.string().optional(),
  args: z.record(z.string(), z.string()).optional(),
  target: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
export type BuildSpec = z.infer<typeof BuildSpec>;

/** cpus as a number of CPUs, memory in bytes. */
export const ResourceSpec = z.object({
  cpus: z.number().nonnegative().optional(),
  memory: z.number().int().nonnegative().optional(),
  pids: z.number().int().optional(),
});
export type ResourceSpec = z.infer<typeof ResourceSpec>;

export const DeviceRequestSpec = z.object({
  capabilities: z.array(z.string()),
  count: z.union([z.number().int(), z.literal("all")]).optional(),
  device_ids: z.array(z.string()).optional(),
  driver: z.string().optional(),
  options: z.record(z.string(), z.string()).optional(),
});
export type DeviceRequestSpec = z.infer<typeof DeviceRequestSpec>;

const UpdateConfigSpec = z.object({
  parallelism: z.number().int().optional(),
  delay_ms: z.number().int().nonnegative().optional(),
  failure_action: z.string().optional(),
  monitor_ms: z.number().int().nonnegative().optional(),
  max_failure_ratio: z.number().optional(),
  order: z.string().optional(),
});

export const DeploySpec = z.object({
  mode: z.string().optional(),
  endpoint_mode: z.string().optional(),
  replicas: z.number().int().nonnegative().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  resources: z
    .object({
      limits: ResourceSpec.optional(),
      reservations: ResourceSpec.extend({
        devices: z.array(DeviceRequestSpec).optional(),
        generic_resources: z
          .array(z.object({ discrete_resource_spec: z.object({ kind: z.string().optional(), value: z.number().optional() }).optional() }))
          .optional(),
      }).optional(),
    })
    .optional(),
  restart_policy: z
    .object({
      condition: z.string().optional(),
      delay_ms: z.number().int().nonnegative().optional(),
      max_attempts: z.number().int().optional(),
      window_ms: z.number().int().nonnegative().optional(),
    })
    .optional(),
  placement: z
    .object({
      constraints: z.array(z.string()).optional(),
      preferences: z.array(z.object({ spread: z.string().optional() })).optional(),
      max_replicas_per_node: z.number().int().optional(),
    })
    .optional(),
  update_config: UpdateConfigSpec.optional(),
  rollback_config: UpdateConfigSpec.optional(),
});
export type DeploySpec = z.infer<typeof DeploySpec>;

export const LoggingSpec = z.object({
  driver: z.string().optional(),
  options: z.record(z.string(), z.string().nullable()).optional(),
});
export type LoggingSpec = z.infer<typeof LoggingSpec>;

export const DeviceMappingSpec = z.object({
  source: z.string(),
  target: z.string(),
  permissions: z.string().optional(),
});
export type DeviceMappingSpec = z.infer<typeof DeviceMappingSpec>;

export const ServiceHookSpec = z.object({
  command: z.array(z.string()),
  user: z.string().optional(),
  privileged: z.boolean().optional(),
  working_dir: z.string().optional(),
  environment: z.record(z.string(), z.string().nullable()).optional(),
});
export type ServiceHookSpec = z.infer<typeof ServiceHookSpec>;

export const ServiceSpec = z.object({
  name: z.string(),
  image: z.string().optional(),
  build: BuildSpec.optional(),
  /** Already split into words; undefined: the image's default. */
  command: z.array(z.string()).optional(),
  entrypoint: z.array(z.string()).optional(),
  /** Resolved environment (env_file + environment); null means "unset, pass through nothing". */
  environment: z.record(z.string(), z.string().nullable()),
  ports: z.array(PortSpec),
  expose: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), DependencySpec),
  healthcheck: HealthcheckSpec.optional(),
  volumes: z.array(VolumeMountSpec),
  tmpfs: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()),
  /** Network name (as in the file's top-level `networks`) → attachment options. */
  networks: z.record(z.string(), ServiceNetworkSpec),
  container_name: z.string().optional(),
  hostname: z.string().optional(),
  working_dir: z.string().optional(),
  user: z.string().optional(),
  restart: z.string().optional(),
  init: z.boolean().optional(),
  stop_grace_period_ms: z.number().int().nonnegative().optional(),
  stop_signal: z.string().optional(),
  read_only: z.boolean().optional(),
  profiles: z.array(z.string()).optional(),
  /** `scale` or `deploy.replicas`; 1 when neither is set. */
  scale: z.number().int().nonnegative(),
  /** Everything under the service's `x-` keys, kept verbatim (e.g. `x-berth` probes). */
  extensions: z.record(z.string(), z.unknown()),
  /**
   * Keys of `environment` whose values came from an env file (`env_file:`, `.env`,
   * `--env-file`), directly or through `${VAR}`: treated as secrets and redacted by
   * `renderConfig` (which also redacts keys whose own name looks secret, and URL passwords)
   * unless asked otherwise. Absent when there are none.
   */
  secret_env_keys: z.array(z.string()).optional(),

  // Everything below is optional and present only when the file sets it.
  network_mode: z.string().optional(),
  /** Bytes. */
  mem_limit: z.number().int().optional(),
  mem_reservation: z.number().int().optional(),
  /** Bytes; -1 means unlimited swap. */
  memswap_limit: z.number().int().optional(),
  mem_swappiness: z.number().int().optional(),
  shm_size: z.number().int().optional(),
  cpus: z.number().nonnegative().optional(),
  cpu_shares: z.number().int().optional(),
  cpu_quota: z.number().int().optional(),
  cpu_period: z.number().int().optional(),
  cpu_count: z.number().int().optional(),
  cpu_percent: z.number().int().optional(),
  cpu_rt_period: z.number().int().optional(),
  cpu_rt_runtime: z.number().int().optional(),
  cpuset: z.string().optional(),
  pids_limit: z.number().int().optional(),
  oom_kill_disable: z.boolean().optional(),
  oom_score_adj: z.number().int().optional(),
  deploy: DeploySpec.optional(),
  logging: LoggingSpec.optional(),
  secrets: z.array(FileRefSpec).optional(),
  configs: z.array(FileRefSpec).optional(),
  /** "host:ip" entries, the form the engine takes. */
  extra_hosts: z.array(z.string()).optional(),
  cap_add: z.array(z.string()).optional(),
  cap_drop: z.array(z.string()).optional(),
  dns: z.array(z.string()).optional(),
  dns_search: z.array(z.string()).optional(),
  dns_opt: z.array(z.string()).optional(),
  privileged: z.boolean().optional(),
  security_opt: z.array(z.string()).optional(),
  sysctls: z.record(z.string(), z.string()).optional(),
  ulimits: z.record(z.string(), UlimitSpec).optional(),
  devices: z.array(DeviceMappingSpec).optional(),
  device_cgroup_rules: z.array(z.string()).optional(),
  group_add: z.array(z.string()).optional(),
  platform: z.string().optional(),
  pull_policy: z.string().optional(),
  stdin_open: z.boolean().optional(),
  tty: z.boolean().optional(),
  attach: z.boolean().optional(),
  ipc: z.string().optional(),
  pid: z.string().optional(),
  uts: z.string().optional(),
  userns_mode: z.string().optional(),
  cgroup: z.string().optional(),
  cgroup_parent: z.string().optional(),
  runtime: z.string().optional(),
  isolation: z.string().optional(),
  domainname: z.string().optional(),
  mac_address: z.string().optional(),
  links: z.array(z.string()).optional(),
  external_links: z.array(z.string()).optional(),
  volumes_from: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  storage_opt: z.record(z.string(), z.unknown()).optional(),
  use_api_socket: z.boolean().optional(),
  post_start: z.array(ServiceHookSpec).optional(),
  pre_stop: z.array(ServiceHookSpec).optional(),
  // Rarely used shapes are kept in their validated raw form.
  develop: RawDevelop.optional(),
  gpus: RawService.shape.gpus,
  blkio_config: RawService.shape.blkio_config,
  credential_spec: RawService.shape.credential_spec,
  provider: RawService.shape.provider,
  models: RawService.shape.models,
});
export type ServiceSpec = z.infer<typeof ServiceSpec>;

export const NetworkSpec = z.object({
  /** Engine-side name; undefined: derived from the project name by berth. */
  name: z.string().optional(),
  driver: z.string().optional(),
  driver_opts: z.record(z.string(), z.string()).optional(),
  internal: z.boolean().optional(),
  attachable: z.boolean().optional(),
  enable_ipv6: z.boolean().optional(),
  enable_ipv4: z.boolean().optional(),
  external: z.boolean().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  ipam: z
    .object({
      driver: z.string().optional(),
      config: z
        .array(
          z.object({
            subnet: z.string().optional(),
            ip_range: z.string().optional(),
            gateway: z.string().optional(),
            aux_addresses: z.record(z.string(), z.string()).optional(),
          }),
        )
        .optional(),
      options: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});
export type NetworkSpec = z.infer<typeof NetworkSpec>;

/** A top-level secret or config; `file` is absolute after normalization. */
export const FileObjectSpec = z.object({
  name: z.string().optional(),
  file: z.string().optional(),
  environment: z.string().optional(),
  /** Configs only: inline content. */
  content: z.string().optional(),
  external: z.boolean().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  driver: z.string().optional(),
  driver_opts: z.record(z.string(), z.string()).optional(),
  template_driver: z.string().optional(),
});
export type FileObjectSpec = z.infer<typeof FileObjectSpec>;

export const VolumeSpec = z.object({
  name: z.string().optional(),
  driver: z.string().optional(),
  driver_opts: z.record(z.string(), z.string()).optional(),
  external: z.boolean().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
export type VolumeSpec = z.infer<typeof VolumeSpec>;

export const ProjectSpec = z.object({
  /** From `name:` in the file, COMPOSE_PROJECT_NAME or -p; undefined lets berth generate one. */
  name: z.string().optional(),
  /** Absolute directory that relative paths were resolved against. */
  working_dir: z.string(),
  /** Absolute paths of the files that were loaded, in order. */
  files: z.array(z.string()),
  /** Sorted by name. Only services enabled by the active profiles. */
  services: z.record(z.string(), ServiceSpec),
  networks: z.record(z.string(), NetworkSpec),
  volumes: z.record(z.string(), VolumeSpec),
  extensions: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), FileObjectSpec).optional(),
  configs: z.record(z.string(), FileObjectSpec).optional(),
  models: z.record(z.string(), RawModel).optional(),
  /** Profiles that were active when the project was loaded (sorted). */
  profiles: z.array(z.string()).optional(),
});
export type ProjectSpec = z.infer<typeof ProjectSpec>;
