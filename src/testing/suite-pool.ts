/**
 * The global-setup half of a pool-backed suite: starts a warm pool of the suite's compose file (in
 * the runner's own process, so the reaper removes it if that process dies), waits until it is warm,
 * and tells the test workers its name through process.env; closes it after the suite, also when the
 * runner is interrupted. Each test file claims from it (pool-file.ts).
 */
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { createPool } from "../pool/pool.js";
import { releaseOnInterrupt, type SuitePoolOptions, type SuiteOptions } from "./suite.js";

/** Where the workers find the pool's name (and the variables' prefix): set before they start. */
export const POOL_ENV = { name: "BERTH_POOL", prefix: "BERTH_POOL_PREFIX" } as const;

export interface SuitePool {
  name: string;
  release(): Promise<void>;
}

/** The pool's size (unclaimed environments it keeps warm): as asked, else one per worker of the runner (at least one). */
export function suitePoolSize(pool: SuitePoolOptions, workers: number | undefined): number {
  return pool.size ?? Math.max(1, Math.floor(workers ?? availableParallelism()));
}

export async function startPoolForSuite(options: SuiteOptions, workers: number | undefined): Promise<SuitePool> {
  const p = options.pool === true || options.pool === undefined ? {} : options.pool;
  const pool = await createPool({
    files: options.files,
    projectDirectory: options.projectDirectory,
    profiles: options.profiles,
    services: options.services,
    readiness: options.readiness,
    timeoutMs: options.timeoutMs,
    ports: options.ports,
    engine: options.engine,
    env: options.env,
    onEvent: options.onEvent,
    size: suitePoolSize(p, workers),
    name: p.name ?? `suite-${randomBytes(4).toString("hex")}`,
    snapshot: p.snapshot,
    helperImage: p.helperImage,
    resetTimeoutMs: p.resetTimeoutMs,
  });
  const release = releaseOnInterrupt(() => pool.close());
  try {
    await pool.ready();
  } catch (error) {
    await release();
    throw error;
  }
  if (options.setProcessEnv ?? true) {
    process.env[POOL_ENV.name] = pool.name;
    if (options.prefix !== undefined) process.env[POOL_ENV.prefix] = options.prefix;
  }
  return { name: pool.name, release };
}
