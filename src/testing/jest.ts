/**
 * Jest global setup and teardown. In jest.config:
 *   globalSetup: "./berth.setup.mjs",    // export default berthGlobalSetup({ files: ["compose.yml"] })
 *   globalTeardown: "./berth.teardown.mjs" // export { berthGlobalTeardown as default } from "berth/jest"
 * Tests read the connection variables from process.env, or `berthEnvironment()` (the JSON in
 * process.env.BERTH_ENVIRONMENT) for url()/hostPort().
 *
 * With a pool (`berthGlobalSetup({ files, pool: { size: 2 } })`), each test file gets its own
 * environment, reset after it: a file listed in `setupFilesAfterEnv` calls `useBerthPoolEnvironment()`.
 * @module berth/jest
 */
import { BerthError } from "../errors.js";
import { claimForTestFile, type FileEnvironment, type PoolFileOptions } from "./pool-file.js";
import { acquireForSuite, type SuiteOptions } from "./suite.js";
import { startPoolForSuite } from "./suite-pool.js";

export { berthEnvironment, environmentView, type EnvironmentView, type ProvidedEnvironment } from "./view.js";
export type { SuiteOptions, SuitePoolOptions } from "./suite.js";
export type { PoolFileOptions } from "./pool-file.js";

/** Jest runs setup and teardown in the same process; this is how the teardown finds the handle. */
const HANDLE = Symbol.for("berth.jest.suite");
type Holder = { [HANDLE]?: { release(): Promise<void> } };

/** The part of Jest's global config the setup uses: `maxWorkers` sizes a pool by default. */
interface JestGlobalConfig {
  readonly maxWorkers?: number;
}

export function berthGlobalSetup(options: SuiteOptions = {}): (globalConfig?: JestGlobalConfig) => Promise<void> {
  return async (globalConfig) => {
    // Jest's workers read process.env, which the suite fills before they start.
    (globalThis as Holder)[HANDLE] = options.pool
      ? await startPoolForSuite({ ...options, setProcessEnv: true }, globalConfig?.maxWorkers)
      : await acquireForSuite({ ...options, setProcessEnv: true });
  };
}

export async function berthGlobalTeardown(): Promise<void> {
  const holder = globalThis as Holder;
  const suite = holder[HANDLE];
  delete holder[HANDLE];
  await suite?.release();
}

/** Jest's hooks, as its globals provide them in a test file's context. */
interface JestHooks {
  beforeAll?: (fn: () => Promise<void>, timeout?: number) => void;
  afterAll?: (fn: () => Promise<void>, timeout?: number) => void;
}

/**
 * In a file listed in Jest's `setupFilesAfterEnv` (run in every test file's context), with `pool` in
 * the global setup's options: before the file's tests, claims its own environment from the pool and
 * puts its connection variables and BERTH_ENVIRONMENT into process.env (read them in tests and
 * hooks, not at the file's top level, which runs before); after them, hands it back, and the pool
 * resets it before another file gets it.
 */
export function useBerthPoolEnvironment(options: PoolFileOptions = {}): void {
  const { beforeAll, afterAll } = globalThis as JestHooks;
  if (!beforeAll || !afterAll) {
    throw new BerthError("USAGE", "useBerthPoolEnvironment (berth/jest) needs Jest's beforeAll and afterAll", {
      hint: "Call it in a file listed in Jest's setupFilesAfterEnv (with injectGlobals on, Jest's default). In Vitest, use berth/vitest's.",
    });
  }
  let file: FileEnvironment | undefined;
  // Jest's hook timeout defaults to 5 s: waiting for a free environment may take longer.
  beforeAll(
    async () => {
      file = await claimForTestFile(options);
    },
    (options.timeoutMs ?? 180_000) + 10_000,
  );
  afterAll(async () => {
    await file?.release();
  });
}
