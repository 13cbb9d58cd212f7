/**
 * An in-memory Runtime for unit tests of orchestration decisions: containers, networks and volumes
 * with labels and states, health, an event stream, and failures injected per operation. What it
 * throws is made by `engineFailure` below, the one place that shapes errors like the real Engine's.
 */
import type { Runtime } from "../../../src/engine/runtime.js";
import type { TarEntry } from "../../../src/engine/tar.js";
import type { PathStat } from "../../../src/engine/types.js";
import type { EnvironmentRuntime } from "../../../src/lifecycle/environment-runtime.js";
import { toBerthError } from "../../../src/engine/errors.js";
import type { BerthError } from "../../../src/errors.js";
import type {
  CallOptions,
  ContainerCreateRequest,
  ContainerDetails,
  ContainerReplacement,
  ContainerSummary,
  EngineEvent,
  ExecResult,
  HealthcheckConfig,
  HealthStatus,
  LabelFilter,
  Labels,
  NetworkCreateRequest,
  NetworkSummary,
  VolumeSummary,
} from "../../../src/engine/types.js";

/** The failures a test can inject; each is what the real Engine throws in that situation. */
export type FailureKind =
  | "name-conflict" // 409: the name is held by another container or network
  | "port-taken" // 500 at start: a published host port is bound already
  | "port-exhausted" // 500 at start: no port of the range is free
  | "engine-gone" // the socket refuses: ECONNREFUSED
  | "not-found" // 404
  | "pool-exhausted" // 500 at network create: no address pool left
  | "subnet-overlap" // 403 at network create: the subnet is taken
  | "engine-error"; // 500, anything else

/**
 * The BerthError the real Engine produces for `kind` while doing `action`: the client error
 * docker-modem would give, mapped by the Engine's own toBerthError. The one factory for injected
 * failures: when engine errors gain a typed kind, adapt it here.
 */
export function engineFailure(kind: FailureKind, action: string, endpoint: string, name = "x"): BerthError {
  const modem = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode, json: { message } });
  const raw = {
    "name-conflict": () =>
      modem(
        409,
        `Conflict. The container name "/${name}" is already in use by container "0123456789ab". You have to remove (or rename) that container to be able to reuse that name.`,
      ),
    "port-taken": () =>
      modem(500, `driver failed programming external connectivity on endpoint ${name}: Bind for 127.0.0.1:8080 failed: port is already allocated`),
    "port-exhausted": () => modem(500, `driver failed programming external connectivity on endpoint ${name}: all ports are allocated`),
    "engine-gone": () => Object.assign(new Error("connect ECONNREFUSED /var/run/docker.sock"), { code: "ECONNREFUSED" }),
    "not-found": () => modem(404, `No such container: ${name}`),
    "pool-exhausted": () => modem(500, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network"),
    "subnet-overlap": () => modem(403, "Pool overlaps with other one on this address space"),
    "engine-error": () => modem(500, "injected engine failure"),
  }[kind]();
  return toBerthError(raw, action, endpoint);
}

export type Operation = Exclude<keyof EnvironmentRuntime, "endpoint">;

interface Injection {
  op: Operation;
  /** The call (1-based, counted per operation) that fails first. */
  nth: number;
  /** How many calls from then on fail. */
  times: number;
  kind: FailureKind;
  seen: number;
}

export interface MemoryContainer {
  id: string;
  name: string;
  image: string;
  labels: Labels;
  status: "created" | "running" | "exited" | "removing";
  /** Frozen while running (`pauseContainer`): the engine then says "paused". */
  paused?: boolean;
  exitCode: number;
  health: HealthStatus;
  restartCount: number;
  startedAt?: string;
  finishedAt?: string;
  networks: string[];
  mounts: { type: string; name?: string; destination: string }[];
  portBindings: ContainerCreateRequest["portBindings"];
  /** Host ports it publishes while running ("5432/tcp" → ports): the fixed ones, else handed out at start. */
  hostPorts?: Record<string, number[]>;
  /** The request it was created with (absent for a seeded one): replaceContainer creates from it again. */
  request?: ContainerCreateRequest;
  healthcheck?: HealthcheckConfig;
  /** Exit code of every exec in it (probes, healthcheck commands); default 0. */
  execExit?: number;
}

export type MemoryNetwork = NetworkSummary;

/** What a container does when started (default: it runs; health "healthy" when it has a healthcheck). */
export type OnStart = (c: MemoryContainer, rt: MemoryRuntime) => void;

let serial = 0;
/** Host ports the memory engine hands out for bindings that leave the port to it. */
let nextHostPort = 40000;
const newId = () => (++serial).toString(16).padStart(12, "0").repeat(5).slice(0, 64);

export class MemoryRuntime implements Runtime, EnvironmentRuntime {
  readonly endpoint = "unix:///memory/docker.sock";
  /** The engine version a test pretends to talk to (absent: unknown). */
  info?: { version: string };
  readonly containers = new Map<string, MemoryContainer>();
  readonly networks = new Map<string, MemoryNetwork>();
  readonly volumes = new Map<string, VolumeSummary>();
  /** Every call, in order: operation and its first argument. */
  readonly calls: { op: Operation; arg: unknown }[] = [];
  private readonly injections: Injection[] = [];
  private readonly counts = new Map<Operation, number>();
  private readonly hooks = new Map<Operation, ((arg: unknown, n: number) => void | Promise<void>)[]>();
  private readonly subscribers = new Set<{
    labels: LabelFilter;
    types?: string[];
    onEvent: (e: EngineEvent) => void;
    onEnd?: () => void;
    signal: AbortSignal;
  }>();
  private isGone = false;
  /** Per container name: what starting it does. */
  readonly onStart = new Map<string, OnStart>();
  /** Images that are absent (inspectImage null, as prepare.ts checks them); every other image is present. */
  readonly absentImages = new Set<string>();

  // ---- test controls ----

  /** The `nth` call of `op` (and `times - 1` after it) fails with `kind`. */
  fail(op: Operation, kind: FailureKind, o: { nth?: number; times?: number } = {}): this {
    this.injections.push({ op, kind, nth: o.nth ?? 1, times: o.times ?? 1, seen: 0 });
    return this;
  }

  /** Runs `hook` before every call of `op` (after the engine-gone check), with its first argument and call number. */
  before(op: Operation, hook: (arg: unknown, n: number) => void | Promise<void>): this {
    this.hooks.set(op, [...(this.hooks.get(op) ?? []), hook]);
    return this;
  }

  /** The engine goes away from now on: every call is refused and event streams end. */
  goAway(): void {
    this.isGone = true;
    for (const s of this.subscribers) s.onEnd?.();
    this.subscribers.clear();
  }

  /** The engine answers again (after a restart): what it held is still there. */
  comeBack(): void {
    this.isGone = false;
  }

  /** Adds a container as if something else created it. */
  seedContainer(c: Partial<MemoryContainer> & { name: string }): MemoryContainer {
    const full: MemoryContainer = {
      id: newId(),
      image: "busybox",
      labels: {},
      status: "running",
      exitCode: 0,
      health: "none",
      restartCount: 0,
      networks: [],
      mounts: [],
      portBindings: {},
      ...c,
    };
    this.containers.set(full.id, full);
    return full;
  }

  seedNetwork(n: Partial<MemoryNetwork> & { name: string }): MemoryNetwork {
    const full: MemoryNetwork = { id: newId(), labels: {}, subnets: [], containers: [], ...n };
    this.networks.set(full.id, full);
    return full;
  }

  count(op: Operation): number {
    return this.counts.get(op) ?? 0;
  }

  /** Sets a container's state and emits the matching event (nothing once it is removed). */
  setState(id: string, change: Partial<Pick<MemoryContainer, "status" | "exitCode" | "health" | "restartCount">>, action?: string): void {
    const c = this.containers.get(id);
    if (!c) return;
    Object.assign(c, change);
    if (change.status && change.status !== "running") c.paused = false;
    if (change.status === "running") c.startedAt = new Date(Date.now() + c.restartCount).toISOString();
    if (change.status === "exited") c.finishedAt = new Date().toISOString();
    if (action) this.emit(c, action);
  }

  private emit(c: MemoryContainer, action: string): void {
    const e: EngineEvent = { type: "container", action, id: c.id, labels: c.labels, time: Date.now() };
    for (const s of this.subscribers) if (!s.signal.aborted && (!s.types || s.types.includes("container")) && matches(c.labels, s.labels)) s.onEvent(e);
  }

  /** A volume event as dockerd sends it: the volume's name as the id, its driver and no labels (so a label filter never matches it). */
  private emitVolume(name: string, action: "create" | "destroy"): void {
    const e: EngineEvent = { type: "volume", action, id: name, labels: { driver: "local" }, time: Date.now() };
    for (const s of this.subscribers) if (!s.signal.aborted && (!s.types || s.types.includes("volume")) && matches(e.labels, s.labels)) s.onEvent(e);
  }

  /** Every call goes through here: the engine-gone state, the abort signal, hooks and injected failures. */
  private async enter(op: Operation, action: string, arg: unknown, signal?: AbortSignal, name?: string): Promise<void> {
    const n = (this.counts.get(op) ?? 0) + 1;
    this.counts.set(op, n);
    this.calls.push({ op, arg });
    await Promise.resolve(); // an engine call is never synchronous
    if (this.isGone) throw engineFailure("engine-gone", action, this.endpoint, name);
    const aborted = () => toBerthError(Object.assign(new Error("aborted"), { name: "AbortError" }), action, this.endpoint);
    if (signal?.aborted) throw aborted();
    // A hook may hang (a request the engine never answers); the caller's signal still ends it, as
    // aborting a real request does.
    for (const hook of this.hooks.get(op) ?? []) await abortable(Promise.resolve(hook(arg, n)), signal, aborted);
    if (this.isGone) throw engineFailure("engine-gone", action, this.endpoint, name);
    const inj = this.injections.find((i) => i.op === op && n >= i.nth && i.seen < i.times);
    if (inj) {
      inj.seen++;
      throw engineFailure(inj.kind, action, this.endpoint, name);
    }
  }

  private container(idOrName: string): MemoryContainer | undefined {
    return this.containers.get(idOrName) ?? [...this.containers.values()].find((c) => c.name === idOrName || c.id.startsWith(idOrName));
  }

  private network(idOrName: string): MemoryNetwork | undefined {
    return this.networks.get(idOrName) ?? [...this.networks.values()].find((n) => n.name === idOrName);
  }

  // ---- Runtime ----

  async ping(o: CallOptions = {}): Promise<void> {
    await this.enter("ping", "ping the engine", undefined, o.signal);
  }

  async systemInfo(o: CallOptions = {}) {
    await this.enter("systemInfo", "read engine info", undefined, o.signal);
    return { ncpu: 4, memTotalBytes: 8 * 2 ** 30, name: "memory" };
  }

  async inspectImage(ref: string, o: CallOptions = {}) {
    await this.enter("inspectImage", `inspect image ${ref}`, ref, o.signal);
    return this.absentImages.has(ref) ? null : { id: `sha256:${ref}`, labels: {} };
  }

  async buildImage(req: { tag: string }, o: CallOptions = {}): Promise<void> {
    await this.enter("buildImage", `build image ${req.tag}`, req, o.signal);
    this.absentImages.delete(req.tag);
  }

  /** Pulls make an absent image present; `pullAnswers` (per image) makes a pull fail with the engine's words instead. */
  readonly pullAnswers = new Map<string, string[]>();

  async pullImage(ref: string, o: CallOptions & { platform?: string } = {}): Promise<void> {
    await this.enter("pullImage", `pull image ${ref}`, { ref, platform: o.platform }, o.signal);
    const answer = this.pullAnswers.get(ref)?.shift();
    if (answer) throw toBerthError(Object.assign(new Error(answer), { statusCode: 500, json: { message: answer } }), `pull image ${ref}`, this.endpoint);
    this.absentImages.delete(ref);
  }

  async createNetwork(req: NetworkCreateRequest, o: CallOptions = {}): Promise<string> {
    await this.enter("createNetwork", `create network ${req.name}`, req, o.signal, req.name);
    if (this.network(req.name))
      throw toBerthError(
        Object.assign(new Error(), { statusCode: 409, json: { message: `network with name ${req.name} already exists` } }),
        `create network ${req.name}`,
        this.endpoint,
      );
    return this.seedNetwork({ name: req.name, labels: req.labels, subnets: req.subnet ? [req.subnet] : [] }).id;
  }

  async removeNetwork(id: string, o: CallOptions = {}): Promise<void> {
    await this.enter("removeNetwork", `remove network ${id}`, id, o.signal);
    const n = this.network(id);
    if (!n) return;
    if (n.containers.length)
      throw toBerthError(
        Object.assign(new Error(), { statusCode: 403, json: { message: `error while removing network: network ${n.name} id ${n.id} has active endpoints` } }),
        `remove network ${id}`,
        this.endpoint,
      );
    this.networks.delete(n.id);
  }

  async listNetworks(labels: LabelFilter, o: CallOptions = {}): Promise<NetworkSummary[]> {
    await this.enter("listNetworks", "list networks", labels, o.signal);
    return [...this.networks.values()].filter((n) => matches(n.labels, labels)).map((n) => ({ ...n, containers: [...n.containers] }));
  }

  async inspectNetwork(idOrName: string, o: CallOptions = {}): Promise<NetworkSummary | null> {
    await this.enter("inspectNetwork", `inspect network ${idOrName}`, idOrName, o.signal);
    const n = this.network(idOrName);
    return n ? { ...n, containers: [...n.containers] } : null;
  }

  async connectNetwork(network: string, container: string, _endpoint: { aliases: string[] }, o: CallOptions = {}): Promise<void> {
    const action = `connect ${container.slice(0, 12)} to ${network}`;
    await this.enter("connectNetwork", action, network, o.signal);
    const n = this.network(network);
    const c = this.container(container);
    if (!n || !c)
      throw toBerthError(Object.assign(new Error(), { statusCode: 404, json: { message: `No such ${n ? "container" : "network"}` } }), action, this.endpoint);
    n.containers.push(c.id);
    c.networks.push(n.name);
  }

  async disconnectNetwork(network: string, container: string, o: CallOptions = {}): Promise<void> {
    await this.enter("disconnectNetwork", `disconnect ${container} from ${network}`, network, o.signal);
    const n = this.network(network);
    const c = this.container(container);
    if (n && c) {
      n.containers = n.containers.filter((id) => id !== c.id);
      c.networks = c.networks.filter((name) => name !== n.name);
    }
  }

  async listVolumes(labels: LabelFilter, o: CallOptions = {}): Promise<VolumeSummary[]> {
    await this.enter("listVolumes", "list volumes", labels, o.signal);
    return [...this.volumes.values()].filter((v) => matches(v.labels, labels));
  }

  async createVolume(name: string, labels: Labels, o: CallOptions = {}): Promise<void> {
    await this.enter("createVolume", `create volume ${name}`, name, o.signal, name);
    if (!this.volumes.has(name)) {
      this.volumes.set(name, { name, labels });
      this.emitVolume(name, "create");
    }
  }

  async removeVolume(name: string, o: CallOptions = {}): Promise<void> {
    const action = `remove volume ${name}`;
    await this.enter("removeVolume", action, name, o.signal);
    const user = [...this.containers.values()].find((c) => c.mounts.some((m) => m.name === name));
    if (user && this.volumes.has(name))
      throw toBerthError(
        Object.assign(new Error(), { statusCode: 409, json: { message: `remove ${name}: volume is in use - [${user.id}]` } }),
        action,
        this.endpoint,
      );
    if (this.volumes.delete(name)) this.emitVolume(name, "destroy");
  }

  async createContainer(req: ContainerCreateRequest, o: CallOptions = {}): Promise<string> {
    await this.enter("createContainer", `create container ${req.name}`, req, o.signal, req.name);
    if (this.container(req.name)?.name === req.name) throw engineFailure("name-conflict", `create container ${req.name}`, this.endpoint, req.name);
    const c = this.seedContainer({
      name: req.name,
      image: req.image,
      labels: req.labels,
      status: "created",
      mounts: req.mounts.filter((m) => m.type === "volume").map((m) => ({ type: "volume", name: m.source ?? newId(), destination: m.target })),
      portBindings: req.portBindings,
      request: req,
      healthcheck: req.healthcheck && !("disable" in req.healthcheck) ? req.healthcheck : undefined,
    });
    const first = req.network && this.network(req.network.name);
    if (first) {
      first.containers.push(c.id);
      c.networks.push(first.name);
    }
    this.emit(c, "create");
    return c.id;
  }

  async startContainer(id: string, o: CallOptions = {}): Promise<void> {
    const action = `start container ${id.slice(0, 12)}`;
    await this.enter("startContainer", action, id, o.signal, this.container(id)?.name);
    const c = this.container(id);
    if (!c) throw engineFailure("not-found", action, this.endpoint, id);
    if (c.status === "running") {
      // As the engine's start of a paused container: refused there, thawed by Engine.startContainer.
      if (c.paused) {
        c.paused = false;
        this.emit(c, "unpause");
      }
      return;
    }
    c.hostPorts = Object.fromEntries(Object.entries(c.portBindings).map(([k, bs]) => [k, bs.map((b) => (b.hostPort ? Number(b.hostPort) : nextHostPort++))]));
    this.setState(c.id, { status: "running" }, "start");
    (this.onStart.get(c.name) ?? (() => undefined))(c, this);
  }

  async stopContainer(id: string, _t: number | undefined, o: CallOptions = {}): Promise<void> {
    await this.enter("stopContainer", `stop container ${id.slice(0, 12)}`, id, o.signal);
    const c = this.container(id);
    if (c && c.status === "running") this.setState(c.id, { status: "exited", exitCode: 0 }, "die");
  }

  async pauseContainer(id: string, o: CallOptions = {}): Promise<boolean> {
    await this.enter("pauseContainer", `pause container ${id.slice(0, 12)}`, id, o.signal);
    const c = this.container(id);
    if (!c || c.status !== "running" || c.paused) return false;
    c.paused = true;
    this.emit(c, "pause");
    return true;
  }

  async unpauseContainer(id: string, o: CallOptions = {}): Promise<boolean> {
    await this.enter("unpauseContainer", `unpause container ${id.slice(0, 12)}`, id, o.signal);
    const c = this.container(id);
    if (!c?.paused) return false;
    c.paused = false;
    this.emit(c, "unpause");
    return true;
  }

  async renameContainer(id: string, name: string, o: CallOptions = {}): Promise<void> {
    const action = `rename container ${id.slice(0, 12)} to ${name}`;
    await this.enter("renameContainer", action, { id, name }, o.signal, name);
    const c = this.container(id);
    if (!c) throw engineFailure("not-found", action, this.endpoint, id);
    if ([...this.containers.values()].some((o) => o.name === name && o.id !== c.id)) throw engineFailure("name-conflict", action, this.endpoint, name);
    c.name = name;
  }

  /** A restart: stopped, then started as startContainer does (what starting it does runs again). */
  async restartContainer(id: string, _t: number | undefined, o: CallOptions = {}): Promise<void> {
    const action = `restart container ${id.slice(0, 12)}`;
    await this.enter("restartContainer", action, id, o.signal);
    const c = this.container(id);
    if (!c) throw engineFailure("not-found", action, this.endpoint, id);
    if (c.status === "running") this.setState(c.id, { status: "exited", exitCode: 0 }, "die");
    this.setState(c.id, { status: "running", restartCount: c.restartCount }, "start");
    (this.onStart.get(c.name) ?? (() => undefined))(c, this);
  }

  async removeContainer(id: string, o: CallOptions & { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    await this.enter("removeContainer", `remove container ${id.slice(0, 12)}`, id, o.signal);
    const c = this.container(id);
    if (!c) return;
    for (const n of this.networks.values()) n.containers = n.containers.filter((x) => x !== c.id);
    this.containers.delete(c.id);
    this.emit(c, "destroy");
  }

  /** Creates the container again from the request it was made with, `changes` applied (a seeded one: from its fields). */
  async replaceContainer(id: string, changes: ContainerReplacement, o: CallOptions = {}): Promise<string> {
    const action = `replace container ${id.slice(0, 12)}`;
    await this.enter("replaceContainer", action, { id, changes }, o.signal);
    const c = this.container(id);
    if (!c) throw engineFailure("not-found", action, this.endpoint, id);
    const req: ContainerCreateRequest = c.request ?? {
      name: c.name,
      image: c.image,
      labels: c.labels,
      env: [],
      exposedPorts: Object.keys(c.portBindings),
      portBindings: c.portBindings,
      mounts: c.mounts.map((m) => ({ type: "volume", source: m.name, target: m.destination })),
      ...(c.networks[0] ? { network: { name: c.networks[0], aliases: [] } } : {}),
      runtime: {},
    };
    const targets = new Set(Object.keys(changes.volumes));
    const mounts = [
      ...c.mounts.filter((m) => !targets.has(m.destination)).map((m) => ({ type: "volume" as const, source: m.name, target: m.destination })),
      ...Object.entries(changes.volumes).map(([target, source]) => ({ type: "volume" as const, source, target })),
    ];
    const portBindings = Object.fromEntries(
      Object.entries(req.portBindings).map(([k, bs]) => [
        k,
        bs.map((b, i) => {
          const given = changes.hostPorts?.[k];
          return { ...b, hostPort: given ? (given[i] ?? given[0] ?? "") : b.hostPort };
        }),
      ]),
    );
    const more = c.networks.slice(1);
    for (const n of this.networks.values()) n.containers = n.containers.filter((x) => x !== c.id);
    this.containers.delete(c.id);
    this.emit(c, "destroy");
    const created = this.seedContainer({
      name: req.name,
      image: req.image,
      labels: req.labels,
      status: "created",
      mounts: mounts.map((m) => ({ type: "volume", name: m.source ?? newId(), destination: m.target })),
      portBindings,
      request: { ...req, mounts, portBindings },
      healthcheck: c.healthcheck,
      ...(c.execExit !== undefined ? { execExit: c.execExit } : {}),
    });
    for (const name of [...(req.network ? [req.network.name] : []), ...more]) {
      const n = this.network(name);
      if (n && !n.containers.includes(created.id)) {
        n.containers.push(created.id);
        created.networks.push(n.name);
      }
    }
    this.emit(created, "create");
    return created.id;
  }

  async inspectContainer(id: string, o: CallOptions = {}): Promise<ContainerDetails> {
    const action = `inspect container ${id.slice(0, 12)}`;
    await this.enter("inspectContainer", action, id, o.signal);
    const c = this.container(id);
    if (!c) throw engineFailure("not-found", action, this.endpoint, id);
    return {
      id: c.id,
      name: c.name,
      image: c.image,
      labels: c.labels,
      created: new Date().toISOString(),
      state: {
        status: c.paused ? "paused" : c.status,
        running: c.status === "running",
        exitCode: c.exitCode,
        oomKilled: false,
        startedAt: c.startedAt,
        finishedAt: c.finishedAt,
        health: c.health,
        healthLog: [],
        restartCount: c.restartCount,
      },
      ports:
        c.status === "running"
          ? Object.fromEntries(Object.entries(c.hostPorts ?? {}).map(([k, ps]) => [k, ps.map((p) => ({ hostIp: "127.0.0.1", hostPort: p }))]))
          : {},
      healthcheck: c.healthcheck,
      networks: Object.fromEntries(c.networks.map((n) => [n, "10.0.0.2"])),
      mounts: c.mounts,
    };
  }

  async listContainers(labels: LabelFilter, o: CallOptions = {}): Promise<ContainerSummary[]> {
    await this.enter("listContainers", "list containers", labels, o.signal);
    return [...this.containers.values()]
      .filter((c) => matches(c.labels, labels))
      .map((c) => ({
        id: c.id,
        name: c.name,
        image: c.image,
        labels: c.labels,
        state: c.paused ? "paused" : c.status,
        status: c.paused ? "Up (Paused)" : c.status,
        created: 0,
        // As the engine lists them: only while running.
        ports:
          c.status === "running"
            ? Object.entries(c.hostPorts ?? {}).flatMap(([k, ps]) =>
                ps.map((p) => ({ containerPort: Number(k.split("/")[0]), protocol: k.split("/")[1] ?? "tcp", hostIp: "127.0.0.1", hostPort: p })),
              )
            : [],
        mounts: c.mounts,
        networks: [...c.networks].sort(),
      }));
  }

  /** Every exec: the container and the command. */
  readonly execs: { id: string; cmd: string[] }[] = [];

  async exec(id: string, cmd: string[], o: CallOptions = {}): Promise<ExecResult> {
    await this.enter("exec", `exec in ${id.slice(0, 12)}`, id, o.signal);
    this.execs.push({ id, cmd });
    return { exitCode: this.container(id)?.execExit ?? 0, output: "" };
  }

  async execStream(id: string, _cmd: string[], _onOutput: unknown, o: CallOptions = {}): Promise<number> {
    await this.enter("execStream", `exec in ${id.slice(0, 12)}`, id, o.signal);
    return this.container(id)?.execExit ?? 0;
  }

  async logs(id: string, o: CallOptions = {}): Promise<string> {
    await this.enter("logs", `read logs of ${id.slice(0, 12)}`, id, o.signal);
    return "";
  }

  /** No output: the follow ends at once, as it does for a container that has stopped. */
  async followLogs(id: string, _onLine: unknown, o: CallOptions = {}): Promise<void> {
    await this.enter("followLogs", `follow logs of ${id.slice(0, 12)}`, id, o.signal);
  }

  /** Files put into containers, per container id and path, for getArchive to give back. */
  readonly archives = new Map<string, TarEntry[]>();

  async putArchive(id: string, dir: string, entries: TarEntry[], o: CallOptions = {}): Promise<void> {
    await this.enter("putArchive", `copy into ${id.slice(0, 12)}`, id, o.signal);
    for (const e of entries) this.archives.set(`${id}:${dir}/${e.path}`, [e]);
  }

  async getArchive(id: string, path: string, o: CallOptions = {}): Promise<TarEntry[]> {
    const action = `copy from ${id.slice(0, 12)}`;
    await this.enter("getArchive", action, id, o.signal);
    const found = this.archives.get(`${id}:${path}`);
    if (!found) throw engineFailure("not-found", action, this.endpoint, path);
    return found;
  }

  /**
   * Files for pathKind and copyArchive: contents by location, `<container id>:<path>` in a
   * container's own filesystem, `volume <name>:<path>` in a volume (see `fileKey`). Directories
   * are implied by the files under them; owners and modes are not modelled.
   */
  readonly files = new Map<string, string>();

  /** Where `path` of container `id` is kept: in the volume mounted there (the deepest), else in the container's own filesystem. */
  fileKey(id: string, path: string): string {
    const c = this.container(id);
    const mount = c?.mounts
      .filter((m) => m.type === "volume" && m.name && (path === m.destination || path.startsWith(`${m.destination}/`)))
      .sort((a, b) => b.destination.length - a.destination.length)[0];
    return mount ? `volume ${mount.name}:${path.slice(mount.destination.length)}` : `${c?.id ?? id}:${path}`;
  }

  /** The files at or under a location, by their path relative to it ("" for the location itself). */
  private filesAt(key: string): [string, string][] {
    return [...this.files].filter(([k]) => k === key || k.startsWith(`${key}/`)).map(([k, v]) => [k.slice(key.length), v]);
  }

  async pathKind(id: string, path: string, o: CallOptions = {}): Promise<"directory" | "other" | "missing"> {
    await this.enter("pathKind", `look at ${id.slice(0, 12)}:${path}`, { id, path }, o.signal);
    const found = this.filesAt(this.fileKey(id, path));
    return found.length === 0 ? "missing" : found.some(([rel]) => rel === "") ? "other" : "directory";
  }

  /** Symlinks in containers, `<container id>:<path>` → the absolute target the engine would resolve. */
  readonly links = new Map<string, string>();

  async pathStat(id: string, path: string, o: CallOptions = {}): Promise<PathStat> {
    const link = this.links.get(`${id}:${path}`);
    if (link !== undefined) {
      await this.enter("pathStat", `look at ${id.slice(0, 12)}:${path}`, { id, path }, o.signal);
      return { kind: "symlink", linkTarget: link };
    }
    return { kind: await this.pathKind(id, path, o) };
  }

  async copyArchive(
    from: { container: string; path: string },
    to: { container: string; dir: string },
    o: CallOptions & { replace?: boolean } = {},
  ): Promise<void> {
    const action = `copy out of ${from.container.slice(0, 12)}:${from.path}`;
    await this.enter("copyArchive", action, { from, to, replace: o.replace }, o.signal);
    const found = this.filesAt(this.fileKey(from.container, from.path));
    if (found.length === 0) throw engineFailure("not-found", action, this.endpoint, from.path);
    const base = from.path.slice(from.path.lastIndexOf("/") + 1);
    const target = this.fileKey(to.container, `${to.dir === "/" ? "" : to.dir}/${base}`);
    if (o.replace) for (const [rel] of this.filesAt(target)) this.files.delete(target + rel);
    for (const [rel, data] of found) this.files.set(target + rel, data);
  }

  /** Containers for which the engine "logged" an OOM event (the flag dockerd may have missed). */
  readonly oomEvents = new Set<string>();

  oomEventSince(id: string): Promise<boolean> {
    return Promise.resolve(this.oomEvents.has(id));
  }

  async subscribe(
    filter: { labels: LabelFilter; types?: string[] },
    onEvent: (e: EngineEvent) => void,
    o: { signal: AbortSignal; onEnd?: () => void },
  ): Promise<void> {
    await this.enter("subscribe", "subscribe to events", filter, undefined);
    const sub = { labels: filter.labels, types: filter.types, onEvent, onEnd: o.onEnd, signal: o.signal };
    this.subscribers.add(sub);
    o.signal.addEventListener("abort", () => this.subscribers.delete(sub), { once: true });
  }
}

function matches(labels: Labels, filter: LabelFilter): boolean {
  return Object.entries(filter).every(([k, v]) => (v === true ? k in labels : labels[k] === v));
}

/** `p`, or a rejection with `error()` once `signal` aborts, whichever comes first. */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, error: () => Error): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(error());
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
