/**
 * The details each error code carries (`BerthError.details`), typed per code. Fields are optional
 * where some throws of that code leave them out. An acquire (and a swarm deploy) adds what it knows
 * to whatever failed inside it, whatever the code: `AcquireContext`.
 */
import type { EngineFailureKind } from "./engine/failure-kind.js";

/** What an acquire or a swarm deploy adds to a failure inside it. */
export interface AcquireContext {
  /** The service the failure is about. */
  service?: string;
  /** The plan step that failed. */
  step?: { kind: string; target: string; service?: string };
  /** Services that could not start because this one failed. */
  blockedDependants?: string[];
  /** The service's last log lines ("" when it wrote nothing). */
  logTail?: string;
  /** The engine stopped answering or lost state during the acquire. */
  engineTrouble?: boolean;
  /** What the rollback could not remove, when it could not remove everything. */
  rollbackError?: string;
}

/** A failed engine call, classified once in src/engine (errors.ts, failure-kind.ts). */
export interface EngineFailureDetails extends AcquireContext {
  /** The engine's HTTP status, when it answered. */
  status?: number;
  /** What the failure was. */
  engineFailure?: EngineFailureKind;
  /** The host port a `port-taken` answer names. */
  hostPort?: number;
}

/** A service that failed or did not become ready: its container's state and the probes berth ran. */
export interface ReadinessDetails extends AcquireContext {
  container?: string;
  /** The readiness rule, described. */
  probe?: string;
  /** The container's state (running, exited, …). */
  status?: string;
  exitCode?: number;
  oomKilled?: boolean;
  restartCount?: number;
  health?: string;
  /** The engine's healthcheck log, newest last. */
  healthLog?: { exitCode: number; output: string }[];
  /** The latest result of each probe berth ran. */
  probes?: { probe: string; ok: boolean; exitCode?: number; output: string }[];
  /** The newest probe run. */
  lastProbe?: { exitCode: number; output: string };
  /** Swarm: the service's tasks, described. */
  tasks?: string[];
  /** Swarm update: whether the swarm rolled the update back, and the images involved. */
  rolledBack?: boolean;
  image?: string;
  runningImage?: string;
  previousImage?: string;
  failedTasks?: string[];
}

/** Why a guard refused an acquire. */
export interface GuardDetails extends AcquireContext {
  guard?: "memory" | "containers" | "engine";
  /** Refused by the admission queue (guards/admission.ts). */
  admission?: boolean;
  cap?: number;
  inUse?: number;
  adding?: number;
  ahead?: number;
  position?: number;
  waitedMs?: number;
  memoryLeftBytes?: number;
  floorBytes?: number;
  availableBytes?: number;
  declaredBytes?: number;
}

/** The details of each code. */
export interface ErrorDetailsByCode {
  COMPOSE_NOT_FOUND: AcquireContext;
  COMPOSE_INVALID: AcquireContext & { services?: string[] };
  /** `tls`: the handshake with the engine failed, and why (src/engine/tls-errors.ts). */
  ENGINE_UNREACHABLE: EngineFailureDetails & {
    guard?: "engine";
    tls?: "unknown-ca" | "wrong-host" | "expired" | "client-cert-required" | "client-cert-rejected" | "not-tls" | "tls-expected";
  };
  ENGINE_ERROR: EngineFailureDetails;
  IMAGE_NOT_FOUND: EngineFailureDetails & { image?: string; images?: string[] };
  /**
   * A pull before anything was created failed: the image, its registry, what the registry's answer
   * means (`not-found`, `unauthorized`, `tls`, `unreachable`, `transient` after retries, `other`),
   * the services using it. Never any credential.
   */
  IMAGE_PULL_FAILED: EngineFailureDetails & {
    image?: string;
    registry?: string;
    failure?: "not-found" | "unauthorized" | "tls" | "unreachable" | "transient" | "other";
    services?: string[];
    platform?: string;
    /** The image is a base image of these services' builds (a FROM of their Dockerfile), pulled before the build. */
    base?: boolean;
  };
  CONFLICT: EngineFailureDetails & {
    /** The taken name, its holder's id, and the berth environment holding it (or `foreign`). */
    name?: string;
    holder?: string;
    project?: string;
    foreign?: boolean;
    /** Containers a changed configuration would recreate, with the data they hold. */
    held?: { target: string; service: string; mounts: string[] }[];
  };
  PORT_IN_USE: AcquireContext;
  HEALTH_TIMEOUT: ReadinessDetails;
  SERVICE_FAILED: ReadinessDetails;
  NOT_FOUND: EngineFailureDetails;
  LOCK_TIMEOUT: AcquireContext & {
    lock?: string;
    path?: string;
    holder?: { pid: number; started: number; host: string; command: string; since: string; token: string };
  };
  GUARD_REFUSED: GuardDetails;
  USAGE: AcquireContext & { services?: string[]; range?: string; needed?: number; size?: number };
  /** `signal`: the signal that interrupted the CLI (SIGINT or SIGTERM). */
  ABORTED: AcquireContext & { signal?: string };
  INTERNAL: AcquireContext;
}
