/**
 * `up --on swarm`: a loaded compose project deployed as swarm services on a manager, one per
 * compose service, on overlay network(s) of its own, with secrets and configs as swarm objects;
 * a service is created once what it uses exists and its dependencies are ready.
 *
 * The same pipeline as one engine's acquire: kind, project name, TTL, labels and reaper
 * registration from src/lifecycle and src/cleanup; observe (swarm/observe.ts) → plan
 * (plan/swarm-reconcile.ts) → execute with the shared executor, step events and rollback policy
 * (lifecycle/run-plan.ts, rollback.ts) through the swarm's step handlers (swarm/steps/). On any
 * failure (including a cancel) everything created is removed unless keepOnFailure.
 */
import type { ProjectSpec } from "../compose/model.js";
import type { Engine } from "../engine/engine.js";
import { Swarm } from "../engine/swarm.js";
import { BerthError, internalError, isBerthError } from "../errors.js";
import { ignoreEvents, type EventListener } from "../events.js";
import type { EnvironmentKind, Lifetime } from "../labels.js";
import { watchAcquire } from "../cleanup/acquire-reaper.js";
import { currentOwner } from "../cleanup/process-liveness.js";
import { ttlFrom } from "../cleanup/ttl.js";
import { effectiveEnv } from "../lifecycle/acquire-env.js";
import { environmentKind, projectNameOf } from "../lifecycle/environment-identity.js";
import { environmentLabels } from "../lifecycle/environment-labels.js";
import { rollBackFailedAcquire } from "../lifecycle/rollback.js";
import { runPlan } from "../lifecycle/run-plan.js";
import { DEFAULT_READY_TIMEOUT_MS } from "../lifecycle/timeouts.js";
import { dependantsOf } from "../plan/graph.js";
import { scaleServices } from "../plan/scale.js";
import { reconcileSwarm, type SwarmStep } from "../plan/swarm-reconcile.js";
import { reapSwarmOrphans } from "./cleanup.js";
import { assertSwarmCompat } from "./compat.js";
import { requireSwarmManager } from "./connect.js";
import { findExternalObjects } from "./file-objects.js";
import { swarmBaseLabels } from "./labels.js";
import { observeSwarmProject } from "./observe.js";
import { scaleSwarmServices } from "./operations.js";
import { removeSwarmProject } from "./remove.js";
import { readSwarmEnvironment, type SwarmEnvironmentData } from "./status.js";
import { newSwarmDeployState, type SwarmStepContext } from "./steps/context.js";
import { runSwarmStep } from "./steps/index.js";

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
  await requireSwarmManager(swarm, signal);
  for (const w of warnings) emit({ type: "warning", project, message: w, at: Date.now() });
  requireImages(spec);
  await reapSwarmOrphans(o.engine, signal);
  const seen = await observeSwarmProject(swarm, project, signal);
  if (seen.services.length && o.scale && explicit) {
    // As on one engine: `up -p NAME --scale svc=N` of a running environment scales it.
    await scaleSwarmServices(swarm, project, o.scale, { deadline, signal });
    return readSwarmEnvironment(swarm, project, signal);
  }
  if (seen.services.length) throw alreadyRuns(swarm, project, seen.services);
  const external = await findExternalObjects(swarm, spec, signal); // a missing one fails before anything exists
  const plan = reconcileSwarm({ project, spec, observed: seen });
  emit({ type: "plan", project, steps: plan.steps.length, at: Date.now() });

  const owner = currentOwner();
  const baseLabels = swarmBaseLabels(environmentLabels({ env, project, kind, lifetime, owner, ttlMs: ttl, spec }));
  // Before anything exists: a process watching this one removes what it leaves if it is killed.
  const reaper = watchAcquire({ owner, endpoint: o.engine.endpoint, env, project, lifetime, emit });
  const ctx: SwarmStepContext = { swarm, spec, project, baseLabels, env, routingMesh, emit, startedAt: Date.now(), deadline };
  const state = newSwarmDeployState(external);
  try {
    return await runPlan(
      {
        plan,
        emit,
        signal,
        step: (step, stepSignal) => runSwarmStep(step, ctx, state, stepSignal),
        describe: (error, failed) => Promise.resolve(deployFailure(error, spec, signal, failed)),
        keepOnFailure: o.keepOnFailure,
        undo: (failure) =>
          rollBackFailedAcquire(failure, {
            project,
            emit,
            reaper,
            downCommand: `berth down --on swarm ${project}`,
            remove: () =>
              removeSwarmProject(swarm, project).then(
                (r) => leftOver(r.failed),
                (e: Error) => e.message,
              ),
          }),
      },
      async () => {
        const data = await readSwarmEnvironment(swarm, project, signal);
        // As on one engine: a detached environment lives until `down`, nothing of it is the reaper's.
        if (lifetime === "detached") reaper.done();
        return data;
      },
    );
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

/**
 * As on one engine (lifecycle/acquire-failure.ts): a cancel says so, an error that is not a
 * BerthError is a bug of berth's (every swarm call throws BerthErrors), and a service that did not
 * become ready names the dependants it held back.
 */
function deployFailure(error: unknown, spec: ProjectSpec, signal?: AbortSignal, failed?: SwarmStep): BerthError {
  if (signal?.aborted) return new BerthError("ABORTED", "up --on swarm was cancelled; everything it created is being removed", { cause: error });
  if (!isBerthError(error)) return internalError(`up --on swarm failed: ${(error as Error)?.message ?? String(error)}`, error);
  if (failed?.kind === "wait-ready" && failed.service) error.details.blockedDependants = dependantsOf(spec.services, failed.service);
  return error;
}

const leftOver = (failed: { item: { kind: string; name: string }; error: string }[]): string | undefined =>
  failed.length ? failed.map((f) => `${f.item.kind} ${f.item.name}: ${f.error}`).join("; ") : undefined;
