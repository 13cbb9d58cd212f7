/**
 * The end of a successful acquire: the environment read back, settled when it outlives this
 * process, leased when shared, and handed over as an Environment whose release tells the reaper.
 */
import type { ProjectSpec } from "../compose/model.js";
import type { Engine } from "../engine/engine.js";
import type { Labels } from "../engine/types.js";
import type { EnvironmentKind, Lifetime } from "../labels.js";
import type { ReaperLease } from "../cleanup/reaper.js";
import { writeSettledRecord } from "../cleanup/settled-record.js";
import { Environment, type EnvironmentData } from "./environment.js";
import { releaseProject } from "./release.js";
import { addLease, releaseShared } from "./shared.js";
import { readEnvironment } from "./status.js";
import type { AcquireState } from "./steps/context.js";

export interface Handover {
  engine: Engine;
  project: string;
  kind: EnvironmentKind;
  lifetime: Lifetime;
  shared: boolean;
  /** `berth up` (detached) of a shared environment: pinned until `berth down`, not leased for this process. */
  pinned: boolean;
  base: Labels;
  spec: ProjectSpec;
  env: Record<string, string | undefined>;
  /** Only some services were acquired (`up api`). */
  subset: boolean;
  reaper: ReaperLease;
  signal?: AbortSignal;
}

export async function handOver(h: Handover, state: Pick<AcquireState, "ids" | "proven">): Promise<Environment> {
  const { engine, project, lifetime, reaper, signal } = h;
  const { ids, proven } = state;
  // Readiness proven during this acquire is the verdict: the engine may still say "starting"
  // for up to one interval (the settled record below keeps the proof for later readers).
  const data = await readEnvironment(engine, project, h.kind, signal, { containerIds: [...new Set(ids.values())], proven: new Set(proven.keys()) });
  // Completed: from now on the environment is not a half-made one for the orphan sweep.
  if (lifetime === "detached") await writeSettledRecord(engine, project, h.base, h.spec, signal, provenStarts(data, proven), { subset: h.subset });
  // A detached environment lives until `down`: nothing of it is the reaper's once acquired. One
  // that lives with this process is, until it is released.
  const released = <T>(r: T): T => {
    reaper.done();
    return r;
  };
  if (lifetime === "detached" && !h.shared) reaper.done();
  if (!h.shared) return new Environment(data, engine, lifetime === "detached" ? undefined : (o) => releaseProject(engine, project, o).then(released), proven);
  // `berth up` (detached) pins the shared environment until `berth down`; API users lease it for their process.
  const lease = await addLease(engine, project, h.base, signal, { pinned: h.pinned });
  if (h.pinned) reaper.done();
  return new Environment(data, engine, (o) => releaseShared(engine, project, lease, { ...o, env: h.env }).then(released), proven);
}

/** The runs this acquire saw ready, by the engine's StartedAt (for the settled record: `status` shows them HEALTHY). */
function provenStarts(data: EnvironmentData, proven: ReadonlyMap<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of Object.values(data.services).flatMap((s) => s.containers)) if (proven.has(c.name) && c.startedAt) out[c.name] = c.startedAt;
  return out;
}
