/**
 * The states berth reports for a container, derived from what the engine says. Pure.
 */
import type { ContainerState } from "../engine/types.js";

export type ServiceState = "STARTING" | "HEALTHY" | "UNHEALTHY" | "PAUSED" | "STOPPED" | "COMPLETED" | "FAILED";

/**
 * `oneShot`: the service is a job whose success is exiting 0 (COMPLETED/FAILED instead of STOPPED).
 * A running container without a healthcheck counts as HEALTHY: running is all it can promise.
 * A created container that was never started runs nothing: STOPPED (see `neverStarted`), not
 * STARTING — an `up` killed half-way leaves such containers, and nothing will start them.
 * A paused container (`berth pause`, `docker pause`) runs but serves nothing: PAUSED, whatever its
 * last health was.
 */
export function stateOf(s: ContainerState, oneShot = false): ServiceState {
  if (s.status === "restarting") return "STARTING";
  if (s.status === "paused") return "PAUSED";
  if (s.status === "created") return "STOPPED";
  if (!s.running) {
    if (oneShot && s.status === "exited") return s.exitCode === 0 ? "COMPLETED" : "FAILED";
    return "STOPPED";
  }
  if (s.health === "healthy" || s.health === "none") return "HEALTHY";
  // dockerd marks a container unhealthy when it is paused, with no failed check (a failing streak of
  // 0, which a failed check never leaves); thawed, it stays so until its next check: not checked
  // since, not failing.
  if (s.health === "unhealthy" && s.failingStreak === 0) return "STARTING";
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

/**
 * When the container entered its current state (ISO time): the last health check's end while it is
 * running with a healthcheck, else its start, else its exit. Reports show it as "since".
 */
export function sinceOf(s: ContainerState): string | undefined {
  const valid = (t?: string) => (t && !t.startsWith("0001") ? t : undefined);
  if (!s.running) return valid(s.finishedAt) ?? valid(s.startedAt);
  const lastCheck = s.healthLog.at(-1)?.end;
  return s.health !== "none" && valid(lastCheck) && s.health !== "starting" ? (firstOfStreak(s) ?? valid(s.startedAt)) : valid(s.startedAt);
}

/** End time of the first check in the newest run of checks with the same outcome (when health last flipped). */
function firstOfStreak(s: ContainerState): string | undefined {
  const log = s.healthLog;
  const ok = (e: { exitCode: number }) => e.exitCode === 0;
  let i = log.length - 1;
  while (i > 0 && ok(log[i - 1]!) === ok(log[i]!)) i--;
  return log[i]?.end;
}

/** Created but never started: its exit code (0) means nothing. */
export function neverStarted(s: ContainerState): boolean {
  return s.status === "created";
}
