/**
 * Known failure patterns: each looks at one container's facts (state, exit code, OOM flag, health
 * check output, last log lines) and, when it recognises the failure, says in plain words what
 * happened and what to change, quoting the line that gave it away. Pure; ordered from the most
 * specific to the most general.
 */
import { addressInUse, connectionRefused, dnsFailure } from "./patterns-network.js";
import { commandNotFound, healthcheckNotFound, outOfMemory, paused } from "./patterns-process.js";
import { dbNotInitialised, missingEnv, permissionDenied } from "./patterns-setup.js";
import type { Pattern } from "./text-sources.js";

/** In order: a container can match several; each pattern reports at most once. */
export const PATTERNS: { id: string; match: Pattern }[] = [
  { id: "paused", match: paused },
  { id: "out-of-memory", match: outOfMemory },
  { id: "command-not-found", match: commandNotFound },
  { id: "healthcheck-command-not-found", match: healthcheckNotFound },
  { id: "address-in-use", match: addressInUse },
  { id: "database-not-initialised", match: dbNotInitialised },
  { id: "missing-env-var", match: missingEnv },
  { id: "dns-not-resolving", match: dnsFailure },
  { id: "connection-refused", match: connectionRefused },
  { id: "permission-denied", match: permissionDenied },
];
