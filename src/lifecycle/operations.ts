/**
 * Operations on the services of a running environment (restart, stop, start, pause, wait, exec), selected
 * by berth's labels alone, so they work from the CLI without the compose file and from an
 * `Environment` alike.
 */
import type { Runtime } from "../engine/runtime.js";
import type { EnvironmentRuntime, ServiceRuntime } from "./environment-runtime.js";
import { BerthError } from "../errors.js";
import type { EventListener } from "../events.js";
import { EventHub } from "../health/event-hub.js";
import { waitReady, type ReadyResult } from "../health/readiness.js";
import { LABEL, managedFilter } from "../labels.js";
import type { DependencySpec } from "../compose/model.js";
import { dependantsOf, dependencyLevels, type GraphInput } from "../plan/graph.js";
import { DEFAULT_READY_TIMEOUT_MS } from "./timeouts.js";
import { byText } from "../text-order.js";
import { startTogether } from "./start.js";

/** One container of a service, as the labels describe it. */
export interface ServiceContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  state: string;
}

export interface SelectOptions {
  /** Services to act on; default: all of the environment's. */
  services?: string[];
  signal?: AbortSignal;
}

/** The project's containers (of the given services), sorted by service then number. */
export async function projectContainers(engine: Runtime, project: string, o: SelectOptions = {}): Promise<ServiceContainer[]> {
  const list = await engine.listContainers(managedFilter(project), { signal: o.signal });
  const all = list
    // A one-off container (`berth run SERVICE`) is not one of its service's replicas.
    .filter((c) => c.labels[LABEL.oneoff] !== "true")
    .map((c) => ({ id: c.id, name: c.name, service: c.labels[LABEL.service] ?? "?", number: Number(c.labels[LABEL.number] ?? 1), state: c.state }))
    .sort((a, b) => byText(a.service, b.service) || a.number - b.number);
  if (all.length === 0) {
    throw new BerthError("NOT_FOUND", `no berth environment named ${project} on this engine`, { hint: "List environments with `berth status`." });
  }
  const wanted = o.services?.filter((s) => s !== "") ?? [];
  const known = [...new Set(all.map((c) => c.service))];
  const unknown = wanted.filter((s) => !known.includes(s));
  if (unknown.length) {
    throw new BerthError("NOT_FOUND", `environment ${project} has no service${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}`, {
      hint: `Services: ${known.join(", ")}.`,
    });
  }
  return wanted.length ? all.filter((c) => wanted.includes(c.service)) : all;
}

export interface WaitOptions extends SelectOptions {
  /** How long to wait, ms (default 180 s). */
  timeoutMs?: number;
  onEvent?: EventListener;
  /** Called with what each container's readiness wait saw, as it becomes ready. */
  onReady?: (container: string, result: ReadyResult) => void;
  /** The engine's healthy verdicts count only from checks that ended at or after this (ms since epoch); older ones, berth checks again itself. */
  freshSince?: number;
}

/** Waits until every selected container is ready (healthy, or running when it has no healthcheck). */
export async function waitForServices(engine: Runtime, project: string, o: WaitOptions = {}): Promise<Record<string, ReadyResult>> {
  const containers = await projectContainers(engine, project, o);
  const deadline = Date.now() + (o.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  const hub = await EventHub.open(engine, project, o.signal);
  const t0 = Date.now();
  try {
    const results = await Promise.all(
      containers.map(async (c) => {
        const r = await waitReady({
          engine,
          hub,
          containerId: c.id,
          service: c.service,
          mode: "healthy",
          deadline,
          signal: o.signal,
          freshSince: o.freshSince,
        });
        o.onEvent?.({ type: "ready", project, service: c.service, container: c.name, via: r.via, at: r.readyAt, elapsedMs: r.readyAt - t0 });
        o.onReady?.(c.name, r);
        return [c.name, r] as const;
      }),
    );
    return Object.fromEntries(results);
  } finally {
    hub.close();
  }
}

export interface ServiceOpOptions extends WaitOptions {
  /** Seconds a container gets to stop after SIGTERM before SIGKILL (default: its stop_grace_period, else 10). */
  stopTimeoutSec?: number;
  /** Wait until the services are ready again (restart/start; default true). */
  wait?: boolean;
}

/**
 * Restarts the selected services. Their dependants (read from the containers' labels, transitively)
 * are stopped first and started again only once what they depend on is ready again, level by
 * level, as at acquire: a dependant never runs against a dependency that is coming back.
 */
export async function restartServices(engine: ServiceRuntime, project: string, o: ServiceOpOptions = {}): Promise<string[]> {
  const targets = await projectContainers(engine, project, o);
  const graph = await dependencyGraph(engine, project, o.signal);
  const selected = new Set(targets.map((c) => c.service));
  const dependants = new Set([...selected].flatMap((s) => dependantsOf(graph, s)).filter((s) => !selected.has(s)));
  const held = dependants.size ? await projectContainers(engine, project, { services: [...dependants], signal: o.signal }) : [];
  await Promise.all(held.map((c) => engine.stopContainer(c.id, o.stopTimeoutSec, { signal: o.signal })));
  await Promise.all(targets.map((c) => engine.restartContainer(c.id, o.stopTimeoutSec, { signal: o.signal })));
  const wait = o.wait ?? true;
  if (wait || held.length) await waitForServices(engine, project, { ...o, services: [...selected] });
  const subgraph = Object.fromEntries(
    [...dependants].map((s) => [s, { depends_on: Object.fromEntries(Object.entries(graph[s]!.depends_on).filter(([d]) => dependants.has(d))) }]),
  );
  for (const level of dependencyLevels(subgraph)) {
    await startTogether(
      engine,
      held.filter((h) => level.includes(h.service)),
      o.signal,
    );
    if (wait) await waitForServices(engine, project, { ...o, services: level });
  }
  return [...targets, ...held].map((c) => c.name);
}

/** The services' depends_on, from the labels their containers carry. */
export async function dependencyGraph(engine: Runtime, project: string, signal?: AbortSignal): Promise<GraphInput> {
  const graph: Record<string, { depends_on: Record<string, DependencySpec> }> = {};
  for (const c of await engine.listContainers(managedFilter(project), { signal })) {
    const service = c.labels[LABEL.service];
    if (!service) continue;
    const deps = (c.labels[LABEL.dependsOn] ?? "").split(",").filter(Boolean);
    graph[service] = { depends_on: Object.fromEntries(deps.map((d) => [d, { condition: "service_started", required: true, restart: true }])) };
  }
  return graph;
}

export async function stopServices(engine: Runtime, project: string, o: ServiceOpOptions = {}): Promise<string[]> {
  const containers = await projectContainers(engine, project, o);
  await Promise.all(containers.map((c) => engine.stopContainer(c.id, o.stopTimeoutSec, { signal: o.signal })));
  return containers.map((c) => c.name);
}

/**
 * Freezes the running containers of the selected services (`docker pause`): their processes stop
 * where they are, connections stay open and get no answer, as a hung dependency does. Returns the
 * containers paused (those already paused or not running are left as they are).
 */
export async function pauseServices(engine: Runtime & Pick<EnvironmentRuntime, "pauseContainer">, project: string, o: SelectOptions = {}): Promise<string[]> {
  const running = (await projectContainers(engine, project, o)).filter((c) => c.state === "running");
  const done = await Promise.all(running.map((c) => engine.pauseContainer(c.id, { signal: o.signal })));
  return running.filter((_, i) => done[i]).map((c) => c.name);
}

/** Thaws the paused containers of the selected services; returns those unpaused. */
export async function unpauseServices(
  engine: Runtime & Pick<EnvironmentRuntime, "unpauseContainer">,
  project: string,
  o: SelectOptions = {},
): Promise<string[]> {
  const paused = (await projectContainers(engine, project, o)).filter((c) => c.state === "paused");
  const done = await Promise.all(paused.map((c) => engine.unpauseContainer(c.id, { signal: o.signal })));
  return paused.filter((_, i) => done[i]).map((c) => c.name);
}

/**
 * Starts the selected services level by level in dependency order, as at acquire: the services of
 * a level together, and (unless `wait` is false) the next level only once they are ready.
 */
export async function startServices(engine: Runtime, project: string, o: ServiceOpOptions = {}): Promise<string[]> {
  const containers = await projectContainers(engine, project, o);
  const graph = await dependencyGraph(engine, project, o.signal);
  const selected = new Set(containers.map((c) => c.service));
  const subgraph = Object.fromEntries(
    [...selected].map((s) => [s, { depends_on: Object.fromEntries(Object.entries(graph[s]?.depends_on ?? {}).filter(([d]) => selected.has(d))) }]),
  );
  for (const level of dependencyLevels(subgraph)) {
    await startTogether(
      engine,
      containers.filter((c) => level.includes(c.service)),
      o.signal,
    );
    if (o.wait ?? true) await waitForServices(engine, project, { ...o, services: level });
  }
  return containers.map((c) => c.name);
}

export interface ExecOptions {
  /** Which replica (container number), default 1. */
  index?: number;
  /** Extra environment, "KEY=value". */
  env?: string[];
  user?: string;
  workingDir?: string;
  signal?: AbortSignal;
}

/** The running container of `service` (replica `index`), or a NOT_FOUND/USAGE error saying why not. */
export async function serviceContainer(
  engine: Runtime,
  project: string,
  service: string,
  o: { index?: number; signal?: AbortSignal } = {},
): Promise<ServiceContainer> {
  const containers = await projectContainers(engine, project, { services: [service], signal: o.signal });
  const index = o.index ?? 1;
  const c = containers.find((x) => x.number === index);
  if (!c) {
    throw new BerthError("NOT_FOUND", `service ${service} of ${project} has no replica ${index}`, {
      hint: `Replicas: ${containers.map((x) => x.number).join(", ")}.`,
    });
  }
  if (c.state !== "running") {
    throw new BerthError("SERVICE_FAILED", `container ${c.name} is ${c.state}, not running`, {
      hint: `Start it with \`berth start -p ${project} ${service}\`.`,
    });
  }
  return c;
}

/** Runs `cmd` in a service's container, streaming output to `onOutput`; resolves with its exit code. */
export async function execInService(
  engine: Runtime,
  project: string,
  service: string,
  cmd: string[],
  onOutput: (stream: "stdout" | "stderr", data: Buffer) => void,
  o: ExecOptions = {},
): Promise<number> {
  if (cmd.length === 0) throw new BerthError("USAGE", "exec needs a command to run", { hint: `e.g. berth exec ${service} sh -c 'echo hello'` });
  const c = await serviceContainer(engine, project, service, o);
  return engine.execStream(c.id, cmd, onOutput, { env: o.env, user: o.user, workingDir: o.workingDir, signal: o.signal });
}
