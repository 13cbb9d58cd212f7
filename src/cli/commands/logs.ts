import type { Command } from "commander";
import type { LogLine } from "../../lifecycle/logs.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { parseDuration } from "../context.js";
import { colorEnabled, makeColors } from "../progress/colors.js";
import { serviceList, targetProject } from "../target.js";
import { BerthError } from "../../errors.js";
import { addPlatformOptions, onSwarm, swarmLogs, type PlatformOptions } from "./swarm.js";

interface LogsOptions extends PlatformOptions {
  follow?: boolean;
  since?: string;
  tail?: string;
  timestamps?: boolean;
  prefix?: boolean;
}

/** --since: a duration back from now (10m) or a date/time (2026-11-24T10:00:00Z). */
function sinceMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  if (!Number.isNaN(t) && /\d{4}-\d\d-\d\d/.test(text)) return t;
  return Date.now() - parseDuration(text, 0, "--since");
}

export function registerLogs(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("logs")
    .description("print (or follow) the output of an environment's services, merged in time order")
    .argument("[services...]", "services to show (default: all)")
    .option("-f, --follow", "keep printing new output until Ctrl-C or every container stops")
    .option("--since <when>", "only output after this: a duration back from now (10m) or a date (2026-11-24T10:00:00Z)")
    .option("-n, --tail <lines>", "only the last N lines of each container")
    .option("-t, --timestamps", "show the engine's timestamps")
    .option("--no-prefix", "do not prefix lines with the container's name")
    .addHelpText("after", "\nExamples:\n  berth logs\n  berth logs -f --tail 20 backend\n  berth logs -p my-env --since 5m postgres redis --json\n  berth logs --on swarm -p shop backend   # every task's lines, prefixed service.slot@node");
  addPlatformOptions(cmd)
    .action(async (services: string[], o: LogsOptions) => {
      const g = globals();
      const tail = o.tail === undefined ? undefined : Number(o.tail);
      if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new BerthError("USAGE", `--tail ${o.tail}: give a whole number of lines`);
      if (onSwarm(o)) return swarmLogs(ctx, g, { ...o, tail, sinceMs: sinceMs(o.since) }, serviceList(services));
      const { engine, project } = await targetProject(ctx, g);
      const { readLogs, followLogs } = await import("../../lifecycle/logs.js");
      const colors = makeColors(colorEnabled(ctx.env, process.stdout.isTTY === true, g.color));
      const palette = [colors.cyan, colors.yellow, colors.green, colors.bold];
      const names = new Map<string, number>();
      const print = (l: LogLine) => {
        if (g.json) return ctx.out(JSON.stringify(l));
        const width = Math.max(...[...names.keys()].map((n) => n.length));
        const color = palette[names.get(l.container) ?? 0]! ;
        const head = o.prefix === false ? "" : `${color(l.container.padEnd(width))} | `;
        ctx.out(`${head}${l.time ? `${l.time} ` : ""}${l.text}`);
      };
      const opts = { services: serviceList(services), tail, sinceMs: sinceMs(o.since), timestamps: o.timestamps, signal: ctx.signal };
      const { projectContainers } = await import("../../lifecycle/operations.js");
      (await projectContainers(engine, project, opts)).forEach((c, i) => names.set(c.name, i % palette.length));
      if (o.follow) return followLogs(engine, project, print, opts);
      for (const l of await readLogs(engine, project, opts)) print(l);
    });
}
