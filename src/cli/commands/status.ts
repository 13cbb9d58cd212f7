import type { Command } from "commander";
import { listEnvironments } from "../../lifecycle/status.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { servicesTable } from "../render.js";

export function registerStatus(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("status [project]")
    .alias("ps")
    .description("list berth's environments and their services with state and published ports")
    .addHelpText("after", "\nExamples:\n  berth status\n  berth status berth-test-20261124020512-a1b2c3 --json")
    .action(async (project: string | undefined) => {
      const g = globals();
      const envs = await listEnvironments(await ctx.engine(), { project: project ?? g.projectName, signal: ctx.signal });
      if (g.json) return ctx.out(JSON.stringify({ environments: envs }));
      if (envs.length === 0) return ctx.out(project ? `No berth environment named ${project}.` : "No berth environments.");
      ctx.out(envs.map((e) => `${e.project}  (${e.kind}, ${e.lifetime}, created ${e.createdAt})\n${servicesTable(e)}`).join("\n\n"));
    });
}
