/**
 * The public functions of berth's heavier parts — the status server (prom-client and its
 * OpenTelemetry dependency), Swarm, and the engine-backed diagnostics — loaded on first call.
 * `import "berth"` for acquire() alone then parses none of them: each is an async function anyway,
 * so a dynamic import() costs the caller nothing but the first call's load. Same names and
 * signatures as the modules' own (a change there fails to compile here).
 * @module
 */
import type { ProjectSpec } from "./compose/model.js";
import type { ConnectivityReport } from "./diagnostics/connectivity/model.js";
import type { DoctorInput, DoctorReport } from "./diagnostics/doctor/run-doctor.js";
import type { DependencyGraph } from "./diagnostics/graph/model.js";
import type { ContainerFacts, EnvironmentFacts } from "./diagnostics/troubleshoot/facts.js";
import type { GatherOptions } from "./diagnostics/troubleshoot/gather.js";
import type { Engine } from "./engine/engine.js";
import type { Swarm } from "./engine/swarm.js";
import type { SwarmServiceChange } from "./engine/swarm-types.js";
import type { StartServerOptions, StatusServer } from "./server/index.js";
import type { SwarmCleanOptions, SwarmCleanResult } from "./swarm/cleanup.js";
import type { SwarmUpOptions } from "./swarm/deploy.js";
import type { SwarmRemoval } from "./swarm/remove.js";
import type { SwarmEnvironmentData } from "./swarm/status.js";
import type { ChangeOptions, ServiceChangeResult } from "./swarm/update.js";

/**
 * Starts the status server (see docs/server.md). The engine need not answer yet: the server starts
 * anyway, answers 503 with the reason on engine-backed endpoints, and picks the engine up later.
 */
export async function startStatusServer(options: StartServerOptions = {}): Promise<StatusServer> {
  return (await import("./server/index.js")).startStatusServer(options);
}

/** Deploys a loaded project as a Swarm stack (see docs/swarm.md). */
export async function deploySwarm(loaded: ProjectSpec, options: SwarmUpOptions): Promise<SwarmEnvironmentData> {
  return (await import("./swarm/deploy.js")).deploySwarm(loaded, options);
}

/** Reaches a swarm manager: `host`, else DOCKER_HOST, else the local socket. */
export async function connectSwarm(options: {
  host?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
}): Promise<{ engine: Engine; swarm: Swarm }> {
  return (await import("./swarm/connect.js")).connectSwarm(options);
}

/** A project's services, tasks and nodes on a swarm. */
export async function readSwarmEnvironment(swarm: Swarm, project: string, signal?: AbortSignal): Promise<SwarmEnvironmentData> {
  return (await import("./swarm/status.js")).readSwarmEnvironment(swarm, project, signal);
}

/** Projects that have berth services on this swarm, sorted. */
export async function listSwarmProjects(swarm: Swarm, signal?: AbortSignal): Promise<string[]> {
  return (await import("./swarm/status.js")).listSwarmProjects(swarm, signal);
}

/** `down` on swarm: everything carrying the project's labels. */
export async function removeSwarmProject(swarm: Swarm, project: string, options: { signal?: AbortSignal; settleMs?: number } = {}): Promise<SwarmRemoval> {
  return (await import("./swarm/remove.js")).removeSwarmProject(swarm, project, options);
}

/**
 * Applies `change` to the service and waits for the rolling update to end: resolves once every task
 * runs the new spec and is healthy; rejects with SERVICE_FAILED when the swarm rolled back (or
 * paused), with HEALTH_TIMEOUT at the deadline.
 */
export async function changeSwarmService(
  swarm: Swarm,
  project: string,
  service: string,
  change: SwarmServiceChange,
  options: ChangeOptions,
): Promise<ServiceChangeResult> {
  return (await import("./swarm/update.js")).changeSwarmService(swarm, project, service, change, options);
}

/** Removes the swarm objects of berth projects whose owner is gone. */
export async function cleanSwarmOrphans(engine: Engine, options: SwarmCleanOptions = {}): Promise<SwarmCleanResult> {
  return (await import("./swarm/cleanup.js")).cleanSwarmOrphans(engine, options);
}

/** `berth doctor`'s checks of the engine and the machine. */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  return (await import("./diagnostics/doctor/run-doctor.js")).runDoctor(input);
}

/** `berth validate`: connectivity of a running environment, from inside its network and from the host. */
export async function validateConnectivity(engine: Engine, project: string, options: { signal?: AbortSignal } = {}): Promise<ConnectivityReport> {
  return (await import("./diagnostics/connectivity/validate.js")).validateConnectivity(engine, project, options);
}

/** Facts of the selected services' containers, and of the whole environment (all its services and addresses). */
export async function gatherFacts(
  engine: Engine,
  project: string,
  options: GatherOptions = {},
): Promise<{ containers: ContainerFacts[]; environment: EnvironmentFacts }> {
  return (await import("./diagnostics/troubleshoot/gather.js")).gatherFacts(engine, project, options);
}

/** Reads the environment's dependency graph and, when its compose file is still readable, the conditions from it. */
export async function readEnvironmentGraph(
  engine: Engine,
  project: string,
  loadSpec: (files: string[], cwd: string) => Promise<ProjectSpec>,
  signal?: AbortSignal,
): Promise<DependencyGraph> {
  return (await import("./diagnostics/graph/from-environment.js")).readEnvironmentGraph(engine, project, loadSpec, signal);
}
