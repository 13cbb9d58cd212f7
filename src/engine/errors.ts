import { BerthError } from "../errors.js";

/** The shape docker-modem gives its errors: an HTTP status and the engine's JSON message. */
interface ModemError {
  statusCode?: number;
  json?: { message?: string } | null;
  reason?: string;
  code?: string;
  message?: string;
}

const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);

export function engineMessage(error: unknown): string {
  const e = error as ModemError;
  return (e?.json?.message ?? e?.message ?? String(error)).trim();
}

export function statusOf(error: unknown): number | undefined {
  return (error as ModemError)?.statusCode;
}

export function isConnectionError(error: unknown): boolean {
  const code = (error as ModemError)?.code;
  return code !== undefined && CONNECT_CODES.has(code);
}

/**
 * Turns a client error into a BerthError naming what berth was doing (`action`), keeping the
 * engine's structured message. Status codes, not message text, decide the error code.
 */
export function toBerthError(error: unknown, action: string, endpoint: string): BerthError {
  if (error instanceof BerthError) return error;
  if ((error as Error)?.name === "AbortError") {
    return new BerthError("ABORTED", `${action}: cancelled`, { cause: error });
  }
  if (isConnectionError(error)) {
    return new BerthError("ENGINE_UNREACHABLE", `${action}: the Docker engine at ${endpoint} does not answer (${engineMessage(error)})`, {
      hint: "Start the engine (on this project's machines: `bash scripts/ensure-engine.sh`) or point DOCKER_HOST at a running one.",
      cause: error,
    });
  }
  const status = statusOf(error);
  const message = engineMessage(error);
  if (status === 404) return new BerthError("NOT_FOUND", `${action}: ${message}`, { cause: error, details: { status } });
  if (status === 409) return new BerthError("CONFLICT", `${action}: ${message}`, { cause: error, details: { status } });
  return new BerthError("ENGINE_ERROR", `${action}: ${message}`, { cause: error, details: { status } });
}
