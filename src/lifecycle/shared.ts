/**
 * Shared environments: one environment reused by every process that asks for the same
 * configuration (same files, profiles and variables → same normalized model → same hash).
 *
 * Users are tracked on the engine itself, not in a state file: each user holds a lease, a tiny
 * labelled volume naming its process. Release removes the caller's lease and tears the environment
 * down only when no lease of a living process remains. Both run under the project's cross-process
 * lock, so an attach and the last release never interleave.
 *
 * A lease is either a process's ("true": it ends with the process) or pinned ("pinned": `berth up`
 * of a shared environment, which lives until `berth down`). While a pinned lease exists, the
 * releases of other users never tear the environment down. When every lease is a dead process's,
 * the environment is abandoned and `clean` (and every berth command) removes it.
 */
import { randomBytes } from "node:crypto";
import type { ProjectSpec } from "../compose/model.js";
import { currentOwner, ownerLiveness } from "../cleanup/process-liveness.js";
import type { Runtime } from "../engine/runtime.js";
import type { Labels } from "../engine/types.js";
import { LABEL, LEASE_KIND, managedFilter, type EnvironmentKind } from "../labels.js";
import { acquireLock } from "../locks/file-lock.js";
import { hashOf } from "../plan/container-request.js";
import { releaseFrom, type ReleaseOptions, type ReleaseResult } from "./release.js";

export type EnvironmentMode = "dedicated" | "shared";

const LEASE_LABEL = LABEL.lease;

/** test environments are dedicated; dev and prod ones shared. */
export function defaultMode(kind: EnvironmentKind): EnvironmentMode {
  return kind === "test" ? "dedicated" : "shared";
}

/** `berth-<kind>-shared-<12 hex of the config hash>`: equal configurations meet under one name. */
export function sharedProjectName(kind: EnvironmentKind, spec: ProjectSpec): string {
  const { files: _files, ...config } = spec;
  return `berth-${kind}-shared-${hashOf(config).slice(0, 12)}`;
}

const LEASE_PROCESS = LEASE_KIND.process;
const LEASE_PINNED = LEASE_KIND.pinned;

/**
 * Registers the calling process as a user of the shared environment (or, `pinned`, keeps it until
 * `berth down`); returns the lease name.
 */
export async function addLease(engine: Runtime, project: string, labels: Labels, signal?: AbortSignal, o: { pinned?: boolean } = {}): Promise<string> {
  const owner = currentOwner();
  const name = `${project}_lease_${o.pinned ? "pinned" : owner.pid}_${randomBytes(3).toString("hex")}`;
  const kind = o.pinned ? LEASE_PINNED : LEASE_PROCESS;
  await engine.createVolume(
    name,
    { ...labels, [LEASE_LABEL]: kind, [LABEL.ownerPid]: String(owner.pid), [LABEL.ownerStarted]: String(owner.started), [LABEL.ownerHost]: owner.host },
    { signal },
  );
  return name;
}

/** Whether the environment was pinned by `berth up` (then only `berth down` removes it). */
export async function isPinned(engine: Runtime, project: string, signal?: AbortSignal): Promise<boolean> {
  return (await engine.listVolumes({ ...managedFilter(project), [LEASE_LABEL]: LEASE_PINNED }, { signal })).length > 0;
}

/** Leases of living users (those of dead processes are removed on the way). */
export async function liveLeases(engine: Runtime, project: string, signal?: AbortSignal): Promise<string[]> {
  const leases = await engine.listVolumes({ ...managedFilter(project), [LEASE_LABEL]: LEASE_PROCESS }, { signal });
  const live: string[] = [];
  for (const l of leases) {
    const pid = Number(l.labels[LABEL.ownerPid]);
    const started = Number(l.labels[LABEL.ownerStarted]);
    const host = l.labels[LABEL.ownerHost] ?? "";
    if (ownerLiveness({ host, pid, started }) === "dead") await engine.removeVolume(l.name, { signal });
    else live.push(l.name);
  }
  return live.sort();
}

export interface SharedReleaseOptions extends ReleaseOptions {
  env?: Record<string, string | undefined>;
  /** Tear down even when other users remain. */
  force?: boolean;
}

/**
 * Drops `lease`; removes the environment when it was the last living one (or when forced).
 * Returns null when the environment stays up for its other users.
 */
export async function releaseShared(engine: Runtime, project: string, lease: string, o: SharedReleaseOptions = {}): Promise<ReleaseResult | null> {
  await using _lock = await acquireLock(`project-${project}`, { env: o.env, signal: o.signal });
  await engine.removeVolume(lease, { signal: o.signal });
  const others = await liveLeases(engine, project, o.signal);
  if ((others.length > 0 || (await isPinned(engine, project, o.signal))) && !o.force) return null;
  for (const l of others) await engine.removeVolume(l, { signal: o.signal });
  return releaseFrom(engine, project, o);
}
