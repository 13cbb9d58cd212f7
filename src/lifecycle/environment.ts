/**
 * An acquired environment: what a caller needs to reach its services, and the handle that
 * releases it.
 */
import type { EnvironmentRuntime } from "./environment-runtime.js";
import type { EnvironmentKind } from "../labels.js";
import { hostAddress, type PublishedPort } from "../ports/bindings.js";
import type { ServiceState } from "../health/state.js";
import { releaseProject, type ReleaseOptions, type ReleaseResult } from "./release.js";
import { connectionVariables, findPort, type ConnectionEnvOptions } from "./connection-env.js";
import { healthReport, readinessRecord, type HealthReport, type ReadinessRecord } from "./health-report.js";
import { readLogs, type FollowLogOptions, type LogLine, type LogOptions } from "./logs.js";
import { followLogLines } from "./log-stream.js";
import { copyFromContainer, copyToContainer, type CopyOptions } from "./copy.js";
import {
  execInService,
  pauseServices,
  restartServices,
  startServices,
  stopServices,
  unpauseServices,
  waitForServices,
  type ExecOptions,
  type SelectOptions,
  type ServiceOpOptions,
  type WaitOptions,
} from "./operations.js";
import { readEnvironment } from "./status.js";
import type { RestoreSnapshotOptions, SaveSnapshotOptions, SnapshotInfo } from "../snapshot/index.js";
import { restoreInto } from "../snapshot/restore.js";
import { saveFrom } from "../snapshot/save.js";

export interface ContainerView {
  id: string;
  name: string;
  number: number;
  state: ServiceState;
  ports: PublishedPort[];
  /** When the container entered its current state (ISO time), when the engine says. */
  since?: string;
  /** Times the engine restarted it (restart policy). */
  restarts?: number;
  /** The engine's start time of its current run (ISO), once started. */
  startedAt?: string;
  /** Exit code once it has exited; with `oomKilled` when the kernel killed it for memory. */
  exitCode?: number;
  oomKilled?: boolean;
  /** Created but never started (an `up` interrupted half-way): STOPPED, with no exit code. */
  notStarted?: boolean;
  /** CPU and memory from the engine's stats (running containers, when asked for). */
  usage?: ContainerUsage;
}

export interface ContainerUsage {
  /** Share of one CPU, as `docker stats` shows it (200 = two CPUs busy). */
  cpuPercent: number;
  memoryBytes: number;
  /** The container's memory limit, or the host's memory when it has none. */
  memoryLimitBytes: number;
}

export interface ServiceView {
  name: string;
  containers: ContainerView[];
}

export interface EnvironmentData {
  project: string;
  kind: EnvironmentKind;
  networks: string[];
  services: Record<string, ServiceView>;
  /**
   * Replicas the environment should have but does not (`status` of a detached environment, from the
   * record its last completed `up` left): a service with fewer containers, or none, is not healthy.
   */
  missing?: MissingReplicas[];
}

export interface MissingReplicas {
  service: string;
  expected: number;
  found: number;
}

export class Environment implements AsyncDisposable {
  readonly project: string;
  readonly kind: EnvironmentKind;
  readonly networks: string[];
  /** Re-read after restart/start: a restarted container may be given new host ports. */
  services: Record<string, ServiceView>;
  private released = false;
  /** Per container name: how berth last saw it become ready (acquire, restart, start, wait). */
  private readonly readiness: Map<string, ReadinessRecord>;

  constructor(
    data: EnvironmentData,
    /** The engine it lives on (an Engine from `connectEngine`). */
    private readonly engine: EnvironmentRuntime,
    /** How this handle releases: a shared environment drops its lease and goes only with its last user (null: it stays). */
    private readonly releaser?: (o: ReleaseOptions) => Promise<ReleaseResult | null>,
    /** What the acquire's readiness wait saw, per container name, for the health report. */
    readiness?: ReadonlyMap<string, ReadinessRecord>,
  ) {
    this.readiness = new Map(readiness);
    this.project = data.project;
    this.kind = data.kind;
    this.networks = data.networks;
    this.services = data.services;
  }

  private port(service: string, containerPort: number, replica = 1): PublishedPort {
    return findPort(this.toJSON(), service, containerPort, replica);
  }

  /** The host port the engine assigned to `service`'s container port. */
  hostPort(service: string, containerPort: number, replica = 1): number {
    return this.port(service, containerPort, replica).hostPort;
  }

  /** `host:port` to connect to from this machine. */
  address(service: string, containerPort: number, replica = 1): string {
    return hostAddress(this.port(service, containerPort, replica));
  }

  url(service: string, containerPort: number, scheme = "http", replica = 1): string {
    return `${scheme}://${this.address(service, containerPort, replica)}`;
  }

  /** The variables `berth run` injects: BERTH_PROJECT, <SERVICE>_HOST, <SERVICE>_PORT, <SERVICE>_PORT_<N>. */
  connectionVariables(options: ConnectionEnvOptions = {}): Record<string, string> {
    return connectionVariables(this.toJSON(), options);
  }

  /** Re-reads services, states and ports from the engine. */
  async refresh(options: { signal?: AbortSignal } = {}): Promise<this> {
    // The engine's states, HEALTHY early only where this handle's readiness waits saw it since the container's start.
    this.services = (await readEnvironment(this.engine, this.project, this.kind, options.signal, { proven: this.readiness })).services;
    return this;
  }

  /** Restarts the services (default: all) and waits until they are ready again; ports are re-read. */
  async restart(options: ServiceOpOptions = {}): Promise<void> {
    const seen = new Set<string>();
    this.forgetUnseen(await restartServices(this.engine, this.project, this.recording(options, seen)), seen);
    await this.refresh(options);
  }

  async stop(options: ServiceOpOptions = {}): Promise<void> {
    // A stopped container's last readiness is history, not its state: the report drops it.
    for (const name of await stopServices(this.engine, this.project, options)) this.readiness.delete(name);
    await this.refresh(options);
  }

  /**
   * Freezes the services (default: all), as `docker pause` does: their processes stop where they
   * are and open connections get no answer, as with a hung dependency (for tests of timeouts and
   * retries). Their state is PAUSED until `unpause`; `release()` removes them paused or not.
   */
  async pause(options: SelectOptions = {}): Promise<void> {
    await pauseServices(this.engine, this.project, options);
    await this.refresh(options);
  }

  /** Thaws paused services (default: all); their processes go on where they stopped. */
  async unpause(options: SelectOptions = {}): Promise<void> {
    await unpauseServices(this.engine, this.project, options);
    await this.refresh(options);
  }

  /** Starts stopped services and waits until they are ready; ports are re-read. */
  async start(options: ServiceOpOptions = {}): Promise<void> {
    const seen = new Set<string>();
    this.forgetUnseen(await startServices(this.engine, this.project, this.recording(options, seen)), seen);
    await this.refresh(options);
  }

  /** Waits until the services (default: all) are ready. */
  async wait(options: WaitOptions = {}): Promise<void> {
    await waitForServices(this.engine, this.project, this.recording(options));
  }

  /** The options with each readiness wait's result also kept for the health report (and its container in `seen`). */
  private recording<T extends WaitOptions>(options: T, seen?: Set<string>): T {
    return {
      ...options,
      onReady: (container, result) => {
        this.readiness.set(container, readinessRecord(result));
        seen?.add(container);
        options.onReady?.(container, result);
      },
    };
  }

  /**
   * Containers (re)started without a readiness wait (`wait: false`) run anew: the record of an
   * earlier run would describe a process that is gone, so the report shows none until a `wait()`.
   */
  private forgetUnseen(started: string[], seen: Set<string>): void {
    for (const name of started) if (!seen.has(name)) this.readiness.delete(name);
  }

  /**
   * Log lines of the services (default: all), merged in time order; with `{ follow: true }`, an
   * async iterable of lines as they come, until the containers stop, the signal aborts or the
   * loop breaks: `for await (const l of env.logs("db", { follow: true, signal })) …`.
   */
  logs(options?: LogOptions & { follow?: false }): Promise<LogLine[]>;
  logs(service: string | string[], options?: LogOptions & { follow?: false }): Promise<LogLine[]>;
  logs(options: FollowLogOptions): AsyncIterableIterator<LogLine>;
  logs(service: string | string[], options: FollowLogOptions): AsyncIterableIterator<LogLine>;
  logs(
    a?: string | string[] | (LogOptions & { follow?: boolean }),
    b?: LogOptions & { follow?: boolean },
  ): Promise<LogLine[]> | AsyncIterableIterator<LogLine> {
    const given = typeof a === "string" || Array.isArray(a) ? { ...b, services: typeof a === "string" ? [a] : a } : { ...a };
    const { follow, ...options } = given;
    return follow ? followLogLines(this.engine, this.project, options) : readLogs(this.engine, this.project, options);
  }

  /**
   * Copies a host file or directory, or a Buffer's bytes, into the service's container as
   * `containerPath` (its parent directory must exist); Testcontainers' copyFilesToContainer /
   * copyContentToContainer.
   */
  async copyTo(service: string, source: string | Buffer, containerPath: string, options: CopyOptions = {}): Promise<void> {
    await copyToContainer(this.engine, this.project, service, source, containerPath, options);
  }

  /** Copies the container's file or directory to `hostPath`, as `docker cp` does; Testcontainers' copyArchiveFromContainer. */
  async copyFrom(service: string, containerPath: string, hostPath: string, options: CopyOptions = {}): Promise<void> {
    await copyFromContainer(this.engine, this.project, service, containerPath, hostPath, options);
  }

  /** Runs a command in a service's container; output is collected (use the CLI's `exec` to stream). */
  async exec(service: string, cmd: string[], options: ExecOptions = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const exitCode = await execInService(this.engine, this.project, service, cmd, (s, d) => out[s].push(d), options);
    return { exitCode, stdout: Buffer.concat(out.stdout).toString("utf8"), stderr: Buffer.concat(out.stderr).toString("utf8") };
  }

  /**
   * Saves the contents of the environment's named and anonymous volumes (and the container paths
   * named in `options.paths`) as a snapshot on the engine (labelled volumes); the services holding
   * them are stopped meanwhile and waited for again.
   * Snapshots outlive `release()`/`down`: remove them with `removeSnapshot`.
   */
  async snapshot(name: string, options: SaveSnapshotOptions = {}): Promise<SnapshotInfo> {
    const info = await saveFrom(this.engine, this.project, name, this.recording(options));
    await this.refresh(options);
    return info;
  }

  /** Puts the snapshot's data back, exactly; the services holding it and their dependants are ready again when it resolves. */
  async restore(name: string, options: RestoreSnapshotOptions = {}): Promise<SnapshotInfo> {
    const info = await restoreInto(this.engine, this.project, name, this.recording(options));
    await this.refresh(options);
    return info;
  }

  /** The fast path between tests: the environment's data back to the snapshot `name` (see docs/snapshots.md for how it was chosen). */
  async reset(name: string, options: RestoreSnapshotOptions = {}): Promise<SnapshotInfo> {
    return this.restore(name, options);
  }

  async healthReport(options: { services?: string[]; signal?: AbortSignal } = {}): Promise<HealthReport> {
    return healthReport(this.engine, this.project, { ...options, readiness: this.readiness });
  }

  toJSON(): EnvironmentData {
    return { project: this.project, kind: this.kind, networks: this.networks, services: this.services };
  }

  /** Removes the environment; for a shared one, only when this was its last user (then null is returned otherwise). */
  async release(options: ReleaseOptions = {}): Promise<ReleaseResult | null> {
    this.released = true;
    if (this.releaser) return this.releaser(options);
    return releaseProject(this.engine, this.project, options);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.released) await this.release();
  }
}
