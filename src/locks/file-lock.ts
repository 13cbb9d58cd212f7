/**
 * Cross-process locks for operations that must not overlap: acquire/release of one shared
 * environment, range port allocation, cleanup. A lock is a file created atomically (link of a
 * fully written temporary file, so nobody ever reads half a holder) that names its holder. A lock
 * whose holder died is taken over; on timeout the error names the holder.
 */
import { randomBytes } from "node:crypto";
import { linkSync, readdirSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { processLiveness } from "../cleanup/process-liveness.js";
import { BerthError } from "../errors.js";
import { createExclusive, ensureSharedDir } from "./atomic-file.js";

export interface LockHolder {
  pid: number;
  /** Process start time, ms since epoch (see process-liveness). */
  started: number;
  host: string;
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Unique per acquisition, so a release never removes a lock someone else took over. */
  token: string;
}

export interface LockOptions {
  /** Where lock files live; default BERTH_LOCK_DIR or <tmpdir>/berth-locks. */
  dir?: string;
  env?: Record<string, string | undefined>;
  /** How long to wait for a busy lock (default 60 s); 0 tries once. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What the holder is doing, shown to whoever waits (default: this process's command line). */
  command?: string;
}

export interface Lock extends AsyncDisposable {
  readonly name: string;
  readonly path: string;
  release(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function lockDir(env: Record<string, string | undefined> = process.env): string {
  return env.BERTH_LOCK_DIR ?? join(tmpdir(), "berth-locks");
}

function readHolder(path: string): LockHolder | null | "unreadable" {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : "unreadable";
  }
}

function isDead(h: LockHolder): boolean {
  return h.host === hostname() && processLiveness(h.pid, h.started) === "dead";
}

/**
 * Removes the lock file of a dead holder. Renaming first makes the removal atomic: if someone took
 * the lock over between our read and the rename, the moved file is theirs and is put back.
 */
function takeOver(path: string, dead: LockHolder): void {
  const moved = `${path}.stale-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, moved);
  } catch {
    return; // gone already
  }
  const h = readHolder(moved);
  if (h && h !== "unreadable" && h.token !== dead.token) {
    try {
      linkSync(moved, path);
    } catch {
      // Another contender created it meanwhile; the live holder's file is lost but its process
      // still believes it holds the lock. Three-way races on a dead lock are this rare.
    }
  }
  unlinkSync(moved);
}

export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid}${h.host !== hostname() ? ` on ${h.host}` : ""} (${h.command}) since ${h.since}`;
}

/** Takes the lock `name`, waiting up to `timeoutMs`; throws LOCK_TIMEOUT naming the holder. */
export async function acquireLock(name: string, o: LockOptions = {}): Promise<Lock> {
  const dir = o.dir ?? lockDir(o.env);
  ensureSharedDir(dir);
  const path = join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.lock`);
  const holder: LockHolder = {
    pid: process.pid,
    started: Math.round(performance.timeOrigin),
    host: hostname(),
    command: (o.command ?? process.argv.slice(1).join(" ")).slice(0, 200),
    since: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let wait = 20;
  for (;;) {
    o.signal?.throwIfAborted();
    holder.since = new Date().toISOString();
    if (createExclusive(path, JSON.stringify(holder))) return handle(name, path, holder.token);
    const current = readHolder(path);
    if (current && current !== "unreadable" && isDead(current)) {
      takeOver(path, current);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = current && current !== "unreadable" ? describeHolder(current) : "a process whose lock file cannot be read";
      throw new BerthError("LOCK_TIMEOUT", `lock "${name}" is held by ${who}; gave up after ${(timeoutMs / 1000).toFixed(1)} s`, {
        hint: `Wait for that operation to finish and try again. If the process is stuck, stop it; a lock whose holder died is taken over by itself. Lock file: ${path}`,
        details: { lock: name, path, holder: current === "unreadable" ? undefined : (current ?? undefined) },
      });
    }
    await sleep(Math.min(wait, Math.max(1, deadline - Date.now())), undefined, { signal: o.signal });
    wait = Math.min(wait * 2, 250);
  }
}

function handle(name: string, path: string, token: string): Lock {
  let released = false;
  // The file work is synchronous and never throws; a Lock's release is a promise all the same.
  const release = (): Promise<void> => {
    if (released) return Promise.resolve();
    released = true;
    const h = readHolder(path);
    // Only our own file: after a (wrong) takeover the file may be someone else's.
    if (h && h !== "unreadable" && h.token === token) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
    return Promise.resolve();
  };
  return { name, path, release, [Symbol.asyncDispose]: release };
}

/** Runs `fn` holding the lock `name`. */
export async function withLock<T>(name: string, o: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(name, o);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/**
 * Removes the lock files of holders that died (killed while holding a lock: a project's name is
 * rarely locked again, so nobody would take such a file over). Each goes by the same atomic
 * takeover a waiting contender uses. Returns the names removed; never throws.
 */
export function sweepDeadLocks(env: Record<string, string | undefined> = process.env): string[] {
  const dir = lockDir(env);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".lock"));
  } catch {
    return removed;
  }
  for (const name of names) {
    const h = readHolder(join(dir, name));
    if (!h || h === "unreadable" || !isDead(h)) continue;
    try {
      takeOver(join(dir, name), h);
      removed.push(name);
    } catch {
      // gone or taken meanwhile: not ours to sweep
    }
  }
  return removed;
}
