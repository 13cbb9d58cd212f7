/**
 * The per-file half of a pool-backed suite: a test file claims its own environment from the pool
 * the global setup started (its name in BERTH_POOL), sees it through process.env (the connection
 * variables and BERTH_ENVIRONMENT) while it runs, and hands it back after; the pool's keeper resets
 * it to its snapshot before another file gets it.
 */
import { BerthError } from "../errors.js";
import { claimFromPool } from "../pool/client.js";
import { POOL_ENV } from "./suite-pool.js";
import { environmentView, type EnvironmentView, type ProvidedEnvironment } from "./view.js";

export interface PoolFileOptions {
  /** The pool to claim from (default: BERTH_POOL, which the global setup sets). */
  pool?: string;
  /** Prefix of the connection variables (default: the global setup's `prefix`). */
  prefix?: string;
  /** How long to wait for a free environment (default 180 s). */
  timeoutMs?: number;
}

export interface FileEnvironment {
  view: EnvironmentView;
  /** Hands the environment back and restores process.env as it was before the claim. */
  release(): Promise<void>;
}

/** Sets `values` in process.env; the returned function puts back what was there before. */
export function setProcessEnv(values: Record<string, string>, env: Record<string, string | undefined> = process.env): () => void {
  const before = Object.keys(values).map((k) => [k, env[k]] as const);
  Object.assign(env, values);
  return () => {
    for (const [k, v] of before) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  };
}

export async function claimForTestFile(o: PoolFileOptions = {}): Promise<FileEnvironment> {
  const name = o.pool ?? process.env[POOL_ENV.name];
  if (!name) {
    throw new BerthError("USAGE", "no berth pool to claim this test file's environment from", {
      hint: "Start one in the global setup: berthGlobalSetup({ files: […], pool: { size: 2 } }) (berth/vitest or berth/jest); it sets BERTH_POOL for the workers.",
    });
  }
  const env = await claimFromPool(name, { timeoutMs: o.timeoutMs });
  const data: ProvidedEnvironment = { ...env.toJSON(), variables: env.connectionVariables({ prefix: o.prefix ?? process.env[POOL_ENV.prefix] }) };
  const restore = setProcessEnv({ ...data.variables, BERTH_ENVIRONMENT: JSON.stringify(data) });
  let released: Promise<void> | undefined;
  return {
    view: environmentView(data),
    release: () =>
      (released ??= (async () => {
        restore();
        await env.release();
      })()),
  };
}
