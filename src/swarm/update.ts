/**
 * Rolling changes of a swarm service — a new image, a changed file, a restart — and how they end.
 * The swarm does the rolling itself, honouring the service's update_config (berth's default
 * failure_action is rollback); berth follows the service's UpdateStatus until the update has
 * completed and the service is ready again, or until the swarm gave up and rolled back, and then
 * says why, naming the new tasks that failed and on which nodes.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Swarm } from "../engine/swarm.js";
import type { SwarmServiceChange, SwarmServiceSummary } from "../engine/swarm-types.js";
import { isUpdateProgressMessage } from "../engine/failure-kind.js";
import { BerthError } from "../errors.js";
import { LABEL } from "../labels.js";
import { describeTask, waitServiceReady } from "./readiness.js";

export interface ServiceChangeResult {
  service: string;
  outcome: "updated" | "unchanged";
  image: string;
  previousImage?: string;
  elapsedMs: number;
}

export interface ChangeOptions {
  deadline: number;
  signal?: AbortSignal;
  pollMs?: number;
}

/** The project's swarm service for a compose service name; NOT_FOUND naming the candidates. */
export async function findSwarmService(swarm: Swarm, project: string, service: string, signal?: AbortSignal): Promise<SwarmServiceSummary> {
  const services = await swarm.listServices({ [LABEL.managed]: "true", [LABEL.project]: project }, signal);
  const found = services.find((s) => s.labels[LABEL.service] === service);
  if (!found) {
    throw new BerthError("NOT_FOUND", `environment ${project} has no service ${service} on the swarm at ${swarm.endpoint}`, {
      hint: services.length
        ? `Services: ${services.map((s) => s.labels[LABEL.service]).join(", ")}.`
        : "Is the environment running? See `berth status --on swarm`.",
    });
  }
  return found;
}

/** States after which the swarm has stopped changing the service. */
const FINAL = new Set(["completed", "paused", "rollback_completed", "rollback_paused"]);

/**
 * Applies `change` to the service and waits for the rolling update to end. Resolves once every
 * task runs the new spec and is healthy; rejects with SERVICE_FAILED when the swarm rolled back
 * (or paused), with HEALTH_TIMEOUT at the deadline.
 */
export async function changeSwarmService(
  swarm: Swarm,
  project: string,
  service: string,
  change: SwarmServiceChange,
  o: ChangeOptions,
): Promise<ServiceChangeResult> {
  const t0 = Date.now();
  const before = await findSwarmService(swarm, project, service, o.signal);
  const target = change.spec?.image ?? change.image ?? before.image;
  await swarm.updateService(before.id, change, o.signal);
  const after = await swarm.inspectService(before.id, o.signal);
  if (after && after.version === before.version + 1 && after.image === before.image && !change.forceRestart && change.replicas === undefined && !change.spec) {
    return { service, outcome: "unchanged", image: before.image, elapsedMs: Date.now() - t0 };
  }
  // The UpdateStatus of an earlier update stays until this one begins: wait for a new start time.
  // A change that replaces no task (only replicas, labels) never gets an UpdateStatus at all.
  // The reason for a rollback is only in the message of the moment it started: keep every message.
  const messages: string[] = [];
  for (;;) {
    o.signal?.throwIfAborted();
    const s = await swarm.inspectService(before.id, o.signal);
    if (!s) throw new BerthError("NOT_FOUND", `service ${service} of ${project} disappeared during its update`);
    const fresh = s.update && s.update.startedAt !== before.update?.startedAt;
    if (fresh && s.update!.message && !messages.includes(s.update!.message)) messages.push(s.update!.message);
    if (fresh && FINAL.has(s.update!.state)) {
      if (s.update!.state === "completed") break;
      const failure = await updateFailure(swarm, project, service, s, target, before.image, messages, o.signal);
      // Report once the rolled-back tasks serve again, so that what the user sees next is settled.
      if (s.update!.state === "rollback_completed") {
        await waitServiceReady({
          swarm,
          serviceId: s.id,
          service,
          replicas: s.mode === "global" ? undefined : s.replicas,
          since: Date.now(),
          deadline: o.deadline,
          signal: o.signal,
        }).catch(() => undefined);
      }
      throw failure;
    }
    if (!fresh && s.version > before.version && Date.now() - t0 > 3000) break; // nothing to roll (e.g. replicas only)
    if (Date.now() >= o.deadline) {
      throw new BerthError(
        "HEALTH_TIMEOUT",
        `the update of ${service} to ${target} did not finish in time (swarm update state: ${s.update?.state ?? "not started"}${s.update?.message ? `: ${s.update.message}` : ""})`,
        {
          hint: "Raise --timeout; `berth status --on swarm` shows the tasks of each node.",
          details: { service },
        },
      );
    }
    await sleep(o.pollMs ?? 500, undefined, { signal: o.signal });
  }
  const current = (await swarm.inspectService(before.id, o.signal))!;
  await waitServiceReady({
    swarm,
    serviceId: before.id,
    service,
    replicas: current.mode === "global" ? undefined : current.replicas,
    since: t0,
    deadline: o.deadline,
    signal: o.signal,
  });
  return { service, outcome: "updated", image: current.image, previousImage: before.image, elapsedMs: Date.now() - t0 };
}

async function updateFailure(
  swarm: Swarm,
  project: string,
  service: string,
  s: SwarmServiceSummary,
  target: string,
  previous: string,
  messages: string[],
  signal?: AbortSignal,
): Promise<BerthError> {
  const [tasks, nodes] = await Promise.all([swarm.listTasks({ service: s.id }, signal), swarm.listNodes(signal).catch(() => [])]);
  const nodeName = (id?: string) => nodes.find((n) => n.id === id)?.hostname ?? (id ? id.slice(0, 12) : "(unassigned)");
  // New tasks that ended before they were healthy: exited (even with 0), failed, rejected.
  const failedNew = tasks.filter((t) => t.image === target && t.desiredState !== "running" && ["complete", "failed", "rejected"].includes(t.state));
  const why = failedNew.map((t) => `${describeTask(t, nodeName)}${t.exitCode !== undefined && !t.error ? ` (exit ${t.exitCode} before it was healthy)` : ""}`);
  const rolledBack = s.update!.state === "rollback_completed";
  // When the rollback finished between two polls, the swarm's own reason was never seen: say what it means.
  const reason =
    messages.filter((m) => m !== s.update!.message && !isUpdateProgressMessage(m)).join("; ") ||
    (rolledBack ? "the new tasks failed or never became healthy within update_config.monitor" : s.update!.message);
  const message = rolledBack
    ? `the update of ${service} to ${target} failed and the swarm rolled it back to ${s.image}: ${reason}`
    : `the update of ${service} to ${target} stopped (${s.update!.state}): ${reason}`;
  return new BerthError("SERVICE_FAILED", `${message}${why.length ? `\n  new tasks that failed:\n    ${why.slice(-6).join("\n    ")}` : ""}`, {
    hint: rolledBack
      ? `${service} runs ${s.image} again. Fix the image (its tasks must start and pass the healthcheck within update_config.monitor), then update again.`
      : `Resume or undo it on the manager: \`docker service update --rollback ${s.name}\`, or \`berth update --on swarm -p ${project} ${service} --image ${previous}\`.`,
    details: { service, rolledBack, image: target, runningImage: s.image, previousImage: previous, failedTasks: why },
  });
}
