/**
 * `berth run --pool [NAME] -- CMD`: CMD on this machine with an environment claimed from a warm
 * pool that another process keeps (`berth pool`, createPool), instead of a new one. The same
 * connection variables as `run -- CMD`; the environment is handed back whatever CMD does (its
 * keeper resets it to its snapshot), and berth exits with CMD's code. Loaded only for --pool: the
 * claim is the whole cost of this command, so nothing else is.
 */
import { ownerLiveness, type Liveness } from "../../cleanup/process-liveness.js";
import { ownershipOf } from "../../cleanup/ownership.js";
import type { Engine } from "../../engine/engine.js";
import type { Labels } from "../../engine/types.js";
import { BerthError, isBerthError } from "../../errors.js";
import type { Environment } from "../../lifecycle/environment.js";
import type { Owner } from "../../labels.js";
import { POOL_LABEL } from "../../pool/labels.js";
import { defaultPoolName } from "../../pool/name.js";
import { parseTimeout, type CliContext, type GlobalOptions } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { colorEnabled, makeColors } from "../progress/colors.js";
import { summaryTable } from "../render.js";
import { runChild } from "./run-child.js";

export interface RunInPoolOptions {
  /** The pool's name, or true: the pool of the files and directory given (as `berth pool` names it). */
  pool: string | true;
  envPrefix?: string;
  keep?: boolean;
  wait?: boolean;
  pull?: string;
}

/**
 * Whether a pool is there to wait for, from the labels of what it has on the engine (its members'
 * containers, networks and volumes): "none" (nothing at all), "keeper-gone" (only what a dead
 * keeper left for its reaper) or "running". Pure: liveness is passed in.
 */
export function poolPresence(resources: Labels[], liveness: (owner: Owner) => Liveness): "none" | "keeper-gone" | "running" {
  if (resources.length === 0) return "none";
  const owners = resources.map((labels) => ownershipOf(labels)?.owner);
  return owners.some((o) => !o || liveness(o) !== "dead") ? "running" : "keeper-gone";
}

/** How to start the pool this command looked for: the same files and folder, so that it gets the same name. */
export function startPoolHint(g: Pick<GlobalOptions, "file" | "projectDirectory">, named: string | undefined): string {
  const args = [
    ...(g.file ?? []).flatMap((f) => ["-f", f]),
    ...(g.projectDirectory ? ["--project-directory", g.projectDirectory] : []),
    "--size",
    "2",
    ...(named ? ["--name", named] : []),
  ];
  return (
    `Start one (in another terminal, or in the background) and wait until it says it is warm: berth pool ${args.join(" ")}. ` +
    (named ? "" : "Without a name, a pool is found by the -f files and --project-directory exactly as given, run from the same folder. ") +
    "Or run without --pool for a dedicated environment."
  );
}

export async function runInPool(ctx: CliContext, g: GlobalOptions, command: string[], o: RunInPoolOptions): Promise<void> {
  const misplaced = [o.keep && "--keep", o.wait === false && "--no-wait", o.pull !== undefined && "--pull", g.projectName && "-p"].filter(
    (m): m is string => typeof m === "string",
  );
  if (misplaced.length) {
    throw new BerthError("USAGE", `${misplaced.join(", ")}: not with --pool (the pool's keeper makes and keeps its environments)`, {
      hint: "Name the pool with --pool NAME; start it with `berth pool` and its options.",
    });
  }
  const t0 = performance.now();
  const named = typeof o.pool === "string" ? o.pool : undefined;
  const name = named ?? defaultPoolName(g.file ?? [], g.projectDirectory ?? ctx.cwd);
  const env = await claim(ctx, g, name, named);
  const claimMs = Math.round(performance.now() - t0);
  try {
    const vars = env.connectionVariables({ prefix: o.envPrefix });
    if (g.json) ctx.err(JSON.stringify({ type: "acquired", pool: name, claimMs, environment: env.toJSON(), variables: vars }));
    else if (!g.quiet) {
      ctx.err(`Claimed ${env.project} from pool ${name} in ${claimMs} ms; handed back when the command ends.`);
      ctx.err(summaryTable(env.toJSON(), undefined, makeColors(colorEnabled(ctx.env, ctx.errTty.isTTY, g.color))));
    }
    // No reaper watches this process (the keeper owns the environment): runChild's watchdog alone stops the command if berth is killed.
    const code = await runChild(command, { ...ctx.env, ...vars }, ctx);
    ctx.exitCode = ctx.signal.aborted ? EXIT.interrupted : code;
  } finally {
    // Never with ctx.signal: after a Ctrl-C it is aborted, and the hand-back must still happen.
    await env.release();
  }
}

/** A warm member at once; when none is warm, a clear error if no pool of that name runs, else a wait for one (--timeout). */
async function claim(ctx: CliContext, g: GlobalOptions, name: string, named: string | undefined): Promise<Environment> {
  const [{ claimFromPool, claimListed }, engine] = await Promise.all([import("../../pool/client.js"), ctx.engine()]);
  // --json reports the environment in full (start times, restarts); otherwise its listing is all the command needs.
  const take = g.json ? claimFromPool : claimListed;
  const attempt = (timeoutMs: number) => take(name, { engine, env: ctx.env, timeoutMs, signal: ctx.signal });
  try {
    return await attempt(0);
  } catch (e) {
    if (!isBerthError(e, "HEALTH_TIMEOUT")) throw e;
  }
  const presence = poolPresence(await poolResources(engine, name, ctx.signal), (owner) => ownerLiveness(owner));
  if (presence !== "running") {
    throw new BerthError(
      "NOT_FOUND",
      presence === "none" ? `no pool ${name} is running` : `pool ${name} has no keeper any more (its process ended; what it left is being removed)`,
      { hint: startPoolHint(g, named) },
    );
  }
  const timeoutMs = parseTimeout(g.timeout, 180_000);
  if (!g.quiet && !g.json) ctx.err(`Every environment of pool ${name} is claimed or being reset; waiting for one (up to ${Math.round(timeoutMs / 1000)} s).`);
  return attempt(timeoutMs);
}

async function poolResources(engine: Engine, name: string, signal: AbortSignal): Promise<Labels[]> {
  const filter = { [POOL_LABEL.name]: name };
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers(filter, { signal }),
    engine.listNetworks(filter, { signal }),
    engine.listVolumes(filter, { signal }),
  ]);
  return [...containers, ...networks, ...volumes].map((r) => r.labels);
}
