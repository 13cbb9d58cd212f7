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
} as const;

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function checkPoolName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid pool name "${name}": lower-case letters, digits, '_' and '-' (at most 40)`);
  return name;
}

export const readyVolumeName = (project: string) => `${project}_pool-ready`;
