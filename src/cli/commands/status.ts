import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context.js";
import { addPlatformOptions, resolveTarget, type PlatformOptions } from "../targets/target.js";

export function registerStatus(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("status [project]")
    .alias("ps")
    .description("list berth's environments and their services with state and published ports")
    .option("--no-stats", "skip CPU and memory (the engine takes about a second to sample them)")
    .option("--probe", "run each STARTING container's healthcheck once now (two at a time) instead of only reporting the engine's health status")
    .addHelpText(
      "after",
      "\nStates are the engine's, except that a container run `berth up` saw ready (recorded on the engine) is HEALTHY\nat once; another run (a restart) stays STARTING until the engine's own healthcheck has passed.\nNothing runs inside a container unless --probe is given.\nExit code 1 when a named environment does not exist (as for `berth down`); without a name, no environments is not an error.\n\nExamples:\n  berth status\n  berth status berth-test-20261124020512-a1b2c3 --json\n  berth status --no-stats   # states and ports only, faster\n  berth status --probe      # check STARTING containers now rather than wait for the engine\n  berth status --on swarm --engine tcp://manager:2375   # services, tasks per node, nodes",
    );
  addPlatformOptions(cmd).action(async (project: string | undefined, opts: PlatformOptions & { stats: boolean; probe?: boolean }) => {
    const target = await resolveTarget(ctx, globals(), opts);
    await target.status({ project, stats: opts.stats, probe: opts.probe });
  });
}
