/**
 * Foreign resources — named like berth's or like the seed projects' but without berth's labels —
 * that exist for the whole integration run: every berth command of every test runs next to them,
 * and the run fails if any was removed or replaced. Several test runs may share the engine, so
 * the resources are reference-counted by run (files under one lock) and the last run removes them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processLiveness } from "../../src/cleanup/process-liveness.js";
import { removeQuietly } from "../../src/locks/atomic-file.js";
import { withLock } from "../../src/locks/file-lock.js";

export const FOREIGN = {
  containers: ["test-postgres", "berth-shop-1"],
  networks: ["netra-test-x"],
  volumes: ["netra-test-x"],
} as const;

const dir = join(tmpdir(), "berth-foreign-fixtures");
const docker = (args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const tryDocker = (args: string[]) => {
  try {
    return docker(args);
  } catch {
    return undefined;
  }
};

/** "kind name" → id (volumes: name + creation time), to tell "untouched" from "removed and recreated". */
function identities(): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const c of FOREIGN.containers) out[`container ${c}`] = tryDocker(["container", "inspect", "-f", "{{.Id}} {{.State.Status}}", c]);
  for (const n of FOREIGN.networks) out[`network ${n}`] = tryDocker(["network", "inspect", "-f", "{{.Id}}", n]);
  for (const v of FOREIGN.volumes) out[`volume ${v}`] = tryDocker(["volume", "inspect", "-f", "{{.Name}} {{.CreatedAt}}", v]);
  return out;
}

function users(): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".user")) : [];
}

/** Creates the foreign resources (or joins a concurrent run's) and returns their identities. */
export async function createForeign(runId: string): Promise<Record<string, string | undefined>> {
  mkdirSync(dir, { recursive: true });
  return withLock("test-foreign-fixtures", { timeoutMs: 60_000 }, () => {
    for (const n of FOREIGN.networks) if (!tryDocker(["network", "inspect", n])) docker(["network", "create", n]);
    for (const v of FOREIGN.volumes) if (!tryDocker(["volume", "inspect", v])) docker(["volume", "create", v]);
    for (const c of FOREIGN.containers) {
      if (!tryDocker(["container", "inspect", c])) {
        docker([
          "run",
          "-d",
          "--init",
          "--name",
          c,
          "--network",
          FOREIGN.networks[0],
          "-v",
          `${FOREIGN.volumes[0]}:/data`,
          "berth-fixtures/busybox:1",
          "sleep",
          "86400",
        ]);
      }
    }
    writeFileSync(join(dir, `${runId}.user`), JSON.stringify({ pid: process.pid, started: Math.round(performance.timeOrigin) }));
    return Promise.resolve(identities());
  });
}

/** What changed since `before` (empty when untouched); removes the resources when no other run uses them. */
export async function checkAndReleaseForeign(runId: string, before: Record<string, string | undefined>): Promise<string[]> {
  return withLock("test-foreign-fixtures", { timeoutMs: 60_000 }, () => {
    const now = identities();
    const touched = Object.keys(before)
      .filter((k) => !now[k] || now[k] !== before[k])
      .map((k) => `${k}: ${now[k] ? "replaced" : "removed"} (was ${before[k]}, now ${now[k] ?? "absent"})`);
    removeQuietly(join(dir, `${runId}.user`));
    for (const u of users()) {
      try {
        const { pid, started } = JSON.parse(readFileSync(join(dir, u), "utf8")) as { pid: number; started: number };
        if (processLiveness(pid, started) === "dead") removeQuietly(join(dir, u));
      } catch {
        removeQuietly(join(dir, u));
      }
    }
    if (users().length === 0) {
      for (const c of FOREIGN.containers) tryDocker(["rm", "-f", c]);
      for (const n of FOREIGN.networks) tryDocker(["network", "rm", n]);
      for (const v of FOREIGN.volumes) tryDocker(["volume", "rm", v]);
    }
    return Promise.resolve(touched);
  });
}
