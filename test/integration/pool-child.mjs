// A separate process of a pool test: `keeper FILE NAME` keeps a pool of 1 and says when it is warm;
// `claim NAME` connects, says "loaded", claims from that pool on "go" (so that claimers contend),
// says which environment, and hands it back on "release".
import { createInterface } from "node:readline";
import { claimFromPool, connectEngine, createPool } from "../../dist/index.js";

const [mode, a, b] = process.argv.slice(2);
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");
if (mode === "keeper") {
  const pool = await createPool({ file: a, name: b, size: 1, helperImage: "berth-fixtures/busybox:1" });
  await pool.ready({ timeoutMs: 120_000 });
  say({ ready: pool.name });
  setInterval(() => undefined, 1 << 30); // kept until killed
} else {
  const engine = await connectEngine({ env: process.env });
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  /** Waits for `word` on stdin; when stdin ends first (the test is gone), the process exits. */
  const awaitLine = async (word) => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) process.exit(1);
      if (value.trim() === word) return;
    }
  };
  say({ loaded: true });
  await awaitLine("go");
  const env = await claimFromPool(a, { engine, timeoutMs: 60_000 });
  say({ project: env.project });
  await awaitLine("release");
  await env.release();
  say({ released: true });
  process.exit(0);
}
