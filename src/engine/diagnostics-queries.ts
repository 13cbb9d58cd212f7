/**
 * Read-only engine queries the diagnostics commands (doctor, validate, troubleshoot) need beyond
 * what `Engine` offers: the daemon's full info, and the parts of a container's inspect that only a
 * diagnosis looks at (exposed ports, the start error, memory limit, network aliases).
 *
 * It reuses the Engine's own client so that API version negotiation and the endpoint stay the
 * same; like the rest of src/engine, the client's loose types never leave this file.
 */
import type Docker from "dockerode";
import type { Engine } from "./engine.js";
import { toBerthError } from "./errors.js";
import type { CallOptions } from "./types.js";

export interface DaemonInfo {
  serverVersion: string;
  storageDriver: string;
  /** "1" or "2"; empty when the engine does not say (older than 20.10). */
  cgroupVersion: string;
  cgroupDriver: string;
  dockerRootDir: string;
  memTotalBytes: number;
  ncpu: number;
  containersRunning: number;
  operatingSystem: string;
  kernelVersion: string;
  /** Daemon warnings (e.g. "No swap limit support"). */
  warnings: string[];
}

export interface ContainerDiagnostics {
  id: string;
  name: string;
  /** Container ports the image or the file declares: "5432/tcp". */
  exposedPorts: string[];
  /** The engine's own error for the last start, e.g. "exec: \"foo\": executable file not found in $PATH". */
  startError: string;
  memoryLimitBytes: number;
  env: string[];
  user: string;
  /** HostConfig.NetworkMode: a network name, "host", "none", "container:ID"… */
  networkMode: string;
  /** Network name → the container's endpoint on it. */
  endpoints: Record<string, { ip: string; aliases: string[] }>;
}

/** The part of an inspect's network endpoint read here (dockerode types `Aliases` as `any`; the API sends a list of names or null). */
interface EndpointInfo {
  IPAddress?: string;
  Aliases?: string[] | null;
}

/** The Engine's own dockerode client, so no second connection is made. */
function clientOf(engine: Engine): Docker {
  return engine.client;
}

export async function daemonInfo(engine: Engine, options: CallOptions = {}): Promise<DaemonInfo> {
  const docker = clientOf(engine) as unknown as { info(o: object): Promise<Record<string, unknown>> };
  try {
    const i = await docker.info({ abortSignal: options.signal });
    const str = (k: string) => (typeof i[k] === "string" ? i[k] : "");
    const num = (k: string) => (typeof i[k] === "number" ? i[k] : 0);
    return {
      serverVersion: str("ServerVersion"),
      storageDriver: str("Driver"),
      cgroupVersion: str("CgroupVersion"),
      cgroupDriver: str("CgroupDriver"),
      dockerRootDir: str("DockerRootDir"),
      memTotalBytes: num("MemTotal"),
      ncpu: num("NCPU"),
      containersRunning: num("ContainersRunning"),
      operatingSystem: str("OperatingSystem"),
      kernelVersion: str("KernelVersion"),
      warnings: Array.isArray(i.Warnings) ? (i.Warnings as string[]) : [],
    };
  } catch (error) {
    throw toBerthError(error, "read engine info", engine.endpoint);
  }
}

export async function containerDiagnostics(engine: Engine, id: string, options: CallOptions = {}): Promise<ContainerDiagnostics> {
  try {
    const c = await clientOf(engine).getContainer(id).inspect({ abortSignal: options.signal });
    const state = c.State as Docker.ContainerInspectInfo["State"] & { Error?: string };
    const networks: Record<string, EndpointInfo> = c.NetworkSettings.Networks ?? {};
    return {
      id: c.Id,
      name: c.Name.replace(/^\//, ""),
      exposedPorts: Object.keys(c.Config.ExposedPorts ?? {}).sort(),
      startError: state.Error ?? "",
      memoryLimitBytes: c.HostConfig.Memory ?? 0,
      env: c.Config.Env ?? [],
      user: c.Config.User ?? "",
      networkMode: c.HostConfig.NetworkMode ?? "",
      endpoints: Object.fromEntries(Object.entries(networks).map(([name, n]) => [name, { ip: n.IPAddress ?? "", aliases: n.Aliases ?? [] }])),
    };
  } catch (error) {
    throw toBerthError(error, `inspect container ${id.slice(0, 12)}`, engine.endpoint);
  }
}
