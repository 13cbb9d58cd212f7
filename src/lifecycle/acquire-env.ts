/**
 * The variables an acquire interpolates the compose files with (and reads BERTH_* / DOCKER_*
 * settings from). `env` is laid over the process environment, as Testcontainers users expect of
 * `withEnvironment`: passing `{ TAG: "2" }` must not make `${HOME}` or DOCKER_HOST disappear.
 * `inheritEnv: false` makes `env` the complete environment (reproducible runs, tests).
 */
export interface EnvOptions {
  /** Variables laid over the process environment (or, with `inheritEnv: false`, the whole environment). */
  env?: Record<string, string | undefined>;
  /** false: `env` is the complete environment; nothing is read from `process.env` (default true). */
  inheritEnv?: boolean;
}

/** A fresh object: callers may keep it (e.g. in a shared release) without seeing later changes to process.env. */
export function effectiveEnv(o: EnvOptions, processEnv: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  return o.inheritEnv === false ? { ...o.env } : { ...processEnv, ...o.env };
}
