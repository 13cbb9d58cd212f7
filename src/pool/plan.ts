/**
 * What a pool's keeper does next, decided from what it sees: pure, so that refill, reset and
 * reclaim decisions are unit-tested without an engine.
 */

export type MemberPhase = "starting" | "up" | "resetting";

export interface MemberView {
  project: string;
  phase: MemberPhase;
  /** Its ready marker exists: warm and unclaimed. */
  ready: boolean;
  /** Its claim volumes, with whether the claiming process still lives. */
  claims: { volume: string; claimerAlive: boolean }[];
}

export interface PoolPlanInput {
  /** Members wanted, claimed ones included: a pool sized to its users never makes more than they can hold. */
  size: number;
  /** Members the guards allow at most, claimed ones included (see sizing.ts). */
  limit: number;
  members: MemberView[];
  /** The pool is closing: nothing new starts. */
  closing?: boolean;
}

export interface PoolPlan {
  /** New members to start. */
  start: number;
  /** Members handed back (no live claim, not ready): reset to the snapshot, then ready again. */
  reset: string[];
  /** Claim volumes of processes that died: removed, which hands their member back. */
  reclaim: string[];
}

export function planPool(i: PoolPlanInput): PoolPlan {
  const reset: string[] = [];
  const reclaim: string[] = [];
  for (const m of i.members) {
    if (m.phase !== "up") continue;
    const dead = m.claims.filter((c) => !c.claimerAlive);
    reclaim.push(...dead.map((c) => c.volume));
    // A claim is made before the ready marker goes (claim.ts): ready with a live claim is a claim in progress.
    if (m.claims.length === dead.length && !m.ready) reset.push(m.project);
  }
  if (i.closing) return { start: 0, reset: [], reclaim };
  return { start: Math.max(0, Math.min(i.size, i.limit) - i.members.length), reset, reclaim };
}
