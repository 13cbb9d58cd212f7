/** Small file primitives the locks and the reaper agree through. */
import { randomBytes } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";

/**
 * Creates `path` holding `text` in one atomic step (a fully written temporary file, then a hard
 * link, which fails if `path` exists): nobody ever reads a half-written file. False when it exists.
 */
export function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** A directory every user of the engine can share, sticky like /tmp so nobody removes another's file. */
export function ensureSharedDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    chmodSync(dir, 0o1777);
  } catch {
    // created by another user: already shared
  }
}
