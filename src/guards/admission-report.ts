/** The queue as `berth doctor` shows it: every ticket with its place, and the containers in use against the cap. */
import type { Runtime } from "../engine/runtime.js";
import { decideAdmission, queueOrder } from "./admission-decision.js";
import { readQueue } from "./admission-ticket.js";
import { engineCpus } from "./admission.js";
import { capFor, guardSettings } from "./resources.js";

export interface QueueReport {
  cap: number;
  /** Berth containers on the engine (any state). */
  containers: number;
  /** In use as admission counts it: containers plus what admitted tickets reserve. */
  inUse: number;
  tickets: { name: string; project: string; containers: number; admitted: boolean; position: number }[];
}

export async function queueReport(engine: Runtime, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<QueueReport> {
  const setting = guardSettings(env).maxContainers;
  const [queue, ncpu] = await Promise.all([
    readQueue(engine, signal),
    setting === "auto" ? engineCpus(engine, engine.endpoint.startsWith("unix://"), signal) : undefined,
  ]);
  const cap = capFor(setting, ncpu);
  const verdicts = queueOrder(queue.tickets).map((t) => ({
    t,
    v: decideAdmission({ tickets: queue.tickets, containerProjects: queue.containerProjects, mine: t.name, cap }),
  }));
  // The last ticket's verdict counts every admitted reservation (its own too, when admitted).
  const inUse = verdicts.at(-1)?.v.inUse ?? queue.containerProjects.length;
  return {
    cap,
    containers: queue.containerProjects.length,
    inUse,
    tickets: verdicts.map(({ t, v }) => ({ name: t.name, project: t.project, containers: t.containers, admitted: v.admitted, position: v.position })),
  };
}
