/**
 * What is running, read from the engine's labels alone (no state file that could go stale).
 */
import { killedForMemory } from "../health/oom.js";
import type { Engine } from "../engine/engine.js";
import type { Runtime } from "../engine/runtime.js";
import { Semaphore } from "../engine/semaphore.js";
import type { ContainerDetails, ContainerSummary, NetworkSummary } from "../engine/types.js";
import { healthcheckCommand, neverStarted, sinceOf, stateOf, type ServiceState } from "../health/state.js";
import { LABEL, managedFilter, type EnvironmentKind } from "../labels.js";
import { readBack } from "../ports/bindings.js";
import { expectedScales, provenRuns, recordFilter } from "../cleanup/settled-record.js";
import { isSnapshotHelper } from "../snapshot/labels.js";
import type { ContainerView, EnvironmentData } from "./environment.js";
import { byText } from "../text-order.js";

/**
 * A container's state as the engine reports it. Nothing runs inside the container: a reader (status,
 * the status server's GET endpoints) must not be able to make the engine exec, so a healthcheck the
 * engine has not run yet leaves the container STARTING until the engine's own interval comes round.
 * `proven`: berth's own readiness wait saw it pass since this start (the caller that waited knows).
 */
export function currentState(c: ContainerDetails, proven = false): ServiceState {
  const state = stateOf(c.state, c.labels[LABEL.job] === "true");
  return state === "STARTING" && c.state.running && proven ? "HEALTHY" : state;
}

/** At most this many healthcheck execs at once for `status --probe`: a one-shot, asked-for check. */
const PROBE_CONCURRENCY = 2;

/**
 * Runs a STARTING container's healthcheck once itself (only on explicit request, `berth status --probe`):
 * if it passes, the container is HEALTHY (what the engine will say within one interval).
 */
export async function probeState(engine: Runtime, c: ContainerDetails, signal?: AbortSignal): Promise<ServiceState> {
  const state = currentState(c);
  if (state !== "STARTING" || !c.state.running || !c.healthcheck) return state;
  const cmd = healthcheckCommand(c.healthcheck.test);
  if (!cmd) return state;
  const r = await engine.exec(c.id, cmd, { timeoutMs: Math.min(c.healthcheck.timeoutMs ?? 5000, 5000), signal }).catch(() => null);
  return r?.exitCode === 0 ? "HEALTHY" : state;
}

/** Whether readiness seen at `readyAt` (ISO) belongs to the container's current run, not an earlier one. */
export function readySince(readyAt: string | undefined, startedAt: string | undefined): boolean {
  return readyAt !== undefined && Date.parse(readyAt) >= Date.parse(startedAt ?? "");
}

type ProvenRecords = ReadonlyMap<string, { readyAt?: string; startedAt?: string }>;
const isRecordMap = (p: NonNullable<ReadEnvironmentOptions["proven"]>): p is ProvenRecords => p instanceof Map;

function isProven(c: ContainerDetails, proven: ReadEnvironmentOptions["proven"]): boolean {
  if (!proven) return false;
  if (!isRecordMap(proven)) return proven.has(c.name);
  const seen = proven.get(c.name);
  // A run recorded on the engine (settled-record.ts) is compared with the engine's own clock.
  return seen?.startedAt !== undefined ? seen.startedAt === c.state.startedAt : readySince(seen?.readyAt, c.state.startedAt);
}

type Viewed = { service: string; view: ContainerView; details: ContainerDetails };

async function view(engine: Runtime, id: string, signal?: AbortSignal, proven?: ReadEnvironmentOptions["proven"]): Promise<Viewed | null> {
  const c = await engine.inspectContainer(id, { signal }).catch(() => null);
  if (!c) return null; // removed meanwhile
  // Only an exit 137 without the engine's flag costs a look at its event log (health/oom.ts).
  const oomKilled = await killedForMemory(engine, id, c.state, { signal });
  return {
    service: c.labels[LABEL.service] ?? "?",
    details: c,
    view: {
      id: c.id,
      name: c.name,
      number: Number(c.labels[LABEL.number] ?? 1),
      state: currentState(c, isProven(c, proven)),
      ports: readBack(c.ports),
      ...optional("since", sinceOf(c.state)),
      restarts: c.state.restartCount,
      ...optional("startedAt", neverStarted(c.state) ? undefined : c.state.startedAt),
      ...(neverStarted(c.state) ? { notStarted: true } : c.state.running ? {} : { exitCode: c.state.exitCode, oomKilled }),
    },
  };
}

/** `status --probe`: each STARTING container's healthcheck once, at most PROBE_CONCURRENCY at a time over all environments. */
async function probeStarting(engine: Runtime, views: Viewed[], slots: Semaphore, signal?: AbortSignal): Promise<void> {
  await Promise.all(
    views.filter((v) => v.view.state === "STARTING").map((v) => slots.run(async () => void (v.view.state = await probeState(engine, v.details, signal)))),
  );
}

export interface ReadEnvironmentOptions {
  /** Listings the caller already made (status of many environments): no listing is made. */
  listed?: { containers: ContainerSummary[]; networks: NetworkSummary[] };
  /**
   * The project's containers, known to the caller (acquire): inspected directly instead of listed.
   * Listing containers waits on every container the engine is busy with, which under load is slow.
   */
  containerIds?: string[];
  /**
   * Containers whose readiness the caller has seen pass (names; or records whose `readyAt` must not
   * precede the container's current start, or whose `startedAt` is the engine's start time of the
   * run that was seen ready): HEALTHY although the engine may still say "starting". Without it,
   * what the environment's settled record (a completed `berth up`) says is used.
   */
  proven?: ReadonlySet<string> | ReadonlyMap<string, { readyAt?: string; startedAt?: string }>;
  /** Run each STARTING container's healthcheck once (a few at a time) instead of only reporting the engine's state. Off by default. */
  probe?: boolean;
}

/** An environment as the engine has it, from its labels (or the containers the caller names). */
export function readEnvironment(
  engine: Runtime,
  project: string,
  kind: EnvironmentKind,
  signal?: AbortSignal,
  o: ReadEnvironmentOptions = {},
): Promise<EnvironmentData> {
  return readOne(engine, project, kind, signal, o, new Semaphore(PROBE_CONCURRENCY));
}

async function readOne(
  engine: Runtime,
  project: string,
  kind: EnvironmentKind,
  signal: AbortSignal | undefined,
  o: ReadEnvironmentOptions,
  slots: Semaphore,
): Promise<EnvironmentData> {
  const filter = managedFilter(project);
  const { listed } = o;
  // A reader with no readiness of its own (env, port, graph) takes what the settled record proves;
  // its listing goes out with the others.
  const records = o.proven || listed || o.containerIds ? undefined : engine.listVolumes(recordFilter(project), { signal }).catch(() => []);
  const [ids, networks] = listed
    ? [
        listed.containers.filter((c) => c.labels[LABEL.project] === project && !isSnapshotHelper(c.labels)).map((c) => c.id),
        listed.networks.filter((n) => n.labels[LABEL.project] === project),
      ]
    : await Promise.all([
        o.containerIds ?? engine.listContainers(filter, { signal }).then((cs) => cs.filter((c) => !isSnapshotHelper(c.labels)).map((c) => c.id)),
        engine.listNetworks(filter, { signal }),
      ]);
  const proven = o.proven ?? (records ? provenRuns(await records).get(project) : undefined);
  const views = (await Promise.all(ids.map((id) => view(engine, id, signal, proven)))).filter((v) => v !== null);
  if (o.probe) await probeStarting(engine, views, slots, signal);
  const services: EnvironmentData["services"] = {};
  for (const v of views.sort((a, b) => byText(a.service, b.service) || a.view.number - b.view.number)) {
    (services[v.service] ??= { name: v.service, containers: [] }).containers.push(v.view);
  }
  return { project, kind, networks: networks.map((n) => n.name).sort(), services };
}

/** Names of every berth project on the engine, from labels alone (cheap: two list calls). */
export async function listProjectNames(engine: Runtime, signal?: AbortSignal): Promise<string[]> {
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
export async function listEnvironments(engine: Runtime, o: { project?: string; signal?: AbortSignal; probe?: boolean } = {}): Promise<EnvironmentSummary[]> {
  const [containers, networks, records] = await Promise.all([
    // A snapshot helper copying data is no service's container: not shown.
    engine.listContainers(managedFilter(o.project), { signal: o.signal }).then((cs) => cs.filter((c) => !isSnapshotHelper(c.labels))),
    engine.listNetworks(managedFilter(o.project), { signal: o.signal }),
    engine.listVolumes(recordFilter(o.project), { signal: o.signal }),
  ]);
  const expected = expectedScales(records);
  const proven = provenRuns(records);
  const projects = new Map<string, Record<string, string>>();
  for (const r of [...containers, ...networks]) {
    const p = r.labels[LABEL.project];
    if (p && !projects.has(p)) projects.set(p, r.labels);
  }
  const slots = new Semaphore(PROBE_CONCURRENCY);
  const out = await Promise.all(
    [...projects].map(async ([project, labels]) => ({
      ...withMissing(
        await readOne(
          engine,
          project,
          (labels[LABEL.envKind] ?? "test") as EnvironmentKind,
          o.signal,
          { listed: { containers, networks }, probe: o.probe, proven: proven.get(project) },
          slots,
        ),
        expected.get(project),
      ),
      createdAt: labels[LABEL.createdAt] ?? "",
      lifetime: labels[LABEL.lifetime] ?? "process",
      ownerPid: Number(labels[LABEL.ownerPid] ?? 0),
    })),
  );
  return out.sort((a, b) => byText(b.createdAt, a.createdAt) || byText(a.project, b.project));
}

/** Adds the replicas the environment's record expects and it lacks (none when it has no record). */
export function withMissing(data: EnvironmentData, expected: Record<string, number> | undefined): EnvironmentData {
  const missing = Object.entries(expected ?? {})
    .map(([service, n]) => ({ service, expected: n, found: data.services[service]?.containers.length ?? 0 }))
    .filter((m) => m.found < m.expected)
    .sort((a, b) => byText(a.service, b.service));
  return missing.length ? { ...data, missing } : data;
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/**
 * Adds CPU and memory to every running container of the environments, from the engine's stats
 * (all at once: each takes about a second, the engine samples CPU twice). A container whose stats do
 * not come within `timeoutMs` is left without (it may be stopping).
 */
export async function addUsage(engine: Engine, envs: EnvironmentData[], o: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  const running = envs
    .flatMap((e) => Object.values(e.services).flatMap((s) => s.containers))
    .filter((c) => c.state !== "STOPPED" && c.state !== "COMPLETED" && c.state !== "FAILED");
  await Promise.all(
    running.map(async (c) => {
      const signal = AbortSignal.any([AbortSignal.timeout(o.timeoutMs ?? 5000), ...(o.signal ? [o.signal] : [])]);
      const usage = await engine.stats(c.id, { signal }).catch(() => undefined);
      if (usage) c.usage = usage;
    }),
  );
}
