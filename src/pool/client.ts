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
import type { ContainerSummary, NetworkSummary } from "../engine/types.js";
import { claimMember, releaseClaim } from "./claim.js";
import { listedEnvironment } from "./listed-environment.js";
import { readyWaker, type ReadyWaker } from "./ready-waker.js";

export interface ClaimOptions {
  engine?: Engine;
  env?: Record<string, string | undefined>;
  /** How long to wait for a warm member (default 180 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function claimFromPool(pool: string, o: ClaimOptions = {}): Promise<Environment> {
  return claimWith(pool, o, false);
}

/**
 * claimFromPool for `berth run --pool`, whose command waits for it: the handle is made from the
 * listing of the member's containers (made while the claim volume is created), without inspecting
 * each (listed-environment.ts). Its views lack start times and restart counts.
 */
export function claimListed(pool: string, o: ClaimOptions = {}): Promise<Environment> {
  return claimWith(pool, o, true);
}

async function claimWith(pool: string, o: ClaimOptions, listed: boolean): Promise<Environment> {
  const env = o.env ?? process.env;
  const engine = o.engine ?? (await connectEngine({ env }));
  const askedAt = Date.now();
  const deadline = askedAt + (o.timeoutMs ?? 180_000);
  let waker: ReadyWaker | undefined;
  try {
    for (;;) {
      let listing: Promise<[ContainerSummary[], NetworkSummary[]]> | undefined;
      const alongside = (project: string) => {
        const filter = managedFilter(project);
        listing = Promise.all([engine.listContainers(filter, { signal: o.signal }), engine.listNetworks(filter, { signal: o.signal })]);
        listing.catch(() => undefined); // awaited below once the claim is made; a failed claim drops it
      };
      const claim = await claimMember(engine, pool, { env, signal: o.signal, askedAt, alongside });
      if (claim) {
        const release = async () => {
          await releaseClaim(engine, claim);
          return null;
        };
        try {
          // The ready marker's removal too (claim.settled): once the caller holds the environment
          // (and may run commands against it), the member must read as claimed and not ready, so that
          // a claimer killed from then on leaves it to be reset, never put back warm as it is.
          const [[containers, networks]] = await Promise.all([listing!, claim.settled]);
          const data = listed
            ? listedEnvironment(claim.project, containers, networks)
            : await readEnvironment(engine, claim.project, (containers[0]?.labels[LABEL.envKind] ?? "test") as EnvironmentKind, o.signal, {
                listed: { containers, networks },
                proven: new Set(containers.map((c) => c.name)),
              });
          return new Environment(data, engine, release);
        } catch (e) {
          await release();
          throw e;
        }
      }
      if (Date.now() > deadline) {
        throw new BerthError("HEALTH_TIMEOUT", `no environment of pool ${pool} became free in time`, {
          hint: "Is its keeper (`berth pool` or createPool) running? A larger pool, or releasing environments sooner, helps.",
        });
      }
      if (waker) await waker.wait();
      // Follows the ready markers from the first miss on, and tries again at once: a member that
      // turned warm while the subscription was being made has no event left to wake it.
      else waker = await readyWaker(engine, pool, o.signal);
      o.signal?.throwIfAborted();
    }
  } finally {
    waker?.close();
  }
}
