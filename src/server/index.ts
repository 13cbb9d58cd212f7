/**
 * `berth serve` as a library call: starts the status server and returns its address and a close
 * function. The CLI command is a thin wrapper around this.
 */
import { effectiveEnv } from "../lifecycle/acquire-env.js";
import { chooseEngine, connectEngine } from "../engine/connect.js";
import { startHttpServer, type RunningServer } from "./http-server.js";
import { validateServeOptions, type ServeOptions } from "./options.js";
import { StatusService } from "./status-service.js";

export { validateServeOptions, isLoopback, DEFAULT_PORT, type ServeOptions } from "./options.js";

export interface StatusServer extends RunningServer {
  /** Where the server expects the engine (as the docker CLI finds it, else the first local socket). */
  engineEndpoint: string;
}

export interface StartServerOptions {
  host?: string;
  port?: number;
  token?: string;
  historyMs?: number;
  /** Variables to read DOCKER_HOST (and TLS settings) from, laid over process.env as acquire's `env`. */
  env?: Record<string, string | undefined>;
  /** false: `env` is the complete environment (default true). */
  inheritEnv?: boolean;
  signal?: AbortSignal;
}

/** The engine discovery chooses (connect.ts); a broken context still starts the server, whose engine endpoints then answer 503 with why. */
function endpointOf(env: Record<string, string | undefined>): string {
  try {
    return chooseEngine({ env }).host;
  } catch {
    return env.DOCKER_HOST || "unix:///var/run/docker.sock";
  }
}

/**
 * Starts serving. The engine need not answer yet: the server starts anyway, answers 503 with the
 * reason on engine-backed endpoints, and picks the engine up as soon as it answers.
 */
export async function startStatusServer(options: StartServerOptions = {}): Promise<StatusServer> {
  const o: ServeOptions = validateServeOptions(options);
  const env = effectiveEnv(options);
  const controller = new AbortController();
  options.signal?.addEventListener("abort", () => controller.abort(), { once: true });
  const service = new StatusService({
    connect: (signal) => connectEngine({ env, signal }),
    endpoint: endpointOf(env),
    historyMs: o.historyMs,
  });
  let http: RunningServer;
  try {
    http = await startHttpServer(service, o);
  } catch (error) {
    controller.abort();
    throw error;
  }
  await service.start(controller.signal);
  return {
    ...http,
    engineEndpoint: endpointOf(env),
    close: async () => {
      controller.abort();
      await http.close();
    },
  };
}
