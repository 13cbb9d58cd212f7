/**
 * acquire: load → check → observe → plan → execute → read back. On any failure (including a
 * cancel) everything this call created is removed before the error is rethrown. This module
 * decides names, labels and guards; the plan's steps are in steps/, their run and the rollback in
 * acquire-run.ts, the read-back and hand-over in acquire-handover.ts.
 */
import { loadProject, type LoadOptions } from "../compose/index.js";
import type { ProjectSpec } from "../compose/model.js";
import { connectEngine } from "../engine/connect.js";
import type { Engine } from "../engine/engine.js";
import { ignoreEvents, type EventListener } from "../events.js";
import { EventHub } from "../health/event-hub.js";
import { readinessRules, type ServiceReadinessInput } from "../health/probe-spec.js";
import { LABEL, type EnvironmentKind, type Lifetime } from "../labels.js";
import { reapOrphans } from "../cleanup/orphans.js";
import { currentOwner } from "../cleanup/process-liveness.js";
import { sweepStaleReaperFiles } from "../cleanup/reaper.js";
import { watchAcquire } from "../cleanup/acquire-reaper.js";
import { ttlFrom } from "../cleanup/ttl.js";
import { openAdmission } from "../guards/admission.js";
import type { GuardSettings } from "../guards/resources.js";
import { acquireLock, sweepDeadLocks } from "../locks/file-lock.js";
import { serviceConfigHash } from "../plan/container-request.js";
import { observeProject } from "../plan/observe.js";
import { reconcileUp, type Observed } from "../plan/reconcile.js";
import { parseStrategy, type PortStrategy } from "../ports/strategy.js";
import { prepareSpec } from "./prepare.js";
import type { PullOverride } from "../images/pull-policy.js";
import { effectiveEnv, type EnvOptions } from "./acquire-env.js";
import { environmentKind, projectNameOf } from "./environment-identity.js";
import { environmentLabels } from "./environment-labels.js";
import { withReadiness } from "./readiness-option.js";
import { observedFor, selectServices } from "./select-services.js";
import { defaultMode, sharedProjectName, type EnvironmentMode } from "./shared.js";
import type { Environment } from "./environment.js";
import { runAcquirePlan } from "./acquire-run.js";
import { handOver } from "./acquire-handover.js";
import { newAcquireState, type StepContext } from "./steps/context.js";
import { writeSettledRecord } from "../cleanup/settled-record.js";
import { heldRecreateError } from "./recreate.js";
import { DEFAULT_READY_TIMEOUT_MS } from "./timeouts.js";

export interface AcquireOptions extends Partial<Omit<LoadOptions, "env">>, EnvOptions {
  /** Only these services and what they (transitively) depend on, as `docker compose up SERVICE…` (default: all). */
  services?: string[];
  /** Readiness rules per service, replacing the file's `x-berth.ready` (Testcontainers' `withWaitStrategy`). */
  readiness?: Record<string, ServiceReadinessInput>;
  /** test (default), dev or prod; default from DOCKER_ENV. */
  kind?: EnvironmentKind;
  /** "process" (default for the API): reaped when the owner dies; "detached" (the CLI's `up`): lives until `down`. */
  lifetime?: Lifetime;
  /** Overall deadline for the environment to become ready, ms (default 180 s). */
  timeoutMs?: number;
  /** How host ports are chosen: dynamic (default for test), file (dev, prod) or range; default BERTH_PORTS. */
  ports?: PortStrategy;
  /** Replicas per service, overriding the file; with an existing project name this scales it. */
  scale?: Record<string, number>;
  /** dedicated (fresh, default for test) or shared (reused by every process with the same configuration; default for dev and prod). */
  mode?: EnvironmentMode;
  /** Rebuild the images of `build:` sections even when they exist (`up --build`). */
  build?: boolean;
  /**
   * Replaces every service's `pull_policy`: always, missing, never or build (`up --pull`; default:
   * each service's own, else missing). `build` rebuilds the images of `build:` sections; `always`
   * and `never` also decide the pulls of their base images.
   */
  pull?: PullOverride;
  /** Recreate containers whose configuration changed even when they hold data (`up --force-recreate`); their volumes are kept. */
  forceRecreate?: boolean;
  /** Keep what was created when acquire fails, for debugging. */
  keepOnFailure?: boolean;
  /** After this long the environment is an orphan whatever its owner does (default BERTH_TTL, else 24 h for "process", none for "detached"). */
  ttlMs?: number;
  /** Resource guards checked before anything is created (defaults: BERTH_MIN_FREE_MEMORY, BERTH_MAX_CONTAINERS); false skips them. */
  guards?: Partial<GuardSettings> | false;
  /** Beyond the container cap or the memory floor, wait for capacity in the engine's queue (default) or refuse at once (false; `--no-wait`). */
  waitForCapacity?: boolean;
  engine?: Engine;
  signal?: AbortSignal;
  onEvent?: EventListener;
}

export async function acquire(options: AcquireOptions = {}): Promise<Environment> {
  const env = effectiveEnv(options);
  const spec = await loadProject({
    files: options.files,
    projectDirectory: options.projectDirectory,
    cwd: options.cwd ?? process.cwd(),
    env,
    envFiles: options.envFiles,
    profiles: options.profiles,
    projectName: options.projectName,
  });
  return acquireProject(spec, { ...options, env, inheritEnv: false });
}

export async function acquireProject(whole: ProjectSpec, options: AcquireOptions = {}): Promise<Environment> {
  const env = effectiveEnv(options);
  // Rules in code first (checked against every service), then the subset: what is left out is never planned.
  const loaded = selectServices(withReadiness(whole, options.readiness), options.services);
  const kind = environmentKind(env, options.kind);
  const emit = options.onEvent ?? ignoreEvents;
  const signal = options.signal;
  const engine = options.engine ?? (await connectEngine({ env, signal }));
  const mode = options.mode ?? defaultMode(kind);
  const shared = mode === "shared";
  // A shared environment is found again under a name derived from its configuration.
  const { project, explicit } = projectNameOf({
    projectName: options.projectName,
    env,
    kind,
    derived: shared ? () => sharedProjectName(kind, loaded) : undefined,
  });
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS);

  const readiness = readinessRules(loaded.services); // invalid x-berth probes fail before anything exists
  // A shared environment outlives whichever user created it: its leases decide when it goes.
  const lifetime = shared ? "detached" : (options.lifetime ?? "process");
  const ttl = ttlFrom(env, lifetime, options.ttlMs);
  // Admission control (src/guards/admission.ts): the guards, and a turn in the engine's queue when
  // capacity is short. Disposed when acquire ends, however it ends: its ticket goes then.
  await using admission = openAdmission({
    engine,
    spec: loaded,
    project,
    env,
    guards: options.guards,
    wait: options.waitForCapacity,
    scale: options.scale,
    deadline,
    emit,
    signal,
  });
  // Orphans of dead owners are reaped meanwhile (they may hold names, ports, memory, capacity),
  // then the reaper and lock files such owners left.
  const safety = Promise.all([reapOrphans(engine, { signal }).then(() => (sweepStaleReaperFiles(env), sweepDeadLocks(env))), admission.admit()]);
  safety.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  const spec = await prepareSpec({
    spec: loaded,
    project,
    strategy: parseStrategy(options.ports ?? env.BERTH_PORTS, kind),
    build: options.build,
    pull: options.pull,
    scale: options.scale,
    env,
    engine,
    emit,
    signal,
  });

  await safety;
  // A named (shared) environment: acquire/release of it by other processes must not interleave.
  await using _lock = explicit ? await acquireLock(`project-${project}`, { env, signal, timeoutMs: Math.max(0, deadline - Date.now()) }) : undefined;
  const seen: Observed = explicit ? await observeProject(engine, project, signal) : { networks: {}, volumes: {}, containers: [] };
  const observed = observedFor(seen, loaded, options.services); // `up api` leaves the others' containers alone
  const fresh = seen.containers.length === 0 && Object.keys(seen.networks).length === 0;
  const serviceHashes = Object.fromEntries(Object.values(spec.services).map((s) => [s.name, serviceConfigHash(s)]));
  const plan = reconcileUp({ project, spec, observed, serviceHashes, forceRecreate: options.forceRecreate });
  if (plan.held.length) throw heldRecreateError(project, plan.held);
  emit({ type: "plan", project, steps: plan.steps.length, at: Date.now() });

  const owner = currentOwner();
  const base = {
    ...environmentLabels({ env, project, kind, lifetime, owner, ttlMs: ttl, spec }),
    ...(lifetime === "detached" ? { [LABEL.pending]: "true" } : {}),
  };
  // Before anything exists: a process watching this one removes what it leaves if it is killed.
  const reaper = watchAcquire({ owner, endpoint: engine.endpoint, env, project, lifetime, emit });
  const hub = await EventHub.open(engine, project, signal);
  const ctx: StepContext = { runtime: engine, hub, project, spec, plan, observed, base, env, serviceHashes, readiness, deadline, startedAt: Date.now(), emit };
  const state = newAcquireState(seen);
  const subset = options.services !== undefined;
  try {
    return await runAcquirePlan(
      ctx,
      state,
      {
        signal,
        fresh,
        keepOnFailure: options.keepOnFailure,
        // Kept for debugging on purpose: settled as it is (it lives until `down`).
        onKept: lifetime === "detached" ? () => writeSettledRecord(engine, project, base, spec, undefined, {}, { subset }) : undefined,
        onRolledBack: () => reaper.done(),
      },
      () => handOver({ engine, project, kind, lifetime, shared, pinned: options.lifetime === "detached", base, spec, env, subset, reaper, signal }, state),
    );
  } finally {
    hub.close();
    reaper.settle();
  }
}
