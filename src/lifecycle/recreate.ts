/**
 * Recreating a container of a running environment without losing what it holds. A container is
 * recreated only when its own configuration changed (scaling never does); one that holds data is
 * recreated only when the caller says so (`--force-recreate`), and then keeps its volumes: named
 * ones by name, anonymous ones by mounting the old container's volumes into the new one at the
 * same paths, as Compose does.
 */
import type { Runtime } from "../engine/runtime.js";
import type { ContainerCreateRequest, MountRequest } from "../engine/types.js";
import { BerthError } from "../errors.js";
import { isAnonymousVolume, type HeldRecreate, type ObservedContainer } from "../plan/reconcile.js";

/** The refusal when a changed configuration would recreate containers that hold data. */
export function heldRecreateError(project: string, held: HeldRecreate[]): BerthError {
  const lines = held.map((h) => `  ${h.target} (service ${h.service}): ${h.mounts.join(", ")}`).join("\n");
  return new BerthError(
    "CONFLICT",
    `the configuration of ${held.length === 1 ? "a container" : `${held.length} containers`} of ${project} changed, and recreating ${held.length === 1 ? "it" : "them"} could lose the data ${held.length === 1 ? "it holds" : "they hold"}:\n${lines}`,
    {
      hint: "Nothing was changed. Run `berth up` again with --force-recreate to recreate them (named and anonymous volumes are kept and mounted into the new containers), or undo the change to keep them as they are.",
      details: { held },
    },
  );
}

/** The old container's anonymous volumes, as mounts for its replacement. */
export function inheritedMounts(old: ObservedContainer | undefined): MountRequest[] {
  return (old?.mounts ?? []).filter((m) => isAnonymousVolume(m) && m.destination).map((m) => ({ type: "volume", source: m.name, target: m.destination! }));
}

/**
 * The request with the inherited volumes in place of the anonymous volumes it asks for at the same
 * paths, and added where the new configuration mounts nothing (an image's VOLUME); a path the new
 * configuration mounts something else at (a named volume, a bind) keeps that.
 */
export function withInherited(req: ContainerCreateRequest, inherited: MountRequest[] | undefined): ContainerCreateRequest {
  if (!inherited?.length) return req;
  const byTarget = new Map(inherited.map((m) => [m.target, m]));
  const anonymous = (m: MountRequest) => m.type === "volume" && !m.source;
  const mounts = req.mounts.map((m) => (anonymous(m) && byTarget.has(m.target) ? { ...byTarget.get(m.target)!, readOnly: m.readOnly } : m));
  const taken = new Set(mounts.map((m) => m.target));
  return { ...req, mounts: [...mounts, ...inherited.filter((m) => !taken.has(m.target))] };
}

/**
 * Removes the container being replaced: stopped first (its own grace period, so a database
 * shuts down cleanly), and removed without its anonymous volumes, which its replacement mounts.
 */
export async function removeReplaced(engine: Runtime, id: string, keepVolumes: boolean): Promise<void> {
  if (keepVolumes) await engine.stopContainer(id, undefined).catch(() => undefined);
  await engine.removeContainer(id, { force: true, volumes: !keepVolumes });
}
