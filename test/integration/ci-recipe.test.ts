/**
 * The plain-shell CI recipe (examples/ci/parallel-shards.sh, shown in docs/ci.md): four shards at
 * once on this engine, each in its own environment with its own ports; a failing shard fails the
 * script and is named; nothing is left either way.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LABEL } from "../../src/labels.js";
import { engine, root, stack } from "./helpers.js";

const logs = mkdtempSync(join(tmpdir(), "berth-ci-recipe-"));
afterAll(() => rmSync(logs, { recursive: true, force: true }));

// Each shard asks its own api service (busybox httpd) for a page and prints where it found it and the HTTP status.
const shardCommand = [
  process.execPath,
  "--input-type=module",
  "-e",
  `const r = await fetch("http://" + process.env.API_HOST + ":" + process.env.API_PORT + "/"); console.log("shard {shard}/{shards}", process.env.BERTH_PROJECT, process.env.API_PORT, r.status); process.exit(Number(process.env.FAIL_SHARD) === {shard} ? 3 : 0);`,
];

function runRecipe(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [`${root}examples/ci/parallel-shards.sh`, ...shardCommand], {
      cwd: root,
      env: { ...process.env, SHARDS: "4", COMPOSE_FILE: stack("small.yml"), BERTH: `${process.execPath} ${root}dist/bin/berth.js`, LOG_DIR: logs, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

async function shardLeftovers(): Promise<number> {
  const e = await engine();
  const runLabel = process.env.BERTH_LABELS ?? "";
  const [key, value] = runLabel.split("=");
  const filter = { [LABEL.managed]: "true", ...(key ? { [key]: value! } : {}), "ci.shard": true as const };
  return (await e.listContainers(filter)).length + (await e.listNetworks(filter)).length;
}

describe("CI recipe: parallel shards on one host", () => {
  it("runs four shards at once, each against its own environment and ports, and leaves nothing", async () => {
    const r = await runRecipe({});
    const outputs = [1, 2, 3, 4].map((n) => readFileSync(join(logs, `shard-${n}.log`), "utf8"));
    expect(r.code, `${r.stderr}\n${outputs.join("\n")}`).toBe(0);
    const seen = outputs.map((o) => o.match(/shard (\d)\/4 (\S+) (\d+) \d{3}\n/));
    expect(seen.map((m) => m?.[1])).toEqual(["1", "2", "3", "4"]);
    expect(new Set(seen.map((m) => m![2])).size).toBe(4); // four environments
    expect(new Set(seen.map((m) => m![3])).size).toBe(4); // four sets of ports
    expect(await shardLeftovers()).toBe(0);
  });

  it("a failing shard fails the script with its exit code and is named; the others' environments go too", async () => {
    const r = await runRecipe({ FAIL_SHARD: "2" });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("shard 2 failed (exit 3)");
    expect(await shardLeftovers()).toBe(0);
  });
});
