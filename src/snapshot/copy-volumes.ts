/**
 * Copies volume contents engine-side: a helper container mounts every source at /from/<i> and
 * every target at /to/<i>, empties each target and copies with `cp -a` (owners, modes, times and
 * links kept). The data never leaves the engine. A one-shot helper is removed whatever happens; a
 * standby helper (standby.ts) is started ahead of time and kept, so that a copy is one exec.
 */
import { currentOwner } from "../cleanup/process-liveness.js";
import { BerthError } from "../errors.js";
import type { Runtime } from "../engine/runtime.js";
import type { Labels } from "../engine/types.js";
import { LABEL, ownedSideLabels } from "../labels.js";
import { SNAPSHOT_LABEL } from "./labels.js";

/** The image the helper runs (needs `sh`, `rm`, `cp`, `sleep`): BERTH_HELPER_IMAGE, else busybox. */
export function helperImage(env: Record<string, string | undefined>, given?: string): string {
  return given ?? env.BERTH_HELPER_IMAGE ?? "busybox:1.36";
}

export interface CopyPair {
  from: string;
  to: string;
}

export interface CopyOptions {
  project: string;
  image: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** A standby helper for this snapshot name: labelled so, and left running (see standby.ts). */
  standby?: string;
  /** A standby still filling its spares: named so until it is renamed once they are full (standby.ts). */
  filling?: boolean;
}

type HelperKind = "helper" | "standby" | "filling";

/** The part of a helper's name that says its kind (standby.ts tells a filling standby by it). */
export const helperKindPart = (kind: HelperKind) => `_snapshot-${kind}_`;

/** What a helper is named: its project's, the kind of helper, this process, a random part. */
export function helperName(
  o: Pick<CopyOptions, "project" | "standby" | "filling">,
  kind: HelperKind = o.standby ? (o.filling ? "filling" : "standby") : "helper",
): string {
  return `${o.project}${helperKindPart(kind)}${process.pid}_${Math.random().toString(16).slice(2, 8)}`;
}

/** The shell script copying /from/<i> over /to/<i> for every pair, or the pairs `which` names (targets emptied first, dotfiles included). */
export function copyScript(which: number | number[]): string {
  const steps: string[] = [];
  for (const i of typeof which === "number" ? Array.from({ length: which }, (_, k) => k) : which)
    steps.push(`rm -rf /to/${i}/..?* /to/${i}/.[!.]* /to/${i}/* && cp -a /from/${i}/. /to/${i}/`);
  return `set -e; ${steps.join(" && ") || "true"}`;
}

/**
 * The helper's labels: the project's and this process's, so that `down` of the environment, `clean`
 * and the reaper remove a helper its process left behind (a one-off: never taken for a replica).
 */
export function helperLabels(o: CopyOptions): Labels {
  return {
    ...ownedSideLabels(o.project, currentOwner(), o.env),
    [LABEL.oneoff]: "true",
    [SNAPSHOT_LABEL.helper]: "true",
    ...(o.standby ? { [SNAPSHOT_LABEL.standby]: o.standby } : {}),
  };
}

/** Creates and starts a helper mounting the pairs; its id. Removed again if it cannot start. */
export async function startHelper(runtime: Runtime, pairs: CopyPair[], o: CopyOptions): Promise<string> {
  if (!(await runtime.inspectImage(o.image, { signal: o.signal }))) {
    throw new BerthError("IMAGE_NOT_FOUND", `the helper image ${o.image} that copies volume contents is not on the engine`, {
      hint: "Pull or build it, or name another image with `sh`, `cp` and `sleep` in BERTH_HELPER_IMAGE (or the helperImage option).",
    });
  }
  const id = await runtime.createContainer(
    {
      name: helperName(o),
      image: o.image,
      labels: helperLabels(o),
      env: [],
      // Busybox as PID 1 ignores SIGTERM: the helper is removed with force (killed), never stopped.
      // A standby waits as long as its pool keeps the member; a one-shot helper at most an hour.
      cmd: o.standby ? ["sh", "-c", "while sleep 3600; do :; done"] : ["sleep", "3600"],
      exposedPorts: [],
      portBindings: {},
      mounts: pairs.flatMap((p, i) => [
        { type: "volume" as const, source: p.from, target: `/from/${i}` },
        { type: "volume" as const, source: p.to, target: `/to/${i}` },
      ]),
      networkMode: "none",
      // It copies files and sleeps: no network, so no sandbox to set up and tear down (see the field).
      networkDisabled: true,
      // Nothing waits on a helper's health: an image's HEALTHCHECK (busybox images often have one)
      // would exec a process in every standby each interval, for as long as its pool keeps it.
      healthcheck: { disable: true },
      runtime: {},
    },
    { signal: o.signal },
  );
  try {
    await runtime.startContainer(id, { signal: o.signal });
  } catch (e) {
    await runtime.removeContainer(id, { force: true }).catch(() => undefined);
    throw e;
  }
  return id;
}

/** Runs the copy of every pair (or of the pairs `which` names) in a started helper. */
export async function copyIn(runtime: Runtime, helper: string, which: number | number[], signal?: AbortSignal): Promise<void> {
  if (Array.isArray(which) && which.length === 0) return;
  const r = await runtime.exec(helper, ["sh", "-c", copyScript(which)], { signal });
  if (r.exitCode !== 0) {
    throw new BerthError("ENGINE_ERROR", `copying volume contents failed (exit ${r.exitCode}): ${r.output.trim().slice(0, 300)}`, {
      hint: "The helper container could not copy the data; check the volumes' free space and the helper image.",
    });
  }
}

/** One-shot: a helper started for this copy and removed whatever happens. */
export async function copyVolumes(runtime: Runtime, pairs: CopyPair[], o: CopyOptions): Promise<void> {
  if (pairs.length === 0) return;
  const id = await startHelper(runtime, pairs, o);
  try {
    await copyIn(runtime, id, pairs.length, o.signal);
  } finally {
    await runtime.removeContainer(id, { force: true });
  }
}
