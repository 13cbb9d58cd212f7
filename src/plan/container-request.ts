/**
 * From a service of the model to the exact container the engine is asked to create. Pure.
 */
import { createHash } from "node:crypto";
import type { ProjectSpec, ServiceSpec } from "../compose/model.js";
import type { ContainerCreateRequest, Labels, MountRequest } from "../engine/types.js";
import { probesOf, readinessOf } from "../health/probe-spec.js";
import { containerLabels, LABEL } from "../labels.js";
import { toBindings } from "../ports/bindings.js";
import { containerName, networkName, volumeName } from "./naming.js";
import { readyModes, serviceNetworkKeys } from "./reconcile.js";
import { effectiveRestart, fileRefMounts, runtimeOptions } from "./runtime-options.js";
import { byText } from "../text-order.js";

/** JSON with sorted keys, so equal configurations hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byText(a, b))) : v,
  );
}

/** A service's environment as the Engine API takes it: sorted `KEY=value`, unset (null) variables left out. */
export function environmentList(environment: Record<string, string | null>): string[] {
  return Object.entries(environment)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

export function hashOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/**
 * The hash stored on each container (`dev.berth.service-hash`) to tell whether it must be
 * recreated. Only what shapes one container counts: how many replicas run (`scale`,
 * `deploy.replicas`), the order of starts (`depends_on`), how the image is built (`build`: a
 * rebuilt image changes `image` or is asked for with `--build`), profiles and berth's readiness
 * rules (`x-berth`, checked from outside) are not container configuration — as in Compose's
 * ServiceHash. Otherwise `up --scale db=2` would recreate db-1 and lose what it holds.
 */
export function serviceConfigHash(service: ServiceSpec): string {
  const { scale: _scale, depends_on: _deps, build: _build, profiles: _profiles, extensions: _ext, ...config } = service;
  const deploy = service.deploy ? (({ replicas: _r, ...rest }) => rest)(service.deploy) : undefined;
  return hashOf({ ...config, deploy }).slice(0, 16);
}

function restartPolicy(restart: string | undefined): ContainerCreateRequest["restartPolicy"] {
  if (!restart || restart === "no") return undefined;
  const [name = "no", retries] = restart.split(":");
  return { name, maximumRetryCount: retries ? Number(retries) : undefined };
}

function mounts(project: string, spec: ProjectSpec, service: ServiceSpec): MountRequest[] {
  const files: MountRequest[] = fileRefMounts(spec, service).map((m) => ({ type: "bind", source: m.source, target: m.target, readOnly: true }));
  return [
    ...service.volumes
      .filter((v): v is typeof v & { type: "bind" | "volume" | "tmpfs" } => v.type === "bind" || v.type === "volume" || v.type === "tmpfs")
      .map((v) => {
        const source = v.type === "volume" && v.source ? volumeName(project, v.source, spec.volumes[v.source]?.name) : v.source;
        return { type: v.type, source, target: v.target, readOnly: v.read_only };
      }),
    ...files,
  ];
}

/** host / none / bridge mode: the container joins no project network. */
function ownNetworkMode(service: ServiceSpec): string | undefined {
  const mode = service.network_mode;
  return mode === "host" || mode === "none" || mode === "bridge" ? mode : undefined;
}

/** A one-shot job: a dependant waits for it to complete successfully, or its x-berth readiness is `completed`. */
export function isJob(spec: ProjectSpec, service: ServiceSpec): boolean {
  if (readyModes(spec)[service.name] === "completed") return true;
  const rule = readinessOf(service);
  return rule.declared && probesOf(rule.ready).some((p) => p.kind === "completed");
}

export interface RequestContext {
  project: string;
  spec: ProjectSpec;
  baseLabels: Labels;
  serviceHash: string;
}

/**
 * The create request for replica `number` of `service`. It joins its first network at creation;
 * further networks are connected after creation by the executor.
 */
export function containerRequest(ctx: RequestContext, service: ServiceSpec, number: number): ContainerCreateRequest {
  const { project, spec } = ctx;
  const networkMode = ownNetworkMode(service);
  const firstKey = serviceNetworkKeys(service)[0]!;
  const attach = service.networks[firstKey] ?? {};
  const bindings = toBindings(service.ports);
  const hc = service.healthcheck;
  const hasHealthcheck = declaresHealthcheck(service);
  return {
    name: service.container_name ?? containerName(project, service.name, number),
    image: service.image ?? `${project}-${service.name}`,
    labels: {
      ...service.labels,
      ...containerLabels(ctx.baseLabels, service.name, number, ctx.serviceHash, hasHealthcheck),
      [LABEL.dependsOn]: Object.keys(service.depends_on).sort().join(","),
      ...(isJob(spec, service) ? { [LABEL.job]: "true" } : {}),
    },
    env: environmentList(service.environment),
    cmd: service.command,
    entrypoint: service.entrypoint,
    workingDir: service.working_dir,
    user: service.user,
    hostname: service.hostname,
    exposedPorts: bindings.exposedPorts,
    portBindings: bindings.portBindings,
    mounts: mounts(project, spec, service),
    healthcheck:
      hc?.disable || hc?.test?.[0] === "NONE"
        ? { disable: true }
        : hc?.test
          ? { test: hc.test, intervalMs: hc.interval_ms, timeoutMs: hc.timeout_ms, startPeriodMs: hc.start_period_ms, retries: hc.retries }
          : undefined,
    restartPolicy: restartPolicy(effectiveRestart(service)),
    init: service.init,
    stopSignal: service.stop_signal,
    stopTimeoutSec: service.stop_grace_period_ms !== undefined ? Math.ceil(service.stop_grace_period_ms / 1000) : undefined,
    readOnly: service.read_only,
    tmpfs: service.tmpfs?.length
      ? Object.fromEntries(
          service.tmpfs.map((t) => {
            const [p = t, o = ""] = t.split(":");
            return [p, o];
          }),
        )
      : undefined,
    network: networkMode
      ? undefined
      : {
          name: networkName(project, firstKey, spec.networks[firstKey]?.name),
          aliases: [service.name, ...(attach.aliases ?? [])],
          links: linksOf(project, service),
          ipv4Address: attach.ipv4_address,
          ipv6Address: attach.ipv6_address,
        },
    networkMode,
    runtime: runtimeOptions(service),
  };
}

/**
 * `links: ["db:database"]`: this container reaches db's first replica also as "database". On a
 * user-defined network the engine resolves such per-endpoint links in its embedded DNS.
 */
function linksOf(project: string, service: ServiceSpec): string[] | undefined {
  if (!service.links?.length) return undefined;
  return service.links.map((l) => {
    const [target = l, alias = target] = l.split(":");
    return `${containerName(project, target, 1)}:${alias}`;
  });
}

/** Whether the service's own healthcheck runs (the `dev.berth.healthcheck` label of containers and swarm services). */
export function declaresHealthcheck(service: ServiceSpec): boolean {
  const hc = service.healthcheck;
  return hc !== undefined && !hc.disable && hc.test !== undefined && hc.test[0] !== "NONE";
}
