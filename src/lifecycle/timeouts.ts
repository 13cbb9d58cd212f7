/** How long an environment (or a service operation) may take to become ready unless told otherwise (`--timeout`, `timeoutMs`), on one engine and on a swarm alike. */
export const DEFAULT_READY_TIMEOUT_MS = 180_000;
