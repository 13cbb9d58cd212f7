import { BerthError, isBerthError } from "../errors.js";
import { isLocalEndpoint } from "./endpoint.js";
import { classifyEngineFailure, portNamedIn, type EngineFailureKind } from "./failure-kind.js";

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
 * engine's structured message. Status codes, not message text, decide the error code; the failure
 * is classified once here (details.engineFailure, see failure-kind.ts).
 */
export function toBerthError(error: unknown, action: string, endpoint: string): BerthError {
  if (isBerthError(error)) return error;
  if ((error as Error)?.name === "AbortError") {
    return new BerthError("ABORTED", `${action}: cancelled`, { cause: error });
  }
  if (isConnectionError(error)) {
    return new BerthError("ENGINE_UNREACHABLE", `${action}: the Docker engine at ${endpoint} does not answer (${engineMessage(error)})`, {
      hint: startEngineHint(endpoint),
      cause: error,
      details: { engineFailure: "engine-gone" },
    });
  }
  const status = statusOf(error);
  const message = engineMessage(error);
  const engineFailure = classifyEngineFailure(status, message);
  const hostPort = engineFailure === "port-taken" ? portNamedIn(message) : undefined;
  const details = { status, engineFailure, ...(hostPort === undefined ? {} : { hostPort }) };
  if (status === 404) return new BerthError("NOT_FOUND", `${action}: ${message}`, { cause: error, details });
  if (status === 409) return new BerthError("CONFLICT", `${action}: ${message}`, { cause: error, details });
  return new BerthError("ENGINE_ERROR", `${action}: ${message}`, { cause: error, details });
}

/** The classified kind of a failed engine call (undefined for anything else). */
export function engineFailureOf(error: unknown): EngineFailureKind | undefined {
  return isBerthError(error, "ENGINE_UNREACHABLE", "ENGINE_ERROR", "NOT_FOUND", "CONFLICT", "IMAGE_NOT_FOUND") ? error.details.engineFailure : undefined;
}

/**
 * How to get an engine at `endpoint` running, for the user's machine: a remote endpoint is
 * checked where it runs; a local one is started the way the platform starts Docker.
 */
export function startEngineHint(endpoint: string, platform: string = process.platform): string {
  const orOther =
    "or point DOCKER_HOST (or DOCKER_CONTEXT) at a running engine (`docker info` shows whether one answers; `berth doctor` says which engine berth chose and why)";
  if (!isLocalEndpoint(endpoint)) return `Check that the Docker engine at ${endpoint} is running and reachable from here, ${orOther}.`;
  if (endpoint.includes("/podman/")) {
    const path = endpoint.replace(/^unix:\/\//, "");
    return `Start Podman's Docker-compatible API (\`systemctl ${path.startsWith("/run/podman/") ? "" : "--user "}start podman.socket\`; without systemd: \`podman system service --time=0 ${endpoint} &\`), ${orOther}.`;
  }
  if (platform === "darwin" || platform === "win32")
    return `Start Docker Desktop (or \`colima start\`, Rancher Desktop, OrbStack: each sets a docker context berth follows), ${orOther}.`;
  if (/^unix:\/\/\/run\/user\/\d+\/docker\.sock$/.test(endpoint)) {
    return `Start rootless Docker (\`systemctl --user start docker\`; without systemd: \`dockerd-rootless.sh > /tmp/dockerd-rootless.log 2>&1 &\`), ${orOther}.`;
  }
  return `Start Docker (\`sudo systemctl start docker\`; without systemd: \`sudo berth engine start\`, which starts dockerd and waits until it answers), ${orOther}.`;
}

/**
 * Something answered HTTP at the engine's address but not as a Docker engine does (a web server,
 * a proxy's error page, another service on the port): unreachable as far as berth is concerned.
 */
export function notAnEngine(endpoint: string, what: string, cause?: unknown): BerthError {
  return new BerthError("ENGINE_UNREACHABLE", `the server at ${endpoint} answered, but is not a Docker engine (${what})`, {
    hint: "DOCKER_HOST (or --engine) points at another service: use the engine's address (unix:///var/run/docker.sock locally, tcp://HOST:2375 for a remote engine), or unset DOCKER_HOST for the local engine; `docker info` shows whether one answers.",
    cause,
  });
}
