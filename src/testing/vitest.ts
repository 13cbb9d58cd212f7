/**
 * Vitest global setup. In a file listed in `test.globalSetup`:
 *
 *   import { berthGlobalSetup } from "berth/vitest";
 *   export default berthGlobalSetup({ files: ["compose.yml"] });
 *
 * and in tests: `const env = environmentView(inject("berth")); env.url("api", 8080)`.
 *
 * With a pool (`berthGlobalSetup({ files, pool: { size: 2 } })`), each test file gets its own
 * environment, reset after it: in a file listed in `test.setupFiles`,
 *
 *   import { afterAll } from "vitest";
 *   import { useBerthPoolEnvironment } from "berth/vitest";
 *   await useBerthPoolEnvironment({ afterAll });
 *
 * and in tests: `const env = berthEnvironment()` (or the variables in process.env).
 * @module berth/vitest
 */
import { claimForTestFile, type PoolFileOptions } from "./pool-file.js";
import { acquireForSuite, type SuiteOptions } from "./suite.js";
import { startPoolForSuite } from "./suite-pool.js";
import type { EnvironmentView, ProvidedEnvironment } from "./view.js";
// Makes the augmentation below resolve "vitest" (a type-only import, erased from the output).
import type {} from "vitest";

export { berthEnvironment, environmentView, type EnvironmentView, type ProvidedEnvironment } from "./view.js";
export type { SuiteOptions, SuitePoolOptions } from "./suite.js";
export type { PoolFileOptions } from "./pool-file.js";

declare module "vitest" {
  export interface ProvidedContext {
    berth: ProvidedEnvironment;
  }
}

/** The part of Vitest's TestProject the setup uses (kept structural: no runtime import of vitest). */
interface Provider {
  provide(key: "berth", value: ProvidedEnvironment): void;
  /** Its resolved configuration: `maxWorkers` sizes a pool by default. */
  readonly config?: { readonly maxWorkers?: number };
}

export function berthGlobalSetup(options: SuiteOptions = {}): (project: Provider) => Promise<() => Promise<void>> {
  return async (project) => {
    if (options.pool) {
      const pool = await startPoolForSuite(options, project.config?.maxWorkers);
      return () => pool.release();
    }
    const suite = await acquireForSuite(options);
    project.provide("berth", suite.data);
    return () => suite.release();
  };
}

/**
 * In a Vitest setup file (`test.setupFiles`, which runs before every test file), with `pool` in the
 * global setup's options: claims this test file's own environment from the pool before the file is
 * loaded, puts its connection variables and BERTH_ENVIRONMENT into process.env, and hands it back
 * after the file through `afterAll` (pass Vitest's own); the pool resets it before another file gets it.
 */
export async function useBerthPoolEnvironment(
  hooks: { afterAll(fn: () => Promise<void>, timeout?: number): void },
  options: PoolFileOptions = {},
): Promise<EnvironmentView> {
  const file = await claimForTestFile(options);
  hooks.afterAll(() => file.release());
  return file.view;
}
