import { setTimeout as delay } from "node:timers/promises";
import type { Readable, Writable } from "node:stream";
import type Docker from "dockerode";
import { BerthError } from "../errors.js";
import { engineMessage, toBerthError, statusOf } from "./errors.js";
import { classifyEngineFailure } from "./failure-kind.js";
import { missingImageHint } from "./image-hint.js";
import { call, type EngineAccess } from "./access.js";
import * as archive from "./archive.js";
import * as attach from "./attach.js";
import * as build from "./build.js";
import * as pull from "./pull.js";
import type { TarEntry } from "./tar.js";
import { Semaphore } from "./semaphore.js";
import * as streams from "./streams.js";
import { replacementBody } from "./replace.js";
import { hostConfigOf, labelFilters, NS_PER_MS, toHealthcheck } from "./wire.js";
import { boundHostIp, reportedHostIp, type EngineReach } from "./reach.js";
import type { EngineChoice } from "./discovery.js";
import type {
  BuildRequest,
  CallOptions,
  ContainerCreateRequest,
  ContainerDetails,
  ContainerReplacement,
  ContainerSummary,
  EngineEvent,
  EngineInfo,
  EngineVersion,
  ExecResult,
  HealthcheckConfig,
  LabelFilter,
  Labels,
  NetworkCreateRequest,
  NetworkSummary,
  PathStat,
  PullOptions,
  VolumeSummary,
} from "./types.js";

/** Options of a dockerode call whose typings lack the `abortSignal` that docker-modem honours. */
type Signalled<T> = T & { abortSignal?: AbortSignal };

/** How often a wait for another remover's removal asks whether the container is gone (waitGone). */
const GONE_POLL_MS = 250;

export type { LabelFilter } from "./types.js";

/**
 * The Docker Engine API client berth's core uses (through the Runtime interface, runtime.ts).
 * Construct it through `connectEngine`, which negotiates the API version. Every method maps client
 * errors to BerthError (with a classified engineFailure kind) and takes a signal. Other modules of
 * src/engine (swarm.ts, streams.ts, build.ts, the diagnostics and server queries) reach the same
 * dockerode client through EngineAccess; nothing outside src/engine does.
 */
export class Engine {
  /** Bounded concurrency for calls that create, start or remove things. */
  private readonly mutations = new Semaphore(8);
  /** What the modules this class delegates to (streams, build) need of it. */
  private readonly access: EngineAccess;

  /**
   * Only connectEngine constructs it. Internal (stripped from the published declarations) because
   * its parameter is dockerode's client, whose types berth's users should not need.
   * @internal
   */
  constructor(
    private readonly docker: Docker,
    readonly info: EngineInfo,
    /** Where the engine is, for error messages. */
    readonly endpoint: string,
    /** Where clients reach its published ports and where defaulted ports bind (reach.ts); how it was chosen. */
    readonly placement: { reach?: EngineReach; choice?: EngineChoice } = {},
  ) {
    this.access = { docker, endpoint };
  }

  /** Where clients reach this engine's published ports (reported in every port this class reads back). */
  get reach(): EngineReach {
    return this.placement.reach ?? {};
  }

  /**
   * The dockerode client, for the other modules of src/engine (swarm, diagnostics and server
   * queries) so they share this connection. Its loose types must not leave src/engine.
   * @internal
   */
  get client(): Docker {
    return this.docker;
  }

  private call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    return call(this.access, action, fn);
  }

  async ping(options: CallOptions = {}): Promise<void> {
    // The published typings lag dockerode 5, whose ping/version accept an abort signal.
    const docker = this.docker as unknown as { ping(o: object): Promise<unknown> };
    await this.call("ping the engine", () => docker.ping({ abortSignal: options.signal }));
  }

  /**
   * The engine's /version: its architecture, kernel and oldest API among the rest. `info` has what
   * the connection learned from /_ping; this asks for the whole answer (`berth version`).
   */
  async describe(options: CallOptions = {}): Promise<EngineVersion> {
    return this.call("read the engine's version", async () => {
      // The published typings lag dockerode 5, whose version() accepts an abort signal.
      const docker = this.docker as unknown as { version(o: object): Promise<Docker.DockerVersion & { MinAPIVersion?: string }> };
      const v = await docker.version({ abortSignal: options.signal });
      return { version: v.Version, apiVersion: v.ApiVersion, minApiVersion: v.MinAPIVersion, os: v.Os, arch: v.Arch, kernelVersion: v.KernelVersion };
    });
  }

  /** CPUs and memory of the engine's host. */
  async systemInfo(options: CallOptions = {}): Promise<{ ncpu: number; memTotalBytes: number; name: string }> {
    return this.call("read engine info", async () => {
      // The published typings lag dockerode 5, whose info() accepts an abort signal.
      const docker = this.docker as unknown as { info(o: object): Promise<{ NCPU: number; MemTotal: number; Name: string }> };
      const info = await docker.info({ abortSignal: options.signal });
      return { ncpu: info.NCPU, memTotalBytes: info.MemTotal, name: info.Name };
    });
  }

  // ---- images ----

  /** The image's healthcheck, or null when the image is not present locally. */
  async inspectImage(ref: string, options: CallOptions = {}): Promise<{ id: string; healthcheck?: HealthcheckConfig; labels: Labels } | null> {
    try {
      // dockerode's typings omit `abortSignal` on some calls; docker-modem honours it on every call.
      const img = await this.docker.getImage(ref).inspect({ abortSignal: options.signal } as Signalled<Docker.ImageInspectOptions>);
      return { id: img.Id, healthcheck: toHealthcheck(img.Config?.Healthcheck), labels: img.Config?.Labels ?? {} };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw toBerthError(error, `inspect image ${ref}`, this.endpoint);
    }
  }

  /**
   * Builds an image from a local context directory (honouring its .dockerignore) with the classic
   * builder through the Engine API. Calls `onLine` with the build's output; fails with the
   * builder's own error text.
   */
  buildImage(req: BuildRequest, options: CallOptions & { onLine?: (line: string) => void } = {}): Promise<void> {
    return build.buildImage(this.access, req, options);
  }

  /** Pulls an image from its registry (pull.ts): credentials, platform and progress as `options` say. */
  pullImage(ref: string, options: PullOptions = {}): Promise<void> {
    return pull.pullImage(this.access, ref, options);
  }

  // ---- networks ----

  async createNetwork(req: NetworkCreateRequest, options: CallOptions = {}): Promise<string> {
    return this.call(`create network ${req.name}`, async () => {
      const net = await this.mutations.run(() =>
        this.docker.createNetwork({
          Name: req.name,
          CheckDuplicate: true,
          Driver: req.driver ?? "bridge",
          Internal: req.internal ?? false,
          Labels: req.labels,
          IPAM: req.subnet ? { Driver: "default", Config: [{ Subnet: req.subnet, ...(req.gateway ? { Gateway: req.gateway } : {}) }] } : undefined,
          abortSignal: options.signal,
        }),
      );
      return net.id;
    });
  }

  async removeNetwork(id: string, options: CallOptions = {}): Promise<void> {
    try {
      await this.mutations.run(() => this.docker.getNetwork(id).remove({ abortSignal: options.signal }));
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw toBerthError(error, `remove network ${id}`, this.endpoint);
    }
  }

  async listNetworks(labels: LabelFilter, options: CallOptions = {}): Promise<NetworkSummary[]> {
    return this.call("list networks", async () => {
      const nets = await this.docker.listNetworks({ filters: { label: labelFilters(labels) }, abortSignal: options.signal });
      return nets.map((n) => ({
        id: n.Id,
        name: n.Name,
        labels: n.Labels ?? {},
        subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => !!s),
        containers: Object.keys(n.Containers ?? {}),
      }));
    });
  }

  /** One network by id or name, or null when there is none. */
  async inspectNetwork(idOrName: string, options: CallOptions = {}): Promise<NetworkSummary | null> {
    try {
      // The typings' inspect(options) overload returns void; at runtime it resolves the network.
      const network = this.docker.getNetwork(idOrName) as unknown as { inspect(o: object): Promise<Docker.NetworkInspectInfo> };
      const n = await network.inspect({ abortSignal: options.signal });
      return {
        id: n.Id,
        name: n.Name,
        labels: n.Labels ?? {},
        subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => !!s),
        containers: Object.keys(n.Containers ?? {}),
      };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw toBerthError(error, `inspect network ${idOrName}`, this.endpoint);
    }
  }

  async disconnectNetwork(network: string, container: string, options: CallOptions = {}): Promise<void> {
    await this.call(`disconnect ${container} from ${network}`, () =>
      this.docker.getNetwork(network).disconnect({ Container: container, Force: true, abortSignal: options.signal }),
    );
  }

  async connectNetwork(network: string, container: string, endpoint: { aliases: string[]; ipv4Address?: string }, options: CallOptions = {}): Promise<void> {
    await this.call(`connect ${container.slice(0, 12)} to ${network}`, () =>
      this.docker.getNetwork(network).connect({
        Container: container,
        EndpointConfig: { Aliases: endpoint.aliases, ...(endpoint.ipv4Address ? { IPAMConfig: { IPv4Address: endpoint.ipv4Address } } : {}) },
        abortSignal: options.signal,
      } as Signalled<Docker.NetworkConnectOptions>),
    );
  }

  // ---- volumes ----

  async listVolumes(labels: LabelFilter, options: CallOptions = {}): Promise<VolumeSummary[]> {
    return this.call("list volumes", async () => {
      const res = await this.docker.listVolumes({ filters: { label: labelFilters(labels) }, abortSignal: options.signal });
      return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
    });
  }

  async createVolume(name: string, labels: Labels, options: CallOptions & { driver?: string; driverOpts?: Record<string, string> } = {}): Promise<void> {
    await this.call(`create volume ${name}`, () =>
      this.docker.createVolume({
        Name: name,
        Labels: labels,
        Driver: options.driver ?? "local",
        DriverOpts: options.driverOpts ?? {},
        abortSignal: options.signal,
      }),
    );
  }

  async removeVolume(name: string, options: CallOptions = {}): Promise<void> {
    try {
      await this.docker.getVolume(name).remove({ abortSignal: options.signal });
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw toBerthError(error, `remove volume ${name}`, this.endpoint);
    }
  }

  // ---- containers ----

  async createContainer(req: ContainerCreateRequest, options: CallOptions = {}): Promise<string> {
    const hc = req.healthcheck;
    const body: Docker.ContainerCreateOptions = {
      name: req.name,
      Image: req.image,
      Labels: req.labels,
      Env: req.env,
      Cmd: req.cmd,
      Entrypoint: req.entrypoint,
      WorkingDir: req.workingDir,
      User: req.user,
      Hostname: req.hostname,
      StopSignal: req.stopSignal,
      StopTimeout: req.stopTimeoutSec,
      ExposedPorts: Object.fromEntries(req.exposedPorts.map((p) => [p, {}])),
      Healthcheck:
        hc === undefined
          ? undefined
          : "disable" in hc
            ? { Test: ["NONE"] }
            : {
                Test: hc.test,
                Interval: hc.intervalMs !== undefined ? hc.intervalMs * NS_PER_MS : undefined,
                Timeout: hc.timeoutMs !== undefined ? hc.timeoutMs * NS_PER_MS : undefined,
                StartPeriod: hc.startPeriodMs !== undefined ? hc.startPeriodMs * NS_PER_MS : undefined,
                Retries: hc.retries,
              },
      Tty: req.runtime.tty,
      OpenStdin: req.runtime.openStdin,
      StdinOnce: req.runtime.stdinOnce,
      Domainname: req.runtime.domainname,
      MacAddress: req.runtime.macAddress,
      ...(req.networkDisabled ? { NetworkDisabled: true } : {}),
      HostConfig: {
        PortBindings: Object.fromEntries(
          Object.entries(req.portBindings).map(([k, bs]) => [k, bs.map((b) => ({ HostIp: boundHostIp(b, this.reach), HostPort: b.hostPort }))]),
        ),
        Mounts: req.mounts.map((m) => ({ Type: m.type, Source: m.source ?? "", Target: m.target, ReadOnly: m.readOnly ?? false })),
        RestartPolicy: req.restartPolicy ? { Name: req.restartPolicy.name, MaximumRetryCount: req.restartPolicy.maximumRetryCount } : undefined,
        Init: req.init,
        ReadonlyRootfs: req.readOnly,
        Tmpfs: req.tmpfs,
        NetworkMode: req.networkMode ?? req.network?.name,
        ...hostConfigOf(req.runtime),
      },
      NetworkingConfig: req.network
        ? {
            EndpointsConfig: {
              [req.network.name]: {
                Aliases: req.network.aliases,
                Links: req.network.links,
                ...(req.network.ipv4Address || req.network.ipv6Address
                  ? { IPAMConfig: { IPv4Address: req.network.ipv4Address, IPv6Address: req.network.ipv6Address } }
                  : {}),
              },
            },
          }
        : undefined,
      abortSignal: options.signal,
    };
    try {
      const c = await this.mutations.run(() => this.docker.createContainer(body));
      return c.id;
    } catch (error) {
      const status = statusOf(error);
      if (classifyEngineFailure(status, engineMessage(error)) === "image-missing") {
        throw new BerthError("IMAGE_NOT_FOUND", `image ${req.image} is not present on the engine`, {
          hint: missingImageHint([req.image]),
          cause: error,
          details: { image: req.image, status, engineFailure: "image-missing" },
        });
      }
      throw toBerthError(error, `create container ${req.name}`, this.endpoint);
    }
  }

  /**
   * Starts run concurrently, also those that publish ports (the engine's port allocator hands out
   * ephemeral ports under its own lock); a start that meets "port is already allocated" is retried
   * by its caller (lifecycle/start.ts).
   */
  async startContainer(
    id: string,
    options: CallOptions & {
      /** @deprecated Ignored since starts that publish ports no longer wait for each other; kept so callers compile. */
      publishesPorts?: boolean;
    } = {},
  ): Promise<void> {
    await this.call(`start container ${id.slice(0, 12)}`, async () => {
      try {
        await this.mutations.run(() => this.docker.getContainer(id).start({ abortSignal: options.signal }));
      } catch (error) {
        if (statusOf(error) === 304) return; // already started
        // Paused (`berth pause`): running, but frozen. Starting it means thawing it, which the engine leaves to unpause.
        if (statusOf(error) === 409 && /paused container/i.test(engineMessage(error))) {
          await this.docker.getContainer(id).unpause({ abortSignal: options.signal });
          return;
        }
        throw error;
      }
    });
  }

  /** Without `timeoutSec` the engine waits the container's own StopTimeout (compose's stop_grace_period, default 10 s). */
  async stopContainer(id: string, timeoutSec: number | undefined, options: CallOptions = {}): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ ...(timeoutSec === undefined ? {} : { t: timeoutSec }), abortSignal: options.signal });
    } catch (error) {
      const status = statusOf(error);
      if (status === 304 || status === 404) return;
      throw toBerthError(error, `stop container ${id.slice(0, 12)}`, this.endpoint);
    }
  }

  /** Freezes a running container's processes (`docker pause`); false when it was not running, or already paused. */
  async pauseContainer(id: string, options: CallOptions = {}): Promise<boolean> {
    return this.pausing(id, "pause", options);
  }

  /** Thaws a paused container (`docker unpause`); false when it was not paused. */
  async unpauseContainer(id: string, options: CallOptions = {}): Promise<boolean> {
    return this.pausing(id, "unpause", options);
  }

  private async pausing(id: string, action: "pause" | "unpause", options: CallOptions): Promise<boolean> {
    try {
      await this.docker.getContainer(id)[action]({ abortSignal: options.signal });
      return true;
    } catch (error) {
      // 409: not running, already paused, or not paused: nothing to do, as another caller got there first.
      if (statusOf(error) === 409) return false;
      throw toBerthError(error, `${action} container ${id.slice(0, 12)}`, this.endpoint);
    }
  }

  async renameContainer(id: string, name: string, options: CallOptions = {}): Promise<void> {
    await this.call(`rename container ${id.slice(0, 12)} to ${name}`, () => this.docker.getContainer(id).rename({ name, abortSignal: options.signal }));
  }

  /** Without `timeoutSec` the stop waits the container's own StopTimeout, as in stopContainer. */
  async restartContainer(id: string, timeoutSec: number | undefined, options: CallOptions = {}): Promise<void> {
    await this.call(`restart container ${id.slice(0, 12)}`, () =>
      this.docker.getContainer(id).restart({ ...(timeoutSec === undefined ? {} : { t: timeoutSec }), abortSignal: options.signal }),
    );
  }

  /** Removes a container; `volumes` also removes its anonymous volumes. Absent is fine. */
  async removeContainer(id: string, opts: CallOptions & { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    try {
      await this.mutations.run(() => this.docker.getContainer(id).remove({ force: opts.force ?? true, v: opts.volumes ?? true, abortSignal: opts.signal }));
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      // 409 "removal already in progress": another remover got there first; wait for it.
      if (status === 409 && /already in progress/i.test(String((error as { json?: { message?: string } }).json?.message))) {
        await this.waitGone(id, opts.signal);
        return;
      }
      throw toBerthError(error, `remove container ${id.slice(0, 12)}`, this.endpoint);
    }
  }

  /**
   * Until a container that another remover is removing is gone. dockerd's wait for `removed` can
   * miss a removal that ends as the wait is registered and then never answers (dockerd 20.10: a
   * reaper waited on one for good, its owner's environment long gone), so an inspect every
   * GONE_POLL_MS ends the wait as well once the engine no longer knows the container.
   */
  private async waitGone(id: string, signal?: AbortSignal): Promise<void> {
    const settled = new AbortController();
    const either = signal ? AbortSignal.any([signal, settled.signal]) : settled.signal;
    const container = this.docker.getContainer(id);
    const action = `wait for removal of ${id.slice(0, 12)}`;
    const waited = container.wait({ condition: "removed", abortSignal: either } as Signalled<object>).then(
      () => undefined,
      (error: unknown) => {
        if (statusOf(error) === 404 || (settled.signal.aborted && !signal?.aborted)) return;
        throw toBerthError(error, action, this.endpoint);
      },
    );
    const polled = (async () => {
      while (!either.aborted) {
        await delay(GONE_POLL_MS, undefined, { signal: either }).catch(() => undefined);
        if (either.aborted) break;
        try {
          await container.inspect({ abortSignal: either } as Signalled<Docker.ContainerInspectOptions>);
        } catch (error) {
          if (statusOf(error) === 404) return;
        }
      }
      if (signal?.aborted) throw new BerthError("ABORTED", `${action}: cancelled`, { cause: signal.reason });
    })();
    // The first to end decides; the other's late outcome must not become an unhandled rejection.
    waited.catch(() => undefined);
    polled.catch(() => undefined);
    try {
      await Promise.race([waited, polled]);
    } finally {
      settled.abort();
    }
  }

  async inspectContainer(id: string, options: CallOptions = {}): Promise<ContainerDetails> {
    return this.call(`inspect container ${id.slice(0, 12)}`, async () => {
      const c = await this.docker.getContainer(id).inspect({ abortSignal: options.signal });
      const health = c.State.Health;
      return {
        id: c.Id,
        name: c.Name.replace(/^\//, ""),
        image: c.Config.Image,
        labels: c.Config.Labels ?? {},
        created: c.Created,
        state: {
          status: c.State.Status,
          running: c.State.Running,
          exitCode: c.State.ExitCode,
          oomKilled: c.State.OOMKilled,
          startedAt: c.State.StartedAt,
          finishedAt: c.State.FinishedAt,
          health: (health?.Status as ContainerDetails["state"]["health"]) ?? "none",
          healthLog: (health?.Log ?? []).map((l) => ({ exitCode: l.ExitCode, output: l.Output, end: l.End })),
          ...(health ? { failingStreak: health.FailingStreak } : {}),
          restartCount: c.RestartCount ?? 0,
        },
        ports: Object.fromEntries(
          Object.entries(c.NetworkSettings.Ports ?? {}).map(([k, bs]) => [
            k,
            (bs ?? []).map((b) => ({ hostIp: reportedHostIp(b.HostIp, this.reach), hostPort: Number(b.HostPort) })),
          ]),
        ),
        healthcheck: toHealthcheck(c.Config.Healthcheck),
        networks: Object.fromEntries(Object.entries(c.NetworkSettings.Networks ?? {}).map(([n, v]) => [n, v.IPAddress])),
        mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type, name: m.Name, source: m.Source, destination: m.Destination })),
      };
    });
  }

  /**
   * See Runtime.replaceContainer: the inspect's own Config and HostConfig become the create body
   * (replace.ts), so that nothing it was created with is lost; networks beyond the first are joined
   * before it returns. Nothing is started. (Public because the Engine must satisfy Runtime in the
   * published types, which stripInternal would otherwise break.)
   */
  async replaceContainer(id: string, changes: ContainerReplacement, options: CallOptions = {}): Promise<string> {
    const c = await this.call(`inspect container ${id.slice(0, 12)}`, () => this.docker.getContainer(id).inspect({ abortSignal: options.signal }));
    const { body, more } = replacementBody(c, changes);
    await this.removeContainer(id, { force: true, volumes: false, signal: options.signal });
    const created = await this.call(`create container ${body.name ?? id}`, () =>
      this.mutations.run(() => this.docker.createContainer({ ...body, abortSignal: options.signal })),
    );
    for (const n of more) await this.connectNetwork(n.network, created.id, { aliases: n.aliases, ipv4Address: n.ipv4Address }, options);
    return created.id;
  }

  async listContainers(labels: LabelFilter, options: CallOptions = {}): Promise<ContainerSummary[]> {
    return this.call("list containers", async () => {
      const list = await this.docker.listContainers({ all: true, filters: { label: labelFilters(labels) }, abortSignal: options.signal });
      return list.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? "").replace(/^\//, ""),
        image: c.Image,
        labels: c.Labels ?? {},
        state: c.State,
        status: c.Status,
        created: c.Created,
        ports: (c.Ports ?? []).map((p) => ({
          containerPort: p.PrivatePort,
          protocol: p.Type,
          hostIp: p.IP === undefined ? p.IP : reportedHostIp(p.IP, this.reach),
          hostPort: p.PublicPort,
        })),
        mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type, name: m.Name, destination: m.Destination, readOnly: m.RW === false })),
        networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort(),
      }));
    });
  }

  /** Runs a command in a running container and collects its output (bounded to `maxBytes`). */
  exec(id: string, cmd: string[], opts: CallOptions & { timeoutMs?: number; maxBytes?: number } = {}): Promise<ExecResult> {
    return streams.exec(this.access, id, cmd, opts);
  }

  /**
   * Runs a command in a running container, streaming its output as it comes (for `berth exec`),
   * and resolves with its exit code. Unlike `exec`, nothing is buffered or truncated.
   */
  execStream(
    id: string,
    cmd: string[],
    onOutput: (stream: "stdout" | "stderr", data: Buffer) => void,
    opts: CallOptions & { env?: string[]; user?: string; workingDir?: string } = {},
  ): Promise<number> {
    return streams.execStream(this.access, id, cmd, onOutput, opts);
  }

  /**
   * Runs a command in a running container with the caller's stdin and, with `io.tty`, a
   * pseudo-terminal (`berth exec`); resolves with its exit code.
   * @internal
   */
  execAttached(id: string, cmd: string[], io: attach.AttachIo, opts: attach.ExecAttachOptions = {}): Promise<number> {
    return attach.execAttached(this.access, id, cmd, io, opts);
  }

  /**
   * Attaches to a created container, starts it and resolves with its exit code once it stopped
   * (`berth run SERVICE`). It is not removed here.
   * @internal
   */
  runAttached(id: string, io: attach.AttachIo, options: CallOptions = {}): Promise<number> {
    return attach.runAttached(this.access, id, io, options);
  }

  /** The last `tail` lines of a container's output (stdout and stderr interleaved). */
  logs(id: string, opts: CallOptions & { tail?: number | "all"; since?: number; timestamps?: boolean } = {}): Promise<string> {
    return streams.logs(this.access, id, opts);
  }

  /** Follows a container's output until the signal aborts or the container stops. */
  followLogs(
    id: string,
    onLine: (stream: "stdout" | "stderr", text: string) => void,
    opts: CallOptions & { tail?: number | "all"; since?: number; timestamps?: boolean } = {},
  ): Promise<void> {
    return streams.followLogs(this.access, id, onLine, opts);
  }

  /**
   * Subscribes to the engine's event stream, filtered by labels (and types), calling `onEvent`
   * for each event until the signal aborts. Resolves once the subscription is established so
   * that no event after the call can be missed. `onEnd`: the stream ended without being aborted
   * (the engine stopped or restarted).
   */
  subscribe(
    filter: { labels: LabelFilter; types?: string[] },
    onEvent: (e: EngineEvent) => void,
    options: { signal: AbortSignal; onEnd?: () => void },
  ): Promise<void> {
    return streams.subscribe(this.access, filter, onEvent, options);
  }

  /** Whether the engine logged an "oom" event for the container since `sinceMs` (streams.oomEventSince says why this is asked). */
  oomEventSince(id: string, sinceMs: number, options: CallOptions = {}): Promise<boolean> {
    return streams.oomEventSince(this.access, id, sinceMs, options);
  }

  /** Extracts `entries` into the container's existing directory `dir` (PUT /containers/{id}/archive). */
  putArchive(id: string, dir: string, entries: TarEntry[], options: CallOptions = {}): Promise<void> {
    return archive.putArchive(this.access, id, dir, entries, options);
  }

  /** A container's file or directory as tar entries (GET /containers/{id}/archive). */
  getArchive(id: string, path: string, options: CallOptions = {}): Promise<TarEntry[]> {
    return archive.getArchive(this.access, id, path, options);
  }

  /** `path` of the container as the engine's tar stream, written to `sink` (left open) as it comes. */
  exportArchive(id: string, path: string, sink: Writable, options: CallOptions = {}): Promise<void> {
    return archive.exportArchive(this.access, id, path, sink, options);
  }

  /** Extracts the tar stream `source` into the container's existing directory `dir`. */
  importArchive(id: string, dir: string, source: Readable, options: CallOptions = {}): Promise<void> {
    return archive.importArchive(this.access, id, dir, source, options);
  }

  /** What `path` is in the container, a symlink not followed but named with its target (HEAD /containers/{id}/archive). */
  pathStat(id: string, path: string, options: CallOptions = {}): Promise<PathStat> {
    return archive.pathStat(this.access, id, path, options);
  }

  /** What `path` is in the container: "directory", "other" or "missing" (HEAD /containers/{id}/archive). */
  pathKind(id: string, path: string, options: CallOptions = {}): Promise<"directory" | "other" | "missing"> {
    return archive.pathKind(this.access, id, path, options);
  }

  /**
   * Copies `from.path` of one container (running or not) into the existing directory `to.dir` of
   * another as the engine's own tar, streamed through this process (owners, modes, times and links
   * kept). `replace`: `to.dir` then holds exactly that path's contents under its base name.
   */
  copyArchive(
    from: { container: string; path: string },
    to: { container: string; dir: string },
    options: CallOptions & { replace?: boolean } = {},
  ): Promise<void> {
    return archive.copyArchive(this.access, from, to, options);
  }

  /** One sample of a container's CPU and memory use, as `docker stats` shows them. */
  stats(id: string, options: CallOptions = {}): Promise<{ cpuPercent: number; memoryBytes: number; memoryLimitBytes: number }> {
    return streams.stats(this.access, id, options);
  }
}
