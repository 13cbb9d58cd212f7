/**
 * Jest global setup and teardown. In jest.config:
 *   globalSetup: "./berth.setup.mjs",    // export default berthGlobalSetup({ files: ["compose.yml"] })
 *   globalTeardown: "./berth.teardown.mjs" // export { berthGlobalTeardown as default } from "berth/jest"
 * Tests read the connection variables from process.env, or
 * `environmentView(JSON.parse(process.env.BERTH_ENVIRONMENT))` for url()/hostPort().
 * @module berth/jest
 */
import { acquireForSuite, type SuiteEnvironment, type SuiteOptions } from "./suite.js";

export { environmentView, type EnvironmentView, type ProvidedEnvironment } from "./view.js";
export type { SuiteOptions } from "./suite.js";

/** Jest runs setup and teardown in the same process; this is how the teardown finds the handle. */
const HANDLE = Symbol.for("berth.jest.suite");
type Holder = { [HANDLE]?: SuiteEnvironment };

export function berthGlobalSetup(options: SuiteOptions = {}): () => Promise<void> {
  return async () => {
    // Jest's workers read process.env, which the suite fills before they start.
    (globalThis as Holder)[HANDLE] = await acquireForSuite({ ...options, setProcessEnv: true });
  };
}

export async function berthGlobalTeardown(): Promise<void> {
  const holder = globalThis as Holder;
  const suite = holder[HANDLE];
  delete holder[HANDLE];
  await suite?.release();
}
