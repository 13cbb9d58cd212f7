/**
 * What is running, read from the engine's labels alone (no state file that could go stale).
 */
import type { Engine } from "../engine/engine.js";
import type { ContainerDetails, ContainerSummary, NetworkSummary } from "../engine/types.js";
import { healthcheckCommand, neverStarted, sinceOf, stateOf, type ServiceState } from "../health/state.js";
import { LABEL, managedFilter, type EnvironmentKind } from "../labels.js";
import { readBack } from "../ports/bindings.js";
import { expectedScales, recordFilter } from "../cleanup/settled-record.js";
import type { ContainerView, EnvironmentData } from "./environment.js";

/**
 * A container's state. While the engine still says "starting", berth runs the healthcheck once
 * itself: if it passes, the container is HEALTHY (what the engine will say within one interval),
 * so `status` right after `up` agrees with what `up` reported.
 */
export async function currentState(engine: Engine, c: ContainerDetails, signal?: AbortSignal): Promise<ServiceState> {
  const state = stateOf(c.state, c.labels[LABEL.job] === "true");
  if (state !== "STARTING" || !c.state.running || !c.healthcheck) return state;
  const cmd = healthcheckCommand(c.healthcheck.test);
  if (!cmd) return state;
  const r = await engine.exec(c.id, cmd, { timeoutMs: Math.min(c.healthcheck.timeoutMs ?? 5000, 5000), signal }).catch(() => null);
  return r?.exitCode === 0 ? "HEALTHY" : state;
}

async function view(engine: Engine, id: string, signal?: AbortSignal, proven?: ReadonlySet<string>): Promise<{ service: string; view: ContainerView } | null> {
  const c = await engine.inspectContainer(id, { signal }).catch(() => null);
  if (!c) return null; // removed meanwhile
  const state = stateOf(c.state, c.labels[LABEL.job] === "true");
  return {
    service: c.labels[LABEL.service] ?? "?",
    view: {
      id: c.id,
      name: c.name,
      number: Number(c.labels[LABEL.number] ?? 1),
      // Readiness the caller has just seen pass needs no second check (it would cost an exec).
      state: state === "STARTING" && c.state.running && proven?.has(c.name) ? "HEALTHY" : await currentState(engine, c, signal),
      ports: readBack(c.ports),
      ...optional("since", sinceOf(c.state)),
      restarts: c.state.restartCount,
      ...(neverStarted(c.state) ? { notStarted: true } : c.state.running ? {} : { exitCode: c.state.exitCode, oomKilled: c.state.oomKilled }),
    },
  };
}

export interface ReadEnvironmentOptions {
  /** Listings the caller already made (status of many environments): no listing is made. */
  listed?: { containers: ContainerSummary[]; networks: NetworkSummary[] };
  /**
   * The project's containers, known to the caller (acquire): inspected directly instead of listed.
   * Listing containers waits on every container the engine is busy with, which under load is slow.
   */
  containerIds?: string[];
  /** Containers whose readiness the caller has just seen pass: not checked again. */
  proven?: ReadonlySet<string>;
}

/** An environment as the engine has it, from its labels (or the containers the caller names). */
export async function readEnvironment(engine: Engine, project: string, kind: EnvironmentKind, signal?: AbortSignal, o: ReadEnvironmentOptions = {}): Promise<EnvironmentData> {
  const filter = managedFilter(project);
  const { listed } = o;
  const [ids, networks] = listed
    ? [listed.containers.filter((c) => c.labels[LABEL.project] === project).map((c) => c.id), listed.networks.filter((n) => n.labels[LABEL.project] === project)]
    : await Promise.all([o.containerIds ?? engine.listContainers(filter, { signal }).then((cs) => cs.map((c) => c.id)), engine.listNetworks(filter, { signal })]);
  const views = (await Promise.all(ids.map((id) => view(engine, id, signal, o.proven)))).filter((v) => v !== null);
  const services: EnvironmentData["services"] = {};
  for (const v of views.sort((a, b) => a.service.localeCompare(b.service) || a.view.number - b.view.number)) {
    (services[v.service] ??= { name: v.service, containers: [] }).containers.push(v.view);
  }
  return { project, kind, networks: networks.map((n) => n.name).sort(), services };
}

/** Names of every berth project on the engine, from labels alone (cheap: two list calls). */
export async function listProjectNames(engine: Engine, signal?: AbortSignal): Promise<string[]> {
  const [containers, networks] = await Promise.all([engine.listContainers(managedFilter(), { signal }), engine.listNetworks(managedFilter(), { signal })]);
  const names = new Set<string>();
  for (const r of [...containers, ...networks]) if (r.labels[LABEL.project]) names.add(r.labels[LABEL.project]!);
  return [...names].sort();
}

export interface EnvironmentSummary extends EnvironmentData {
  createdAt: string;
  lifetime: string;
  ownerPid: number;
}

/** Every berth environment on the engine (or one), newest first. */
export async function listEnvironments(engine: Engine, o: { project?: string; signal?: AbortSignal } = {}): Promise<EnvironmentSummary[]> {
  const [containers, networks, records] = await Promise.all([
    engine.listContainers(managedFilter(o.project), { signal: o.signal }),
    engine.listNetworks(managedFilter(o.project), { signal: o.signal }),
    engine.listVolumes(recordFilter(o.project), { signal: o.signal }),
  ]);
  const expected = expectedScales(records);
  const projects = new Map<string, Record<string, string>>();
  for (const r of [...containers, ...networks]) {
    const p = r.labels[LABEL.project];
    if (p && !projects.has(p)) projects.set(p, r.labels);
  }
  const out = await Promise.all(
    [...projects].map(async ([project, labels]) => ({
      ...withMissing(await readEnvironment(engine, project, (labels[LABEL.envKind] ?? "test") as EnvironmentKind, o.signal, { listed: { containers, networks } }), expected.get(project)),
      createdAt: labels[LABEL.createdAt] ?? "",
      lifetime: labels[LABEL.lifetime] ?? "process",
      ownerPid: Number(labels[LABEL.ownerPid] ?? 0),
    })),
  );
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.project.localeCompare(b.project));
}

/** Adds the replicas the environment's record expects and it lacks (none when it has no record). */
export function withMissing(data: EnvironmentData, expected: Record<string, number> | undefined): EnvironmentData {
  const missing = Object.entries(expected ?? {})
    .map(([service, n]) => ({ service, expected: n, found: data.services[service]?.containers.length ?? 0 }))
    .filter((m) => m.found < m.expected)
    .sort((a, b) => a.service.localeCompare(b.service));
  return missing.length ? { ...data, missing } : data;
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/**
 * Adds CPU and memory to every running container of the environments, from the engine's stats
 * (all at once: each takes about a second, the engine samples CPU twice). A container whose stats do
 * not come within `timeoutMs` is left without (it may be stopping).
 */
export async function addUsage(engine: Engine, envs: EnvironmentData[], o: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  const running = envs.flatMap((e) => Object.values(e.services).flatMap((s) => s.containers)).filter((c) => c.state !== "STOPPED" && c.state !== "COMPLETED" && c.state !== "FAILED");
  await Promise.all(
    running.map(async (c) => {
      const signal = AbortSignal.any([AbortSignal.timeout(o.timeoutMs ?? 5000), ...(o.signal ? [o.signal] : [])]);
      const usage = await engine.stats(c.id, { signal }).catch(() => undefined);
      if (usage) c.usage = usage;
    }),
  );
}
