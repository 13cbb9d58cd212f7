/** `berth validate`: connectivity of a running environment, from inside its network and from the host. */
import type { Engine } from "../../engine/engine.js";
import { checkFromHost } from "./host-ports.js";
import { checkFromInside } from "./in-network.js";
import { summarize, type ConnectivityReport } from "./model.js";
import { readTargets } from "./targets.js";

export async function validateConnectivity(engine: Engine, project: string, o: { signal?: AbortSignal } = {}): Promise<ConnectivityReport> {
  const containers = await readTargets(engine, project, o.signal);
  const [inside, host] = await Promise.all([checkFromInside(engine, containers, o.signal), checkFromHost(containers, o.signal)]);
  return summarize(project, [...inside, ...host]);
}
