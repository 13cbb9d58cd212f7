/**
 * Runs `fn` while the containers holding the data are stopped, then starts the ones that were
 * running and re-gates readiness: the affected services first, then their dependants (which kept
 * running, but talked to a service that went away and came back).
 */
import type { Runtime } from "../engine/runtime.js";
import { dependantsOf } from "../plan/graph.js";
import { dependencyGraph, waitForServices, type WaitOptions } from "../lifecycle/operations.js";
import type { ContainerSummary } from "../engine/types.js";
import { LABEL } from "../labels.js";
import { startWithPortRetry } from "../lifecycle/start.js";
import { BerthError, isBerthError } from "../errors.js";

export interface QuiesceOptions extends Pick<WaitOptions, "timeoutMs" | "onEvent" | "onReady" | "signal"> {
  /** Seconds each container gets to stop; 0 kills it (right when its data is about to be replaced). */
  stopTimeoutSec?: number;
  /**
   * Start the containers again also when `fn` fails (a save: their data is untouched). Without it
   * they stay stopped (a restore that failed half-way: better down than serving half the data).
   */
  restartOnFailure?: boolean;
}

/** The services to wait for after the data came back: those affected, then their dependants, transitively. */
export async function servicesToRegate(
  engine: Runtime,
  project: string,
  affected: string[],
  signal?: AbortSignal,
): Promise<{ affected: string[]; dependants: string[] }> {
  const graph = await dependencyGraph(engine, project, signal);
  const dependants = [...new Set(affected.flatMap((s) => (graph[s] ? dependantsOf(graph, s) : [])))].filter((s) => !affected.includes(s));
  return { affected, dependants: dependants.sort() };
}

/** Whether the container was up (and so is started again afterwards). */
export const isUp = (c: ContainerSummary): boolean => c.state === "running" || c.state === "restarting" || c.state === "paused";

export async function whileStopped<T>(engine: Runtime, project: string, containers: ContainerSummary[], o: QuiesceOptions, fn: () => Promise<T>): Promise<T> {
  const running = containers.filter(isUp);
  await Promise.all(running.map((c) => engine.stopContainer(c.id, o.stopTimeoutSec, { signal: o.signal })));
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    if (o.restartOnFailure && !o.signal?.aborted) {
      try {
        await startAndRegate(engine, project, running, o);
      } catch (restartError) {
        throw notRestarted(e, restartError, project, running);
      }
    }
    throw e;
  }
  await startAndRegate(engine, project, running, o);
  return result;
}

/**
 * The failure of `fn`, told together with the failed attempt to start the stopped services again:
 * they are still stopped (or not ready), which the first failure alone would not say.
 */
function notRestarted(first: unknown, restartError: unknown, project: string, stopped: ContainerSummary[]): BerthError {
  const services = [...new Set(stopped.map((c) => c.labels[LABEL.service] ?? c.name))].sort().join(", ");
  const text = (e: unknown) => (e instanceof Error ? e.message : String(e));
  return new BerthError(
    isBerthError(first) ? first.code : "ENGINE_ERROR",
    `${text(first)}; starting ${services} of ${project} again failed too (${text(restartError)})`,
    {
      hint: `They may still be stopped: \`berth start -p ${project}\` starts them and waits until they are ready. ${isBerthError(first) && first.hint ? first.hint : ""}`.trim(),
      cause: first,
    },
  );
}

/**
 * Starts the containers again (`start` for each; default: start it) and re-gates readiness: the
 * affected services first, then their dependants.
 */
export async function startAndRegate(
  engine: Runtime,
  project: string,
  running: ContainerSummary[],
  o: QuiesceOptions,
  start: (c: ContainerSummary) => Promise<void> = (c) => startWithPortRetry(engine, c.id, c.name, undefined, { signal: o.signal }),
): Promise<void> {
  // Together, as `start` does (each start retries a port clash); every start is seen to its end before a failure is thrown.
  const failed = (await Promise.allSettled(running.map(start))).find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  const affected = [...new Set(running.map((c) => c.labels[LABEL.service]!).filter(Boolean))];
  if (affected.length) {
    const { dependants } = await servicesToRegate(engine, project, affected, o.signal);
    await waitForServices(engine, project, { ...o, services: affected });
    // The dependants kept running: an engine "healthy" from before the data came back says nothing
    // about them now (it would stand for up to interval × retries after they broke), so only checks
    // from now on count, and berth runs the healthcheck itself rather than wait for the next one.
    if (dependants.length) await waitForServices(engine, project, { ...o, services: dependants, freshSince: Date.now() });
  }
}
