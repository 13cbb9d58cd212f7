/**
 * Starting a container that publishes ports. Such starts run concurrently (independent services
 * start together), and another process may take a port between the engine's allocation and its
 * bind. So a "port is already allocated" start of a dynamic port is retried (the engine picks
 * again), at most 3 times with backoff. A port range with no free port left is PORT_IN_USE naming
 * the range (prepare.ts has already refused a range too small for the environment alone).
 */
import type { PortSpec } from "../compose/model.js";
import type { Runtime } from "../engine/runtime.js";
import { BerthError, isBerthError } from "../errors.js";
import { engineFailureOf } from "../engine/errors.js";
import { describePortHolder } from "../guards/port-holder.js";
import { hasFixedHostPort } from "../ports/bindings.js";

const MAX_ATTEMPTS = 3;

export async function startWithPortRetry(
  engine: Runtime,
  id: string,
  name: string,
  /** Its ports as the model declares them; undefined when they are not at hand (a clash is then retried as for an ephemeral port). */
  ports: PortSpec[] | undefined,
  o: { signal?: AbortSignal; onRetry?: (attempt: number, cause: string) => void } = {},
): Promise<void> {
  if (ports?.length === 0) return engine.startContainer(id, { signal: o.signal });
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.startContainer(id, { signal: o.signal });
    } catch (error) {
      const failure = engineFailureOf(error);
      if (failure !== "port-taken" && failure !== "ports-exhausted") throw error;
      if (!ports) {
        if (attempt >= MAX_ATTEMPTS) throw error;
        o.onRetry?.(attempt, (error as Error).message);
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        continue;
      }
      const range = ports.find((p) => p.published?.includes("-"))?.published;
      if (range && (failure === "ports-exhausted" || attempt >= MAX_ATTEMPTS)) {
        throw new BerthError(
          "PORT_IN_USE",
          `container ${name} cannot start: no port of the range ${range} is free (other environments or programs hold them)`,
          {
            hint: "Release environments that use the range (`berth status`, `berth down`), widen it (BERTH_PORT_RANGE), or use --ports dynamic to let the engine pick.",
            cause: error,
          },
        );
      }
      if (hasFixedHostPort(ports)) {
        const fixed = ports
          .filter((p) => p.published)
          .map((p) => `${p.host_ip ?? "127.0.0.1"}:${p.published}`)
          .join(", ");
        const port = isBerthError(error, "ENGINE_ERROR") ? error.details.hostPort : undefined;
        const holder = port === undefined ? undefined : await describePortHolder(engine, port, o.signal).catch(() => undefined);
        throw new BerthError("PORT_IN_USE", `container ${name} cannot start: host port ${fixed} is already in use${holder ? ` by ${holder}` : ""}`, {
          hint: 'Free that port, or publish the container port without a host port (e.g. "5432") so the engine picks a free one.',
          cause: error,
        });
      }
      if (attempt >= MAX_ATTEMPTS) throw error;
      o.onRetry?.(attempt, (error as Error).message);
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

/**
 * Starts containers of an existing environment together (`start`, a restart's dependants, a
 * restore), each with the port-clash retry above; their model is not at hand, so a clash is retried
 * as for an ephemeral port. Every start is seen to its end before the first failure is thrown.
 */
export async function startTogether(engine: Runtime, containers: { id: string; name: string }[], signal?: AbortSignal): Promise<void> {
  const results = await Promise.allSettled(containers.map((c) => startWithPortRetry(engine, c.id, c.name, undefined, { signal })));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}
