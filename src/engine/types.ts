/**
 * berth's own small view of the Docker engine. The Engine API client's loose types never leave
 * src/engine; everything above works with these.
 */

export type Labels = Record<string, string>;

export interface EngineInfo {
  version: string;
  apiVersion: string;
  /** The API version berth speaks with this engine after negotiation. */
  negotiatedApiVersion: string;
  os: string;
}

/** The engine's answer to /version (Engine.describe): what `berth version` shows. */
export interface EngineVersion {
  version: string;
  apiVersion: string;
  /** The oldest API version the engine still accepts (absent on engines that do not say). */
  minApiVersion?: string;
  os: string;
  arch: string;
  kernelVersion?: string;
}

export interface PortBinding {
  hostIp: string;
  hostPort: number;
}

/** Key: "<containerPort>/<protocol>", e.g. "5432/tcp". */
export type PublishedPorts = Record<string, PortBinding[]>;

export type HealthStatus = "none" | "starting" | "healthy" | "unhealthy";

export interface HealthcheckConfig {
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  startPeriodMs?: number;
  retries?: number;
}

export interface ContainerState {
  status: string; // created | running | paused | restarting | removing | exited | dead
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  startedAt?: string;
  finishedAt?: string;
  health: HealthStatus;
  healthLog: { exitCode: number; output: string; end: string }[];
  /** Consecutive failed checks, as the engine counts them (absent where the engine does not say). */
  failingStreak?: number;
  restartCount: number;
}

export interface ContainerDetails {
  id: string;
  name: string;
  image: string;
  labels: Labels;
  created: string;
  state: ContainerState;
  ports: PublishedPorts;
  healthcheck?: HealthcheckConfig;
  /** Network name → IP address. */
  networks: Record<string, string>;
  mounts: { type: string; name?: string; source?: string; destination: string }[];
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  labels: Labels;
  state: string;
  status: string;
  created: number;
  ports: { containerPort: number; protocol: string; hostIp?: string; hostPort?: number }[];
  mounts: { type: string; name?: string; destination?: string; readOnly?: boolean }[];
  /** Names of the networks the container is attached to. */
  networks: string[];
}

export interface NetworkSummary {
  id: string;
  name: string;
  labels: Labels;
  subnets: string[];
  containers: string[];
}

export interface VolumeSummary {
  name: string;
  labels: Labels;
}

export interface MountRequest {
  type: "bind" | "volume" | "tmpfs";
  source?: string;
  target: string;
  readOnly?: boolean;
}

/** Limits and runtime knobs of a container, in berth's terms (bytes, nano-CPUs). */
export interface RuntimeOptions {
  memoryBytes?: number;
  memoryReservationBytes?: number;
  memorySwapBytes?: number;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  pidsLimit?: number;
  shmSizeBytes?: number;
  oomKillDisable?: boolean;
  oomScoreAdj?: number;
  capAdd?: string[];
  capDrop?: string[];
  extraHosts?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  securityOpt?: string[];
  sysctls?: Record<string, string>;
  ulimits?: { name: string; soft: number; hard: number }[];
  logConfig?: { type: string; config: Record<string, string> };
  privileged?: boolean;
  groupAdd?: string[];
  devices?: { pathOnHost: string; pathInContainer: string; cgroupPermissions: string }[];
  tty?: boolean;
  openStdin?: boolean;
  /** Close the container's stdin when the (first) attached client closes its stdin: a one-off's input ends. */
  stdinOnce?: boolean;
  domainname?: string;
  macAddress?: string;
  ipcMode?: string;
  pidMode?: string;
  utsMode?: string;
  usernsMode?: string;
  cgroupParent?: string;
  runtime?: string;
}

/** What berth asks the engine to create: already decided, nothing left to default. */
export interface ContainerCreateRequest {
  name: string;
  image: string;
  labels: Labels;
  env: string[];
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  exposedPorts: string[];
  /**
   * "5432/tcp" → bindings; hostPort "" lets the engine pick a free port. `defaultAddress`: the compose
   * file named no host IP (hostIp is then 127.0.0.1, which a remote engine replaces, see reach.ts).
   */
  portBindings: Record<string, { hostIp: string; hostPort: string; defaultAddress?: boolean }[]>;
  mounts: MountRequest[];
  healthcheck?: HealthcheckConfig | { disable: true };
  restartPolicy?: { name: string; maximumRetryCount?: number };
  init?: boolean;
  stopSignal?: string;
  stopTimeoutSec?: number;
  readOnly?: boolean;
  tmpfs?: Record<string, string>;
  /** The first network to join; absent with networkMode host/none. */
  network?: { name: string; aliases: string[]; links?: string[]; ipv4Address?: string; ipv6Address?: string };
  networkMode?: string;
  /**
   * No network set-up at all (the engine's NetworkDisabled): the container still gets a namespace
   * of its own with loopback only, but dockerd skips its network sandbox and the prestart hook that
   * re-executes dockerd, ~90 ms of CPU per container start here. For berth's copy helpers.
   */
  networkDisabled?: boolean;
  runtime: RuntimeOptions;
}

/** What changes when a container is created again from its own configuration (replaceContainer). */
export interface ContainerReplacement {
  /** Container path → the volume mounted there, in place of what is mounted there now (or of the image's anonymous volume). */
  volumes: Record<string, string>;
  /**
   * "5432/tcp" → the host port of each of its bindings, by position, in place of the configured one
   * ("" lets the engine choose; a binding past the list gets the list's first); ports not named
   * keep their configuration.
   */
  hostPorts?: Record<string, string[]>;
}

export interface NetworkCreateRequest {
  name: string;
  labels: Labels;
  internal?: boolean;
  driver?: string;
  subnet?: string;
  gateway?: string;
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

export interface EngineEvent {
  type: string; // container | network | volume | ...
  action: string; // start | die | health_status: healthy | oom | destroy ...
  id: string;
  labels: Labels;
  time: number; // ms since epoch
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Label filters in the Engine API's form: ["key=value", "key"]. Here, not in wire.ts, so that the
 * public declarations never reach a file that imports dockerode's types.
 */
export type LabelFilter = Record<string, string | true>;

/** dockerode's `authconfig`: what the engine forwards to the registry. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

/** One line of the engine's pull progress. */
export interface PullProgressLine {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
}

export interface PullOptions extends CallOptions {
  platform?: string;
  auth?: RegistryAuth;
  onProgress?: (line: PullProgressLine) => void;
}

/** An image build through the engine (POST /build): the context folder, and what `build:` says. */
export interface BuildRequest {
  context: string;
  dockerfile?: string;
  tag: string;
  /** More names for the same image (`build.tags`). */
  extraTags?: string[];
  args?: Record<string, string>;
  target?: string;
  labels?: Labels;
  noCache?: boolean;
  /** Pull the base image even when the engine has one (`build.pull: true`). */
  pull?: boolean;
}

/** What a path is in a container; a symlink is not followed, and names its target. */
export type PathStat =
  | { kind: "directory" | "other" | "missing" }
  /** `linkTarget`: as the engine resolves it, an absolute path in the container. */
  | { kind: "symlink"; linkTarget: string };
