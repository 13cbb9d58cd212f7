/**
 * An environment for a whole test suite, shared by the runner integrations: acquired before the
 * suite (owned by the runner's process, so the reaper removes it if that process dies), its
 * connection variables put into process.env for the workers, released after — also when the
 * runner is interrupted.
 */
import { acquire, type AcquireOptions } from "../lifecycle/acquire.js";
import type { ConnectionEnvOptions } from "../lifecycle/connection-env.js";
import type { ProvidedEnvironment } from "./view.js";

export interface SuiteOptions extends AcquireOptions, ConnectionEnvOptions {
  /** Put the connection variables (and BERTH_ENVIRONMENT, the JSON of the environment) into process.env (default true). */
  setProcessEnv?: boolean;
}

export interface SuiteEnvironment {
  data: ProvidedEnvironment;
  release(): Promise<void>;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export async function acquireForSuite(options: SuiteOptions = {}): Promise<SuiteEnvironment> {
  const env = await acquire({ lifetime: "process", ...options });
  const data: ProvidedEnvironment = { ...env.toJSON(), variables: env.connectionVariables({ prefix: options.prefix }) };
  if (options.setProcessEnv ?? true) Object.assign(process.env, data.variables, { BERTH_ENVIRONMENT: JSON.stringify(data) });

  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      for (const s of SIGNALS) process.off(s, onSignal);
      await env.release();
    })());
  // The runner interrupted: release, then let the signal do what it would have done.
  const onSignal = (signal: NodeJS.Signals) => {
    void release().finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  for (const s of SIGNALS) process.once(s, onSignal);
  return { data, release };
}
