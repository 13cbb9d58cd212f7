import type { Command } from "commander";
import { releaseProject } from "../../lifecycle/release.js";
import { listProjectNames } from "../../lifecycle/status.js";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { requireProject } from "../target.js";

export function registerDown(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("down [project]")
    .alias("release")
    .description("remove every container, network and anonymous volume of an environment (named volumes stay unless -v)")
    .option("-v, --volumes", "also remove the named volumes berth created for it")
    .option("--all", "remove every berth environment on this engine")
    .addHelpText("after", "\nExamples:\n  berth down berth-test-20261124020512-a1b2c3\n  berth down            # the only environment running\n  berth down --all -v")
    .action(async (project: string | undefined, o: { volumes?: boolean; all?: boolean }) => {
      const g = globals();
      const engine = await ctx.engine();
      const names = await listProjectNames(engine, ctx.signal);
      const targets = o.all ? names : [requireProject(project ?? g.projectName, names)];
      if (!o.all && !names.includes(targets[0]!)) {
        throw new BerthError("NOT_FOUND", `no berth environment named ${targets[0]} on this engine`, {
          hint: names.length ? `Running: ${names.join(", ")}.` : "Nothing of berth's is running.",
        });
      }
      const results = [];
      for (const t of targets) results.push(await releaseProject(engine, t, { volumes: o.volumes, signal: ctx.signal }));
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, released: results }));
      for (const r of results) {
        ctx.out(`Removed ${r.project}: ${r.containers.length} containers, ${r.networks.length} networks${o.volumes ? `, ${r.volumes.length} volumes` : ""}`);
      }
      if (results.length === 0) ctx.out("Nothing to remove.");
    });
}
