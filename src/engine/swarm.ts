/**
 * The swarm part of the Engine API boundary: services, tasks, nodes, secrets, configs and overlay
 * networks on a swarm manager. The API's loose JSON stays in this file; callers get the small
 * types of swarm-types.ts. Every call maps client errors to BerthError (engine/errors.ts).
 *
 * Calls go through the client's `modem.dial` with explicit query and body: the service update
 * endpoint needs `version` and `rollback` query parameters that dockerode's helpers do not pass.
 */
import type Docker from "dockerode";
import { BerthError } from "../errors.js";
import type { Engine } from "./engine.js";
import { statusOf, toBerthError } from "./errors.js";
import { demuxToText, FrameDecoder } from "./stream-frames.js";
import type {
  SwarmFileRef,
  SwarmInfo,
  SwarmMount,
  SwarmNode,
  SwarmObjectSummary,
  SwarmServiceChange,
  SwarmServiceRequest,
  SwarmServiceSummary,
  SwarmTask,
  SwarmUpdatePolicy,
} from "./swarm-types.js";
import type { Labels } from "./types.js";

const NS_PER_MS = 1_000_000;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the API's loose JSON, kept in this file

interface DialOptions {
  query?: Record<string, unknown>;
  body?: unknown;
  signal?: AbortSignal;
}

function labelFilter(labels: Record<string, string>): string[] {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * NS_PER_MS));

/** Drops undefined fields so the engine applies its own defaults. */
function compact<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function healthOf(h: SwarmServiceRequest["healthcheck"]): Json | undefined {
  if (!h) return undefined;
  if ("disable" in h) return { Test: ["NONE"] };
  return compact({ Test: h.test, Interval: ns(h.intervalMs), Timeout: ns(h.timeoutMs), StartPeriod: ns(h.startPeriodMs), Retries: h.retries });
}

function policyOf(p: SwarmUpdatePolicy | undefined): Json | undefined {
  if (!p) return undefined;
  return compact({
    Parallelism: p.parallelism,
    Delay: ns(p.delayMs),
    FailureAction: p.failureAction,
    Monitor: ns(p.monitorMs),
    MaxFailureRatio: p.maxFailureRatio,
    Order: p.order,
  });
}

function mountOf(m: SwarmMount): Json {
  return compact({
    Type: m.type,
    Source: m.source,
    Target: m.target,
    ReadOnly: m.readOnly,
    VolumeOptions: m.type === "volume" && m.volumeLabels ? { Labels: m.volumeLabels } : undefined,
    TmpfsOptions: m.type === "tmpfs" ? compact({ SizeBytes: m.tmpfsSizeBytes, Mode: m.tmpfsMode }) : undefined,
  });
}

function fileRefOf(kind: "Secret" | "Config", r: SwarmFileRef): Json {
  return { [`${kind}ID`]: r.objectId, [`${kind}Name`]: r.objectName, File: { Name: r.fileName, UID: r.uid, GID: r.gid, Mode: r.mode } };
}

/** berth's request in the Engine API's ServiceSpec form. */
export function serviceSpecOf(r: SwarmServiceRequest): Json {
  const container = compact({
    Image: r.image,
    Labels: r.containerLabels,
    Command: r.entrypoint,
    Args: r.command,
    Env: r.env,
    Dir: r.workingDir,
    User: r.user,
    Hostname: r.hostname,
    Healthcheck: healthOf(r.healthcheck),
    Init: r.init,
    StopGracePeriod: ns(r.stopGracePeriodMs),
    StopSignal: r.stopSignal,
    ReadOnly: r.readOnly,
    TTY: r.tty,
    OpenStdin: r.openStdin,
    Hosts: r.extraHosts?.map((h) => {
      const i = h.indexOf(":");
      return `${h.slice(i + 1)} ${h.slice(0, i)}`;
    }),
    DNSConfig: r.dns ? compact({ Nameservers: r.dns.nameservers, Search: r.dns.search, Options: r.dns.options }) : undefined,
    CapabilityAdd: r.capAdd,
    CapabilityDrop: r.capDrop,
    Sysctls: r.sysctls,
    Ulimits: r.ulimits?.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
    Mounts: r.mounts.map(mountOf),
    Secrets: r.secrets.map((s) => fileRefOf("Secret", s)),
    Configs: r.configs.map((c) => fileRefOf("Config", c)),
  });
  const limits = r.resources.limits;
  const reservations = r.resources.reservations;
  return compact({
    Name: r.name,
    Labels: r.labels,
    TaskTemplate: compact({
      ContainerSpec: container,
      Resources: compact({
        Limits: limits ? compact({ NanoCPUs: limits.nanoCpus, MemoryBytes: limits.memoryBytes, Pids: limits.pids }) : undefined,
        Reservations: reservations ? compact({ NanoCPUs: reservations.nanoCpus, MemoryBytes: reservations.memoryBytes }) : undefined,
      }),
      RestartPolicy: r.restartPolicy
        ? compact({
            Condition: r.restartPolicy.condition,
            Delay: ns(r.restartPolicy.delayMs),
            MaxAttempts: r.restartPolicy.maxAttempts,
            Window: ns(r.restartPolicy.windowMs),
          })
        : undefined,
      Placement: compact({
        Constraints: r.placement.constraints,
        Preferences: r.placement.spread?.map((s) => ({ Spread: { SpreadDescriptor: s } })),
        MaxReplicas: r.placement.maxReplicasPerNode,
      }),
      Networks: r.networks.map((n) => ({ Target: n.target, Aliases: n.aliases })),
      LogDriver: r.logDriver ? { Name: r.logDriver.name, Options: r.logDriver.options } : undefined,
    }),
    Mode: r.mode === "global" ? { Global: {} } : { Replicated: { Replicas: r.replicas } },
    UpdateConfig: policyOf(r.update),
    RollbackConfig: policyOf(r.rollback),
    EndpointSpec: {
      Mode: r.endpointMode,
      Ports: r.ports.map((p) => compact({ Protocol: p.protocol, TargetPort: p.target, PublishedPort: p.published, PublishMode: p.mode })),
    },
  });
}

function toService(s: Json): SwarmServiceSummary {
  const spec = s.Spec ?? {};
  const container = spec.TaskTemplate?.ContainerSpec ?? {};
  const health = container.Healthcheck?.Test as string[] | undefined;
  const update = s.UpdateStatus;
  return {
    id: s.ID,
    name: spec.Name,
    labels: spec.Labels ?? {},
    image: container.Image,
    previousImage: s.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image,
    mode: spec.Mode?.Global ? "global" : "replicated",
    replicas: spec.Mode?.Replicated?.Replicas,
    version: s.Version?.Index ?? 0,
    hasHealthcheck: !!health && health.length > 0 && health[0] !== "NONE",
    endpointMode: spec.EndpointSpec?.Mode ?? "vip",
    update: update ? { state: update.State ?? "", message: update.Message ?? "", startedAt: update.StartedAt, completedAt: update.CompletedAt } : undefined,
    createdAt: s.CreatedAt,
    updatedAt: s.UpdatedAt,
  };
}

function toTask(t: Json): SwarmTask {
  const status = t.Status ?? {};
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    slot: t.Slot,
    nodeId: t.NodeID || undefined,
    desiredState: t.DesiredState,
    state: status.State,
    message: status.Message ?? "",
    error: status.Err || undefined,
    containerId: status.ContainerStatus?.ContainerID || undefined,
    exitCode: status.ContainerStatus?.ExitCode,
    ports: (status.PortStatus?.Ports ?? []).map((p: Json) => ({
      target: p.TargetPort,
      published: p.PublishedPort,
      protocol: p.Protocol ?? "tcp",
      mode: p.PublishMode ?? "ingress",
    })),
    timestamp: status.Timestamp,
    image: t.Spec?.ContainerSpec?.Image ?? "",
    createdAt: t.CreatedAt,
  };
}

function toNode(n: Json): SwarmNode {
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID,
    role: n.Spec?.Role === "manager" ? "manager" : "worker",
    state: n.Status?.State ?? "unknown",
    availability: n.Spec?.Availability ?? "active",
    // A manager may report 0.0.0.0 as its address; its advertised address is the one to dial.
    addr: !n.Status?.Addr || n.Status.Addr === "0.0.0.0" ? String(n.ManagerStatus?.Addr ?? "").replace(/:\d+$/, "") : n.Status.Addr,
    leader: n.ManagerStatus?.Leader === true,
    labels: n.Spec?.Labels ?? {},
  };
}

/**
 * A swarm manager, reached through an Engine (connectEngine). One object per engine; it holds
 * no state of its own beyond the client.
 */
export class Swarm {
  private readonly docker: Docker;

  constructor(readonly engine: Engine) {
    this.docker = engine.client;
  }

  get endpoint(): string {
    return this.engine.endpoint;
  }

  private dial<T = Json>(action: string, method: "GET" | "POST" | "DELETE", path: string, o: DialOptions = {}): Promise<T> {
    const query = o.query ? compact(o.query as Json) : {};
    const options: Json = {};
    if (Object.keys(query).length) options._query = query;
    if (o.body !== undefined) options._body = o.body;
    if (o.signal) options.abortSignal = o.signal;
    const hasQuery = Object.keys(query).length > 0;
    return new Promise<T>((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: hasQuery ? `${path}?` : path,
          method,
          options: Object.keys(options).length ? options : undefined,
          abortSignal: o.signal,
          isStream: false,
          statusCodes: {
            200: true,
            201: true,
            204: true,
            304: true,
            400: "bad parameter",
            404: "not found",
            409: "conflict",
            500: "server error",
            503: "node is not part of a swarm",
          },
        },
        (err: unknown, data: unknown) => (err ? reject(toBerthError(err, action, this.endpoint)) : resolve(data as T)),
      );
    });
  }

  /** Whether the engine is in a swarm and is a manager; never throws for "not in a swarm". */
  async info(signal?: AbortSignal): Promise<SwarmInfo> {
    const info = await this.dial<Json>("read engine info", "GET", "/info", { signal });
    const s = info.Swarm ?? {};
    return {
      state: s.LocalNodeState ?? "inactive",
      nodeId: s.NodeID ?? "",
      isManager: s.ControlAvailable === true,
      managers: s.Managers ?? 0,
      nodes: s.Nodes ?? 0,
    };
  }

  async listNodes(signal?: AbortSignal): Promise<SwarmNode[]> {
    const nodes = await this.dial<Json[]>("list swarm nodes", "GET", "/nodes", { signal });
    return nodes.map(toNode).sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  // ---- services ----

  async listServices(labels: Record<string, string>, signal?: AbortSignal): Promise<SwarmServiceSummary[]> {
    const list = await this.dial<Json[]>("list swarm services", "GET", "/services", { query: { filters: { label: labelFilter(labels) } }, signal });
    return list.map(toService).sort((a, b) => a.name.localeCompare(b.name));
  }

  async inspectService(id: string, signal?: AbortSignal): Promise<SwarmServiceSummary | null> {
    try {
      return toService(await this.dial<Json>(`inspect service ${id}`, "GET", `/services/${encodeURIComponent(id)}`, { signal }));
    } catch (error) {
      if (error instanceof BerthError && error.code === "NOT_FOUND") return null;
      throw error;
    }
  }

  /** Creates a service; the manager does not look the image up in a registry (there is no registry call in the API). */
  async createService(req: SwarmServiceRequest, signal?: AbortSignal): Promise<string> {
    const r = await this.dial<Json>(`create service ${req.name}`, "POST", "/services/create", { body: serviceSpecOf(req), signal });
    return r.ID;
  }

  /** Applies a change on top of the service's current spec (or a whole new spec). */
  async updateService(id: string, change: SwarmServiceChange, signal?: AbortSignal): Promise<void> {
    const current = await this.dial<Json>(`inspect service ${id}`, "GET", `/services/${encodeURIComponent(id)}`, { signal });
    const spec: Json = change.spec ? serviceSpecOf(change.spec) : structuredClone(current.Spec);
    const template = (spec.TaskTemplate ??= {});
    if (change.image) (template.ContainerSpec ??= {}).Image = change.image;
    if (change.replicas !== undefined) {
      if (!spec.Mode?.Replicated) throw new BerthError("USAGE", `service ${spec.Name} runs in global mode (one task per node) and cannot be scaled`);
      spec.Mode.Replicated.Replicas = change.replicas;
    }
    // ForceUpdate must change for the manager to replace tasks whose spec did not change.
    template.ForceUpdate = (current.Spec?.TaskTemplate?.ForceUpdate ?? 0) + (change.forceRestart ? 1 : 0);
    await this.dial(`update service ${spec.Name}`, "POST", `/services/${encodeURIComponent(id)}/update`, {
      query: { version: current.Version.Index },
      body: spec,
      signal,
    });
  }

  /** Asks the manager to go back to the service's previous spec (as `docker service rollback`). */
  async rollbackService(id: string, signal?: AbortSignal): Promise<void> {
    const current = await this.dial<Json>(`inspect service ${id}`, "GET", `/services/${encodeURIComponent(id)}`, { signal });
    await this.dial(`roll back service ${current.Spec?.Name}`, "POST", `/services/${encodeURIComponent(id)}/update`, {
      query: { version: current.Version.Index, rollback: "previous" },
      body: current.Spec,
      signal,
    });
  }

  async removeService(id: string, signal?: AbortSignal): Promise<void> {
    await this.removeQuietly(`remove service ${id}`, `/services/${encodeURIComponent(id)}`, signal);
  }

  /** The service's output from every task (stdout and stderr interleaved), oldest first. */
  async serviceLogs(id: string, o: { tail?: number | "all"; sinceMs?: number; timestamps?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const buf = await this.dial<Buffer | string>(`read logs of service ${id}`, "GET", `/services/${encodeURIComponent(id)}/logs`, {
      query: {
        stdout: true,
        stderr: true,
        tail: String(o.tail ?? "all"),
        since: o.sinceMs ? Math.floor(o.sinceMs / 1000) : undefined,
        timestamps: o.timestamps ?? false,
        details: true,
      },
      signal: o.signal,
    });
    return demuxToText(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf ?? "")));
  }

  /**
   * Follows the service's output from every task until the signal aborts (or the service goes),
   * calling `onText` with decoded chunks (not necessarily whole lines).
   */
  async followServiceLogs(
    id: string,
    onText: (text: string) => void,
    o: { tail?: number | "all"; sinceMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    let stream: NodeJS.ReadableStream & { destroy(): void };
    try {
      // dockerode types `tail` as a number; the Engine API also takes "all" and dockerode passes it on.
      stream = (await this.docker.getService(id).logs({
        stdout: true,
        stderr: true,
        follow: true,
        timestamps: true,
        details: true,
        tail: o.tail ?? "all",
        since: o.sinceMs ? Math.floor(o.sinceMs / 1000) : 0,
        abortSignal: o.signal,
      } as Docker.ContainerLogsOptions)) as NodeJS.ReadableStream & { destroy(): void };
    } catch (error) {
      if (o.signal?.aborted) return;
      throw toBerthError(error, `follow logs of service ${id}`, this.endpoint);
    }
    const decoder = new FrameDecoder((_s, data) => onText(data.toString("utf8")));
    await new Promise<void>((resolve) => {
      const stop = () => {
        stream.destroy();
        resolve();
      };
      if (o.signal?.aborted) return stop();
      o.signal?.addEventListener("abort", stop, { once: true });
      stream.on("data", (c: Buffer) => decoder.push(c));
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", () => resolve());
    });
  }

  // ---- tasks ----

  /** Tasks of one or several services (by id or name). */
  async listTasks(filter: { service?: string | string[]; desiredState?: string }, signal?: AbortSignal): Promise<SwarmTask[]> {
    const filters: Record<string, string[]> = {};
    if (filter.service !== undefined) {
      filters.service = Array.isArray(filter.service) ? filter.service : [filter.service];
      if (filters.service.length === 0) return [];
    }
    if (filter.desiredState) filters["desired-state"] = [filter.desiredState];
    const list = await this.dial<Json[]>("list swarm tasks", "GET", "/tasks", { query: { filters }, signal });
    return list.map(toTask).sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || a.createdAt.localeCompare(b.createdAt));
  }

  // ---- overlay networks ----

  async createOverlayNetwork(req: { name: string; labels: Labels; internal?: boolean; subnet?: string }, signal?: AbortSignal): Promise<string> {
    const r = await this.dial<Json>(`create overlay network ${req.name}`, "POST", "/networks/create", {
      body: compact({
        Name: req.name,
        CheckDuplicate: true,
        Driver: "overlay",
        Attachable: true,
        Internal: req.internal ?? false,
        Labels: req.labels,
        IPAM: req.subnet ? { Driver: "default", Config: [{ Subnet: req.subnet }] } : undefined,
      }),
      signal,
    });
    return r.Id;
  }

  async listNetworks(labels: Record<string, string>, signal?: AbortSignal): Promise<SwarmObjectSummary[]> {
    const list = await this.dial<Json[]>("list networks", "GET", "/networks", { query: { filters: { label: labelFilter(labels) } }, signal });
    return list.filter((n) => n.Scope === "swarm").map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
  }

  async removeNetwork(id: string, signal?: AbortSignal): Promise<void> {
    await this.removeQuietly(`remove network ${id}`, `/networks/${encodeURIComponent(id)}`, signal);
  }

  // ---- secrets and configs ----

  async createSecret(name: string, data: Buffer, labels: Labels, signal?: AbortSignal): Promise<string> {
    const r = await this.dial<Json>(`create secret ${name}`, "POST", "/secrets/create", {
      body: { Name: name, Labels: labels, Data: data.toString("base64") },
      signal,
    });
    return r.ID;
  }

  async createConfig(name: string, data: Buffer, labels: Labels, signal?: AbortSignal): Promise<string> {
    const r = await this.dial<Json>(`create config ${name}`, "POST", "/configs/create", {
      body: { Name: name, Labels: labels, Data: data.toString("base64") },
      signal,
    });
    return r.ID;
  }

  async listSecrets(labels: Record<string, string>, signal?: AbortSignal): Promise<SwarmObjectSummary[]> {
    const list = await this.dial<Json[]>("list secrets", "GET", "/secrets", { query: { filters: { label: labelFilter(labels) } }, signal });
    return list.map((s) => ({ id: s.ID, name: s.Spec?.Name, labels: s.Spec?.Labels ?? {} }));
  }

  async listConfigs(labels: Record<string, string>, signal?: AbortSignal): Promise<SwarmObjectSummary[]> {
    const list = await this.dial<Json[]>("list configs", "GET", "/configs", { query: { filters: { label: labelFilter(labels) } }, signal });
    return list.map((s) => ({ id: s.ID, name: s.Spec?.Name, labels: s.Spec?.Labels ?? {} }));
  }

  async removeSecret(id: string, signal?: AbortSignal): Promise<void> {
    await this.removeQuietly(`remove secret ${id}`, `/secrets/${encodeURIComponent(id)}`, signal);
  }

  async removeConfig(id: string, signal?: AbortSignal): Promise<void> {
    await this.removeQuietly(`remove config ${id}`, `/configs/${encodeURIComponent(id)}`, signal);
  }

  /** DELETE that treats "already gone" as done. */
  private async removeQuietly(action: string, path: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.dial(action, "DELETE", path, { signal });
    } catch (error) {
      if (error instanceof BerthError && error.code === "NOT_FOUND") return;
      if (statusOf((error as BerthError).cause) === 404) return;
      throw error;
    }
  }
}
