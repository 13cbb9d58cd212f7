/**
 * Runs the engine-changing part of an acquire (src/lifecycle/acquire-run.ts: the plan's steps and
 * the rollback on failure) against a MemoryRuntime, with the labels a real acquire gives.
 */
import type { ProjectSpec } from "../../../src/compose/model.js";
import type { BerthEvent } from "../../../src/events.js";
import { EventHub } from "../../../src/health/event-hub.js";
import { readinessRules } from "../../../src/health/probe-spec.js";
import { LABEL, managedFilter, projectLabels } from "../../../src/labels.js";
import { currentOwner } from "../../../src/cleanup/process-liveness.js";
import { hashOf, serviceConfigHash } from "../../../src/plan/container-request.js";
import { observeProject } from "../../../src/plan/observe.js";
import { reconcileUp, type Observed } from "../../../src/plan/reconcile.js";
import { runAcquirePlan } from "../../../src/lifecycle/acquire-run.js";
import { newAcquireState, type AcquireState } from "../../../src/lifecycle/steps/context.js";
import type { MemoryRuntime } from "./memory-runtime.js";

export interface Run {
  events: BerthEvent[];
  state: AcquireState;
  /** Resolves with the state once every step is done; rejects with the described failure after the rollback. */
  result: Promise<AcquireState>;
}

/** Starts an acquire of `spec` as project `project` (observed first, as a named acquire does). */
export async function startAcquire(
  rt: MemoryRuntime,
  spec: ProjectSpec,
  o: { project?: string; signal?: AbortSignal; timeoutMs?: number; forceRecreate?: boolean; events?: BerthEvent[] } = {},
): Promise<Run> {
  const project = o.project ?? "t1";
  const events: BerthEvent[] = o.events ?? [];
  const emit = (e: BerthEvent) => events.push(e);
  const observed: Observed = await observeProject(rt, project);
  const fresh = observed.containers.length === 0 && Object.keys(observed.networks).length === 0;
  const serviceHashes = Object.fromEntries(Object.values(spec.services).map((s) => [s.name, serviceConfigHash(s)]));
  const plan = reconcileUp({ project, spec, observed, serviceHashes, forceRecreate: o.forceRecreate });
  const base = projectLabels({
    project,
    kind: "test",
    lifetime: "process",
    owner: currentOwner(),
    createdAt: new Date(),
    configHash: hashOf(spec).slice(0, 16),
    files: spec.files,
    workingDir: spec.working_dir,
  });
  const hub = await EventHub.open(rt, project, o.signal);
  const state = newAcquireState(observed);
  const ctx = {
    runtime: rt,
    hub,
    project,
    spec,
    plan,
    observed,
    base,
    env: {},
    serviceHashes,
    readiness: readinessRules(spec.services),
    deadline: Date.now() + (o.timeoutMs ?? 10_000),
    startedAt: Date.now(),
    emit,
  };
  const result = runAcquirePlan(ctx, state, { signal: o.signal, fresh }, () => Promise.resolve(state)).finally(() => hub.close());
  result.catch(() => undefined); // the test awaits it
  return { events, state, result };
}

/**
 * What of `project` (by berth's labels) the runtime still holds. Named volumes are not counted:
 * a rollback keeps them today (it releases the project without `volumes`, as `down` does).
 */
export function leftOf(rt: MemoryRuntime, project = "t1"): string[] {
  const filter = managedFilter(project);
  const mine = (labels: Record<string, string>) => Object.entries(filter).every(([k, v]) => labels[k] === v);
  return [
    ...[...rt.containers.values()].filter((c) => mine(c.labels)).map((c) => `container ${c.name}`),
    ...[...rt.networks.values()].filter((n) => mine(n.labels)).map((n) => `network ${n.name}`),
    ...[...rt.volumes.values()].filter((v) => mine(v.labels) && !v.labels[LABEL.volume]).map((v) => `volume ${v.name}`),
  ];
}

/** Labels of a berth environment that is an orphan: its TTL ran out an hour ago. */
export function orphanLabels(project: string): Record<string, string> {
  return projectLabels({
    project,
    kind: "test",
    lifetime: "process",
    owner: currentOwner(),
    createdAt: new Date(Date.now() - 7_200_000),
    expiresAt: new Date(Date.now() - 3_600_000),
    configHash: "0",
    files: [],
    workingDir: "/",
  });
}

/** Labels of a berth environment of a living owner (this process), not expired. */
export function liveLabels(project: string): Record<string, string> {
  return projectLabels({
    project,
    kind: "test",
    lifetime: "process",
    owner: currentOwner(),
    createdAt: new Date(),
    configHash: "0",
    files: [],
    workingDir: "/",
  });
}
