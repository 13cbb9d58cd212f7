import { Option, type Command } from "commander";
import { composeNote } from "../compose-note.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { addPlatformOptions, resolveTarget, type PlatformOptions } from "../targets/target.js";

export function registerStatus(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("status [project]")
    .alias("ps")
    .description("list berth's environments and their services with state and published ports")
    .option("--no-stats", "skip CPU and memory (the engine takes about a second to sample them)")
    .option("--probe", "run each STARTING container's healthcheck once now (two at a time) instead of only reporting the engine's health status")
    .addOption(
      new Option("--format <format>", "table (default) or json: one JSON object per container with docker compose ps's fields").choices(["table", "json"]),
    )
    .option("--services", "print only the services' names, one per line")
    .option("-a, --all", "docker compose's flag, accepted: stopped containers are always listed")
    .option("-q, --quiet", "print only the container IDs (the global -q, here too so that -aq works)")
    .addHelpText(
      "after",
      "\nStates are the engine's, except that a container run `berth up` saw ready (recorded on the engine) is HEALTHY\nat once; another run (a restart) stays STARTING until the engine's own healthcheck has passed.\nNothing runs inside a container unless --probe is given.\nExit code 1 when a named environment does not exist (as for `berth down`); without a name, no environments is not an error.\n\nExamples:\n  berth status\n  berth status berth-test-20261124020512-a1b2c3 --json\n  berth status --no-stats   # states and ports only, faster\n  berth ps -aq              # container IDs\n  berth ps --format json    # NDJSON: ID, Name, Project, Service, State, Health, ExitCode, Publishers\n  berth status --probe      # check STARTING containers now rather than wait for the engine\n  berth status --on swarm --engine tcp://manager:2375   # services, tasks per node, nodes",
    );
  type StatusOptions = PlatformOptions & { stats: boolean; probe?: boolean; format?: "table" | "json"; services?: boolean; all?: boolean; quiet?: boolean };
  addPlatformOptions(cmd).action(async (project: string | undefined, opts: StatusOptions) => {
    composeNote(ctx, [opts.all && "-a"], "stopped containers are always listed");
    const g = globals();
    const target = await resolveTarget(ctx, opts.quiet ? { ...g, quiet: true } : g, opts);
    await target.status({ project, stats: opts.stats, probe: opts.probe, format: opts.format, servicesOnly: opts.services });
  });
}
