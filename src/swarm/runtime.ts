/**
 * The swarm calls a deploy's plan steps and readiness waits make: the part of the Swarm client
 * (engine/swarm.ts) they use, so that they can run against something else in unit tests.
 */
import type { Swarm } from "../engine/swarm.js";

export type SwarmRuntime = Pick<
  Swarm,
  "endpoint" | "createOverlayNetwork" | "createSecret" | "createConfig" | "createService" | "listTasks" | "listNodes" | "serviceLogs"
>;
