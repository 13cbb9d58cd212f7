/**
 * The engine operations berth's orchestration core uses (acquire, its plan steps, rollback,
 * release, readiness, name-conflict resolution, orphan reaping), and nothing more. The core takes
 * this instead of the concrete Engine so that its decisions can be unit-tested against an
 * in-memory runtime (test/unit/support/memory-runtime.ts). Engine implements it; its errors are
 * the Engine's BerthErrors (src/engine/errors.ts).
 */
import type { Engine } from "./engine.js";
import type { BuildRequest, PullOptions } from "./types.js";
import type {
  CallOptions,
  ContainerCreateRequest,
  ContainerDetails,
  ContainerReplacement,
  ContainerSummary,
  EngineEvent,
  ExecResult,
  HealthcheckConfig,
  LabelFilter,
  Labels,
  NetworkCreateRequest,
  NetworkSummary,
  VolumeSummary,
} from "./types.js";

export interface Runtime {
  /** Where the engine is, for error messages and the reaper. */
  readonly endpoint: string;
  /** What the engine said it is when berth connected (absent: not known, e.g. an in-memory runtime). */
  readonly info?: { readonly version: string };

  ping(options?: CallOptions): Promise<void>;
  systemInfo(options?: CallOptions): Promise<{ ncpu: number; memTotalBytes: number; name: string }>;

  // ---- images ----
  inspectImage(ref: string, options?: CallOptions): Promise<{ id: string; healthcheck?: HealthcheckConfig; labels: Labels } | null>;
  buildImage(req: BuildRequest, options?: CallOptions & { onLine?: (line: string) => void }): Promise<void>;

  /** Pulls `ref` from its registry; rejects with the engine's words when the pull fails. */
  pullImage(ref: string, options?: PullOptions): Promise<void>;

  // ---- networks ----
  createNetwork(req: NetworkCreateRequest, options?: CallOptions): Promise<string>;
  /** Absent is fine. */
  removeNetwork(id: string, options?: CallOptions): Promise<void>;
  listNetworks(labels: LabelFilter, options?: CallOptions): Promise<NetworkSummary[]>;
  /** null when there is none. */
  inspectNetwork(idOrName: string, options?: CallOptions): Promise<NetworkSummary | null>;
  connectNetwork(network: string, container: string, endpoint: { aliases: string[]; ipv4Address?: string }, options?: CallOptions): Promise<void>;
  disconnectNetwork(network: string, container: string, options?: CallOptions): Promise<void>;

  // ---- volumes ----
  listVolumes(labels: LabelFilter, options?: CallOptions): Promise<VolumeSummary[]>;
  createVolume(name: string, labels: Labels, options?: CallOptions & { driver?: string; driverOpts?: Record<string, string> }): Promise<void>;
  /** Absent is fine. */
  removeVolume(name: string, options?: CallOptions): Promise<void>;

  // ---- containers ----
  createContainer(req: ContainerCreateRequest, options?: CallOptions): Promise<string>;
  /** Already started is fine. */
  startContainer(id: string, options?: CallOptions): Promise<void>;
  /** Absent or already stopped is fine. */
  stopContainer(id: string, timeoutSec: number | undefined, options?: CallOptions): Promise<void>;
  renameContainer(id: string, name: string, options?: CallOptions): Promise<void>;
  /** Absent is fine; `volumes` also removes its anonymous volumes. */
  removeContainer(id: string, opts?: CallOptions & { force?: boolean; volumes?: boolean }): Promise<void>;
  inspectContainer(id: string, options?: CallOptions): Promise<ContainerDetails>;
  /**
   * Removes the container (killed, its volumes kept) and creates one of the same name from its own
   * configuration (image, command, env, labels, networks with their aliases, host settings) with
   * `changes` applied; not started. The new container's id.
   */
  replaceContainer(id: string, changes: ContainerReplacement, options?: CallOptions): Promise<string>;
  listContainers(labels: LabelFilter, options?: CallOptions): Promise<ContainerSummary[]>;
  exec(id: string, cmd: string[], opts?: CallOptions & { timeoutMs?: number; maxBytes?: number }): Promise<ExecResult>;
  execStream(
    id: string,
    cmd: string[],
    onOutput: (stream: "stdout" | "stderr", data: Buffer) => void,
    opts?: CallOptions & { env?: string[]; user?: string; workingDir?: string },
  ): Promise<number>;
  logs(id: string, opts?: CallOptions & { tail?: number | "all"; since?: number; timestamps?: boolean }): Promise<string>;
  /** What `path` is in the container (running or not): "directory", "other" (a file, a link…) or "missing". */
  pathKind(id: string, path: string, options?: CallOptions): Promise<"directory" | "other" | "missing">;
  /**
   * Copies `from.path` of one container (running or not) into the existing directory `to.dir` of
   * another, engine-side data only: owners, modes, times and links kept. `replace`: `to.dir` then
   * holds exactly that path's contents under its base name (what was there before is removed).
   */
  copyArchive(from: { container: string; path: string }, to: { container: string; dir: string }, options?: CallOptions & { replace?: boolean }): Promise<void>;

  // ---- events ----
  /** Whether the engine logged an "oom" event for the container at or after `sinceMs` (false when it cannot say). */
  oomEventSince(id: string, sinceMs: number, options?: CallOptions): Promise<boolean>;
  /** Resolves once the subscription stands; `onEnd`: the stream ended without being aborted (the engine went away). */
  subscribe(
    filter: { labels: LabelFilter; types?: string[] },
    onEvent: (e: EngineEvent) => void,
    options: { signal: AbortSignal; onEnd?: () => void },
  ): Promise<void>;
}

/**
 * The concrete Engine is a Runtime: checked here rather than with `implements Runtime` on the
 * class, which would name this internal interface in the published API docs (docs/api).
 */
type Conforms<T extends Runtime> = T;
export type EngineRuntime = Conforms<Engine>;
