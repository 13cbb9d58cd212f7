/**
 * Starting a container that publishes ports. The engine can hand the same ephemeral host port to
 * two containers started at the same moment (docker/compose serializes such starts for this
 * reason), and another process may take a port between allocation and bind. So: starts that
 * publish ports go one at a time per engine (Engine.startContainer), and a "port is already allocated" start of
 * a dynamic port is retried (the engine picks again), at most 3 times with backoff.
 */
import type { PortSpec } from "../compose/model.js";
import type { Engine } from "../engine/engine.js";
import { BerthError, isBerthError } from "../errors.js";
import { holderFromEngineError } from "../guards/port-holder.js";
import { hasFixedHostPort } from "../ports/bindings.js";

const PORT_TAKEN = /port is already allocated|address already in use/i;
const MAX_ATTEMPTS = 3;

export async function startWithPortRetry(
  engine: Engine,
  id: string,
  name: string,
  ports: PortSpec[],
  o: { signal?: AbortSignal; onRetry?: (attempt: number, cause: string) => void } = {},
): Promise<void> {
  if (ports.length === 0) return engine.startContainer(id, { signal: o.signal });
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.startContainer(id, { signal: o.signal, publishesPorts: true });
    } catch (error) {
      const taken = isBerthError(error) && PORT_TAKEN.test(error.message);
      if (!taken) throw error;
      if (hasFixedHostPort(ports)) {
        const fixed = ports.filter((p) => p.published).map((p) => `${p.host_ip ?? "127.0.0.1"}:${p.published}`).join(", ");
        const holder = await holderFromEngineError(engine, (error as Error).message, o.signal);
        throw new BerthError("PORT_IN_USE", `container ${name} cannot start: host port ${fixed} is already in use${holder ? ` by ${holder}` : ""}`, {
          hint: "Free that port, or publish the container port without a host port (e.g. \"5432\") so the engine picks a free one.",
          cause: error,
        });
      }
      if (attempt >= MAX_ATTEMPTS) throw error;
      o.onRetry?.(attempt, (error as Error).message);
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}
