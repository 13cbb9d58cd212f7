/** `berth top [SERVICE…]`: the processes running in each of an environment's containers, as `docker compose top`. */
import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context.js";
import { table } from "../table.js";
import { serviceList, targetProject } from "../target.js";

export function registerTop(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("top")
    .description("list the processes running in each container of an environment")
    .argument("[services...]", "services to show (default: all)")
    .addHelpText(
      "after",
      "\nOne table per running container (the engine's `ps -ef` on its host); stopped containers are left out.\n\nExamples:\n  berth top\n  berth top -p my-env web --json",
    )
    .action(async (services: string[]) => {
      const g = globals();
      const { engine, project } = await targetProject(ctx, g);
      const [{ projectContainers }, { containerTop }] = await Promise.all([
        import("../../lifecycle/operations.js"),
        import("../../engine/compose-commands.js"),
      ]);
      const running = (await projectContainers(engine, project, { services: serviceList(services), signal: ctx.signal })).filter((c) => c.state === "running");
      const tops = await Promise.all(
        running.map(async (c) => ({ container: c.name, service: c.service, ...(await containerTop(engine, c.id, { signal: ctx.signal })) })),
      );
      if (g.json) return ctx.out(JSON.stringify(tops));
      if (tops.length === 0) return ctx.out("No running containers.");
      ctx.out(tops.map((t) => `${t.container}\n${table(t.titles, t.processes)}`).join("\n\n"));
    });
}
