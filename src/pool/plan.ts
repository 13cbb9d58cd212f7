/**
 * What a pool's keeper does next, decided from what it sees: pure, so that refill, reset, reclaim
 * and shrink decisions are unit-tested without an engine.
 *
 * `size` counts unclaimed members (warm, or starting or resetting towards warm): each claim makes
 * the keeper start another, so that `size` wait again. Members handed back are reset and stay, so
 * a pool holds at most `size` plus the most members claimed at once since it last shrank; once no
 * new claim came for `shrinkAfterMs`, warm members beyond `size` are removed (those still resetting
 * once they are warm). The guards' limit bounds the total throughout.
 *
 * A claim starts another member only once it has been held for `refillAfterMs` (the keeper passes
 * the time its resets take). A member handed back sooner is warm again after one reset, well before
 * a new member could be (a start is initdb, seed and every service's start: several times a reset,
 * and its CPU is taken from the resets claimers wait for). Test files that each hold an environment
 * for a moment so run on `size` members instead of growing the pool to twice that; a long claim
 * (a developer's `berth run --pool`) still gets its replacement, later by one reset's time.
 */

export type MemberPhase = "starting" | "up" | "resetting";

export interface MemberView {
  project: string;
  phase: MemberPhase;
  /** Its ready marker exists: warm (and unclaimed unless a claim is in progress). */
  ready: boolean;
  /** Its claim volumes, with whether the claiming process still lives and how long the keeper has seen it held (ms; absent: long). */
  claims: { volume: string; claimerAlive: boolean; heldMs?: number }[];
}

export interface PoolPlanInput {
  /** Unclaimed members wanted: warm, or starting or resetting towards warm. */
  size: number;
  /** Members the guards allow at most, claimed ones included (see sizing.ts). */
  limit: number;
  members: MemberView[];
  /** How long ago the keeper last saw a new claim, ms (Infinity: none yet). */
  sinceClaimMs: number;
  /** After this long without a new claim, warm members beyond `size` are removed (never below `size` unclaimed). */
  shrinkAfterMs: number;
  /** The pool is closing: nothing new starts, nothing is reset or removed here (close removes all). */
  closing?: boolean;
  /** A member whose live claims are all held for less than this is expected back: it does not make the keeper start another (default 0). */
  refillAfterMs?: number;
}

export interface PoolPlan {
  /** New members to start. */
  start: number;
  /** Members handed back (no live claim, not ready): reset to the snapshot, then ready again. */
  reset: string[];
  /** Claim volumes of processes that died: removed, which hands their member back. */
  reclaim: string[];
  /** Warm members beyond `size` unclaimed to remove (the idle pool shrinks, or the guards' limit fell below the pool). */
  trim: string[];
}

export function planPool(i: PoolPlanInput): PoolPlan {
  const reset: string[] = [];
  const reclaim: string[] = [];
  const warm: string[] = [];
  let claimed = 0;
  let returning = 0;
  for (const m of i.members) {
    if (m.phase !== "up") continue;
    const dead = m.claims.filter((c) => !c.claimerAlive);
    reclaim.push(...dead.map((c) => c.volume));
    const live = m.claims.filter((c) => c.claimerAlive);
    // A claim is made before the ready marker goes (claim.ts): ready with a live claim is a claim in progress.
    if (live.length) {
      claimed++;
      if (live.every((c) => c.heldMs !== undefined && c.heldMs < (i.refillAfterMs ?? 0))) returning++;
    } else if (m.ready) warm.push(m.project);
    else reset.push(m.project);
  }
  if (i.closing) return { start: 0, reset: [], reclaim, trim: [] };
  const unclaimed = i.members.length - claimed;
  const surplus = Math.max(0, unclaimed - i.size);
  // Idle, the pool keeps `size` warm: members still resetting are left to finish (a reset may fail) and go once warm.
  const idle = i.sinceClaimMs >= i.shrinkAfterMs ? warm.length - i.size : 0;
  // Only the surplus ever goes: while claims come, it is what the next claims find warm.
  const excess = Math.min(surplus, Math.max(idle, i.members.length - i.limit));
  // Claimers take the first warm member by name (claim.ts): trimming from the other end rarely meets them.
  const trim = warm.sort().reverse().slice(0, excess);
  return { start: Math.max(0, Math.min(i.size - unclaimed - returning, i.limit - i.members.length)), reset, reclaim, trim };
}
