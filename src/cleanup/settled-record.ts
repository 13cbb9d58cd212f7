/**
 * The record a detached acquire leaves on the engine once it has completed: a small labelled volume
 * (no container, no data). Labels are the source of truth and cannot change after creation, so
 * "this environment was completed" must be a resource of its own. It tells
 *
 * - the orphan sweep that the environment is settled: without it, resources labelled
 *   `dev.berth.pending` whose acquiring process is dead are a half-made environment nobody will
 *   finish (its acquire and its reaper were killed together) and are reaped;
 * - `status` how many replicas each service should have, so a missing container is reported
 *   instead of the environment looking healthy without it;
 * - `status` which container runs the acquire saw ready (name and the engine's StartedAt of that
 *   run): HEALTHY at once, although the engine says "starting" until its own first check passes
 *   (up to one interval later), and without running anything inside the container. A restarted
 *   container has another StartedAt, so the proof never outlives the run it was made for.
 */
import { randomBytes } from "node:crypto";
import type { ProjectSpec } from "../compose/model.js";
import type { Runtime } from "../engine/runtime.js";
import type { Labels } from "../engine/types.js";
import { LABEL, managedFilter } from "../labels.js";

/** The filter selecting a project's records (or every project's). */
export function recordFilter(project?: string): Record<string, string | true> {
  return { ...managedFilter(project), [LABEL.record]: "true" };
}

/** "api=2,db=1" → { api: 2, db: 1 }. */
export function parseScales(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of (text ?? "").split(",")) {
    const m = /^(.+)=(\d+)$/.exec(pair);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/**
 * Creates the project's record (replacing earlier ones), carrying the acquire's labels minus
 * `pending`. Called when the acquire has completed, before its reaper is told it is done: a kill
 * in between leaves the pending project to the reaper, which removes the record with it.
 */
export async function writeSettledRecord(
  engine: Runtime,
  project: string,
  base: Labels,
  spec: ProjectSpec,
  signal?: AbortSignal,
  provenRuns: Record<string, string> = {},
  o: { subset?: boolean } = {},
): Promise<void> {
  const { [LABEL.pending]: _pending, ...labels } = base;
  const older = await engine.listVolumes(recordFilter(project), { signal });
  const record = recordLabels(
    o.subset ? newestRecords(older).get(project) : undefined,
    Object.fromEntries(Object.values(spec.services).map((s) => [s.name, s.scale])),
    provenRuns,
  );
  const name = `${project}_berth-record-${randomBytes(3).toString("hex")}`;
  await engine.createVolume(name, { ...labels, [LABEL.record]: "true", ...record }, { signal });
  await Promise.all(older.map((v) => engine.removeVolume(v.name, { signal }).catch(() => undefined)));
}

/**
 * A record's own labels: the replicas per service and the runs seen ready. An acquire of some
 * services only (`up api`) keeps what the previous record says of the others, which it left alone;
 * a whole acquire says everything afresh (a service gone from the file is gone from the record).
 * Keeping an older proof is safe: it names the exact run (StartedAt) it was made for. Pure.
 */
export function recordLabels(previous: Labels | undefined, scales: Record<string, number>, provenRuns: Record<string, string>): Labels {
  const merged = { ...parseScales(previous?.[LABEL.scales]), ...scales };
  const proofs = { ...parseProofs(previous?.[LABEL.proven]), ...provenRuns };
  const out: Labels = {
    [LABEL.scales]: Object.entries(merged)
      .map(([n, k]) => `${n}=${k}`)
      .sort()
      .join(","),
  };
  if (Object.keys(proofs).length) out[LABEL.proven] = JSON.stringify(proofs);
  return out;
}

/** Per project: the labels of its newest record. */
function newestRecords(records: { labels: Labels }[]): Map<string, Labels> {
  const newest = new Map<string, Labels>();
  for (const r of records) {
    const p = r.labels[LABEL.project];
    if (!p) continue;
    const seen = newest.get(p);
    if (!seen || (seen[LABEL.createdAt] ?? "") < (r.labels[LABEL.createdAt] ?? "")) newest.set(p, r.labels);
  }
  return newest;
}

/** Per project: the replicas its newest record expects per service. */
export function expectedScales(records: { labels: Labels }[]): Map<string, Record<string, number>> {
  return new Map([...newestRecords(records)].map(([p, l]) => [p, parseScales(l[LABEL.scales])]));
}

/** Per project: the container runs its newest record says the acquire saw ready (name → StartedAt). */
export function provenRuns(records: { labels: Labels }[]): Map<string, ReadonlyMap<string, { startedAt: string }>> {
  const out = new Map<string, ReadonlyMap<string, { startedAt: string }>>();
  for (const [project, labels] of newestRecords(records)) {
    const runs = parseProofs(labels[LABEL.proven]);
    if (runs) out.set(project, new Map(Object.entries(runs).map(([name, startedAt]) => [name, { startedAt }])));
  }
  return out;
}

/** Whether one project's proofs (from provenRuns) name this very run (the engine's StartedAt) of container `name`. */
export function provesRun(runs: ReadonlyMap<string, { startedAt: string }> | undefined, name: string, startedAt: string | undefined): boolean {
  return startedAt !== undefined && runs?.get(name)?.startedAt === startedAt;
}

/** A record's proofs (name → StartedAt); none for an absent label, undefined for a garbled one (no proof: the engine's word stands). */
function parseProofs(label: string | undefined): Record<string, string> | undefined {
  let runs: unknown;
  try {
    runs = JSON.parse(label ?? "{}");
  } catch {
    return undefined;
  }
  if (typeof runs !== "object" || runs === null) return undefined;
  return Object.fromEntries(Object.entries(runs).filter((e): e is [string, string] => typeof e[1] === "string"));
}
