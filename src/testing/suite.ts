/**
 * An environment for a whole test suite, shared by the runner integrations: acquired before the
 * suite (owned by the runner's process, so the reaper removes it if that process dies), its
 * connection variables put into process.env for the workers, released after — also when the
 * runner is interrupted. With `pool`, a warm pool instead (suite-pool.ts), from which each test
 * file claims its own environment (pool-file.ts).
 */
import { acquire, type AcquireOptions } from "../lifecycle/acquire.js";
import type { ConnectionEnvOptions } from "../lifecycle/connection-env.js";
import type { ProvidedEnvironment } from "./view.js";

/** A pool for the suite: each test file gets its own environment from it, reset to the pool's snapshot after the file. */
export interface SuitePoolOptions {
  /**
   * Environments the pool keeps warm and unclaimed (default: the runner's number of workers): as
   * files hold them longer than a reset takes it starts more in the background (files that finish
   * sooner find theirs warm again after its reset), and keeps the ones handed back (reset), so
   * that the next files find one warm; it shrinks back to `size` unclaimed 30 s after the last claim.
   */
  size?: number;
  /** The pool's name (default: `suite-` and a random part, so that suites running at once never share). */
  name?: string;
  /** The snapshot each environment takes once ready and is reset to after each file (default "pool"). */
  snapshot?: string;
  /** Image of the helper container that copies volume data (see SnapshotOptions). */
  helperImage?: string;
  /** How long a reset may take before that environment is discarded and replaced (default 60 s). */
  resetTimeoutMs?: number;
}

export interface SuiteOptions extends AcquireOptions, ConnectionEnvOptions {
  /** Put the connection variables (and BERTH_ENVIRONMENT, the JSON of the environment) into process.env (default true). */
  setProcessEnv?: boolean;
  /**
   * Instead of one environment for the whole suite: a warm pool of them (`true`: the defaults). Each
   * test file claims its own with `useBerthPoolEnvironment` in a setup file, and hands it back after
   * the file; the pool resets it to its snapshot before another file gets it.
   */
  pool?: SuitePoolOptions | true;
}

export interface SuiteEnvironment {
  data: ProvidedEnvironment;
  release(): Promise<void>;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * `release`, made idempotent and also run when the runner is interrupted (then the signal does what
 * it would have done): what a suite's setup holds goes in every case.
 */
export function releaseOnInterrupt(release: () => Promise<void>): () => Promise<void> {
  let released: Promise<void> | undefined;
  const once = () =>
    (released ??= (async () => {
      for (const s of SIGNALS) process.off(s, onSignal);
      await release();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    void once().finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  for (const s of SIGNALS) process.once(s, onSignal);
  return once;
}

export async function acquireForSuite(options: SuiteOptions = {}): Promise<SuiteEnvironment> {
  const env = await acquire({ lifetime: "process", ...options });
  const data: ProvidedEnvironment = { ...env.toJSON(), variables: env.connectionVariables({ prefix: options.prefix }) };
  if (options.setProcessEnv ?? true) Object.assign(process.env, data.variables, { BERTH_ENVIRONMENT: JSON.stringify(data) });
  return {
    data,
    release: releaseOnInterrupt(async () => {
      await env.release();
    }),
  };
}
