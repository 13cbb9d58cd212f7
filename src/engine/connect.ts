// First: keeps dockerode from loading transports berth does not use (see the module).
import "./defer-unused-transports.js";
import Docker from "dockerode";
import { BerthError } from "../errors.js";
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { homedir } from "node:os";
import { discoverEngine, type EngineChoice } from "./discovery.js";
import { clientOptions } from "./client-options.js";
import { Engine } from "./engine.js";
import { engineReach } from "./reach.js";
import { tlsFailure } from "./tls-errors.js";
import { patientTimeout } from "./patient-timeout.js";
import { notAnEngine, startEngineHint, statusOf, toBerthError } from "./errors.js";

/** The oldest Engine API berth speaks (Docker 20.10) and the newest it knows. */
export const MIN_API_VERSION = "1.41";
export const MAX_API_VERSION = "1.47";
/** How long the engine has to answer the first call (time this process could not run excluded). */
const CONNECT_TIMEOUT_MS = 10_000;

export interface ConnectOptions {
  /**
   * e.g. unix:///var/run/docker.sock or tcp://host:2375; default: the engine the docker CLI would use
   * (DOCKER_HOST, DOCKER_CONTEXT, the current context), else the first local Docker or Podman socket.
   */
  host?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Per-request timeout in ms for calls that are not streams. */
  timeoutMs?: number;
}

function compareVersions(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split(".").map(Number);
  const [b1 = 0, b2 = 0] = b.split(".").map(Number);
  return a1 - b1 || a2 - b2;
}

/** min(engine's version, newest berth knows); refuses engines older than 1.41. Pure, for tests. */
export function negotiateApiVersion(engineApi: string): string {
  if (compareVersions(engineApi, MIN_API_VERSION) < 0) {
    throw new BerthError("ENGINE_ERROR", `the Docker engine speaks API ${engineApi}, older than ${MIN_API_VERSION} (Docker 20.10) which berth needs`, {
      hint: "Upgrade the Docker engine to 20.10 or newer.",
    });
  }
  return compareVersions(engineApi, MAX_API_VERSION) > 0 ? MAX_API_VERSION : engineApi;
}

/**
 * Runs `make` with DOCKER_HOST out of process.env: docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY
 * and DOCKER_CERT_PATH itself when a client is made, under the options berth gives it, and throws
 * when DOCKER_CERT_PATH lacks a file; berth's own discovery has already read them (or chosen a
 * context over them). Synchronous, so nothing else runs while the variable is away.
 */
function withoutDockerHost<T>(make: () => T): T {
  const saved = process.env.DOCKER_HOST;
  if (saved === undefined) return make();
  delete process.env.DOCKER_HOST;
  try {
    return make();
  } finally {
    process.env.DOCKER_HOST = saved;
  }
}

/** The engine `options` lead to, reading the docker CLI's config and the machine's sockets (discovery.ts). */
export function chooseEngine(options: Pick<ConnectOptions, "host" | "env"> = {}): EngineChoice {
  const env = options.env ?? process.env;
  return discoverEngine({
    host: options.host,
    env,
    home: env.HOME || homedir(),
    readFile: (path) => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
    },
    exists: (path) => existsSync(path),
  });
}

/** What the engine says of itself in the headers of its answer to GET /_ping. */
export interface PingAnswer {
  apiVersion: string;
  version: string;
  os: string;
}

/** What /_ping's headers (lower-case names, as Node gives them) say; undefined when one part is missing. Pure, for tests. */
export function pingAnswer(headers: Record<string, string | string[] | undefined>): PingAnswer | undefined {
  const header = (name: string) => [headers[name]].flat()[0];
  const apiVersion = header("api-version");
  // Only dockerd's and Podman's own Server header: a proxy in front of the socket may put its own there.
  const server = /^(?:Docker|Libpod)\/(\S+)(?:\s+\((\w+)\))?/.exec(header("server") ?? "");
  const os = header("ostype") ?? server?.[2];
  return apiVersion && server?.[1] && os ? { apiVersion, version: server[1], os } : undefined;
}

/**
 * Asks the unversioned /_ping what the engine speaks: the API-Version header, and its version and
 * OS from the Server header ("Docker/20.10.24 (linux)"; Podman: "Libpod/4.3.1 (linux)"), as the
 * docker CLI negotiates. Why not dockerode's version(): dockerd answers /version in ~5 ms here
 * (it asks containerd and the kernel for theirs) and /_ping in ~0.3 ms, and every berth command
 * waits for this answer before its first real call. Undefined when the answer lacks one of them (an
 * engine older than API 1.25, or something that is not an engine): /version then decides.
 */
function ping(docker: Docker, signal: AbortSignal): Promise<PingAnswer | undefined> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      { path: "/_ping?", method: "GET", abortSignal: signal, isStream: true, statusCodes: { 200: true } },
      (error: unknown, answer: unknown) => {
        if (error)
          return statusOf(error) === undefined
            ? reject(error instanceof Error ? error : new Error(`/_ping failed: ${JSON.stringify(error)}`))
            : resolve(undefined);
        const res = answer as IncomingMessage; // isStream: the response itself
        res.resume(); // the body is "OK"; reading it frees the connection for the next call
        resolve(pingAnswer(res.headers));
      },
    );
  });
}

/**
 * Connects to an engine and negotiates the API version: asks the unversioned /_ping (or, when its
 * answer says too little, /version) what the engine speaks, then pins every later call to the
 * highest version both sides know.
 */
export async function connectEngine(options: ConnectOptions = {}): Promise<Engine> {
  const choice = chooseEngine(options);
  const { opts, endpoint } = clientOptions(choice);
  const docker = withoutDockerHost(() => new Docker({ ...opts, timeout: options.timeoutMs }));
  try {
    // The published typings lag dockerode 5, whose version() accepts an abort signal.
    const versioned = docker as unknown as { version(o: object): Promise<Docker.DockerVersion> };
    // Not AbortSignal.timeout: a process starved of CPU must not take its own stall for the engine's.
    const answerWithin = patientTimeout(CONNECT_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, answerWithin.signal]) : answerWithin.signal;
    const said = await ping(docker, signal)
      .then(async (pinged) => {
        if (pinged) return pinged;
        const v = await versioned.version({ abortSignal: signal });
        if (typeof v?.ApiVersion !== "string") throw notAnEngine(endpoint, "its answer to /version carries no ApiVersion");
        return { apiVersion: v.ApiVersion, version: v.Version, os: v.Os };
      })
      .finally(() => answerWithin.clear());
    const negotiated = negotiateApiVersion(said.apiVersion);
    (docker.modem as unknown as { version: string }).version = `v${negotiated}`;
    const info = { version: said.version, apiVersion: said.apiVersion, negotiatedApiVersion: negotiated, os: said.os };
    return new Engine(docker, info, endpoint, { reach: engineReach(endpoint, options.env ?? process.env), choice });
  } catch (error) {
    if ((error as Error)?.name === "TimeoutError" || (error as Error)?.name === "AbortError") {
      if (options.signal?.aborted) throw new BerthError("ABORTED", "connecting to the engine: cancelled", { cause: error });
      throw new BerthError("ENGINE_UNREACHABLE", `the Docker engine at ${endpoint} did not answer within 10 s`, {
        hint: `The engine may be overloaded or hung: check \`docker info\` and the daemon's log. ${startEngineHint(endpoint)}`,
        cause: error,
      });
    }
    const tls = tlsFailure(error, endpoint, choice);
    if (tls) throw tls;
    // An HTTP status from /version, which every Docker engine answers with 200: not an engine.
    const status = statusOf(error);
    if (status !== undefined && !(error instanceof BerthError)) throw notAnEngine(endpoint, `HTTP ${status} for /version`, error);
    throw toBerthError(error, "connect to the Docker engine", endpoint);
  }
}
