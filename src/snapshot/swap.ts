/**
 * The swap of a reset (spares.ts): each container that mounts a swapped volume is removed and
 * created again from its own configuration (Runtime.replaceContainer: same name, labels, networks
 * and aliases, env) with the spare in the swapped volume's place and its other anonymous volumes
 * mounted again by name. The host ports it published are pinned, since a claimer or a test may hold
 * them; when the engine says one is taken meanwhile, the container is made again with ports the
 * engine chooses and a warning names them. This also gives the container a fresh filesystem.
 */
import { engineFailureOf } from "../engine/errors.js";
import type { Runtime } from "../engine/runtime.js";
import type { ContainerSummary } from "../engine/types.js";
import type { EventListener } from "../events.js";
import { LABEL } from "../labels.js";
import { isAnonymousVolume } from "../plan/reconcile.js";
import type { Swap } from "./spares.js";

export interface Replacement {
  holder: ContainerSummary;
  /** The replacement's id (changes when it has to be made again with fresh ports). */
  id: string;
  volumes: Record<string, string>;
  hostPorts: Record<string, string[]>;
}

/** Container path → volume, for a holder's replacement: the spares it gets, its other anonymous volumes by their own names. */
export function replacementVolumes(holder: ContainerSummary, swaps: Swap[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of holder.mounts) if (isAnonymousVolume(m) && m.destination) out[m.destination] = m.name!;
  for (const s of swaps) if (s.holder.id === holder.id) out[s.destination] = s.spare;
  return out;
}

/** "5432/tcp" → the host ports the container publishes (from its listing, taken while it runs), each once. */
export function publishedPorts(c: Pick<ContainerSummary, "ports">): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of c.ports) {
    if (!p.hostPort) continue;
    const key = `${p.containerPort}/${p.protocol}`;
    const list = (out[key] ??= []);
    if (!list.includes(String(p.hostPort))) list.push(String(p.hostPort));
  }
  return out;
}

/** Replaces every container that mounts a swapped volume (not started): holder id → its replacement. */
export async function replaceHolders(engine: Runtime, swaps: Swap[], signal?: AbortSignal): Promise<Map<string, Replacement>> {
  const holders = [...new Map(swaps.map((s) => [s.holder.id, s.holder])).values()];
  const made = await Promise.all(
    holders.map(async (holder) => {
      const volumes = replacementVolumes(holder, swaps);
      const hostPorts = publishedPorts(holder);
      const id = await engine.replaceContainer(holder.id, { volumes, hostPorts }, { signal });
      return [holder.id, { holder, id, volumes, hostPorts }] as const;
    }),
  );
  return new Map(made);
}

/**
 * Starts a replacement. When a pinned host port is taken now (by someone else since the old
 * container let it go), the container is made again with ports the engine chooses for every port
 * it publishes (also one its file fixes: the replacement no longer tells which were fixed), and a
 * warning says which ports it publishes now.
 */
export async function startReplacement(engine: Runtime, project: string, r: Replacement, o: { signal?: AbortSignal; onEvent?: EventListener }): Promise<void> {
  try {
    await engine.startContainer(r.id, { signal: o.signal });
  } catch (e) {
    if (engineFailureOf(e) !== "port-taken" || Object.keys(r.hostPorts).length === 0) throw e;
    const fresh = Object.fromEntries(Object.keys(r.hostPorts).map((k) => [k, [""]]));
    r.id = await engine.replaceContainer(r.id, { volumes: r.volumes, hostPorts: fresh }, { signal: o.signal });
    await engine.startContainer(r.id, { signal: o.signal });
    const now = (await engine.inspectContainer(r.id, { signal: o.signal })).ports;
    const moved = Object.entries(r.hostPorts)
      .map(([k, ps]) => `${k} ${ps.join(",")} → ${(now[k] ?? []).map((b) => b.hostPort).join(",") || "?"}`)
      .join("; ");
    o.onEvent?.({
      type: "warning",
      project,
      message: `the host ports of ${r.holder.labels[LABEL.service] ?? r.holder.name} were taken while it was recreated; it publishes other ones now (${moved})`,
      at: Date.now(),
    });
  }
}
