/**
 * What only a pool's keeper knows (the size it keeps, what the guards allow, its reset and discard
 * counts, claims and their latency) is published on the engine as the labels of a small marker
 * volume, so that `berth status`, the status server and `/metrics` read pools from the engine like
 * everything else. Labels cannot change: a new marker (next sequence number) is created before the
 * older one goes, so a reader always finds one, and takes the newest. The marker carries the
 * keeper's owner labels: `close()` removes it, and the reaper does when the keeper dies.
 */
import { currentOwner } from "../cleanup/process-liveness.js";
import type { Runtime } from "../engine/runtime.js";
import type { Labels } from "../engine/types.js";
import { ownedSideLabels } from "../labels.js";
import { POOL_LABEL } from "./labels.js";

export interface KeeperFigures {
  /** Unclaimed environments the keeper keeps (warm, starting or resetting); claimed ones come on top. */
  size: number;
  /** Members the guards allow now (null: no limit). */
  limit: number | null;
  starting: number;
  resetting: number;
  resets: number;
  discarded: number;
  claims: number;
  /** Median claim latency, ms (absent before the first claim). */
  claimLatencyMs?: number;
}

interface Published extends KeeperFigures {
  seq: number;
}

/** The keeper's figures from a marker's labels; undefined when it is not a keeper marker or unreadable. */
export function figuresOf(labels: Labels): (KeeperFigures & { seq: number }) | undefined {
  if (labels[POOL_LABEL.keeper] !== "true") return undefined;
  try {
    const f = JSON.parse(labels[POOL_LABEL.figures] ?? "") as Published;
    return typeof f.size === "number" && typeof f.seq === "number" ? f : undefined;
  } catch {
    return undefined;
  }
}

export class KeeperMarker {
  private seq = 0;
  private last = "";
  private current: string | undefined;
  private readonly labels: Labels;

  constructor(
    private readonly engine: Runtime,
    private readonly pool: string,
    env: Record<string, string | undefined>,
  ) {
    this.labels = {
      ...ownedSideLabels(pool, currentOwner(), env),
      [POOL_LABEL.name]: pool,
      [POOL_LABEL.keeper]: "true",
    };
  }

  /** Publishes the figures when they changed since the last time. */
  async publish(f: KeeperFigures): Promise<void> {
    const text = JSON.stringify(f);
    if (text === this.last) return;
    const seq = ++this.seq;
    const name = `${this.pool}_pool-keeper_${process.pid}_${seq}`;
    await this.engine.createVolume(name, { ...this.labels, [POOL_LABEL.figures]: JSON.stringify({ ...f, seq }) });
    this.last = text;
    const old = this.current;
    this.current = name;
    if (old) await this.engine.removeVolume(old).catch(() => undefined);
  }

  /** Removes the marker (the pool is closing). */
  async remove(): Promise<void> {
    const old = this.current;
    this.current = undefined;
    this.last = "";
    if (old) await this.engine.removeVolume(old).catch(() => undefined);
  }
}
