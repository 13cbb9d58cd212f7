/**
 * Vitest global setup. In a file listed in `test.globalSetup`:
 *
 *   import { berthGlobalSetup } from "berth/vitest";
 *   export default berthGlobalSetup({ files: ["compose.yml"] });
 *
 * and in tests: `const env = environmentView(inject("berth")); env.url("api", 8080)`.
 * @module berth/vitest
 */
import { acquireForSuite, type SuiteOptions } from "./suite.js";
import type { ProvidedEnvironment } from "./view.js";
// Makes the augmentation below resolve "vitest" (a type-only import, erased from the output).
import type {} from "vitest";

export { environmentView, type EnvironmentView, type ProvidedEnvironment } from "./view.js";
export type { SuiteOptions } from "./suite.js";

declare module "vitest" {
  export interface ProvidedContext {
    berth: ProvidedEnvironment;
  }
}

/** The part of Vitest's TestProject the setup uses (kept structural: no runtime import of vitest). */
interface Provider {
  provide(key: "berth", value: ProvidedEnvironment): void;
}

export function berthGlobalSetup(options: SuiteOptions = {}): (project: Provider) => Promise<() => Promise<void>> {
  return async (project) => {
    const suite = await acquireForSuite(options);
    project.provide("berth", suite.data);
    return () => suite.release();
  };
}
