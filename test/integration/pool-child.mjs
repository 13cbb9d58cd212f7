// A separate process of a pool test: `keeper FILE NAME` keeps a pool of 1 and says when it is warm;
// `claim NAME` claims from that pool, says which environment, and hands it back on "release".
import { createInterface } from "node:readline";
import { claimFromPool, createPool } from "../../dist/index.js";

const [mode, a, b] = process.argv.slice(2);
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");
if (mode === "keeper") {
  const pool = await createPool({ file: a, name: b, size: 1, helperImage: "berth-fixtures/busybox:1" });
  await pool.ready({ timeoutMs: 120_000 });
  say({ ready: pool.name });
  setInterval(() => undefined, 1 << 30); // kept until killed
} else {
  const env = await claimFromPool(a, { timeoutMs: 60_000 });
  say({ project: env.project });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === "release") break;
  }
  await env.release();
  say({ released: true });
  process.exit(0);
}
