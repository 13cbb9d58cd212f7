/** restart / stop / start / wait: the same selection of services, different operations. */
import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context.js";
import { serviceList } from "../target.js";
import { addPlatformOptions, resolveTarget, type PlatformOptions, type ServiceOp } from "../targets/target.js";

interface OpOptions extends PlatformOptions {
  services?: string;
  stopTimeout?: string;
  wait?: boolean;
}

const DESCRIPTIONS: Record<ServiceOp, string> = {
  restart: "restart services (default: all) and wait until they are ready again",
  stop: "stop services (default: all); their containers stay, `berth start` brings them back",
  start: "start stopped services (default: all) and wait until they are ready",
  wait: "wait until services (default: all) are ready; exit 4 when --timeout passes first",
};

function register(program: Command, ctx: CliContext, globals: () => GlobalOptions, op: ServiceOp): void {
  const cmd = program
    .command(op)
    .description(DESCRIPTIONS[op])
    .argument("[services...]", "services to act on (default: all)")
    .option("--services <list>", "comma-separated services, e.g. --services postgres,redis");
  if (op === "restart" || op === "stop")
    cmd.option("--stop-timeout <seconds>", "seconds to wait for a clean stop before SIGKILL (default: the service's stop_grace_period, else 10)");
  if (op === "restart" || op === "start") cmd.option("--no-wait", "do not wait until the services are ready");
  cmd.addHelpText(
    "after",
    `\nExamples:\n  berth ${op}\n  berth ${op} -p my-env --services postgres,redis${op === "wait" ? " --timeout 30s" : ""}\n  berth ${op} backend --json`,
  );
  addPlatformOptions(cmd).action(async (positional: string[], o: OpOptions) => {
    const target = await resolveTarget(ctx, globals(), o);
    await target.serviceOp(op, { services: serviceList(positional, o.services), stopTimeout: o.stopTimeout, wait: o.wait });
  });
}

export function registerServiceOps(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  for (const op of ["restart", "stop", "start", "wait"] as const) register(program, ctx, globals, op);
}
