/**
 * Who owns a resource and whether it is an orphan, decided from its labels alone. Pure: the
 * liveness of owners and the clock are passed in, so every rule is unit-tested without an engine.
 */
import type { Labels } from "../engine/types.js";
import { LABEL, type Lifetime, type Owner } from "../labels.js";
import type { Liveness } from "./process-liveness.js";

export interface Ownership {
  project: string;
  lifetime: Lifetime;
  owner?: Owner;
  createdAt?: number;
  expiresAt?: number;
}

/** Why a resource is to be removed. */
export type CleanReason = "owner-dead" | "expired" | "older-than" | "all";

export interface CleanPolicy {
  now: number;
  /** The user running the cleanup: `all` and `olderThanMs` take only this user's environments. */
  user: string;
  host: string;
  /** Every environment of this user, orphan or not. */
  all?: boolean;
  /** Environments of this user created longer ago than this. */
  olderThanMs?: number;
  liveness: (owner: Owner) => Liveness;
}

function time(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** The ownership labels of a berth resource; null for anything berth does not manage. */
export function ownershipOf(labels: Labels): Ownership | null {
  if (labels[LABEL.managed] !== "true" || !labels[LABEL.project]) return null;
  const pid = Number(labels[LABEL.ownerPid]);
  const started = Number(labels[LABEL.ownerStarted]);
  const host = labels[LABEL.ownerHost];
  return {
    project: labels[LABEL.project]!,
    lifetime: labels[LABEL.lifetime] === "detached" ? "detached" : "process",
    owner: host && Number.isInteger(pid) && pid > 0 ? { host, pid, started, user: labels[LABEL.ownerUser] } : undefined,
    createdAt: time(labels[LABEL.createdAt]),
    expiresAt: time(labels[LABEL.expires]),
  };
}

/** Whether the resource belongs to `policy.user` (older resources without a user label: same host). */
function isMine(o: Ownership, p: CleanPolicy): boolean {
  if (!o.owner) return false;
  return o.owner.user ? o.owner.user === p.user : o.owner.host === p.host;
}

/**
 * Why the resource with these labels should go, or null to leave it. Orphans (a dead owner of a
 * process-lifetime environment, or an expired TTL) go whoever created them: nobody can use them
 * any more. Everything else goes only when its own user asks (`all`, `olderThanMs`).
 */
export function cleanReason(labels: Labels, p: CleanPolicy): CleanReason | null {
  const o = ownershipOf(labels);
  if (!o) return null;
  if (o.expiresAt !== undefined && o.expiresAt <= p.now) return "expired";
  if (o.lifetime === "process" && o.owner && p.liveness(o.owner) === "dead") return "owner-dead";
  if (!isMine(o, p)) return null;
  if (p.all) return "all";
  if (p.olderThanMs !== undefined && o.createdAt !== undefined && p.now - o.createdAt > p.olderThanMs) return "older-than";
  return null;
}

/** The label filter selecting exactly one owner's process-lifetime resources (what its reaper removes). */
export function ownerFilter(owner: Owner): Record<string, string> {
  return {
    [LABEL.managed]: "true",
    [LABEL.lifetime]: "process",
    [LABEL.ownerHost]: owner.host,
    [LABEL.ownerPid]: String(owner.pid),
    [LABEL.ownerStarted]: String(owner.started),
  };
}
