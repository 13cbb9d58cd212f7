/**
 * Spare volumes: a reset that swaps instead of copying. A standby helper (standby.ts) holds, for
 * each anonymous volume of the environment, a spare already filled with the snapshot's data; the
 * reset then recreates the one container that mounts the anonymous volume with the spare in its
 * place (swap.ts), and the copy leaves the reset's critical path. Named volumes keep their name
 * (it is the project's model), so they, and whatever else cannot swap, are copied in place as
 * before: the mechanism is chosen per volume.
 *
 * A spare is named like an engine-made anonymous volume (64 hex digits): once mounted it is one
 * for berth (sources.ts keys it by service, replica and path; `down`/release removes it with its
 * container; `up --force-recreate` carries it over). It carries its project's and owner's labels,
 * so that the reaper removes the spare of a dead process; status shows no volumes, and reconcile
 * looks only at named volumes' compose keys.
 */
import { randomBytes } from "node:crypto";
import { currentOwner } from "../cleanup/process-liveness.js";
import type { ContainerSummary, Labels } from "../engine/types.js";
import { LABEL, ownedSideLabels } from "../labels.js";
import type { CopyPair } from "./copy-volumes.js";
import { SPARE_LABEL } from "./labels.js";
import type { DataSource } from "./sources.js";

export type ResetMode = "swap" | "copy";

/** BERTH_RESET_MODE: `copy` puts every volume back in place (the mechanism before spares); anything else: `swap` where it can. */
export function resetMode(env: Record<string, string | undefined>): ResetMode {
  return env.BERTH_RESET_MODE === "copy" ? "copy" : "swap";
}

/** A fresh spare's name: 64 hex digits, as the engine names an anonymous volume. */
export const spareName = (): string => randomBytes(32).toString("hex");

export function spareLabels(project: string, snapshot: string, env: Record<string, string | undefined>): Labels {
  return { ...ownedSideLabels(project, currentOwner(), env), [SPARE_LABEL]: snapshot };
}

/** The label filter selecting a project's spares for one snapshot. */
export const spareFilter = (project: string, snapshot: string): Record<string, string> => ({ [LABEL.project]: project, [SPARE_LABEL]: snapshot });

/**
 * The pairs that can swap (by index): an anonymous volume mounted by exactly one container. A named
 * volume keeps its name, and an anonymous volume that two containers share cannot be replaced in one.
 */
export function swappablePairs(pairs: CopyPair[], sources: DataSource[], mode: ResetMode): number[] {
  if (mode === "copy") return [];
  const byVolume = new Map(sources.map((s) => [s.volume, s]));
  return pairs.flatMap((p, i) => {
    const s = byVolume.get(p.to);
    return s && s.key.startsWith("anonymous:") && s.containers.length === 1 ? [i] : [];
  });
}

/** One volume a reset swaps: the pair, the spare that goes in, and the container that mounts the live volume (at `destination`). */
export interface Swap {
  pair: CopyPair;
  spare: string;
  holder: ContainerSummary;
  destination: string;
}

export interface ResetChoice {
  swaps: Swap[];
  /** Copied in place (into the live volumes). */
  copies: CopyPair[];
}

/**
 * How each pair is put back: swapped when it can swap and the standby holds a spare for it
 * (`spares`: pair index → spare), else copied in place.
 */
export function chooseMechanism(
  pairs: CopyPair[],
  sources: DataSource[],
  holders: ContainerSummary[],
  spares: Map<number, string>,
  mode: ResetMode,
): ResetChoice {
  const can = new Set(swappablePairs(pairs, sources, mode));
  const swaps: Swap[] = [];
  const copies: CopyPair[] = [];
  pairs.forEach((pair, i) => {
    const spare = spares.get(i);
    const source = sources.find((s) => s.volume === pair.to);
    const holder = holders.find((h) => h.id === source?.containers[0]);
    const destination = holder?.mounts.find((m) => m.name === pair.to)?.destination;
    if (can.has(i) && spare && holder && destination) swaps.push({ pair, spare, holder, destination });
    else copies.push(pair);
  });
  return { swaps, copies };
}
