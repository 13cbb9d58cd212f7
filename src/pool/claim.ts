/**
 * Claiming a warm member, atomically across processes: under the pool's file lock, the claimer
 * creates its claim volume first and only then removes the member's ready marker, so at every
 * moment the member is either marked ready or claimed (the keeper never mistakes a claim in
 * progress for a member handed back).
 */
import { randomBytes } from "node:crypto";
import { currentOwner, ownerLiveness } from "../cleanup/process-liveness.js";
import type { Runtime } from "../engine/runtime.js";
import type { VolumeSummary } from "../engine/types.js";
import { LABEL } from "../labels.js";
import { acquireLock } from "../locks/file-lock.js";
import { claimVolumeName, POOL_LABEL, poolLockName } from "./labels.js";

export interface Claim {
  project: string;
  /** The claim volume: removing it hands the member back. */
  volume: string;
  /** Its labels. */
  labels: Record<string, string>;
}

export function claimerId(): string {
  const o = currentOwner();
  return `${o.host}:${o.pid}:${o.started}`;
}

export function claimerAlive(id: string | undefined): boolean {
  const [host, pid, started] = (id ?? "").split(":");
  return ownerLiveness({ host: host ?? "", pid: Number(pid), started: Number(started) }) !== "dead";
}

/** A claim whose member's ready marker may still be going (see claimMember). */
export interface PendingClaim extends Claim {
  /**
   * Settles once the ready marker is gone and the pool's lock is free again (never rejects): a
   * hand-back must wait for it, or the keeper could see the member neither ready nor claimed.
   */
  settled: Promise<void>;
}

/**
 * The first warm member of `pool`, claimed for this process; null when none is warm now. The claim
 * volume is made under the pool's lock; the member's ready marker is removed after it, without
 * the caller waiting (`settled`; the lock is held until then). A member that has a claim volume
 * beside its ready marker (a claim in progress) is never picked. `containers`: a listing of the
 * member's containers to make while the claim volume is being created (its result or failure is
 * the caller's).
 */
export async function claimMember(
  engine: Runtime,
  pool: string,
  o: { env?: Record<string, string | undefined>; signal?: AbortSignal; askedAt?: number; alongside?: (project: string) => void } = {},
): Promise<PendingClaim | null> {
  const lock = await acquireLock(poolLockName(pool), { env: o.env, signal: o.signal });
  let settled: Promise<void> | undefined;
  try {
    const volumes = await engine.listVolumes({ [POOL_LABEL.name]: pool }, { signal: o.signal });
    const claimed = new Set(volumes.filter((v) => v.labels[POOL_LABEL.claim] === "true").map((v) => v.labels[LABEL.project]));
    const pick = volumes
      .filter((v) => v.labels[POOL_LABEL.ready] === "true" && !claimed.has(v.labels[LABEL.project]))
      .sort((a, b) => a.name.localeCompare(b.name))[0];
    if (!pick) return null;
    const project = pick.labels[LABEL.project]!;
    o.alongside?.(project);
    const { [POOL_LABEL.ready]: _ready, ...labels } = pick.labels;
    const volume = claimVolumeName(project, process.pid, randomBytes(3).toString("hex"));
    const waited: Record<string, string> = o.askedAt === undefined ? {} : { [POOL_LABEL.waited]: String(Math.max(0, Math.round(Date.now() - o.askedAt))) };
    const claimLabels = { ...labels, [POOL_LABEL.claim]: "true", [POOL_LABEL.claimer]: claimerId(), ...waited };
    await engine.createVolume(volume, claimLabels, { signal: o.signal });
    // A failed removal leaves a claim in progress (ready marker and live claim) that no claimer
    // picks; the keeper sees the member claimed until this claim goes.
    settled = engine
      .removeVolume(pick.name)
      .catch(() => undefined)
      .then(() => lock.release())
      .catch(() => undefined);
    return { project, volume, labels: claimLabels, settled };
  } finally {
    if (!settled) await lock.release();
  }
}

/**
 * Hands a claimed member back: leaves a released marker for the keeper's count (claims, their
 * latency), then removes the claim, which is what hands the member back.
 */
export async function releaseClaim(engine: Runtime, claim: Claim & { settled?: Promise<void> }): Promise<void> {
  await claim.settled;
  const { [POOL_LABEL.claim]: _claim, ...labels } = claim.labels;
  await engine.createVolume(`${claim.volume}_released`, { ...labels, [POOL_LABEL.released]: "true" }).catch(() => undefined);
  await engine.removeVolume(claim.volume);
}

/** A released marker's claim: who claimed and how long it waited, keyed by the claim volume's name. */
export function releasedClaim(v: VolumeSummary): { claim: string; claimer?: string; waitedMs?: number } | undefined {
  if (v.labels[POOL_LABEL.released] !== "true") return undefined;
  const waited = Number(v.labels[POOL_LABEL.waited]);
  return {
    claim: v.name.replace(/_released$/, ""),
    ...(v.labels[POOL_LABEL.claimer] ? { claimer: v.labels[POOL_LABEL.claimer] } : {}),
    ...(v.labels[POOL_LABEL.waited] && Number.isFinite(waited) ? { waitedMs: waited } : {}),
  };
}

export interface ClaimMark {
  volume: string;
  claimerAlive: boolean;
  claimer?: string;
  /** How long the claimer waited, ms (claims made by an older berth have none). */
  waitedMs?: number;
}

/** The pool's marker and claim volumes, per member project. */
export function markersByMember(volumes: VolumeSummary[]): Map<string, { ready: boolean; claims: ClaimMark[] }> {
  const out = new Map<string, { ready: boolean; claims: ClaimMark[] }>();
  for (const v of volumes) {
    const project = v.labels[LABEL.project];
    if (!project) continue;
    const m = out.get(project) ?? { ready: false, claims: [] };
    if (v.labels[POOL_LABEL.ready] === "true") m.ready = true;
    if (v.labels[POOL_LABEL.claim] === "true") {
      const claimer = v.labels[POOL_LABEL.claimer];
      const waited = Number(v.labels[POOL_LABEL.waited]);
      m.claims.push({
        volume: v.name,
        claimerAlive: claimerAlive(claimer),
        ...(claimer ? { claimer } : {}),
        ...(v.labels[POOL_LABEL.waited] && Number.isFinite(waited) ? { waitedMs: waited } : {}),
      });
    }
    out.set(project, m);
  }
  return out;
}
