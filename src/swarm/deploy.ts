/**
 * `up --on swarm`: a loaded compose project deployed as swarm services on a manager, one per
 * compose service, on overlay network(s) of its own, with secrets and configs as swarm objects,
 * each level of the dependency graph created once the previous one is ready.
 *
 * Kind, project name, TTL, labels, reaper registration, step events and the rollback policy are
 * the single-engine acquire's (src/lifecycle, src/cleanup): on any failure (including a cancel)
 * everything created is removed unless keepOnFailure.
 */
import type { ProjectSpec } from "../compose/model.js";
import type { Engine } from "../engine/engine.js";
import { Swarm } from "../engine/swarm.js";
import { BerthError, isBerthError } from "../errors.js";
import { ignoreEvents, type EventListener } from "../events.js";
import { LABEL, type EnvironmentKind, type Lifetime } from "../labels.js";
import { watchAcquire } from "../cleanup/acquire-reaper.js";
import { currentOwner } from "../cleanup/process-liveness.js";
import { ttlFrom } from "../cleanup/ttl.js";
import { effectiveEnv } from "../lifecycle/acquire-env.js";
import { environmentKind, projectNameOf } from "../lifecycle/environment-identity.js";
import { environmentLabels } from "../lifecycle/environment-labels.js";
import { rollBackFailedAcquire } from "../lifecycle/rollback.js";
import { stepEvents } from "../lifecycle/step-events.js";
import { dependencyLevels } from "../plan/graph.js";
import { projectNetworkKeys } from "../plan/reconcile.js";
import { scaleServices } from "../plan/scale.js";
import { reapSwarmOrphans } from "./cleanup.js";
import { assertSwarmCompat } from "./compat.js";
import { requireSwarmManager } from "./connect.js";
import { createOverlayNetworks, deployServiceLevels, type DeployContext } from "./deploy-services.js";
import { createFileObjects } from "./file-objects.js";
import { swarmBaseLabels } from "./labels.js";
import { scaleSwarmServices } from "./operations.js";
import { removeSwarmProject } from "./remove.js";
import { readSwarmEnvironment, type SwarmEnvironmentData } from "./status.js";
import { DEFAULT_READY_TIMEOUT_MS } from "../lifecycle/timeouts.js";

export interface SwarmUpOptions {
  /** A connection to a swarm manager. */
  engine: Engine;
  /** Variables laid over the process environment (with `inheritEnv: false`: the whole environment). */
  env?: Record<string, string | undefined>;
  inheritEnv?: boolean;
  /** As on one engine: -p, else COMPOSE_PROJECT_NAME, else a generated name (the file's `name:` is not used). */
  projectName?: string;
  kind?: EnvironmentKind;
  /** "detached" for the CLI's `up` (lives until `down`), "process" for the API (removed with its owner). */
  lifetime?: Lifetime;
  /** Replicas per service, overriding the file. */
  scale?: Record<string, number>;
  timeoutMs?: number;
  /** As on one engine: default BERTH_TTL, else 24 h for "process", none for "detached". */
  ttlMs?: number;
  keepOnFailure?: boolean;
  signal?: AbortSignal;
  onEvent?: EventListener;
}

/** What the deploy makes, decided before any engine is asked, as one engine's acquire decides it. */
export function deploySettings(loaded: ProjectSpec, o: Omit<SwarmUpOptions, "engine">) {
  const env = effectiveEnv(o);
  const spec: ProjectSpec = { ...loaded, services: Object.fromEntries(scaleServices(Object.values(loaded.services), o.scale).map((s) => [s.name, s])) };
  const kind = environmentKind(env, o.kind);
  const { project, explicit } = projectNameOf({ projectName: o.projectName, env, kind });
  const lifetime = o.lifetime ?? "process";
  return {
    env,
    spec,
    kind,
    project,
    explicit,
    lifetime,
    ttl: ttlFrom(env, lifetime, o.ttlMs),
    deadline: Date.now() + (o.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS),
  };
}

export async function deploySwarm(loaded: ProjectSpec, o: SwarmUpOptions): Promise<SwarmEnvironmentData> {
  const { env, spec, kind, project, explicit, lifetime, ttl, deadline } = deploySettings(loaded, o);
  const emit = o.onEvent ?? ignoreEvents;
  const { signal } = o;
  const swarm = new Swarm(o.engine);
  const routingMesh = env.BERTH_SWARM_ROUTING_MESH === "1";

  const warnings = assertSwarmCompat(spec, { routingMesh }); // the file first: it needs no engine
  const levels = dependencyLevels(spec.services);
  await requireSwarmManager(swarm, signal);
  for (const w of warnings) emit({ type: "warning", project, message: w, at: Date.now() });
  requireImages(spec);
  await reapSwarmOrphans(o.engine, signal);
  const existing = await swarm.listServices({ [LABEL.managed]: "true", [LABEL.project]: project }, signal);
  if (existing.length && o.scale && explicit) {
    // As on one engine: `up -p NAME --scale svc=N` of a running environment scales it.
    await scaleSwarmServices(swarm, project, o.scale, { deadline, signal });
    return readSwarmEnvironment(swarm, project, signal);
  }
  if (existing.length)
    throw alreadyRuns(
      swarm,
      project,
      existing.map((s) => s.name),
    );

  const owner = currentOwner();
  const baseLabels = swarmBaseLabels(environmentLabels({ env, project, kind, lifetime, owner, ttlMs: ttl, spec }));
  emit({ type: "plan", project, steps: projectNetworkKeys(spec).length + Object.keys(spec.services).length, at: Date.now() });
  const reaper = watchAcquire({ owner, endpoint: o.engine.endpoint, env, project, lifetime, emit });
  const c: DeployContext = { swarm, spec, project, baseLabels, steps: stepEvents(emit, project), emit, startedAt: Date.now(), deadline, signal };
  try {
    await createOverlayNetworks(c);
    const objects = { swarm, spec, project, baseLabels, env, signal };
    const secrets = await createFileObjects("secret", objects);
    const configs = await createFileObjects("config", objects);
    await deployServiceLevels(c, levels, { project, spec, baseLabels, secrets, configs, routingMesh });
    const data = await readSwarmEnvironment(swarm, project, signal);
    // As on one engine: a detached environment lives until `down`, nothing of it is the reaper's.
    if (lifetime === "detached") reaper.done();
    return data;
  } catch (error) {
    const failure = deployFailure(error, signal);
    await rollBackFailedAcquire(failure, {
      project,
      keepOnFailure: o.keepOnFailure,
      emit,
      reaper,
      downCommand: `berth down --on swarm ${project}`,
      remove: () =>
        removeSwarmProject(swarm, project).then(
          (r) => leftOver(r.failed),
          (e: Error) => e.message,
        ),
    });
    throw failure;
  } finally {
    reaper.settle();
  }
}

function requireImages(spec: ProjectSpec): void {
  for (const s of Object.values(spec.services)) {
    if (!s.image)
      throw new BerthError("COMPOSE_INVALID", `services.${s.name}.image: a swarm service needs an image`, {
        hint: "Set image: to an image present on every node.",
      });
  }
}

function alreadyRuns(swarm: Swarm, project: string, services: string[]): BerthError {
  return new BerthError("CONFLICT", `the swarm at ${swarm.endpoint} already runs environment ${project} (${services.join(", ")})`, {
    hint: `Change it with \`berth update -p ${project} SERVICE --image …\` or \`berth up --on swarm -p ${project} --scale SERVICE=N\`, remove it with \`berth down --on swarm ${project}\`, or choose another -p.`,
  });
}

/** A cancel says so; an error that is not berth's is an engine error, as on one engine. */
function deployFailure(error: unknown, signal?: AbortSignal): BerthError {
  if (signal?.aborted) return new BerthError("ABORTED", "up --on swarm was cancelled; everything it created is being removed", { cause: error });
  if (isBerthError(error)) return error;
  return new BerthError("ENGINE_ERROR", `up --on swarm failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

const leftOver = (failed: { item: { kind: string; name: string }; error: string }[]): string | undefined =>
  failed.length ? failed.map((f) => `${f.item.kind} ${f.item.name}: ${f.error}`).join("; ") : undefined;
