/**
 * A compose service as a swarm service request: the model → the Engine API's service spec in
 * berth's terms. Pure; the project must have passed checkSwarmCompat first.
 *
 * Choices that differ from a single engine, and why:
 * - endpoint_mode dnsrr and host-mode published ports by default: VIPs and the ingress routing
 *   mesh need IPVS in every node's kernel; dnsrr needs nothing and the service name still
 *   resolves (to every task's address).
 * - update_config.failure_action defaults to rollback (the engine's default is pause): a rolling
 *   update whose new tasks never become healthy goes back by itself.
 */
import type { ProjectSpec, ServiceSpec } from "../compose/model.js";
import type { SwarmServiceRequest, SwarmUpdatePolicy } from "../engine/swarm-types.js";
import type { Labels } from "../engine/types.js";
import { LABEL } from "../labels.js";
import { environmentList, hashOf } from "../plan/container-request.js";
import { networkName } from "../plan/naming.js";
import { serviceNetworkKeys } from "../plan/reconcile.js";
import { swarmContainerLabels, swarmObjectName, swarmServiceLabels } from "./labels.js";

export interface SwarmRequestContext {
  project: string;
  spec: ProjectSpec;
  baseLabels: Labels;
  /** Secret/config key → the swarm object created for it. */
  secrets: Record<string, { id: string; name: string }>;
  configs: Record<string, { id: string; name: string }>;
  routingMesh?: boolean;
}

/** Compose's `restart:` / `deploy.restart_policy` as a swarm restart policy (default: the engine's, "any"). */
function restartPolicyOf(s: ServiceSpec): SwarmServiceRequest["restartPolicy"] {
  const rp = s.deploy?.restart_policy;
  if (rp) {
    const c = rp.condition === "none" || rp.condition === "on-failure" ? rp.condition : "any";
    return { condition: c, delayMs: rp.delay_ms, maxAttempts: rp.max_attempts, windowMs: rp.window_ms };
  }
  if (!s.restart) return undefined;
  const [name, attempts] = s.restart.split(":");
  if (name === "no") return { condition: "none" };
  if (name === "on-failure") return { condition: "on-failure", maxAttempts: attempts ? Number(attempts) : undefined };
  return { condition: "any" };
}

function policyOf(p: NonNullable<NonNullable<ServiceSpec["deploy"]>["update_config"]> | undefined, defaults: SwarmUpdatePolicy): SwarmUpdatePolicy {
  return {
    parallelism: p?.parallelism ?? defaults.parallelism,
    delayMs: p?.delay_ms ?? defaults.delayMs,
    failureAction: p?.failure_action ?? defaults.failureAction,
    monitorMs: p?.monitor_ms ?? defaults.monitorMs,
    maxFailureRatio: p?.max_failure_ratio ?? defaults.maxFailureRatio,
    order: p?.order ?? defaults.order,
  };
}

const UPDATE_DEFAULTS: SwarmUpdatePolicy = { parallelism: 1, failureAction: "rollback", monitorMs: 5000, order: "stop-first" };
const ROLLBACK_DEFAULTS: SwarmUpdatePolicy = { parallelism: 1, failureAction: "pause", monitorMs: 5000, order: "stop-first" };

function healthcheckOf(s: ServiceSpec): SwarmServiceRequest["healthcheck"] {
  const hc = s.healthcheck;
  if (!hc) return undefined;
  if (hc.disable || hc.test?.[0] === "NONE") return { disable: true };
  if (!hc.test) return undefined;
  return { test: hc.test, intervalMs: hc.interval_ms, timeoutMs: hc.timeout_ms, startPeriodMs: hc.start_period_ms, retries: hc.retries };
}

function mountsOf(ctx: SwarmRequestContext, s: ServiceSpec): SwarmServiceRequest["mounts"] {
  const out: SwarmServiceRequest["mounts"] = [];
  for (const v of s.volumes) {
    if (v.type === "tmpfs") out.push({ type: "tmpfs", target: v.target, readOnly: v.read_only, tmpfsSizeBytes: v.tmpfs?.size, tmpfsMode: v.tmpfs?.mode });
    else if (v.type === "volume") {
      // Only anonymous and external volumes get here (compat.ts refuses the rest).
      const external = v.source ? (ctx.spec.volumes[v.source]?.name ?? v.source) : undefined;
      out.push({ type: "volume", source: external, target: v.target, readOnly: v.read_only });
    }
  }
  for (const t of s.tmpfs ?? []) out.push({ type: "tmpfs", target: t.split(":")[0]! });
  return out;
}

function fileRefs(
  refs: ServiceSpec["secrets"],
  objects: Record<string, { id: string; name: string }>,
  defaultName: (key: string) => string,
): SwarmServiceRequest["secrets"] {
  return (refs ?? []).map((r) => ({
    objectId: objects[r.source]?.id ?? "",
    objectName: objects[r.source]?.name ?? r.source,
    fileName: r.target ?? defaultName(r.source),
    uid: r.uid ?? "0",
    gid: r.gid ?? "0",
    mode: r.mode ?? 0o444,
  }));
}

/** What `berth update -f` compares to find the services whose definition changed. */
export function swarmServiceHash(s: ServiceSpec): string {
  return hashOf(s).slice(0, 16);
}

export function swarmServiceName(project: string, service: string): string {
  return swarmObjectName(project, service);
}

export function swarmServiceRequest(ctx: SwarmRequestContext, s: ServiceSpec): SwarmServiceRequest {
  const { project, spec } = ctx;
  const limits = s.deploy?.resources?.limits;
  const reservations = s.deploy?.resources?.reservations;
  const cpus = limits?.cpus ?? s.cpus;
  const memory = limits?.memory ?? s.mem_limit;
  const placement = s.deploy?.placement;
  return {
    name: swarmServiceName(project, s.name),
    labels: { ...swarmServiceLabels(ctx.baseLabels, s), [LABEL.serviceHash]: swarmServiceHash(s) },
    containerLabels: swarmContainerLabels(project, s),
    image: s.image!,
    entrypoint: s.entrypoint,
    command: s.command,
    env: environmentList(s.environment),
    workingDir: s.working_dir,
    user: s.user,
    hostname: s.hostname,
    healthcheck: healthcheckOf(s),
    init: s.init,
    stopGracePeriodMs: s.stop_grace_period_ms,
    stopSignal: s.stop_signal,
    readOnly: s.read_only,
    tty: s.tty,
    openStdin: s.stdin_open,
    extraHosts: s.extra_hosts,
    dns: s.dns || s.dns_search || s.dns_opt ? { nameservers: s.dns, search: s.dns_search, options: s.dns_opt } : undefined,
    capAdd: s.cap_add,
    capDrop: s.cap_drop,
    sysctls: s.sysctls,
    ulimits: s.ulimits
      ? Object.entries(s.ulimits)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, u]) => ({ name, soft: u.soft, hard: u.hard }))
      : undefined,
    mounts: mountsOf(ctx, s),
    secrets: fileRefs(s.secrets, ctx.secrets, (key) => key),
    configs: fileRefs(s.configs, ctx.configs, (key) => `/${key}`),
    networks: serviceNetworkKeys(s).map((key) => ({
      target: networkName(project, key, spec.networks[key]?.name),
      aliases: [s.name, ...(s.networks[key]?.aliases ?? [])],
    })),
    endpointMode: ctx.routingMesh && s.deploy?.endpoint_mode === "vip" ? "vip" : "dnsrr",
    ports: s.ports.map((p) => ({
      target: p.target,
      published: p.published ? Number(p.published) : undefined,
      protocol: p.protocol,
      mode: ctx.routingMesh && p.mode === "ingress" ? "ingress" : "host",
    })),
    mode: s.deploy?.mode === "global" ? "global" : "replicated",
    replicas: s.scale,
    placement: {
      constraints: placement?.constraints,
      spread: placement?.preferences?.map((p) => p.spread).filter((x): x is string => !!x),
      maxReplicasPerNode: placement?.max_replicas_per_node,
    },
    resources: {
      limits:
        cpus !== undefined || memory !== undefined || (limits?.pids ?? s.pids_limit) !== undefined
          ? { nanoCpus: cpus !== undefined ? Math.round(cpus * 1e9) : undefined, memoryBytes: memory, pids: limits?.pids ?? s.pids_limit }
          : undefined,
      reservations:
        reservations?.cpus !== undefined || reservations?.memory !== undefined || s.mem_reservation !== undefined
          ? {
              nanoCpus: reservations?.cpus !== undefined ? Math.round(reservations.cpus * 1e9) : undefined,
              memoryBytes: reservations?.memory ?? s.mem_reservation,
            }
          : undefined,
    },
    restartPolicy: restartPolicyOf(s),
    update: policyOf(s.deploy?.update_config, UPDATE_DEFAULTS),
    rollback: policyOf(s.deploy?.rollback_config, ROLLBACK_DEFAULTS),
    logDriver: s.logging?.driver
      ? { name: s.logging.driver, options: Object.fromEntries(Object.entries(s.logging.options ?? {}).filter((e): e is [string, string] => e[1] !== null)) }
      : undefined,
  };
}
