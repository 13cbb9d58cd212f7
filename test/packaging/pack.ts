/** `npm pack` of this repository (its dist/ as built), for tests that install berth as users do. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

/** Packs berth into `dest`; returns the tarball's path (BERTH_PACKAGE_TARBALL: one made elsewhere). */
export function packBerth(dest: string): string {
  if (process.env.BERTH_PACKAGE_TARBALL) return process.env.BERTH_PACKAGE_TARBALL;
  const r = spawnSync("npm", ["pack", "--json", "--pack-destination", dest], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm pack failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return join(dest, (JSON.parse(r.stdout) as [{ filename: string }])[0].filename);
}
