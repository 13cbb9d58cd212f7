import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { serviceList } from "../target.js";
import { addPlatformOptions, resolveTarget, type PlatformOptions } from "../targets/target.js";

interface LogsOptions extends PlatformOptions {
  follow?: boolean;
  since?: string;
  tail?: string;
  timestamps?: boolean;
  prefix?: boolean;
  /** compose's name for --no-prefix. */
  logPrefix?: boolean;
}

export function registerLogs(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("logs")
    .description("print (or follow) the output of an environment's services, merged in time order")
    .argument("[services...]", "services to show (default: all)")
    .option("-f, --follow", "keep printing new output until Ctrl-C or every container stops")
    .option("--since <when>", "only output after this: a duration back from now (10m) or a date (2026-11-24T10:00:00Z)")
    .option("-n, --tail <lines>", "only the last N lines of each container (all: every line, the default)")
    .option("-t, --timestamps", "show the engine's timestamps")
    .option("--no-prefix", "do not prefix lines with the container's name")
    .option("--no-log-prefix", "docker compose's name for --no-prefix")
    .addHelpText(
      "after",
      "\nExamples:\n  berth logs\n  berth logs -f --tail 20 backend\n  berth logs -p my-env --since 5m postgres redis --json\n  berth logs --on swarm -p shop backend   # every task's lines, prefixed service.slot@node",
    );
  addPlatformOptions(cmd).action(async (services: string[], o: LogsOptions) => {
    const g = globals();
    const tail = o.tail === undefined || o.tail === "all" ? undefined : Number(o.tail);
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new BerthError("USAGE", `--tail ${o.tail}: give a whole number of lines`);
    const target = await resolveTarget(ctx, g, o);
    await target.logs({ services: serviceList(services), follow: o.follow, tail, since: o.since, timestamps: o.timestamps, prefix: o.prefix && o.logPrefix });
  });
}
