// `npm test` after vitest: the unit tests once more on each other Node major berth supports (22 and
// 24 when vitest itself ran on 20), with binaries from scripts/node-versions.mjs. Unit tests only: the
// engine tests exercise the engine, not the runtime, and would double the suite's time.
import { spawnSync } from "node:child_process";
import { NODE_MAJORS, nodeBinary } from "./node-versions.mjs";

const root = new URL("..", import.meta.url).pathname;
const own = Number(process.versions.node.split(".")[0]);
let failed = false;
for (const major of NODE_MAJORS.filter((m) => m !== own)) {
  const node = nodeBinary(major);
  process.stdout.write(`\nunit tests on Node ${major} (${node})\n`);
  const r = spawnSync(node, [`${root}node_modules/vitest/vitest.mjs`, "run", "--project", "unit", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
