/**
 * acquire: load → check → observe → plan → execute → read back. On any failure (including a
 * cancel) everything this call created is removed before the error is rethrown.
 */
import { loadProject, type LoadOptions } from "../compose/index.js";
import type { ProjectSpec } from "../compose/model.js";
import { connectEngine } from "../engine/connect.js";
import type { Engine } from "../engine/engine.js";
import { ignoreEvents, type EventListener } from "../events.js";
import { EventHub } from "../health/event-hub.js";
import { waitReady } from "../health/readiness.js";
import { readinessRules, type ServiceReadinessInput } from "../health/probe-spec.js";
import { LABEL, networkLabels, type EnvironmentKind, type Lifetime } from "../labels.js";
import { createResolvingConflicts } from "../cleanup/conflicts.js";
import { reapOrphans } from "../cleanup/orphans.js";
import { currentOwner } from "../cleanup/process-liveness.js";
import { sweepStaleReaperFiles } from "../cleanup/reaper.js";
import { watchAcquire } from "../cleanup/acquire-reaper.js";
import { ttlFrom } from "../cleanup/ttl.js";
import { openAdmission } from "../guards/admission.js";
import type { GuardSettings } from "../guards/resources.js";
import { acquireLock } from "../locks/file-lock.js";
import { containerRequest, serviceConfigHash } from "../plan/container-request.js";
import { networkName } from "../plan/naming.js";
import { observeProject } from "../plan/observe.js";
import type { Step } from "../plan/plan.js";
import { projectNetworkKeys, reconcileUp, serviceNetworkKeys, type Observed } from "../plan/reconcile.js";
import { parseStrategy, type PortStrategy } from "../ports/strategy.js";
import { createEnvironmentNetwork } from "../networks/create-network.js";
import { prepareSpec } from "./prepare.js";
import { effectiveEnv, type EnvOptions } from "./acquire-env.js";
import { environmentKind, projectNameOf } from "./environment-identity.js";
import { environmentLabels } from "./environment-labels.js";
import { stepEvents } from "./step-events.js";
import { withReadiness } from "./readiness-option.js";
import { observedFor, selectServices } from "./select-services.js";
import { addLease, defaultMode, releaseShared, sharedProjectName, type EnvironmentMode } from "./shared.js";
import { Environment, type EnvironmentData } from "./environment.js";
import { executePlan } from "./executor.js";
import { readinessRecord, type ReadinessRecord } from "./health-report.js";
import { releaseProject } from "./release.js";
import { describeFailure, engineTroubleSeen } from "./acquire-failure.js";
import { ignoreGone, nothingLeft, rollBack, rollBackFailedAcquire } from "./rollback.js";
import { readEnvironment } from "./status.js";
import { startWithPortRetry } from "./start.js";
import { writeSettledRecord } from "../cleanup/settled-record.js";
import { heldRecreateError, inheritedMounts, removeReplaced, withInherited } from "./recreate.js";
import type { MountRequest } from "../engine/types.js";

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

const DEFAULT_TIMEOUT_MS = 180_000;

export async function acquire(options: AcquireOptions = {}): Promise<Environment> {
  const env = effectiveEnv(options);
  const spec = await loadProject({
    files: options.files,
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
  const { project, explicit } = projectNameOf({ projectName: options.projectName, env, kind, derived: shared ? () => sharedProjectName(kind, loaded) : undefined });
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  const readiness = readinessRules(loaded.services); // invalid x-berth probes fail before anything exists
  // A shared environment outlives whichever user created it: its leases decide when it goes.
  const lifetime = shared ? "detached" : (options.lifetime ?? "process");
  const ttl = ttlFrom(env, lifetime, options.ttlMs);
  // Admission control (src/guards/admission.ts): the guards, and a turn in the engine's queue when
  // capacity is short. Disposed when acquire ends, however it ends: its ticket goes then.
  await using admission = openAdmission({ engine, spec: loaded, project, env, guards: options.guards, wait: options.waitForCapacity, scale: options.scale, deadline, emit, signal });
  // Orphans of dead owners are reaped meanwhile (they may hold names, ports, memory, capacity),
  // then the reaper files such owners left.
  const safety = Promise.all([reapOrphans(engine, { signal }).then(() => sweepStaleReaperFiles(env)), admission.admit()]);
  safety.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  const spec = await prepareSpec({ spec: loaded, project, strategy: parseStrategy(options.ports ?? env.BERTH_PORTS, kind), build: options.build, scale: options.scale, env, engine, emit, signal });

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
  const base = { ...environmentLabels({ env, project, kind, lifetime, owner, ttlMs: ttl, spec }), ...(lifetime === "detached" ? { [LABEL.pending]: "true" } : {}) };
  const created: { containers: string[]; networks: string[] } = { containers: [], networks: [] };
  const ids = new Map<string, string>(seen.containers.map((c) => [c.name, c.id]));
  /** Per recreated container: the anonymous volumes of the one it replaces, which it mounts. */
  const inherit = new Map<string, MountRequest[]>();
  /** Created containers that mount such volumes: a rollback removes them without their volumes. */
  const inheriting = new Set<string>();
  /** Containers whose readiness this acquire has seen pass. */
  const proven = new Map<string, ReadinessRecord>();
  const reaper = watchAcquire({ owner, endpoint: engine.endpoint, env, project, lifetime, emit });
  const hub = await EventHub.open(engine, project, signal);
  /** The first plan step that failed, named in the error when the failure itself does not say. */
  let failedStep: Step | undefined;
  const t0 = Date.now();
  const steps = stepEvents(emit, project);
  try {
    await executePlan(plan, (step, stepSignal) => runStep(step, stepSignal), {
      signal,
      onBegin: steps.begin,
      onDone: steps.done,
      onFailed: (s, e) => {
        failedStep ??= s;
        steps.failed(s, e);
      },
    });
    // Readiness proven during this acquire is the verdict: the engine may still say "starting"
    // for up to one interval (the settled record below keeps the proof for later readers).
    const data = await readEnvironment(engine, project, kind, signal, { containerIds: [...new Set(ids.values())], proven: new Set(proven.keys()) });
    // Completed: from now on the environment is not a half-made one for the orphan sweep.
    if (lifetime === "detached") await writeSettledRecord(engine, project, base, spec, signal, provenStarts(data, proven), { subset: options.services !== undefined });
    // A detached environment lives until `down`: nothing of it is the reaper's once acquired. One
    // that lives with this process is, until it is released.
    const released = <T>(r: T): T => {
      reaper.done();
      return r;
    };
    if (lifetime === "detached" && !shared) reaper.done();
    if (!shared) return new Environment(data, engine, lifetime === "detached" ? undefined : (o) => releaseProject(engine, project, o).then(released), proven);
    // `berth up` (detached) pins the shared environment until `berth down`; API users lease it for their process.
    const lease = await addLease(engine, project, base, signal, { pinned: options.lifetime === "detached" });
    if (options.lifetime === "detached") reaper.done();
    return new Environment(data, engine, (o) => releaseShared(engine, project, lease, { ...o, env }).then(released), proven);
  } catch (error) {
    const failure = await describeFailure(error, engine, spec, plan, ids, signal, failedStep);
    // Kept for debugging on purpose: settled as it is (it lives until `down`).
    if (options.keepOnFailure && lifetime === "detached") await writeSettledRecord(engine, project, base, spec, undefined, {}, { subset: options.services !== undefined }).catch(() => undefined);
    await rollBackFailedAcquire(failure, {
      project,
      keepOnFailure: options.keepOnFailure,
      emit,
      reaper,
      downCommand: `berth down ${project}`,
      remove: () => rollBack(
        async () => {
          if (fresh) await releaseProject(engine, project, { onEvent: emit });
          else {
            await Promise.all(created.containers.map((id) => engine.removeContainer(id, { force: true, volumes: !inheriting.has(id) }).catch(ignoreGone)));
            await Promise.all(created.networks.map((id) => engine.removeNetwork(id).catch(ignoreGone)));
          }
        },
        // After engine trouble, removals made while dockerd was going down can come back when it
        // starts again (its store was closing): the project must stay gone for a few seconds.
        // Asked after the first attempt: a request refused by a stopping engine can fail the
        // acquire a moment before its event stream closes.
        {
          needed: () => engineTroubleSeen(failure) || hub.engineLost,
          staysGone: () => nothingLeft(engine, project, fresh ? undefined : created),
          engineLost: () => hub.engineLost,
          answering: () => engine.ping({ signal: AbortSignal.timeout(2000) }).then(() => true, () => false),
        },
      ),
    });
    throw failure;
  } finally {
    hub.close();
    reaper.settle();
  }

  /**
   * Steps that create, start or remove something are not cancelled half-way: an aborted request
   * does not stop the engine from finishing it, so a cancelled create could leave a container
   * that appears after the rollback looked. They check for cancellation before they begin and then
   * run to completion (they are short); only waits are interrupted.
   */
  async function runStep(step: Step, stepSignal: AbortSignal): Promise<void> {
    if (step.kind !== "wait-ready") stepSignal.throwIfAborted();
    switch (step.kind) {
      case "create-network": {
        const key = step.key!;
        const net = spec.networks[key];
        const containers = Object.values(spec.services).filter((s) => serviceNetworkKeys(s).includes(key)).reduce((n, s) => n + s.scale, 0);
        const name = networkName(project, key, net?.name);
        const onRetry = (attempt: number, cause: string) => emit({ type: "retry", project, target: step.target, attempt, cause, at: Date.now() });
        const { id } = await createResolvingConflicts(engine, { kind: "network", name }, () => createEnvironmentNetwork(engine, {
          name,
          labels: { ...(net?.labels ?? {}), ...networkLabels(base, key) },
          spec: net,
          containers,
          env,
          onRetry,
        }), { signal: stepSignal, onRetry });
        created.networks.push(id);
        return;
      }
      case "create-volume": {
        const vol = spec.volumes[step.key!];
        await engine.createVolume(step.target, { ...(vol?.labels ?? {}), ...base, [LABEL.volume]: step.key! }, { driver: vol?.driver, driverOpts: vol?.driver_opts });
        return;
      }
      case "remove-container": {
        const id = ids.get(step.target);
        if (!id) return;
        // Replaced by a new container (its configuration changed): that one keeps its anonymous volumes.
        const replaced = plan.steps.some((s) => s.id === `create:${step.target}`);
        if (replaced) inherit.set(step.target, inheritedMounts(observed.containers.find((c) => c.id === id)));
        await removeReplaced(engine, id, replaced);
        return;
      }
      case "create-container": {
        const service = spec.services[step.service!]!;
        const inherited = inherit.get(step.target);
        const req = withInherited(containerRequest({ project, spec, baseLabels: base, serviceHash: serviceHashes[service.name]! }, service, step.number!), inherited);
        const id = await createResolvingConflicts(engine, { kind: "container", name: req.name }, () => engine.createContainer(req), {
          signal: stepSignal,
          onRetry: (attempt, cause) => emit({ type: "retry", project, target: step.target, attempt, cause, at: Date.now() }),
        });
        ids.set(step.target, id);
        created.containers.push(id);
        if (inherited?.length) inheriting.add(id);
        for (const key of projectNetworkKeys({ ...spec, services: { [service.name]: service } }).slice(1)) {
          const attach = service.networks[key] ?? {};
          await engine.connectNetwork(networkName(project, key, spec.networks[key]?.name), id, { aliases: [service.name, ...(attach.aliases ?? [])], ipv4Address: attach.ipv4_address });
        }
        return;
      }
      case "start-container": {
        const service = spec.services[step.service!]!;
        await startWithPortRetry(engine, ids.get(step.target)!, step.target, service.ports, { onRetry: (attempt, cause) => emit({ type: "retry", project, target: step.target, attempt, cause, at: Date.now() }) });
        return;
      }
      case "wait-ready": {
        const service = spec.services[step.service!]!;
        const rule = readiness[service.name];
        const own = rule?.timeoutMs !== undefined ? Date.now() + rule.timeoutMs : deadline;
        const r = await waitReady({
          engine, hub, containerId: ids.get(step.target)!, service: service.name, mode: step.ready ?? "healthy", readiness: rule,
          deadline: Math.min(deadline, own), signal: stepSignal, restartPolicy: service.restart ?? service.deploy?.restart_policy?.condition,
        });
        proven.set(step.target, readinessRecord(r));
        emit({ type: "ready", project, service: service.name, container: step.target, via: r.via, probe: r.probe, restarts: r.restarts, at: r.readyAt, elapsedMs: r.readyAt - t0 });
        return;
      }
    }
  }
}

/** The runs this acquire saw ready, by the engine's StartedAt (for the settled record: `status` shows them HEALTHY). */
function provenStarts(data: EnvironmentData, proven: ReadonlyMap<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of Object.values(data.services).flatMap((s) => s.containers)) if (proven.has(c.name) && c.startedAt) out[c.name] = c.startedAt;
  return out;
}
