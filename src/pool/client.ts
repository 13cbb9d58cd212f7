/**
 * `claimFromPool`: any process takes a warm environment from a pool another process keeps. The
 * handle's `release()` hands it back (the keeper resets it to its snapshot); it never removes it.
 */
import { connectEngine } from "../engine/connect.js";
import type { Engine } from "../engine/engine.js";
import { BerthError } from "../errors.js";
import { LABEL, managedFilter, type EnvironmentKind } from "../labels.js";
import { Environment } from "../lifecycle/environment.js";
import { readEnvironment } from "../lifecycle/status.js";
import { claimMember, releaseClaim } from "./claim.js";

export interface ClaimOptions {
  engine?: Engine;
  env?: Record<string, string | undefined>;
  /** How long to wait for a warm member (default 180 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const POLL_MS = 25;

export async function claimFromPool(pool: string, o: ClaimOptions = {}): Promise<Environment> {
  const env = o.env ?? process.env;
  const engine = o.engine ?? (await connectEngine({ env }));
  const askedAt = Date.now();
  const deadline = askedAt + (o.timeoutMs ?? 180_000);
  for (;;) {
    const claim = await claimMember(engine, pool, { env, signal: o.signal, askedAt });
    if (claim) {
      const containers = await engine.listContainers(managedFilter(claim.project), { signal: o.signal });
      const kind = (containers[0]?.labels[LABEL.envKind] ?? "test") as EnvironmentKind;
      const data = await readEnvironment(engine, claim.project, kind, o.signal, { proven: new Set(containers.map((c) => c.name)) });
      return new Environment(data, engine, async () => {
        await releaseClaim(engine, claim);
        return null;
      });
    }
    if (Date.now() > deadline) {
      throw new BerthError("HEALTH_TIMEOUT", `no environment of pool ${pool} became free in time`, {
        hint: "Is its keeper (`berth pool` or createPool) running? A larger pool, or releasing environments sooner, helps.",
      });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    o.signal?.throwIfAborted();
  }
}
