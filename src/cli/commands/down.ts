import type { Command } from "commander";
import { releaseProject } from "../../lifecycle/release.js";
import { listProjectNames } from "../../lifecycle/status.js";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { notFound, requireProject } from "../target.js";
import { addPlatformOptions, onSwarm, swarmDown, type PlatformOptions } from "./swarm.js";

export function registerDown(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("down [project]")
    .alias("release")
    .description("remove every container, network and anonymous volume of an environment (named volumes stay unless -v)")
    .option("-v, --volumes", "also remove the named volumes berth created for it")
    .option("--all", "remove every berth environment on this engine")
    .addHelpText("after", "\nExamples:\n  berth down berth-test-20261124020512-a1b2c3\n  berth down            # the only environment running\n  berth down --all -v\n  berth down --on swarm --engine tcp://manager:2375 shop");
  addPlatformOptions(cmd)
    .action(async (project: string | undefined, o: PlatformOptions & { volumes?: boolean; all?: boolean }) => {
      const g = globals();
      if (onSwarm(o)) {
        if (o.all || o.volumes) throw new BerthError("USAGE", `${o.all ? "--all" : "-v"} is not available with --on swarm`, { hint: "Name the environment; berth creates no named volumes on swarm." });
        return swarmDown(ctx, g, o, project);
      }
      const engine = await ctx.engine();
      const named = project ?? g.projectName;
      const results = [];
      if (named && !o.all) {
        // One listing serves both: what to remove, and whether there is anything by that name.
        const r = await releaseProject(engine, named, { volumes: o.volumes, ifExists: true, signal: ctx.signal });
        if (r.containers.length === 0 && r.networks.length === 0 && r.volumes.length === 0) {
          const names = await listProjectNames(engine, ctx.signal);
          throw notFound(named, names, o.volumes ? {} : { extraHint: "Named volumes of an environment already down go with `berth down -v NAME`." });
        }
        results.push(r);
      } else {
        const names = await listProjectNames(engine, ctx.signal);
        const targets = o.all ? names : [requireProject(undefined, names)];
        for (const t of targets) results.push(await releaseProject(engine, t, { volumes: o.volumes, signal: ctx.signal }));
      }
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, released: results }));
      for (const r of results) {
        ctx.out(`Removed ${r.project}: ${counted(r.containers.length, "container")}, ${counted(r.networks.length, "network")}${o.volumes ? `, ${counted(r.volumes.length, "volume")}` : ""}`);
      }
      if (results.length === 0) ctx.out("Nothing to remove.");
    });
}

const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
