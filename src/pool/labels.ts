/**
 * A pool's members are ordinary environments of its keeper process (so `down`, `clean` and the
 * reaper see them as such) that also carry `dev.berth.pool`. Which member is free is told by a
 * small marker volume per member: `ready` while it waits warm, replaced by a `claim` volume naming
 * the claimer while someone uses it. Both carry the member's own labels: they go with it.
 */
export const POOL_LABEL = {
  /** The pool's name, on everything of its members. */
  name: "dev.berth.pool",
  /** "true" on a member's marker volume while it is warm and unclaimed. */
  ready: "dev.berth.pool.ready",
  /** "true" on a claim volume: the member is in use. */
  claim: "dev.berth.pool.claim",
  /** On a claim: who holds it, "host:pid:started". */
  claimer: "dev.berth.pool.claimer",
  /** On a claim: how long the claimer waited for it, ms (from asking to its claim volume). */
  waited: "dev.berth.pool.waited-ms",
  /**
   * "true" on the volume a claimer leaves when it hands a member back (with its claim's labels): the
   * keeper counts the claim and its latency from it, then removes it. Claims are too brief to be
   * sure the keeper saw them while they lasted.
   */
  released: "dev.berth.pool.released",
  /** "true" on the keeper's marker volume, which publishes what only the keeper knows (keeper-marker.ts). */
  keeper: "dev.berth.pool.keeper",
  /** On the keeper's marker: its figures, JSON (KeeperFigures). */
  figures: "dev.berth.pool.figures",
} as const;

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function checkPoolName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid pool name "${name}": lower-case letters, digits, '_' and '-' (at most 40)`);
  return name;
}

/** A member's project name: the pool's name and 8 hex digits. */
export const memberProject = (pool: string, id: string) => `${pool}-${id}`;

export const readyVolumeName = (project: string) => `${project}_pool-ready`;

/** A claim's volume: the claimer's pid and a nonce, so that two claims never share a name. */
export const claimVolumeName = (project: string, pid: number, nonce: string) => `${project}_pool-claim_${pid}_${nonce}`;

// A member id has no "-" (the keeper makes 8 hex digits), so "<pool>-<id>" names one pool only.
const MEMBER_MARKER = /^-[0-9a-z]+_pool-(ready|claim_\d+_[0-9a-f]+)$/;

/**
 * Which marker of pool `pool`'s members a volume called `name` is, if any. For the engine's volume
 * events, which carry no labels: a marker is told by its name. Exact, so that pool `shop` does not
 * take pool `shop-x`'s markers for its own.
 */
export function poolMarkerKind(pool: string, name: string): "ready" | "claim" | undefined {
  if (!name.startsWith(pool)) return undefined;
  const m = MEMBER_MARKER.exec(name.slice(pool.length));
  return m ? (m[1] === "ready" ? "ready" : "claim") : undefined;
}

/** The file lock under which a pool's members are claimed and its keeper changes them (one name for both sides). */
export const poolLockName = (pool: string) => `pool-${pool}`;
