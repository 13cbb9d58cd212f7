// Vitest global setup, pool mode: a warm pool of the shop (one unclaimed environment per worker
// unless POOL_SUITE_SIZE says otherwise; it starts more for files that hold one longer than a reset
// takes), each snapshotted once seeded; closed after the suite. The keeper's warnings (a reset that failed, an environment discarded) go to stderr.
import { berthGlobalSetup } from "berth/vitest";
import { files } from "./files.js";

const size = process.env.POOL_SUITE_SIZE ? Number(process.env.POOL_SUITE_SIZE) : undefined;

export default berthGlobalSetup({
  files,
  timeoutMs: 180_000,
  pool: { size },
  onEvent: (e) => {
    if (e.type === "warning") process.stderr.write(`berth: ${e.message}\n`);
  },
});
