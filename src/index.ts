/**
 * berth's public API. Explicit named exports only; nothing runs on import.
 * @module berth
 */
export { acquire, acquireProject, type AcquireOptions } from "./lifecycle/acquire.js";
export { Environment, type EnvironmentData, type ServiceView, type ContainerView } from "./lifecycle/environment.js";
export { releaseProject, type ReleaseOptions, type ReleaseResult } from "./lifecycle/release.js";
export { listEnvironments, readEnvironment, type EnvironmentSummary, type ReadEnvironmentOptions } from "./lifecycle/status.js";
export { connectEngine, type ConnectOptions } from "./engine/connect.js";
export type { EngineChoice, EngineSource, EngineTls } from "./engine/discovery.js";
export type { EngineReach } from "./engine/reach.js";
export type { BuildRequest } from "./engine/types.js";
export type { Engine } from "./engine/engine.js";
export { loadProject, type LoadOptions } from "./compose/index.js";
export type { ProjectSpec, ServiceSpec } from "./compose/model.js";
export { BerthError, isBerthError, describeError, type BerthErrorCode, type BerthErrorOptions, type SourceProblem } from "./errors.js";
export type { AcquireContext, EngineFailureDetails, ErrorDetailsByCode, GuardDetails, ReadinessDetails } from "./error-details.js";
export type { EngineFailureKind } from "./engine/failure-kind.js";
export type { BerthEvent, EventListener } from "./events.js";
export type { ServiceState } from "./health/state.js";
export type { ReadyResult } from "./health/readiness.js";
export type { ProbeRecord } from "./health/probes.js";
export { LABEL } from "./labels.js";
export { VERSION } from "./version.js";
export { connectionVariables, envName, type ConnectionEnvOptions } from "./lifecycle/connection-env.js";
export type { HealthReport, ContainerHealth } from "./lifecycle/health-report.js";
export type { FollowLogOptions, LogLine, LogOptions } from "./lifecycle/logs.js";
export type { CopyOptions } from "./lifecycle/copy.js";
export type { EnvOptions } from "./lifecycle/acquire-env.js";
export type { ProbeFrom, ProbeInput, ReadinessInput, ServiceReadinessInput } from "./health/probe-model.js";
export type { ExecOptions, SelectOptions, ServiceOpOptions, WaitOptions } from "./lifecycle/operations.js";
export { environmentView, type EnvironmentView, type ProvidedEnvironment } from "./testing/view.js";
export type { DoctorInput, DoctorReport } from "./diagnostics/doctor/run-doctor.js";
export type { DoctorCheck } from "./diagnostics/doctor/check.js";
export type { ConnectivityCheck, ConnectivityReport, FailureCause } from "./diagnostics/connectivity/model.js";
export { diagnose } from "./diagnostics/troubleshoot/match.js";
export type { ContainerFacts, EnvironmentFacts, Finding } from "./diagnostics/troubleshoot/facts.js";
export { graphFromSpec, type DependencyGraph, type GraphEdge, type GraphNode } from "./diagnostics/graph/model.js";
export { renderDot } from "./diagnostics/graph/render-dot.js";
export { renderMermaid } from "./diagnostics/graph/render-mermaid.js";
export { renderTree } from "./diagnostics/graph/render-tree.js";
export type { StartServerOptions, StatusServer } from "./server/index.js";
export type { SwarmUpOptions } from "./swarm/deploy.js";
export type { SwarmEnvironmentData, SwarmServiceView, SwarmTaskView, SwarmNodeView } from "./swarm/status.js";
export type { ServiceChangeResult } from "./swarm/update.js";
export type { SwarmCleanOptions, SwarmCleanResult } from "./swarm/cleanup.js";
export { checkSwarmCompat } from "./swarm/compat.js";
// The status server, Swarm and the engine-backed diagnostics load on first call (see on-demand.ts).
export {
  startStatusServer,
  deploySwarm,
  connectSwarm,
  readSwarmEnvironment,
  listSwarmProjects,
  removeSwarmProject,
  changeSwarmService,
  cleanSwarmOrphans,
  runDoctor,
  validateConnectivity,
  gatherFacts,
  readEnvironmentGraph,
} from "./on-demand.js";
export { saveSnapshot, restoreSnapshot, listSnapshots, removeSnapshot, SNAPSHOT_LABEL } from "./snapshot/index.js";
export type { SnapshotInfo, SnapshotOptions, SaveSnapshotOptions, RestoreSnapshotOptions, SnapshotPaths } from "./snapshot/index.js";
export { createPool, Pool, type PoolOptions, type PoolStatus } from "./pool/pool.js";
export { claimFromPool, type ClaimOptions } from "./pool/client.js";
