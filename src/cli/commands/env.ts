import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { targetProject } from "../target.js";

export function registerEnv(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("env")
    .description("print an environment's connection variables (the ones `berth run` injects)")
    .option("--env-prefix <prefix>", "prefix for the service variables, e.g. TEST_ → TEST_POSTGRES_PORT")
    .option("--format <format>", "dotenv (KEY=value, default), export (export KEY=value, for eval) or json")
    .addHelpText(
      "after",
      '\nExamples:\n  eval "$(berth env -p berth-test-20261124020512-a1b2c3 --format export)"\n  berth env > .env.test\n  berth env --json | jq -r .POSTGRES_PORT',
    )
    .action(async (o: { envPrefix?: string; format?: string }) => {
      const g = globals();
      const format = g.json ? "json" : (o.format ?? "dotenv");
      if (format !== "dotenv" && format !== "export" && format !== "json") {
        throw new BerthError("USAGE", `--format ${format} is not a format berth prints`, { hint: "Use dotenv, export or json." });
      }
      const { engine, project } = await targetProject(ctx, g);
      const [{ readEnvironment }, { connectionVariables, formatVariables }] = await Promise.all([
        import("../../lifecycle/status.js"),
        import("../../lifecycle/connection-env.js"),
      ]);
      const data = await readEnvironment(engine, project, "test", ctx.signal);
      ctx.out(formatVariables(connectionVariables(data, { prefix: o.envPrefix }), format));
    });
}
