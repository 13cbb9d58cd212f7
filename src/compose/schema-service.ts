/** The raw schema of one service (see schema.ts for the conventions). */
import { z } from "zod";
import {
  RawBuild,
  RawDependsOn,
  RawDeploy,
  RawDevelop,
  RawEnvFile,
  RawExtends,
  RawHealthcheck,
  RawPortLong,
  RawServiceNetworks,
  RawVolumeLong,
} from "./schema.js";
import * as p from "./schema-parts.js";

export const RawService = p.obj({
  develop: RawDevelop.optional(),
  deploy: RawDeploy.optional(),
  annotations: p.listOrDict.optional(),
  attach: p.boolish.optional(),
  build: RawBuild.optional(),
  blkio_config: p
    .obj({
      device_read_bps: z.array(p.blkioLimit).optional(),
      device_read_iops: z.array(p.blkioLimit).optional(),
      device_write_bps: z.array(p.blkioLimit).optional(),
      device_write_iops: z.array(p.blkioLimit).optional(),
      weight: p.intish.optional(),
      weight_device: z.array(p.blkioWeight).optional(),
    })
    .optional(),
  cap_add: p.listOfStrings.optional(),
  cap_drop: p.listOfStrings.optional(),
  cgroup: z.enum(["host", "private"]).optional(),
  cgroup_parent: p.str.optional(),
  command: p.command.optional(),
  configs: p.fileRefs.optional(),
  container_name: p.str.optional(),
  cpu_count: p.intish.optional(),
  cpu_percent: p.intish.optional(),
  cpu_shares: p.numish.optional(),
  cpu_quota: p.numish.optional(),
  cpu_period: p.numish.optional(),
  cpu_rt_period: p.numish.optional(),
  cpu_rt_runtime: p.numish.optional(),
  cpus: p.numish.optional(),
  cpuset: p.str.optional(),
  credential_spec: p.obj({ config: p.str.optional(), file: p.str.optional(), registry: p.str.optional() }).optional(),
  depends_on: RawDependsOn.optional(),
  device_cgroup_rules: p.listOfStrings.optional(),
  devices: z
    .array(z.union([p.str, p.obj({ source: p.str, target: p.str.optional(), permissions: p.str.optional() })]))
    .optional(),
  dns: p.stringOrList.optional(),
  dns_opt: p.listOfStrings.optional(),
  dns_search: p.stringOrList.optional(),
  domainname: p.str.optional(),
  entrypoint: p.command.optional(),
  env_file: RawEnvFile.optional(),
  label_file: p.stringOrList.optional(),
  environment: p.listOrDict.optional(),
  expose: z.array(z.union([z.string(), z.number()])).optional(),
  extends: RawExtends.optional(),
  provider: p
    .obj({
      type: p.str,
      options: z
        .record(z.string(), z.union([p.scalarNoNull, z.array(p.scalarNoNull)]))
        .optional(),
    })
    .optional(),
  external_links: p.listOfStrings.optional(),
  extra_hosts: p.extraHosts.optional(),
  gpus: z
    .union([
      z.literal("all"),
      z.array(
        p.obj({
          capabilities: p.listOfStrings.optional(),
          count: p.intish.optional(),
          device_ids: p.listOfStrings.optional(),
          driver: p.str.optional(),
          options: p.listOrDict.optional(),
        }),
      ),
    ])
    .optional(),
  group_add: z.array(z.union([z.string(), z.number()])).optional(),
  healthcheck: RawHealthcheck.optional(),
  hostname: p.str.optional(),
  image: p.str.optional(),
  init: p.boolish.optional(),
  ipc: p.str.optional(),
  isolation: p.str.optional(),
  labels: p.listOrDict.optional(),
  links: p.listOfStrings.optional(),
  logging: p
    .obj({
      driver: p.str.optional(),
      options: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
    })
    .optional(),
  mac_address: p.str.optional(),
  mem_limit: p.bytes.optional(),
  mem_reservation: p.bytes.optional(),
  mem_swappiness: p.intish.optional(),
  memswap_limit: p.numish.optional(),
  network_mode: p.str.optional(),
  models: z
    .union([p.listOfStrings, z.record(p.name, z.union([z.null(), p.obj({ endpoint_var: p.str.optional(), model_var: p.str.optional() })]))])
    .optional(),
  networks: RawServiceNetworks.optional(),
  oom_kill_disable: p.boolish.optional(),
  oom_score_adj: p.intish.optional(),
  pid: z.union([p.str, z.null()]).optional(),
  pids_limit: p.numish.optional(),
  platform: p.str.optional(),
  ports: z.array(z.union([p.portShort, RawPortLong])).optional(),
  post_start: z.array(p.serviceHook).optional(),
  pre_stop: z.array(p.serviceHook).optional(),
  privileged: p.boolish.optional(),
  profiles: p.listOfStrings.optional(),
  pull_policy: p.str
    .regex(/^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$/, "expected always, never, build, missing, if_not_present, refresh, daily, weekly or every_<duration>")
    .optional(),
  pull_refresh_after: p.str.optional(),
  read_only: p.boolish.optional(),
  restart: p.str.optional(),
  runtime: p.str.optional(),
  scale: p.intish.optional(),
  security_opt: p.listOfStrings.optional(),
  shm_size: p.bytes.optional(),
  secrets: p.fileRefs.optional(),
  sysctls: p.listOrDict.optional(),
  stdin_open: p.boolish.optional(),
  stop_grace_period: p.duration.optional(),
  stop_signal: p.str.optional(),
  storage_opt: z.record(z.string(), z.unknown()).optional(),
  tmpfs: p.stringOrList.optional(),
  tty: p.boolish.optional(),
  ulimits: p.ulimits.optional(),
  use_api_socket: z.boolean().optional(),
  user: p.str.optional(),
  uts: p.str.optional(),
  userns_mode: p.str.optional(),
  volumes: z.array(z.union([p.volumeShort, RawVolumeLong])).optional(),
  volumes_from: p.listOfStrings.optional(),
  working_dir: p.str.optional(),
});
export type RawService = z.infer<typeof RawService>;
