/** What an acquire that was not admitted is told: the cap or the memory, what is in use, and its place in the queue. */
import type { GuardDetails } from "../error-details.js";
import { BerthError } from "../errors.js";
import type { AdmissionVerdict } from "./admission-decision.js";
import { formatBytes } from "./resources.js";

export interface AdmissionRequest {
  cap: number;
  /** The memory floor, when host memory is judged. */
  memoryFloor?: number;
  containers: number;
  memoryBytes: number;
}

/** "18/20 berth containers in use, 2 environments ahead" — the progress line and the errors agree. */
export function queueText(v: AdmissionVerdict): string {
  const ahead = v.ahead === 0 ? "next in line" : `${v.ahead} environment${v.ahead === 1 ? "" : "s"} ahead`;
  if (v.waitingFor === "memory" && v.memoryLeftBytes !== undefined) {
    return `${v.memoryLeftBytes > 0 ? formatBytes(v.memoryLeftBytes) : "no"} host memory left above the floor, ${ahead}`;
  }
  return `${v.inUse}/${v.cap} berth containers in use, ${ahead}`;
}

function what(v: AdmissionVerdict, r: AdmissionRequest): string {
  if (v.waitingFor === "memory") {
    return `host memory: berth keeps ${formatBytes(r.memoryFloor ?? 0)} free and this environment declares ${formatBytes(r.memoryBytes)} of memory limits; ${queueText(v)}`;
  }
  return `the cap of ${v.cap} berth containers on this engine: ${v.inUse} in use and this environment adds ${v.adds}; ${v.ahead === 0 ? "it is next in line" : `${v.ahead} environment${v.ahead === 1 ? " is" : "s are"} queued ahead of it`}`;
}

const HINT =
  "Release environments you no longer need (`berth status`, then `berth down <project>`), remove orphans with `berth clean`, " +
  "give the acquire more time (--timeout), or change the limits: BERTH_MAX_CONTAINERS (0 disables the cap), BERTH_MIN_FREE_MEMORY. " +
  "`berth doctor` shows the queue.";

/** Refused without waiting: `--no-wait`, or it can never fit. */
export function refusal(v: AdmissionVerdict, r: AdmissionRequest): BerthError {
  const message = v.never
    ? `this environment alone has ${r.containers} containers, above the cap of ${v.cap} berth containers on this engine`
    : `not admitted at once (--no-wait): ${what(v, r)}`;
  return new BerthError("GUARD_REFUSED", message, { hint: HINT, details: details(v, r, 0) });
}

/** The acquire's timeout ended while it waited for its turn. */
export function timedOut(v: AdmissionVerdict, r: AdmissionRequest, waitedMs: number): BerthError {
  return new BerthError("GUARD_REFUSED", `waited ${(waitedMs / 1000).toFixed(1)} s for capacity until the acquire's timeout ended; still over ${what(v, r)}`, {
    hint: HINT,
    details: details(v, r, waitedMs),
  });
}

function details(v: AdmissionVerdict, r: AdmissionRequest, waitedMs: number): GuardDetails {
  return {
    guard: v.waitingFor === "memory" ? "memory" : "containers",
    admission: true,
    cap: v.cap,
    inUse: v.inUse,
    adding: v.adds,
    ahead: v.ahead,
    position: v.position,
    waitedMs,
    ...(v.memoryLeftBytes !== undefined ? { memoryLeftBytes: v.memoryLeftBytes, floorBytes: r.memoryFloor } : {}),
  };
}
