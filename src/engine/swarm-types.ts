/**
 * berth's own small view of a Docker Swarm (services, tasks, nodes, secrets, configs, overlay
 * networks). The Engine API's loose swarm types stay in src/engine/swarm.ts; everything above
 * works with these. Durations are milliseconds, sizes bytes, CPUs nano-CPUs.
 */
import type { HealthcheckConfig, Labels } from "./types.js";

export interface SwarmInfo {
  /** "inactive", "pending", "active", "error" or "locked". */
  state: string;
  nodeId: string;
  isManager: boolean;
  /** Managers and nodes the engine knows (0 when not a manager). */
  managers: number;
  nodes: number;
}

export interface SwarmNode {
  id: string;
  hostname: string;
  role: "manager" | "worker";
  /** "ready", "down", "disconnected" or "unknown". */
  state: string;
  availability: string;
  addr: string;
  leader: boolean;
  labels: Labels;
}

export interface SwarmPortStatus {
  target: number;
  published: number;
  protocol: string;
  mode: string;
}

export interface SwarmTask {
  id: string;
  serviceId: string;
  slot?: number;
  nodeId?: string;
  /** What the orchestrator wants: "running", "shutdown", "ready", ... */
  desiredState: string;
  /** Where the task is: "new" … "starting", "running", "complete", "failed", "rejected", "shutdown", "orphaned", "remove". */
  state: string;
  message: string;
  error?: string;
  containerId?: string;
  exitCode?: number;
  ports: SwarmPortStatus[];
  /** When the state last changed (ISO). */
  timestamp: string;
  image: string;
  createdAt: string;
}

export interface SwarmUpdateStatus {
  /** "updating", "paused", "completed", "rollback_started", "rollback_paused", "rollback_completed". */
  state: string;
  message: string;
  startedAt?: string;
  completedAt?: string;
}

export interface SwarmServiceSummary {
  id: string;
  name: string;
  labels: Labels;
  image: string;
  /** The image before the last update, when there was one. */
  previousImage?: string;
  mode: "replicated" | "global";
  replicas?: number;
  version: number;
  hasHealthcheck: boolean;
  endpointMode: string;
  update?: SwarmUpdateStatus;
  createdAt: string;
  updatedAt: string;
}

export interface SwarmObjectSummary {
  id: string;
  name: string;
  labels: Labels;
}

export interface SwarmUpdatePolicy {
  parallelism?: number;
  delayMs?: number;
  /** "pause", "continue" or "rollback" (rollback_config: "pause" or "continue"). */
  failureAction?: string;
  monitorMs?: number;
  maxFailureRatio?: number;
  /** "stop-first" or "start-first". */
  order?: string;
}

export interface SwarmFileRef {
  objectId: string;
  objectName: string;
  /** File name in the container: secrets under /run/secrets/, configs an absolute path. */
  fileName: string;
  uid: string;
  gid: string;
  mode: number;
}

export interface SwarmMount {
  type: "volume" | "tmpfs";
  /** Volume name; undefined: an anonymous volume. */
  source?: string;
  target: string;
  readOnly?: boolean;
  volumeLabels?: Labels;
  tmpfsSizeBytes?: number;
  tmpfsMode?: number;
}

/** A service as berth asks a swarm manager to create it: already decided, nothing left to default. */
export interface SwarmServiceRequest {
  name: string;
  labels: Labels;
  image: string;
  /** The container's labels (tasks' containers). */
  containerLabels: Labels;
  /** Compose's entrypoint (the API's ContainerSpec.Command). */
  entrypoint?: string[];
  /** Compose's command (the API's ContainerSpec.Args). */
  command?: string[];
  env: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  healthcheck?: HealthcheckConfig | { disable: true };
  init?: boolean;
  stopGracePeriodMs?: number;
  stopSignal?: string;
  readOnly?: boolean;
  tty?: boolean;
  openStdin?: boolean;
  extraHosts?: string[];
  dns?: { nameservers?: string[]; search?: string[]; options?: string[] };
  capAdd?: string[];
  capDrop?: string[];
  sysctls?: Record<string, string>;
  ulimits?: { name: string; soft: number; hard: number }[];
  mounts: SwarmMount[];
  secrets: SwarmFileRef[];
  configs: SwarmFileRef[];
  networks: { target: string; aliases: string[] }[];
  endpointMode: "dnsrr" | "vip";
  ports: { target: number; published?: number; protocol: string; mode: "host" | "ingress" }[];
  mode: "replicated" | "global";
  replicas: number;
  placement: { constraints?: string[]; spread?: string[]; maxReplicasPerNode?: number };
  resources: {
    limits?: { nanoCpus?: number; memoryBytes?: number; pids?: number };
    reservations?: { nanoCpus?: number; memoryBytes?: number };
  };
  restartPolicy?: { condition: "none" | "on-failure" | "any"; delayMs?: number; maxAttempts?: number; windowMs?: number };
  update?: SwarmUpdatePolicy;
  rollback?: SwarmUpdatePolicy;
  logDriver?: { name: string; options: Record<string, string> };
}

/** A change to an existing service: only what is given changes. */
export interface SwarmServiceChange {
  image?: string;
  replicas?: number;
  /** Replace every task even when nothing else changed (a restart). */
  forceRestart?: boolean;
  /** Replace the whole spec (a changed compose file); other fields apply on top. */
  spec?: SwarmServiceRequest;
}
