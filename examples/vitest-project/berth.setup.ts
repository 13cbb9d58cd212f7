// Vitest global setup: one isolated, healthy shop environment for the whole suite, released after
// it (also on Ctrl-C; if the runner is killed outright, `berth clean` or the reaper removes it).
import { fileURLToPath } from "node:url";
import { berthGlobalSetup } from "berth/vitest";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default berthGlobalSetup({ files: [here("../shop/compose.yml"), here("compose.test.yml")], timeoutMs: 120_000 });
