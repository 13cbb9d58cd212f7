/**
 * Name conflicts at creation (HTTP 409). The Engine API says which name is taken; berth looks at
 * the holder's labels: a berth orphan (dead owner, expired TTL) is removed and creation retried;
 * anything else — a foreign resource above all — is left alone and named in the error.
 * A network address pool that is exhausted is retried after berth's own orphans are reaped.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Runtime } from "../engine/runtime.js";
import { engineFailureOf } from "../engine/errors.js";
import type { Labels } from "../engine/types.js";
import { BerthError, isBerthError } from "../errors.js";
import { LABEL } from "../labels.js";
import { cleanOrphans, reapOrphans } from "./orphans.js";
import { ownershipOf } from "./ownership.js";

export interface CreateTarget {
  kind: "container" | "network";
  name: string;
}

export interface ConflictOptions {
  signal?: AbortSignal;
  /** Called before each retry with its cause, so it can be logged. */
  onRetry?: (attempt: number, cause: string) => void;
  /** Attempts in all (default 3). */
  attempts?: number;
}

/** The engine refused the name: taken (409 or its wording), or another 409 on a create. */
function isNameConflict(error: unknown): boolean {
  const kind = engineFailureOf(error);
  return kind === "name-in-use" || kind === "conflict";
}

async function holderOf(engine: Runtime, t: CreateTarget, signal?: AbortSignal): Promise<{ id: string; labels: Labels; what: string } | null> {
  if (t.kind === "network") {
    const n = await engine.inspectNetwork(t.name, { signal });
    return n && { id: n.id, labels: n.labels, what: `network ${n.name} (${n.containers.length} containers attached)` };
  }
  const c = await engine.inspectContainer(t.name, { signal }).catch((e: unknown) => {
    if (isBerthError(e, "NOT_FOUND")) return null;
    throw e;
  });
  return c && { id: c.id, labels: c.labels, what: `container ${c.name} (id ${c.id.slice(0, 12)}, image ${c.image}, ${c.state.status})` };
}

/**
 * When the holder of the name is a berth orphan, removes the orphaned part of its project
 * (containers first, so that its network can go too) and says so. Throws, naming the holder, when
 * it is not berth's to remove.
 */
async function clearName(engine: Runtime, t: CreateTarget, signal?: AbortSignal): Promise<string> {
  const holder = await holderOf(engine, t, signal);
  if (!holder) return `${t.kind} name ${t.name} was taken and is free again`;
  const own = ownershipOf(holder.labels);
  if (!own) {
    throw new BerthError(
      "CONFLICT",
      `${t.kind} name "${t.name}" is taken by ${holder.what}, which berth did not create; berth never removes what it does not own`,
      {
        hint: `If it is yours and no longer needed, remove it yourself (docker ${t.kind === "network" ? "network " : ""}rm ${t.name}); otherwise use another project name (-p)${t.kind === "container" ? " or drop container_name from the compose file" : ""}.`,
        details: { name: t.name, holder: holder.id, foreign: true },
      },
    );
  }
  const r = await cleanOrphans(engine, { filter: { [LABEL.project]: own.project }, signal });
  if (!r.items.some((i) => i.id === holder.id)) {
    const by = own.owner ? `pid ${own.owner.pid} on ${own.owner.host}` : "an unknown owner";
    throw new BerthError("CONFLICT", `${t.kind} name "${t.name}" is used by berth environment ${own.project} of ${by}, which is still alive`, {
      hint: `Release that environment first (berth down ${own.project}), or use another project name (-p).`,
      details: { name: t.name, holder: holder.id, project: own.project },
    });
  }
  return `${t.kind} name ${t.name} was held by an orphan of ${own.project} (${r.items.find((i) => i.id === holder.id)!.reason}); removed it`;
}

/** Runs `create`, resolving name conflicts with berth's own orphans and exhausted address pools. */
export async function createResolvingConflicts<T>(engine: Runtime, t: CreateTarget, create: () => Promise<T>, o: ConflictOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      if (attempt >= attempts || o.signal?.aborted) throw error;
      let cause: string;
      if (isNameConflict(error)) cause = await clearName(engine, t, o.signal);
      else if (t.kind === "network" && engineFailureOf(error) === "address-pool-exhausted") {
        const r = await reapOrphans(engine, { signal: o.signal });
        if (r.items.length === 0) {
          throw new BerthError(
            "ENGINE_ERROR",
            `network ${t.name} cannot be created: the engine has no free address pool left, and berth has no orphans to free one`,
            {
              hint: "Remove networks you no longer need (`docker network ls`, `berth status`, `berth down <project>`), or give the engine more pools (daemon.json default-address-pools).",
              cause: error,
            },
          );
        }
        cause = `no free address pool; removed ${r.items.length} orphaned berth resources`;
      } else throw error;
      o.onRetry?.(attempt, cause);
      await sleep(50 * 2 ** attempt, undefined, { signal: o.signal });
    }
  }
}
