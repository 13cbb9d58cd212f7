import { Option, type Command } from "commander";
import { composeNote } from "../compose-note.js";
import { parseDuration, type CliContext, type GlobalOptions } from "../context.js";
import { addPlatformOptions, resolveTarget, type PlatformOptions } from "../targets/target.js";

interface DownOptions extends PlatformOptions {
  volumes?: boolean;
  all?: boolean;
  removeOrphans?: boolean;
  rmi?: string;
  timeout?: string;
}

export function registerDown(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("down [project]")
    .alias("release")
    .description("remove every container, network and anonymous volume of an environment (named volumes stay unless -v)")
    .option("-v, --volumes", "also remove the named volumes berth created for it")
    .option("--all", "remove every berth environment on this engine")
    .option("-t, --timeout <seconds>", "how long a container that holds data gets to stop before it is killed (default: its stop_grace_period)")
    .option("--remove-orphans", "docker compose's flag, accepted: down always removes every container of the environment, orphans included")
    .addOption(
      new Option("--rmi <type>", "docker compose's flag, accepted: berth removes no images (every environment on the engine shares them)").choices([
        "local",
        "all",
      ]),
    )
    .addHelpText(
      "after",
      "\n`--timeout` after `down` is the stop timeout (as -t), not the readiness deadline.\n" +
        "\nExamples:\n  berth down berth-test-20261124020512-a1b2c3\n  berth down            # the only environment running\n  berth down --all -v\n  berth down -t 30 shop  # give data-holding containers 30 s to stop\n  berth down --on swarm --engine tcp://manager:2375 shop",
    );
  addPlatformOptions(cmd).action(async (project: string | undefined, o: DownOptions) => {
    const g = globals();
    composeNote(ctx, [o.removeOrphans && "--remove-orphans"], "down always removes every container of the environment, orphans included");
    composeNote(
      ctx,
      [o.rmi !== undefined && `--rmi ${o.rmi}`],
      "berth removes no images, which every environment on this engine shares (docker image rm removes one)",
    );
    const target = await resolveTarget(ctx, g, o);
    // The global --timeout takes `down --timeout N` (it is parsed wherever it stands): here it is the stop timeout.
    await target.down({ project, volumes: o.volumes, all: o.all, stopTimeoutSec: stopSeconds(o.timeout ?? g.timeout) });
  });
}

/** -t/--timeout: whole seconds as compose takes them, or a duration such as 30s or 1m. */
function stopSeconds(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Math.round(parseDuration(text, 0, "--timeout") / 1000);
}
