/**
 * The states berth reports for a container, derived from what the engine says. Pure.
 */
import type { ContainerState } from "../engine/types.js";

export type ServiceState = "STARTING" | "HEALTHY" | "UNHEALTHY" | "STOPPED" | "COMPLETED" | "FAILED";

/**
 * `oneShot`: the service is a job whose success is exiting 0 (COMPLETED/FAILED instead of STOPPED).
 * A running container without a healthcheck counts as HEALTHY: running is all it can promise.
 */
export function stateOf(s: ContainerState, oneShot = false): ServiceState {
  if (s.status === "created" || s.status === "restarting") return "STARTING";
  if (!s.running) {
    if (oneShot && s.status === "exited") return s.exitCode === 0 ? "COMPLETED" : "FAILED";
    return "STOPPED";
  }
  if (s.health === "healthy" || s.health === "none") return "HEALTHY";
  if (s.health === "unhealthy") return "UNHEALTHY";
  return "STARTING";
}

/** The command a healthcheck `test` runs, as exec arguments; null for NONE or empty. */
export function healthcheckCommand(test: string[] | undefined): string[] | null {
  if (!test || test.length === 0) return null;
  const [kind, ...rest] = test;
  if (kind === "NONE") return null;
  if (kind === "CMD") return rest.length ? rest : null;
  if (kind === "CMD-SHELL") return rest.length ? ["/bin/sh", "-c", rest.join(" ")] : null;
  // A bare string list (the model keeps it as given): treat like CMD-SHELL joined.
  return ["/bin/sh", "-c", test.join(" ")];
}
