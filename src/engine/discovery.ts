/**
 * Which engine berth talks to, found the way the docker CLI finds it, then the places other
 * engines put their sockets. Pure: the environment and every file read come in as input.
 *
 * Order: an explicit host (`--engine`), DOCKER_HOST, DOCKER_CONTEXT, the current context of
 * $DOCKER_CONFIG/config.json (default ~/.docker), then the first socket that exists of: rootless
 * Docker ($XDG_RUNTIME_DIR/docker.sock), the default /var/run/docker.sock, Docker Desktop's
 * ~/.docker/run/docker.sock, rootless Podman ($XDG_RUNTIME_DIR/podman/podman.sock) and
 * root Podman (/run/podman/podman.sock). With none of them, the default socket (whose failure
 * to answer then explains how to start an engine).
 */
import { createHash } from "node:crypto";
import { BerthError } from "../errors.js";

export const DEFAULT_SOCKET = "/var/run/docker.sock";

/** How the engine was chosen; `why` says it in words for `berth doctor`. */
export type EngineSource = "flag" | "DOCKER_HOST" | "DOCKER_CONTEXT" | "current-context" | "socket" | "fallback";

/** PEM texts for a TLS connection; `verify: false` is the CLI's TLS without server verification. */
export interface EngineTls {
  ca?: string;
  cert?: string;
  key?: string;
  verify: boolean;
  /** Where the material came from, for messages: a folder. */
  from: string;
}

export interface EngineChoice {
  /** unix:///…, tcp://…, ssh://… (an npipe:// is refused when connecting). */
  host: string;
  source: EngineSource;
  why: string;
  /** The docker CLI context the host came from. */
  context?: string;
  tls?: EngineTls;
}

export interface DiscoveryInput {
  /** `--engine` or ConnectOptions.host. */
  host?: string;
  env: Record<string, string | undefined>;
  /** The user's home folder (os.homedir()). */
  home: string;
  /** A file's text, or undefined when it does not exist or cannot be read. */
  readFile: (path: string) => string | undefined;
  /** Whether a socket (or any file) exists at path. */
  exists: (path: string) => boolean;
}

const join = (...parts: string[]) => parts.join("/").replace(/\/{2,}/g, "/");

/** The docker CLI's config folder: $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: DiscoveryInput["env"], home: string): string {
  return env.DOCKER_CONFIG || join(home, ".docker");
}

/** The folder name of a context in the CLI's store: the hex SHA-256 of its name (docker/cli's context store). */
export function contextId(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

function unreachable(message: string, hint: string): BerthError {
  return new BerthError("ENGINE_UNREACHABLE", message, { hint });
}

/** TLS from DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH, as the docker CLI reads them; undefined when off. */
export function envTls(input: DiscoveryInput): EngineTls | undefined {
  const { env } = input;
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const dir = env.DOCKER_CERT_PATH || dockerConfigDir(env, input.home);
  const read = (file: string) => input.readFile(join(dir, file));
  const tls: EngineTls = { verify, from: dir, ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
  if (verify && !tls.ca) {
    throw unreachable(
      `DOCKER_TLS_VERIFY is set but there is no CA certificate at ${join(dir, "ca.pem")}`,
      "Point DOCKER_CERT_PATH at the folder holding the engine's ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY for an engine without TLS.",
    );
  }
  if (Boolean(tls.cert) !== Boolean(tls.key)) {
    throw unreachable(
      `${join(dir, tls.cert ? "key.pem" : "cert.pem")} is missing: a client certificate needs both cert.pem and key.pem`,
      `Put the client certificate and its key next to each other in ${dir}.`,
    );
  }
  return tls;
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

/** A named context from the CLI's store (contexts/meta/<id>/meta.json, TLS in contexts/tls/<id>/docker/). */
export function readContext(name: string, source: EngineSource, input: DiscoveryInput, why: string): EngineChoice | undefined {
  if (name === "default") return undefined; // the CLI's own name for "DOCKER_HOST or the local socket"
  const store = join(dockerConfigDir(input.env, input.home), "contexts");
  const id = contextId(name);
  const metaPath = join(store, "meta", id, "meta.json");
  const text = input.readFile(metaPath);
  if (text === undefined) {
    throw unreachable(
      `the docker context "${name}" (${why}) does not exist: no ${metaPath}`,
      "`docker context ls` lists the contexts; `docker context use default` (or unsetting DOCKER_CONTEXT) goes back to the local engine.",
    );
  }
  let meta: ContextMeta;
  try {
    meta = JSON.parse(text) as ContextMeta;
  } catch {
    throw unreachable(
      `the docker context "${name}" cannot be read: ${metaPath} is not JSON`,
      "Recreate it with `docker context rm` and `docker context create`.",
    );
  }
  const endpoint = meta.Endpoints?.docker;
  if (!endpoint?.Host) {
    throw unreachable(
      `the docker context "${name}" (${why}) names no Docker endpoint`,
      `Give it one with \`docker context update ${name} --docker host=tcp://HOST:2376\`, or choose another context.`,
    );
  }
  const tlsDir = join(store, "tls", id, "docker");
  const read = (file: string) => input.readFile(join(tlsDir, file));
  const ca = read("ca.pem");
  const cert = read("cert.pem");
  const key = read("key.pem");
  const hasTls = Boolean(ca || cert || key);
  const tls: EngineTls | undefined = hasTls ? { ca, cert, key, verify: !endpoint.SkipTLSVerify, from: tlsDir } : undefined;
  return { host: endpoint.Host, source, why, context: name, ...(tls ? { tls } : {}) };
}

/** The name of the context the CLI would use, and why; undefined when DOCKER_HOST decides. */
function contextName(input: DiscoveryInput): { name: string; source: EngineSource; why: string } | undefined {
  const { env } = input;
  if (env.DOCKER_CONTEXT) return { name: env.DOCKER_CONTEXT, source: "DOCKER_CONTEXT", why: `DOCKER_CONTEXT=${env.DOCKER_CONTEXT}` };
  const configPath = join(dockerConfigDir(env, input.home), "config.json");
  const text = input.readFile(configPath);
  if (text === undefined) return undefined;
  try {
    const current = (JSON.parse(text) as { currentContext?: unknown }).currentContext;
    if (typeof current === "string" && current !== "") return { name: current, source: "current-context", why: `the current context in ${configPath}` };
  } catch {
    // The CLI refuses a broken config.json; berth just does not take a context from it.
  }
  return undefined;
}

/** The local sockets tried, in order, each with why it would be chosen. */
export function localSockets(input: DiscoveryInput): { path: string; why: string }[] {
  const xdg = input.env.XDG_RUNTIME_DIR;
  return [
    ...(xdg ? [{ path: join(xdg, "docker.sock"), why: "rootless Docker's socket ($XDG_RUNTIME_DIR/docker.sock)" }] : []),
    { path: DEFAULT_SOCKET, why: "the default Docker socket" },
    { path: join(input.home, ".docker/run/docker.sock"), why: "Docker Desktop's socket" },
    ...(xdg ? [{ path: join(xdg, "podman/podman.sock"), why: "rootless Podman's Docker-compatible API socket" }] : []),
    { path: "/run/podman/podman.sock", why: "Podman's Docker-compatible API socket" },
  ];
}

/** The engine berth uses (see the module comment for the order). Throws ENGINE_UNREACHABLE for a broken context or TLS setting. */
export function discoverEngine(input: DiscoveryInput): EngineChoice {
  const { env } = input;
  const implicit = (): EngineChoice => {
    if (env.DOCKER_HOST) {
      const tls = envTls(input);
      return { host: env.DOCKER_HOST, source: "DOCKER_HOST", why: `DOCKER_HOST=${env.DOCKER_HOST}`, ...(tls ? { tls } : {}) };
    }
    const named = contextName(input);
    const fromContext = named && readContext(named.name, named.source, input, named.why);
    if (fromContext) return fromContext;
    for (const s of localSockets(input)) {
      if (input.exists(s.path)) return { host: `unix://${s.path}`, source: "socket", why: `${s.why}, found at ${s.path}` };
    }
    return { host: `unix://${DEFAULT_SOCKET}`, source: "fallback", why: "no engine socket was found; trying the default one" };
  };
  if (!input.host) return implicit();
  const tls = envTls(input);
  const flag: EngineChoice = { host: input.host, source: "flag", why: `given explicitly (${input.host})`, ...(tls ? { tls } : {}) };
  if (tls) return flag;
  // A child process handed the chosen endpoint (berth's reaper) keeps the context's TLS material.
  try {
    const same = implicit();
    return same.host === input.host && same.tls ? { ...flag, tls: same.tls } : flag;
  } catch {
    return flag;
  }
}
