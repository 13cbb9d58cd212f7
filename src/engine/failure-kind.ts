/**
 * What an engine failure was, decided once where engine calls are wrapped (errors.ts) and carried
 * in the BerthError's details (`engineFailure`). The HTTP status decides first; dockerd's wording
 * is read only here, where one status covers several failures (a 500 for a taken port and for a
 * lost containerd alike). Code outside src/engine checks the kind, never the engine's message.
 */
export type EngineFailureKind =
  /** Nothing answers at the engine's address (refused, reset, socket gone). */
  | "engine-gone"
  /** The engine answered but lost its state or its connection mid-call (it restarted, crashed). */
  | "engine-lost-state"
  /** 404 on something other than an image. */
  | "not-found"
  /** The image is not on the engine (or a swarm node) and cannot be pulled. */
  | "image-missing"
  /** 409 (or dockerd's wording of it): the container or network name is taken. */
  | "name-in-use"
  /** Another 409 (a removal already in progress, …). */
  | "conflict"
  /** The host port to publish is bound already. */
  | "port-taken"
  /** No host port of the asked range is free. */
  | "ports-exhausted"
  /** No address pool is left for a new network. */
  | "address-pool-exhausted"
  /** The asked subnet overlaps a network's. */
  | "subnet-overlap"
  /** A network cannot be removed while endpoints are attached. */
  | "active-endpoints"
  | "other";

/*
 * dockerd 20.10's wording. Order matters: "non-overlapping … address pool" (no pool left) is not
 * an overlap, and "address already in use" (a taken port) is not a taken name.
 */
const WORDING: [RegExp, EngineFailureKind][] = [
  [/all ports are allocated/i, "ports-exhausted"],
  [/port is already allocated|address already in use/i, "port-taken"],
  [/non-overlapping|address pool|no available network/i, "address-pool-exhausted"],
  [/overlaps|address space/i, "subnet-overlap"],
  [/active endpoints/i, "active-endpoints"],
  [/no such image|image .* not found|pull access denied/i, "image-missing"],
  [/already exists|is already in use/i, "name-in-use"],
  // The container's own process could not start (its entrypoint or a path it needs is missing):
  // the user's image or file, not the engine, although the words are the same ("no such file").
  [/unable to start container process|starting container process caused|error during container init/i, "other"],
  // A call the engine could not finish because its own state or its link to containerd went away.
  [/no such file or directory|connection reset|socket hang up|ECONNREFUSED|ENOENT|EPIPE/i, "engine-lost-state"],
];

/**
 * Classifies an engine answer by its HTTP status and message. Pure. A 404 is a missing object
 * (an image, or anything else); a 409 is a conflict, named by its wording when it has a kind of its
 * own; other statuses (dockerd answers 403 and 500 for many things) go by the wording.
 */
export function classifyEngineFailure(status: number | undefined, message: string): EngineFailureKind {
  const worded = WORDING.find(([re]) => re.test(message))?.[1];
  if (status === 404) return worded === "image-missing" ? "image-missing" : "not-found";
  if (status === 409) return worded === undefined || worded === "engine-lost-state" ? "conflict" : worded;
  return worded ?? "other";
}

/**
 * Classifies the error text of a swarm task (its status.err and message), which the swarm writes
 * in dockerd's words without a status. Pure.
 */
export function classifyTaskError(text: string): EngineFailureKind {
  return classifyEngineFailure(undefined, text);
}

/** The host port a port-taken answer names ("Bind for 127.0.0.1:5432 failed", "listen tcp4 0.0.0.0:5432: bind"). */
export function portNamedIn(message: string): number | undefined {
  const m = /(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]*\]|::):(\d+)/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Whether a swarm service's update message only says that the update (or its rollback) runs, in the swarm's words. */
export function isUpdateProgressMessage(message: string): boolean {
  return /^(update|rollback) in progress$/.test(message);
}
