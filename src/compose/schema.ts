/**
 * The raw Compose specification as zod schemas: what a file may contain *before* normalization
 * (short and long syntaxes, strings where numbers are allowed because interpolation yields
 * strings). It follows compose-spec's JSON schema (schema/compose-spec.json) key for key, so
 * unknown keys are caught with a did-you-mean. Checks that need real parsing (durations, port
 * and volume short syntax, sizes) reuse the parsers the normalizer uses, so validation and
 * normalization agree by construction. `x-` keys are allowed everywhere the spec allows them;
 * the validator drops "unknown key" reports for them.
 *
 * Files: schema-parts.ts (primitives), schema.ts (service sub-shapes), schema-service.ts,
 * schema-project.ts (the whole file).
 */
import { z } from "zod";
import {
  boolish,
  bytes,
  devicesReservation,
  duration,
  extraHosts,
  fileRefs,
  intish,
  listOfStrings,
  listOrDict,
  name,
  numish,
  obj,
  serviceHook,
  sizeNonNegative,
  str,
  stringOrList,
  ulimits,
} from "./schema-parts.js";

export const RawPortLong = obj({
  name: str.optional(),
  mode: str.optional(),
  host_ip: str.optional(),
  target: intish,
  published: intish.optional(),
  protocol: str.optional(),
  app_protocol: str.optional(),
});
export const RawVolumeLong = obj({
  type: z.enum(["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
  source: str.optional(),
  target: str,
  read_only: boolish.optional(),
  consistency: str.optional(),
  bind: obj({
    propagation: str.optional(),
    create_host_path: boolish.optional(),
    recursive: z.enum(["enabled", "disabled", "writable", "readonly"]).optional(),
    selinux: z.enum(["z", "Z"]).optional(),
  }).optional(),
  volume: obj({ labels: listOrDict.optional(), nocopy: boolish.optional(), subpath: str.optional() }).optional(),
  tmpfs: obj({ size: sizeNonNegative.optional(), mode: numish.optional() }).optional(),
  image: obj({ subpath: str.optional() }).optional(),
});
export const RawHealthcheck = obj({
  disable: boolish.optional(),
  interval: duration.optional(),
  retries: numish.optional(),
  test: z.union([z.string(), z.array(z.string())]).optional(),
  timeout: duration.optional(),
  start_period: duration.optional(),
  start_interval: duration.optional(),
});

export const RawBuild = z.union([
  z.string(),
  obj({
    context: str.optional(),
    dockerfile: str.optional(),
    dockerfile_inline: str.optional(),
    entitlements: listOfStrings.optional(),
    args: listOrDict.optional(),
    ssh: listOrDict.optional(),
    labels: listOrDict.optional(),
    cache_from: listOfStrings.optional(),
    cache_to: listOfStrings.optional(),
    no_cache: boolish.optional(),
    no_cache_filter: stringOrList.optional(),
    additional_contexts: listOrDict.optional(),
    network: str.optional(),
    pull: boolish.optional(),
    target: str.optional(),
    shm_size: bytes.optional(),
    extra_hosts: extraHosts.optional(),
    isolation: str.optional(),
    privileged: boolish.optional(),
    secrets: fileRefs.optional(),
    tags: listOfStrings.optional(),
    ulimits: ulimits.optional(),
    platforms: listOfStrings.optional(),
    provenance: z.union([z.string(), z.boolean()]).optional(),
    sbom: z.union([z.string(), z.boolean()]).optional(),
  }),
]);

const resourceLimits = obj({ cpus: numish.optional(), memory: bytes.optional(), pids: intish.optional() });
const updateConfig = obj({
  parallelism: intish.optional(),
  delay: duration.optional(),
  failure_action: str.optional(),
  monitor: duration.optional(),
  max_failure_ratio: numish.optional(),
  order: z.enum(["start-first", "stop-first"]).optional(),
});
export const RawDeploy = z.union([
  z.null(),
  obj({
    mode: str.optional(),
    endpoint_mode: str.optional(),
    replicas: intish.optional(),
    labels: listOrDict.optional(),
    rollback_config: updateConfig.optional(),
    update_config: updateConfig.optional(),
    resources: obj({
      limits: resourceLimits.optional(),
      reservations: obj({
        cpus: numish.optional(),
        memory: bytes.optional(),
        generic_resources: z.array(obj({ discrete_resource_spec: obj({ kind: str.optional(), value: numish.optional() }).optional() })).optional(),
        devices: devicesReservation.optional(),
      }).optional(),
    }).optional(),
    restart_policy: obj({
      condition: str.optional(),
      delay: duration.optional(),
      max_attempts: intish.optional(),
      window: duration.optional(),
    }).optional(),
    placement: obj({
      constraints: listOfStrings.optional(),
      preferences: z.array(obj({ spread: str.optional() })).optional(),
      max_replicas_per_node: intish.optional(),
    }).optional(),
  }),
]);

export const RawDevelop = z.union([
  z.null(),
  obj({
    watch: z
      .array(
        obj({
          ignore: stringOrList.optional(),
          include: stringOrList.optional(),
          path: str,
          action: z.enum(["rebuild", "sync", "restart", "sync+restart", "sync+exec"]),
          target: str.optional(),
          exec: serviceHook.optional(),
          initial_sync: boolish.optional(),
        }),
      )
      .optional(),
  }),
]);

export const RawDependsOn = z.union([
  listOfStrings,
  z.record(
    name,
    obj({
      restart: boolish.optional(),
      required: z.boolean().optional(),
      condition: z.enum(["service_started", "service_healthy", "service_completed_successfully"]),
    }),
  ),
]);

export const RawServiceNetworks = z.union([
  listOfStrings,
  z.record(
    name,
    z.union([
      z.null(),
      obj({
        aliases: listOfStrings.optional(),
        interface_name: str.optional(),
        ipv4_address: str.optional(),
        ipv6_address: str.optional(),
        link_local_ips: listOfStrings.optional(),
        mac_address: str.optional(),
        driver_opts: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
        priority: z.number().optional(),
        gw_priority: z.number().optional(),
      }),
    ]),
  ),
]);

export const RawEnvFile = z.union([z.string(), z.array(z.union([z.string(), obj({ path: str, format: str.optional(), required: boolish.optional() })]))]);

export const RawExtends = z.union([z.string(), obj({ service: str, file: str.optional() })]);
