/**
 * The files through which an owner process and its reaper agree, without any shared memory:
 *
 * - `<key>.pid`: the reaper of one owner (host, pid, start time) on one engine. Created atomically
 *   by the reaper itself, so at most one reaper runs per owner and engine. The owner touches it
 *   (its mtime is a lease) before it creates anything, which keeps an idle reaper from exiting.
 * - `<key>.pending-<project>`: a detached environment (`berth up`) still being acquired. If the
 *   owner dies while this exists, the reaper removes that project too; acquire deletes it when
 *   it is done, and from then on the environment lives until `down`.
 * - `<key>.clean`: written by the owner as it exits normally with nothing left for the reaper
 *   (every environment it acquired released, or detached and settled): the reaper then leaves
 *   without asking the engine anything. A killed owner writes nothing, and is reaped.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Owner } from "../labels.js";
import { createExclusive } from "../locks/atomic-file.js";

export interface ReaperRecord {
  pid: number;
  started: number;
  owner: Owner;
  endpoint: string;
}

export function reaperDir(env: Record<string, string | undefined> = process.env): string {
  return env.BERTH_REAPER_DIR ?? join(tmpdir(), "berth-reapers");
}

/** One key per owner process and engine: two engines used by one process get two reapers. */
export function reaperKey(owner: Owner, endpoint: string): string {
  const engine = createHash("sha256").update(endpoint).digest("hex").slice(0, 8);
  return `${owner.host.replace(/[^A-Za-z0-9_.-]/g, "_")}-${owner.pid}-${owner.started}-${engine}`;
}

export function pidFile(dir: string, key: string): string {
  return join(dir, `${key}.pid`);
}

export function pendingFile(dir: string, key: string, project: string): string {
  return join(dir, `${key}.pending-${project}`);
}

export function cleanExitFile(dir: string, key: string): string {
  return join(dir, `${key}.clean`);
}

export function pendingProjects(dir: string, key: string): string[] {
  const prefix = `${key}.pending-`;
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(prefix))
      .map((f) => f.slice(prefix.length))
      .sort();
  } catch {
    return [];
  }
}

export function readRecord(path: string): ReaperRecord | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ReaperRecord;
  } catch {
    return null;
  }
}

export function claim(path: string, record: ReaperRecord): boolean {
  return createExclusive(path, JSON.stringify(record));
}

/**
 * Files of owners that died together with their reaper (a killed process group or cgroup): no
 * reaper will ever read or remove their pending, child or clean-exit files. Removed only when the
 * owner is dead and no live reaper holds its pid file; owners on other hosts are left alone.
 */
export function sweepStaleFiles(dir: string, host: string, liveness: (pid: number, started: number) => "alive" | "dead" | "unknown"): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = `${host.replace(/[^A-Za-z0-9_.-]/g, "_")}-`;
  const removed: string[] = [];
  for (const f of names) {
    const m = /^(.*-(\d+)-(\d+)-[0-9a-f]{8})\.(pending-.+|child-\d+|clean)$/.exec(f);
    if (!m || !f.startsWith(prefix) || liveness(Number(m[2]), Number(m[3])) !== "dead") continue;
    const reaper = readRecord(pidFile(dir, m[1]!));
    if (reaper && liveness(reaper.pid, reaper.started) !== "dead") continue;
    try {
      unlinkSync(join(dir, f));
      removed.push(f);
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}
