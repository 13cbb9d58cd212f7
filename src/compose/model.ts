/**
 * The canonical, normalized project model: what every part of berth after the loader consumes.
 *
 * Field names follow the Compose specification's long forms (snake_case), so `berth config` reads
 * like `docker compose config`. Every short syntax has already been expanded by the loader, and
 * durations are plain milliseconds. The types are inferred from these schemas so that the model
 * and its runtime checks cannot drift apart.
 */
import { z } from "zod";

export const DependsOnCondition = z.enum([
  "service_started",
  "service_healthy",
  "service_completed_successfully",
]);
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
    })
    .optional(),
  volume: z.object({ nocopy: z.boolean().optional(), subpath: z.string().optional() }).optional(),
  tmpfs: z.object({ size: z.number().optional(), mode: z.number().optional() }).optional(),
  consistency: z.string().optional(),
});
export type VolumeMountSpec = z.infer<typeof VolumeMountSpec>;

export const ServiceNetworkSpec = z.object({
  aliases: z.array(z.string()).optional(),
  ipv4_address: z.string().optional(),
  ipv6_address: z.string().optional(),
  priority: z.number().optional(),
});
export type ServiceNetworkSpec = z.infer<typeof ServiceNetworkSpec>;

export const BuildSpec = z.object({
  context: z.string(),
  dockerfile: z.string().optional(),
  args: z.record(z.string(), z.string()).optional(),
  target: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
export type BuildSpec = z.infer<typeof BuildSpec>;

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
          }),
        )
        .optional(),
    })
    .optional(),
});
export type NetworkSpec = z.infer<typeof NetworkSpec>;

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
});
export type ProjectSpec = z.infer<typeof ProjectSpec>;
