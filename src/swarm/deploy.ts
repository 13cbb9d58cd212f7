/**
 * `up --on swarm`: a loaded compose project deployed as swarm services on a manager, one per
 * compose service, on overlay network(s) of its own, with secrets and configs as swarm objects,
 * each level of the dependency graph created once the previous one is ready. Everything carries
 * the project's labels; on any failure (including a cancel) everything created is removed.
 */
import { readFile } from "node:fs/promises";
import type { ProjectSpec } from "../compose/model.js";
import type { Engine } from "../engine/engine.js";
import { Swarm } from "../engine/swarm.js";
import { BerthError, isBerthError } from "../errors.js";
import { ignoreEvents, type EventListener } from "../events.js";
import { extraLabels, LABEL, networkLabels, projectLabels, type EnvironmentKind, type Lifetime } from "../labels.js";
import { currentOwner } from "../cleanup/process-liveness.js";
import { ensureReaper } from "../cleanup/reaper.js";
import { hashOf } from "../plan/container-request.js";
import { dependantsOf, dependencyLevels } from "../plan/graph.js";
import { generateProjectName, networkName, sanitizeProjectName } from "../plan/naming.js";
import { projectNetworkKeys } from "../plan/reconcile.js";
import { reapSwarmOrphans } from "./cleanup.js";
import { assertSwarmCompat } from "./compat.js";
import { SWARM_LABEL, swarmBaseLabels, swarmObjectName } from "./labels.js";
import { waitServiceReady } from "./readiness.js";
import { removeSwarmProject } from "./remove.js";
import { effectiveEnv } from "../lifecycle/acquire-env.js";
import { swarmServiceRequest } from "./service-request.js";
import { readSwarmEnvironment, type SwarmEnvironmentData } from "./status.js";
import { requireSwarmManager } from "./connect.js";
import { scaleSwarmServices } from "./operations.js";

export interface SwarmUpOptions {
  /** A connection to a swarm manager. */
  engine: Engine;
  /** Variables laid over the process environment (with `inheritEnv: false`: the whole environment). */
  env?: Record<string, string | undefined>;
  inheritEnv?: boolean;
  projectName?: string;
  kind?: EnvironmentKind;
  /** "detached" for the CLI's `up` (lives until `down`), "process" for the API (removed with its owner). */
  lifetime?: Lifetime;
  /** Replicas per service, overriding the file. */
  scale?: Record<string, number>;
  timeoutMs?: number;
  ttlMs?: number;
  keepOnFailure?: boolean;
  signal?: AbortSignal;
  onEvent?: EventListener;
}

const DEFAULT_TIMEOUT_MS = 180_000;
const DEFAULT_PROCESS_TTL_MS = 24 * 3_600_000;

function withScale(spec: ProjectSpec, scale: Record<string, number> | undefined): ProjectSpec {
  if (!scale) return spec;
  const services = { ...spec.services };
  for (const [name, n] of Object.entries(scale)) {
    if (!services[name]) throw new BerthError("USAGE", `--scale ${name}=${n}: the project has no service ${name}`, { hint: `Services: ${Object.keys(services).join(", ")}.` });
    services[name] = { ...services[name]!, scale: n };
  }
  return { ...spec, services };
}

/** The bytes of a non-external secret or config: its file, an environment variable, or inline content. */
async function objectData(kind: "secret" | "config", key: string, obj: NonNullable<ProjectSpec["secrets"]>[string], env: Record<string, string | undefined>): Promise<Buffer> {
  if (obj.file) {
    try {
      return await readFile(obj.file);
    } catch (error) {
      throw new BerthError("COMPOSE_INVALID", `${kind}s.${key}.file: cannot read ${obj.file}: ${(error as Error).message}`, { hint: "Fix the path (relative paths are relative to the compose file)." });
    }
  }
  if (obj.environment !== undefined) {
    const v = env[obj.environment];
    if (v === undefined) throw new BerthError("COMPOSE_INVALID", `${kind}s.${key}.environment: the variable ${obj.environment} is not set`, { hint: `Set ${obj.environment} in berth's environment.` });
    return Buffer.from(v);
  }
  return Buffer.from(obj.content ?? "");
}

export async function deploySwarm(loaded: ProjectSpec, o: SwarmUpOptions): Promise<SwarmEnvironmentData> {
  const env = effectiveEnv(o);
  const emit = o.onEvent ?? ignoreEvents;
  const signal = o.signal;
  const swarm = new Swarm(o.engine);
  const routingMesh = env.BERTH_SWARM_ROUTING_MESH === "1";
  const spec = withScale(loaded, o.scale);
  const given = o.projectName ?? env.COMPOSE_PROJECT_NAME ?? loaded.name;
  const kind = o.kind ?? ((env.DOCKER_ENV as EnvironmentKind | undefined) || "test");
  if (!["test", "dev", "prod"].includes(kind)) throw new BerthError("USAGE", `environment kind ${kind} is not one berth knows`, { hint: "Use test, dev or prod (--env or DOCKER_ENV)." });
  const project = given ? sanitizeProjectName(given) : generateProjectName(kind, new Date());
  const deadline = Date.now() + (o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const lifetime = o.lifetime ?? "process";

  const warnings = assertSwarmCompat(spec, { routingMesh }); // the file first: it needs no engine
  const levels = dependencyLevels(spec.services);
  await requireSwarmManager(swarm, signal);
  for (const w of warnings) emit({ type: "warning", project, message: w, at: Date.now() });
  for (const s of Object.values(spec.services)) {
    if (!s.image) throw new BerthError("COMPOSE_INVALID", `services.${s.name}.image: a swarm service needs an image`, { hint: "Set image: to an image present on every node." });
  }
  await reapSwarmOrphans(o.engine, signal);
  const existing = await swarm.listServices({ [LABEL.managed]: "true", [LABEL.project]: project }, signal);
  if (existing.length && o.scale && given) {
    // As on one engine: `up -p NAME --scale svc=N` of a running environment scales it.
    await scaleSwarmServices(swarm, project, o.scale, { deadline, signal });
    return readSwarmEnvironment(swarm, project, signal);
  }
  if (existing.length) {
    throw new BerthError("CONFLICT", `the swarm at ${swarm.endpoint} already runs environment ${project} (${existing.map((s) => s.name).join(", ")})`, {
      hint: `Change it with \`berth update --on swarm -p ${project} SERVICE --image …\` or \`berth scale\`, remove it with \`berth down --on swarm ${project}\`, or choose another -p.`,
    });
  }

  const ttl = lifetime === "process" ? DEFAULT_PROCESS_TTL_MS : undefined;
  const owner = currentOwner();
  const base = swarmBaseLabels({
    ...extraLabels(env),
    ...projectLabels({
      project,
      kind,
      lifetime,
      owner,
      createdAt: new Date(),
      expiresAt: o.ttlMs !== undefined ? (o.ttlMs > 0 ? new Date(Date.now() + o.ttlMs) : undefined) : ttl !== undefined ? new Date(Date.now() + ttl) : undefined,
      configHash: hashOf(spec).slice(0, 16),
      files: spec.files,
      workingDir: spec.working_dir,
    }),
  });
  emit({ type: "plan", project, steps: projectNetworkKeys(spec).length + Object.keys(spec.services).length, at: Date.now() });
  // Before anything exists: a process watching this one removes what it leaves if it is killed.
  const reaper = ensureReaper({ owner, endpoint: o.engine.endpoint, env, pendingProject: lifetime === "detached" ? project : undefined });
  if (reaper.warning) emit({ type: "warning", project, message: reaper.warning, at: Date.now() });
  const step = (kind: string, target: string, service?: string) => {
    const t0 = Date.now();
    emit({ type: "step", project, step: `${kind}:${target}`, kind, target, service, phase: "begin", at: t0 });
    return {
      done: () => emit({ type: "step", project, step: `${kind}:${target}`, kind, target, service, phase: "done", at: Date.now(), elapsedMs: Date.now() - t0 }),
      failed: (e: unknown) => emit({ type: "step", project, step: `${kind}:${target}`, kind, target, service, phase: "failed", at: Date.now(), error: (e as Error)?.message }),
    };
  };
  const t0 = Date.now();
  try {
    for (const key of projectNetworkKeys(spec)) {
      const net = spec.networks[key];
      if (net?.external) continue;
      const name = networkName(project, key, net?.name);
      const s = step("create-network", name);
      await swarm.createOverlayNetwork({ name, labels: { ...(net?.labels ?? {}), ...networkLabels(base, key) }, internal: net?.internal, subnet: net?.ipam?.config?.[0]?.subnet }, signal);
      s.done();
    }
    const secrets = await createFileObjects("secret", spec.secrets ?? {}, spec, project, base, env, swarm, signal);
    const configs = await createFileObjects("config", spec.configs ?? {}, spec, project, base, env, swarm, signal);
    const ctx = { project, spec, baseLabels: base, secrets, configs, routingMesh };
    for (const level of levels) {
      const ids = new Map<string, string>();
      for (const name of level) {
        signal?.throwIfAborted();
        const req = swarmServiceRequest(ctx, spec.services[name]!);
        const s = step("create-service", req.name, name);
        ids.set(name, await swarm.createService(req, signal));
        s.done();
      }
      await Promise.all(level.map(async (name) => {
        const service = spec.services[name]!;
        const s = step("wait-ready", name, name);
        try {
          const r = await waitServiceReady({
            swarm, serviceId: ids.get(name)!, service: name, replicas: service.deploy?.mode === "global" ? undefined : service.scale,
            since: t0, deadline, signal,
          });
          s.done();
          emit({ type: "ready", project, service: name, container: `${swarmObjectName(project, name)} (${r.running.length} task${r.running.length === 1 ? "" : "s"})`, via: "swarm", at: r.readyAt, elapsedMs: r.readyAt - t0 });
        } catch (error) {
          s.failed(error);
          if (isBerthError(error)) error.details.blockedDependants = dependantsOf(spec.services, name);
          throw error;
        }
      }));
    }
    return await readSwarmEnvironment(swarm, project, signal);
  } catch (error) {
    const failure = signal?.aborted ? new BerthError("ABORTED", "up --on swarm was cancelled; everything it created is being removed", { cause: error }) : error;
    if (!o.keepOnFailure) {
      emit({ type: "rollback", project, reason: (failure as Error).message, at: Date.now() });
      await removeSwarmProject(swarm, project).catch(() => undefined); // the reaper and `clean` are the fallback
    }
    throw failure;
  } finally {
    reaper.settle();
  }
}

async function createFileObjects(
  kind: "secret" | "config",
  objects: NonNullable<ProjectSpec["secrets"]>,
  spec: ProjectSpec,
  project: string,
  base: Record<string, string>,
  env: Record<string, string | undefined>,
  swarm: Swarm,
  signal?: AbortSignal,
): Promise<Record<string, { id: string; name: string }>> {
  const used = new Set(Object.values(spec.services).flatMap((s) => (kind === "secret" ? s.secrets : s.configs)?.map((r) => r.source) ?? []));
  const out: Record<string, { id: string; name: string }> = {};
  for (const key of [...used].sort()) {
    const obj = objects[key];
    if (!obj) throw new BerthError("COMPOSE_INVALID", `a service uses ${kind} ${key}, which the file does not define under ${kind}s:`);
    if (obj.external) {
      const name = obj.name ?? key;
      const all = kind === "secret" ? await swarm.listSecrets({}, signal) : await swarm.listConfigs({}, signal);
      const found = all.find((x) => x.name === name);
      if (!found) throw new BerthError("NOT_FOUND", `external ${kind} ${name} (${kind}s.${key}) does not exist on the swarm`, { hint: `Create it first: docker ${kind} create ${name} FILE.` });
      out[key] = { id: found.id, name };
      continue;
    }
    const name = swarmObjectName(project, key);
    const data = await objectData(kind, key, obj, env);
    const labels = { ...(obj.labels ?? {}), ...base, [kind === "secret" ? SWARM_LABEL.secret : SWARM_LABEL.config]: key };
    out[key] = { id: kind === "secret" ? await swarm.createSecret(name, data, labels, signal) : await swarm.createConfig(name, data, labels, signal), name };
  }
  return out;
}
