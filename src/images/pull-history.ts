/**
 * When berth last pulled an image onto an engine, for `pull_policy: daily | weekly | every_<d>`.
 *
 * Kept in berth's own state folder (BERTH_STATE_DIR, else $XDG_STATE_HOME/berth, else
 * ~/.local/state/berth), one small file per engine and image: the engine keeps no pull time (an
 * image's `Created` is when it was built, `Metadata.LastTagTime` changes only on local tags), and
 * an image cannot be labelled without making a new one. One file per image means processes
 * recording different images at once never overwrite each other; each file is replaced atomically.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

type Env = Record<string, string | undefined>;

export function stateDir(env: Env): string {
  if (env.BERTH_STATE_DIR) return env.BERTH_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state"), "berth");
}

function fileOf(env: Env, endpoint: string, key: string): string {
  const name = createHash("sha256").update(`${endpoint}\n${key}`).digest("hex").slice(0, 32);
  return join(stateDir(env), "pulls", `${name}.json`);
}

/** ms since epoch, or undefined when berth never pulled it onto this engine. */
export function lastPulled(env: Env, endpoint: string, key: string): number | undefined {
  try {
    const at = (JSON.parse(readFileSync(fileOf(env, endpoint, key), "utf8")) as { pulledAt?: unknown }).pulledAt;
    return typeof at === "number" ? at : undefined;
  } catch {
    return undefined;
  }
}

/** Records a pull; a failure to write only costs an earlier pull next time, so it is ignored. */
export function recordPull(env: Env, endpoint: string, key: string, at: number): void {
  const path = fileOf(env, endpoint, key);
  try {
    mkdirSync(join(stateDir(env), "pulls"), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(tmp, JSON.stringify({ endpoint, image: key, pulledAt: at }));
    renameSync(tmp, path);
  } catch {
    // read-only home, full disk: the next acquire pulls again
  }
}
