// The compose files of the suite: the shop, its database in a volume (so that a pool can snapshot
// and reset it), and PostgreSQL published for the tests.
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export const files = [here("../shop/compose.yml"), here("../shop/compose.snapshot.yml"), here("compose.test.yml")];
