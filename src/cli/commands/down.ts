import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context.js";
import { addPlatformOptions, resolveTarget, type PlatformOptions } from "../targets/target.js";

export function registerDown(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("down [project]")
    .alias("release")
    .description("remove every container, network and anonymous volume of an environment (named volumes stay unless -v)")
    .option("-v, --volumes", "also remove the named volumes berth created for it")
    .option("--all", "remove every berth environment on this engine")
    .addHelpText(
      "after",
      "\nExamples:\n  berth down berth-test-20261124020512-a1b2c3\n  berth down            # the only environment running\n  berth down --all -v\n  berth down --on swarm --engine tcp://manager:2375 shop",
    );
  addPlatformOptions(cmd).action(async (project: string | undefined, o: PlatformOptions & { volumes?: boolean; all?: boolean }) => {
    const target = await resolveTarget(ctx, globals(), o);
    await target.down({ project, volumes: o.volumes, all: o.all });
  });
}
