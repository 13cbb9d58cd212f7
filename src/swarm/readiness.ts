/**
 * Readiness of a swarm service: ready when its desired number of tasks are running. The engine
 * reports a task "running" only once its container passed its healthcheck (until then it is
 * "starting"; a task that turns unhealthy fails and is replaced), so "running" already means
 * "running and healthy" for a service with a healthcheck.
 *
 * The manager's event stream carries no task events on Engine 20.10 (container events stay on the
 * node that runs them), so this polls the task list: one cheap call every 250 ms per service.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { SwarmRuntime } from "./runtime.js";
import type { SwarmTask } from "../engine/swarm-types.js";
import { classifyTaskError } from "../engine/failure-kind.js";
import { BerthError } from "../errors.js";

export interface WaitServiceOptions {
  swarm: Pick<SwarmRuntime, "listTasks" | "listNodes" | "serviceLogs">;
  serviceId: string;
  /** The service's name in the project (for messages). */
  service: string;
  /** Replicated: the replica count; global: undefined (one task per eligible node). */
  replicas?: number;
  /** Only tasks created at or after this time count as failures of this wait (ms since epoch). */
  since: number;
  deadline: number;
  signal?: AbortSignal;
  /** Failed tasks tolerated before giving up (the restart policy replaces them meanwhile). */
  maxFailures?: number;
  pollMs?: number;
  /** Called whenever the running count changes. */
  onProgress?: (running: number, desired: number) => void;
}

export interface ServiceReadiness {
  readyAt: number;
  running: SwarmTask[];
}

const TERMINAL_FAILURES = new Set(["failed", "rejected"]);
/** A task "pending" with an error for this long means no node can take it (constraints, resources). */
const UNSCHEDULABLE_MS = 8000;

/** One line per task, for errors and status: "node2: starting (…)". */
export function describeTask(t: SwarmTask, nodeName: (id?: string) => string): string {
  const why = t.error ? `: ${t.error}` : t.message && t.state !== "running" ? ` (${t.message})` : "";
  return `${nodeName(t.nodeId)}: ${t.state}${why}`;
}

function active(tasks: SwarmTask[]): SwarmTask[] {
  return tasks.filter((t) => t.desiredState === "running");
}

export async function waitServiceReady(o: WaitServiceOptions): Promise<ServiceReadiness> {
  let lastRunning = -1;
  let pendingSince: number | undefined;
  for (;;) {
    o.signal?.throwIfAborted();
    const tasks = await o.swarm.listTasks({ service: o.serviceId }, o.signal);
    const current = active(tasks);
    const running = current.filter((t) => t.state === "running");
    const desired = o.replicas ?? Math.max(1, current.length);
    if (running.length !== lastRunning) {
      lastRunning = running.length;
      o.onProgress?.(running.length, desired);
    }
    if (running.length >= desired && current.length <= desired) return { readyAt: Date.now(), running };

    const recent = tasks.filter((t) => Date.parse(t.createdAt) >= o.since - 1000);
    const rejected = recent.find((t) => t.state === "rejected");
    if (rejected)
      throw await failure(
        o,
        "SERVICE_FAILED",
        `service ${o.service}: a task was rejected: ${rejected.error ?? rejected.message}`,
        tasks,
        rejectedHint(rejected),
      );
    const failures = recent.filter((t) => TERMINAL_FAILURES.has(t.state));
    if (failures.length >= (o.maxFailures ?? Math.max(3, desired * 2))) {
      const last = failures[failures.length - 1]!;
      throw await failure(
        o,
        "SERVICE_FAILED",
        `service ${o.service}: ${failures.length} tasks failed (last: ${last.error ?? last.message})`,
        tasks,
        "See the service's last log lines shown with this error; its healthcheck output is in `docker service ps --no-trunc` on the manager.",
      );
    }
    const stuck = current.find((t) => t.state === "pending" && t.error);
    pendingSince = stuck ? (pendingSince ?? Date.now()) : undefined;
    if (stuck && pendingSince !== undefined && Date.now() - pendingSince > UNSCHEDULABLE_MS) {
      throw await failure(
        o,
        "SERVICE_FAILED",
        `service ${o.service}: no node can run its tasks: ${stuck.error}`,
        tasks,
        "Check deploy.placement (constraints, max_replicas_per_node) and deploy.resources.reservations against `berth status --on swarm` (nodes) or `docker node ls`.",
      );
    }
    if (Date.now() >= o.deadline) {
      throw await failure(
        o,
        "HEALTH_TIMEOUT",
        `service ${o.service} did not become ready in time: ${running.length}/${desired} tasks running and healthy`,
        tasks,
        "Raise --timeout, or look at the tasks' states shown with this error and the service's logs (`berth logs --on swarm SERVICE`).",
      );
    }
    await sleep(o.pollMs ?? 250, undefined, { signal: o.signal });
  }
}

function rejectedHint(t: SwarmTask): string {
  if (classifyTaskError(`${t.error ?? ""} ${t.message}`) === "image-missing") {
    return `The image ${t.image} is missing on a node: every node that may run the service needs it (docker load it there, or push it to a registry the nodes can reach).`;
  }
  return "See the task's error above.";
}

async function failure(
  o: WaitServiceOptions,
  code: "SERVICE_FAILED" | "HEALTH_TIMEOUT",
  message: string,
  tasks: SwarmTask[],
  hint: string,
): Promise<BerthError> {
  const nodes = await o.swarm.listNodes(o.signal).catch(() => []);
  const nodeName = (id?: string) => nodes.find((n) => n.id === id)?.hostname ?? (id ? id.slice(0, 12) : "(unassigned)");
  const lines = tasks.slice(-10).map((t) => describeTask(t, nodeName));
  const logTail = await o.swarm.serviceLogs(o.serviceId, { tail: 20, signal: o.signal }).catch(() => "");
  return new BerthError(code, `${message}\n  tasks:\n    ${lines.join("\n    ")}`, { hint, details: { service: o.service, tasks: lines, logTail } });
}
