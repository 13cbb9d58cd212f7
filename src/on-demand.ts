/**
 * The public functions of berth's heavier parts — the status server (prom-client and its
 * OpenTelemetry dependency), Swarm, and the engine-backed diagnostics — loaded on first call.
 * `import "berth"` for acquire() alone then parses none of them: each is an async function anyway,
 * so a dynamic import() costs the caller nothing but the first call's load. Same names, same
 * signatures (taken from the modules themselves, so they cannot drift).
 * @module
 */
type Server = typeof import("./server/index.js");
type SwarmDeploy = typeof import("./swarm/deploy.js");
type SwarmConnect = typeof import("./swarm/connect.js");
type SwarmStatus = typeof import("./swarm/status.js");
type SwarmRemove = typeof import("./swarm/remove.js");
type SwarmUpdate = typeof import("./swarm/update.js");
type SwarmCleanup = typeof import("./swarm/cleanup.js");
type Doctor = typeof import("./diagnostics/doctor/run-doctor.js");
type Connectivity = typeof import("./diagnostics/connectivity/validate.js");
type Gather = typeof import("./diagnostics/troubleshoot/gather.js");
type GraphReader = typeof import("./diagnostics/graph/from-environment.js");

/**
 * Starts the status server (see docs/server.md). The engine need not answer yet: the server starts
 * anyway, answers 503 with the reason on engine-backed endpoints, and picks the engine up later.
 */
export const startStatusServer: Server["startStatusServer"] = async (...a) => (await import("./server/index.js")).startStatusServer(...a);

/** Deploys a loaded project as a Swarm stack (see docs/swarm.md). */
export const deploySwarm: SwarmDeploy["deploySwarm"] = async (...a) => (await import("./swarm/deploy.js")).deploySwarm(...a);
/** Reaches a swarm manager: `host`, else DOCKER_HOST, else the local socket. */
export const connectSwarm: SwarmConnect["connectSwarm"] = async (...a) => (await import("./swarm/connect.js")).connectSwarm(...a);
/** A project's services, tasks and nodes on a swarm. */
export const readSwarmEnvironment: SwarmStatus["readSwarmEnvironment"] = async (...a) => (await import("./swarm/status.js")).readSwarmEnvironment(...a);
/** Projects that have berth services on this swarm, sorted. */
export const listSwarmProjects: SwarmStatus["listSwarmProjects"] = async (...a) => (await import("./swarm/status.js")).listSwarmProjects(...a);
/** `down` on swarm: everything carrying the project's labels. */
export const removeSwarmProject: SwarmRemove["removeSwarmProject"] = async (...a) => (await import("./swarm/remove.js")).removeSwarmProject(...a);
/** Applies a change to a swarm service and waits for the rolling update to end. */
export const changeSwarmService: SwarmUpdate["changeSwarmService"] = async (...a) => (await import("./swarm/update.js")).changeSwarmService(...a);
/** Removes swarm services, networks, configs and secrets whose berth owner is gone. */
export const cleanSwarmOrphans: SwarmCleanup["cleanSwarmOrphans"] = async (...a) => (await import("./swarm/cleanup.js")).cleanSwarmOrphans(...a);

/** `berth doctor`'s checks of the engine and the machine. */
export const runDoctor: Doctor["runDoctor"] = async (...a) => (await import("./diagnostics/doctor/run-doctor.js")).runDoctor(...a);
/** `berth validate`: connectivity of a running environment, from inside its network and from the host. */
export const validateConnectivity: Connectivity["validateConnectivity"] = async (...a) => (await import("./diagnostics/connectivity/validate.js")).validateConnectivity(...a);
/** Facts of the selected services' containers, and of the whole environment. */
export const gatherFacts: Gather["gatherFacts"] = async (...a) => (await import("./diagnostics/troubleshoot/gather.js")).gatherFacts(...a);
/** Reads an environment's dependency graph and, when its compose file is still readable, the conditions from it. */
export const readEnvironmentGraph: GraphReader["readEnvironmentGraph"] = async (...a) => (await import("./diagnostics/graph/from-environment.js")).readEnvironmentGraph(...a);
