// Jest global setup: berth acquires the shop stack (plus compose.test.yml, which also publishes
// PostgreSQL and Redis) and waits until every service is healthy. The connection variables
// (FRONTEND_HOST, POSTGRES_PORT, …) and BERTH_ENVIRONMENT land in process.env before Jest starts
// its workers, so every test file sees them.
import { fileURLToPath } from "node:url";
import { berthGlobalSetup } from "berth/jest";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default berthGlobalSetup({ files: [here("../shop/compose.yml"), here("../vitest-project/compose.test.yml")], timeoutMs: 120_000 });
