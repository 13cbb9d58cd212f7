/**
 * Everything checked and decided before anything is created: the port strategy applied, keys berth
 * cannot honour rejected, images pulled (images/pull-phase.ts) and present, limits the engine would refuse caught with the service
 * and key named. A failure here leaves the engine untouched.
 */
import type { ProjectSpec } from "../compose/model.js";
import type { Runtime } from "../engine/runtime.js";
import { isLocalEndpoint } from "../engine/endpoint.js";
import { missingImageHint } from "../engine/image-hint.js";
import { BerthError, type SourceProblem } from "../errors.js";
import type { EventListener } from "../events.js";
import { unsupportedProblems } from "../plan/runtime-options.js";
import { hasFixedHostPort } from "../ports/bindings.js";
import { scaleServices } from "../plan/scale.js";
import { applyStrategy, checkRangeCapacity, DEFAULT_RANGE, type PortStrategy } from "../ports/strategy.js";
import { pullImages } from "../images/pull-phase.js";
import type { PullOverride } from "../images/pull-policy.js";
import { buildServices } from "./build.js";
import { ensureBindSources } from "./host-paths.js";

/** The engine refuses memory limits under 6 MiB. */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

export interface PrepareInput {
  spec: ProjectSpec;
  project: string;
  strategy: PortStrategy;
  env: Record<string, string | undefined>;
  engine: Runtime;
  emit: EventListener;
  /** Replicas per service, overriding the file (`up --scale api=3`). */
  scale?: Record<string, number>;
  /** Rebuild images of `build:` sections even when they exist. */
  build?: boolean;
  /** Replaces every service's `pull_policy` (`up --pull`). */
  pull?: PullOverride;
  signal?: AbortSignal;
}

/** Whether any service asks for CPUs: only then is the engine's CPU count needed. */
function asksForCpus(spec: ProjectSpec): boolean {
  return Object.values(spec.services).some((s) => (s.cpus ?? s.deploy?.resources?.limits?.cpus) !== undefined);
}

function limitProblems(spec: ProjectSpec, ncpu: number): SourceProblem[] {
  const file = spec.files[0] ?? "compose.yaml";
  const problems: SourceProblem[] = [];
  for (const s of Object.values(spec.services)) {
    const limits = s.deploy?.resources?.limits;
    const cpus = s.cpus ?? limits?.cpus;
    const key = s.cpus !== undefined ? "cpus" : "deploy.resources.limits.cpus";
    if (cpus !== undefined && cpus > ncpu) {
      problems.push({ file, path: `services.${s.name}.${key}`, message: `${cpus} CPUs asked, but the engine has only ${ncpu}`, hint: `use at most ${ncpu}` });
    }
    const mem = s.mem_limit ?? limits?.memory;
    const mkey = s.mem_limit !== undefined ? "mem_limit" : "deploy.resources.limits.memory";
    if (mem !== undefined && mem > 0 && mem < MIN_MEMORY_BYTES) {
      problems.push({
        file,
        path: `services.${s.name}.${mkey}`,
        message: `memory limit of ${mem} bytes is below the engine's minimum of 6 MiB`,
        hint: "use at least 6m",
      });
    }
  }
  return problems;
}

export async function prepareSpec(input: PrepareInput): Promise<ProjectSpec> {
  const { spec, project, emit, engine, signal } = input;
  const { services, remapped } = applyStrategy(Object.values(spec.services), input.strategy, input.env.BERTH_PORT_RANGE ?? DEFAULT_RANGE);
  for (const r of remapped) {
    emit({
      type: "warning",
      project,
      message: `service ${r.service}: host port ${r.was} for ${r.target} replaced by one the engine picks (port strategy ${input.strategy}; use --ports file to keep the file's ports)`,
      at: Date.now(),
    });
  }
  const scaled = scaleServices(services, input.scale);
  if (input.strategy === "range")
    checkRangeCapacity(scaled, input.env.BERTH_PORT_RANGE ?? DEFAULT_RANGE, input.env.BERTH_PORT_RANGE ? "BERTH_PORT_RANGE" : "berth's default range");
  const prepared: ProjectSpec = { ...spec, services: Object.fromEntries(scaled.map((s) => [s.name, s])) };

  // GET /info is one of the engine's slowest calls under load: asked only when a limit needs it.
  const ncpu = asksForCpus(prepared) ? (await engine.systemInfo({ signal })).ncpu : Infinity;
  const problems = [...unsupportedProblems(prepared), ...limitProblems(prepared, ncpu)];
  if (problems.length) {
    throw new BerthError(
      "COMPOSE_INVALID",
      `${problems.length} setting${problems.length > 1 ? "s" : ""} in the compose file cannot be honoured on this engine`,
      { problems },
    );
  }
  if (isLocalEndpoint(engine.endpoint)) {
    for (const dir of ensureBindSources(prepared))
      emit({
        type: "warning",
        project,
        message: `created the missing host directory ${dir} for a bind mount (as Compose does for the short syntax)`,
        at: Date.now(),
      });
  }
  await pullImages({ spec: prepared, project, engine, env: input.env, emit, override: input.pull, signal });
  const built = await buildServices(prepared, { engine, project, env: input.env, always: input.build, pull: input.pull, emit, signal });
  await checkImages(engine, built, signal);
  for (const s of scaled) {
    if (s.scale > 1 && (s.container_name || hasFixedHostPort(s.ports))) {
      throw new BerthError(
        "USAGE",
        `service ${s.name} cannot have ${s.scale} replicas: it sets ${s.container_name ? "container_name" : "a fixed host port"}, which only one container can hold`,
        {
          hint: "Remove container_name / publish the port without a host port, or keep one replica.",
        },
      );
    }
    if (s.container_name || hasFixedHostPort(s.ports)) {
      emit({
        type: "warning",
        project,
        message: `service ${s.name} sets ${s.container_name ? `container_name "${s.container_name}"` : "a fixed host port"}: this environment cannot run twice at once`,
        at: Date.now(),
      });
    }
  }
  return built;
}

/** Every image must be present now: pulled, built, or there already (`pull_policy: never` pulls nothing). */
async function checkImages(engine: Runtime, spec: ProjectSpec, signal?: AbortSignal): Promise<void> {
  const images = [
    ...new Set(
      Object.values(spec.services)
        .map((s) => s.image)
        .filter((i): i is string => !!i),
    ),
  ].sort();
  const found = await Promise.all(images.map(async (i) => [i, await engine.inspectImage(i, { signal })] as const));
  const missing = found.filter(([, f]) => f === null).map(([i]) => i);
  if (missing.length) {
    const users = (img: string) =>
      Object.values(spec.services)
        .filter((s) => s.image === img)
        .map((s) => s.name)
        .sort()
        .join(", ");
    throw new BerthError(
      "IMAGE_NOT_FOUND",
      `image${missing.length > 1 ? "s" : ""} not present on the engine: ${missing.map((m) => `${m} (service ${users(m)})`).join("; ")}`,
      {
        hint: missingImageHint(missing),
        details: { images: missing },
      },
    );
  }
}
