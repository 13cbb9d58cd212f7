/**
 * What an Environment handle and the service operations behind it (restart, stop, start, wait,
 * exec, logs, copy, health report) ask of the engine: the core's Runtime, plus restarting a
 * container, following its output and its file archive. The concrete Engine is one; unit tests
 * hand the in-memory runtime (test/unit/support/memory-runtime.ts) instead.
 */
import type { Engine } from "../engine/engine.js";
import type { Runtime } from "../engine/runtime.js";

export type EnvironmentRuntime = Runtime &
  Pick<Engine, "restartContainer" | "followLogs" | "getArchive" | "putArchive" | "pathStat" | "pauseContainer" | "unpauseContainer">;

/** The service operations' part of it: the Runtime and restarting a container. */
export type ServiceRuntime = Runtime & Pick<Engine, "restartContainer">;
