/** A pool's default name, in a module of its own: `berth run --pool` needs it without loading the keeper (pool.ts). */
import { createHash } from "node:crypto";

/** The default pool name: the same files from the same directory meet under one name. */
export function defaultPoolName(files: string[], cwd: string): string {
  return `pool-${createHash("sha256")
    .update(JSON.stringify([files, cwd]))
    .digest("hex")
    .slice(0, 10)}`;
}
