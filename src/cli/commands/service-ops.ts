/** restart / stop / start / wait: the same selection of services, different operations. */
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { parseTimeout } from "../context.js";
import { serviceList, targetProject } from "../target.js";
import { addPlatformOptions, onSwarm, swarmServiceOp, type PlatformOptions } from "./swarm.js";

interface OpOptions extends PlatformOptions {
  services?: string;
  stopTimeout?: string;
  wait?: boolean;
}

type OpName = "restart" | "stop" | "start" | "wait";

const DESCRIPTIONS: Record<OpName, string> = {
  restart: "restart services (default: all) and wait until they are ready again",
  stop: "stop services (default: all); their containers stay, `berth start` brings them back",
  start: "start stopped services (default: all) and wait until they are ready",
  wait: "wait until services (default: all) are ready; exit 4 when --timeout passes first",
};

const PAST: Record<OpName, string> = { restart: "Restarted", stop: "Stopped", start: "Started", wait: "Ready" };

function stopTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new BerthError("USAGE", `--stop-timeout ${text}: give whole seconds, e.g. 10`);
  return n;
}

function register(program: Command, ctx: CliContext, globals: () => GlobalOptions, op: OpName): void {
  const cmd = program
    .command(op)
    .description(DESCRIPTIONS[op])
    .argument("[services...]", "services to act on (default: all)")
    .option("--services <list>", "comma-separated services, e.g. --services postgres,redis");
  if (op === "restart" || op === "stop") cmd.option("--stop-timeout <seconds>", "seconds to wait for a clean stop before SIGKILL (default: the service's stop_grace_period, else 10)");
  if (op === "restart" || op === "start") cmd.option("--no-wait", "do not wait until the services are ready");
  cmd.addHelpText("after", `\nExamples:\n  berth ${op}\n  berth ${op} -p my-env --services postgres,redis${op === "wait" ? " --timeout 30s" : ""}\n  berth ${op} backend --json`);
  addPlatformOptions(cmd)
    .action(async (positional: string[], o: OpOptions) => {
      const g = globals();
      if (onSwarm(o)) return swarmServiceOp(ctx, g, o, op, serviceList(positional, o.services));
      const { engine, project } = await targetProject(ctx, g);
      const ops = await import("../../lifecycle/operations.js");
      const base = { services: serviceList(positional, o.services), signal: ctx.signal, timeoutMs: parseTimeout(g.timeout, 180_000), stopTimeoutSec: stopTimeout(o.stopTimeout), wait: o.wait };
      const t0 = Date.now();
      const containers =
        op === "wait"
          ? Object.keys(await ops.waitForServices(engine, project, base))
          : await { restart: ops.restartServices, stop: ops.stopServices, start: ops.startServices }[op](engine, project, base);
      const elapsedMs = Date.now() - t0;
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: op, containers: containers.sort(), elapsedMs }));
      if (g.quiet) return;
      ctx.out(`${PAST[op]} ${containers.length} container${containers.length === 1 ? "" : "s"} of ${project} in ${(elapsedMs / 1000).toFixed(1)} s: ${containers.sort().join(", ")}`);
    });
}

export function registerServiceOps(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  for (const op of ["restart", "stop", "start", "wait"] as const) register(program, ctx, globals, op);
}
