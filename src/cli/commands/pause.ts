/**
 * `berth pause [SERVICE…]` / `berth unpause [SERVICE…]`: freeze and thaw the containers of an
 * environment's services, as `docker compose pause` / `unpause`. A paused service is how a test
 * makes a dependency hang (connections open, no answer) to prove its timeouts and retries.
 */
import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context.js";
import { serviceList, targetProject } from "../target.js";

export function registerPause(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  for (const op of ["pause", "unpause"] as const) {
    program
      .command(op)
      .description(
        op === "pause"
          ? "freeze the running containers of services (default: all): their processes stop where they are, connections get no answer"
          : "thaw the paused containers of services (default: all): their processes go on where they stopped",
      )
      .argument("[services...]", `services to ${op} (default: all)`)
      .addHelpText(
        "after",
        op === "pause"
          ? "\nA paused service shows as PAUSED in `berth status` until `berth unpause`; `berth down` removes it paused or not.\n\nExamples:\n  berth pause postgres          # the database hangs: does the app time out and retry?\n  berth pause -p my-env --json\n  berth unpause postgres"
          : "\nExamples:\n  berth unpause\n  berth unpause -p my-env postgres --json",
      )
      .action(async (services: string[]) => {
        const g = globals();
        const { engine, project } = await targetProject(ctx, g);
        const { pauseServices, unpauseServices } = await import("../../lifecycle/operations.js");
        const act = op === "pause" ? pauseServices : unpauseServices;
        const names = await act(engine, project, { services: serviceList(services), signal: ctx.signal });
        if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: op, containers: names }));
        if (g.quiet) return;
        const verb = op === "pause" ? "Paused" : "Unpaused";
        ctx.out(
          names.length
            ? `${verb} ${names.length} container${names.length === 1 ? "" : "s"} of ${project}: ${names.join(", ")}`
            : op === "pause"
              ? "No running container to pause."
              : "No paused container to unpause.",
        );
      });
  }
}
