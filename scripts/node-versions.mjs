// Node binaries of other majors for the tests (berth supports 20, 22 and 24), from the npm registry:
// the official builds are published as `node-<platform>-<arch>` packages whose bin/node runs as is.
// Installed once per machine into $BERTH_NODE_CACHE (default <tmpdir>/berth-test-node/<major>), so a
// fresh machine needs nothing but the npm registry (or npm's cache) the first time.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const NODE_MAJORS = [20, 22, 24];

/** The path of a `node` of this major: this process's own when it is one, else the cached install (made now if missing). */
export function nodeBinary(major) {
  if (Number(process.versions.node.split(".")[0]) === major) return process.execPath;
  if (process.platform === "win32") throw new Error("node binaries from npm: not set up for Windows");
  const dir = join(process.env.BERTH_NODE_CACHE || join(tmpdir(), "berth-test-node"), String(major));
  const pkg = `node-${process.platform}-${process.arch}`;
  const bin = join(dir, "node_modules", pkg, "bin", "node");
  if (existsSync(bin)) return bin;
  // Into a private folder first, then renamed: two test processes may install at the same time.
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["install", "--prefix", tmp, "--no-save", "--no-audit", "--no-fund", "--prefer-offline", `${pkg}@${major}`], { stdio: "pipe" });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process got there first
  }
  return bin;
}
