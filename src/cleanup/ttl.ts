/**
 * An environment's time-to-live, on one engine or on a swarm alike: after it, the environment is
 * an orphan whatever its owner does (its resources carry the expiry label; `clean` and the reaper
 * remove them). Pure.
 */
import { parseDuration } from "../compose/duration.js";
import { BerthError } from "../errors.js";
import type { Lifetime } from "../labels.js";

/** An environment that lives with its process expires after a day, in case its reaper could not run. */
export const DEFAULT_PROCESS_TTL_MS = 24 * 3_600_000;

/**
 * The TTL in ms, or undefined for none: the option (0 or less: none), else BERTH_TTL ("2h", "90m";
 * "0": none), else 24 h for a "process" environment and none for a "detached" one.
 */
export function ttlFrom(env: Record<string, string | undefined>, lifetime: Lifetime, ttlMs?: number): number | undefined {
  if (ttlMs !== undefined) return ttlMs > 0 ? ttlMs : undefined;
  if (env.BERTH_TTL === undefined) return lifetime === "process" ? DEFAULT_PROCESS_TTL_MS : undefined;
  const ms = parseDuration(env.BERTH_TTL);
  if (ms === undefined) throw new BerthError("USAGE", `BERTH_TTL=${env.BERTH_TTL} is not a duration`, { hint: "Use e.g. 2h or 90m; 0 means no expiry." });
  return ms > 0 ? ms : undefined;
}

/** When an environment created at `now` expires, if it does. */
export function expiryOf(ttlMs: number | undefined, now: Date): Date | undefined {
  return ttlMs !== undefined ? new Date(now.getTime() + ttlMs) : undefined;
}
