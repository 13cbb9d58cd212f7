/**
 * `berth run -- CMD`: a dedicated environment for one command. Acquire, run CMD with the
 * connection variables, release afterwards whatever happens, exit with CMD's exit code.
 * `berth run --pool [NAME] -- CMD`: the same with an environment claimed from a warm pool, see run-pool.ts.
 * `berth run SERVICE [CMD]` (no `--` first): a one-off container of SERVICE, see run-service.ts.
 */
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import { parsePullOverride } from "../../images/pull-policy.js";
import { acquireWithProgress } from "../acquire-with-progress.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { runForm } from "../argv.js";
import { EXIT } from "../exit-codes.js";
import { summaryTable } from "../render.js";
import { runChild } from "./run-child.js";
import { RUN_FORMS_HINT, runService, type RunServiceOptions } from "./run-service.js";
import { collect } from "../repeatable.js";

interface RunOptions extends RunServiceOptions {
  envPrefix?: string;
  keep?: boolean;
  wait?: boolean;
  /** --pool [NAME]: true without a name (the pool of these files). */
  pool?: string | true;
}

export function registerRun(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("run")
    .description(
      "a one-off container of a service (run SERVICE [CMD…], as docker compose run), or a command here in a dedicated environment (run -- CMD…) or one claimed from a warm pool (run --pool -- CMD…); exits with the command's code",
    )
    .usage("[options] SERVICE [command...]  |  [options] -- command...")
    .argument("[service]", "the service of the one-off container (without --), or the host command (after --)")
    .argument("[command...]", "its command and arguments (default: the service's own command)")
    .option("--env-prefix <prefix>", "run -- CMD: prefix for the injected service variables, e.g. TEST_ → TEST_POSTGRES_PORT")
    .option("--keep", "run -- CMD: do not release the environment afterwards (prints how to remove it)")
    .option("--no-wait", "run -- CMD: refuse at once when the engine is at berth's container cap or memory floor, instead of waiting for capacity")
    .option(
      "--pull <policy>",
      "pull images always, missing (absent ones), never, or build (rebuild build: sections); run -- CMD: replaces every service's pull_policy (default: each one's own); run SERVICE: its image, before the one-off (default: no pull)",
    )
    .option(
      "--pool [name]",
      "run -- CMD: claim a warm environment from a running pool (`berth pool`; default: the pool of these files and directory) instead of acquiring one; handed back afterwards",
    )
    .option("-e, --env <KEY=value>", "run SERVICE: set an environment variable (repeatable; KEY alone takes berth's value)", collect)
    .option("-u, --user <user>", "run SERVICE: run as this user")
    .option("-w, --workdir <dir>", "run SERVICE: run in this directory")
    .option("--entrypoint <command>", "run SERVICE: override the image's entrypoint")
    .option("-T, --no-tty", "run SERVICE: no pseudo-terminal, even on a terminal (stdin is still streamed in)")
    .option("-t, --tty", "run SERVICE: a pseudo-terminal when stdin and stdout are terminals (the default)")
    .option("-i, --interactive", "run SERVICE: stream stdin in (always; accepted for the `-it` habit)")
    .option("--rm", "run SERVICE: remove the container when it exits (always; accepted for compose's habit)")
    .option("--no-deps", "run SERVICE: start no other service (always: the environment is already running)")
    .option(
      "--remove-orphans",
      "run SERVICE: accepted for compose's habit; removes nothing (berth up removes the containers of services no longer in the file)",
    )
    .addHelpText(
      "after",
      "\nrun SERVICE [CMD…] (compose's meaning): a one-off container of SERVICE in the running environment\n" +
        "(-p NAME, or the only one), with the service's image, environment, volumes and networks, no\n" +
        "published ports and no network alias; your stdin (and terminal, as `berth exec`); removed\n" +
        "when it exits, or by berth's reaper if berth is killed.\n" +
        "\nrun -- CMD… (berth's own): a dedicated environment for a command on this machine.\n" +
        "Injected variables: BERTH_PROJECT, and per service <SERVICE>_HOST, <SERVICE>_PORT (first published\n" +
        "port) and <SERVICE>_PORT_<CONTAINERPORT>; names upper-cased, other characters become _.\n" +
        "The environment is released when the command ends, fails, is killed, or on Ctrl-C.\n" +
        "SIGINT or SIGTERM to berth is forwarded to the command (the same signal; SIGKILL after 10 s),\n" +
        "then the environment is released. If berth itself is SIGKILLed, a watchdog started beside the\n" +
        "command sends it (and its child processes) SIGTERM at once, SIGKILL 5 s later, and berth's reaper\n" +
        "removes the environment (with --pool, the keeper takes it back).\n" +
        "Progress and --json events go to stderr: stdout belongs to the command.\n" +
        "The `--` decides: without it the first word is a service (earlier berth took it as a host command too).\n" +
        "-p NAME: run SERVICE runs in that environment; run -- CMD gives the new environment that name.\n" +
        "\nrun --pool [NAME] -- CMD…: the environment is claimed from a pool that `berth pool` (or createPool)\n" +
        "keeps warm, named NAME, or by default the one started with the same -f files and --project-directory\n" +
        "from the same folder. The same variables are injected; afterwards the environment is handed back\n" +
        "and the pool's keeper resets it to its snapshot (also when berth is killed: its claim names a dead\n" +
        "process). When every environment of the pool is claimed, berth waits up to --timeout for one.\n" +
        "\nExamples:\n  berth run backend npm run migrate\n  berth run -T postgres psql -h postgres -U shop < seed.sql\n" +
        "  berth run -f compose.yml -- npm test\n  berth run -- sh -c 'psql -h $POSTGRES_HOST -p $POSTGRES_PORT -c \"select 1\"'\n" +
        "  berth run --env-prefix IT_ -- node --test\n" +
        "  berth pool -f compose.yml --size 2             # in another terminal, then, as often as you like:\n" +
        "  berth run --pool -f compose.yml -- npm test",
    )
    .action(async (first: string | undefined, rest: string[], o: RunOptions, command: Command) => {
      const g = globals();
      // Commander drops the `--`; the argv it parsed still shows which form this is.
      const form = runForm((command.parent as unknown as { rawArgs: string[] }).rawArgs);
      if (first === undefined || form === undefined) throw new BerthError("USAGE", "run needs a service, or a command after --", { hint: RUN_FORMS_HINT });
      checkFormOptions(form, o);
      if (form === "service") return runService(ctx, g, first, rest, o);
      if (o.pool !== undefined) {
        const { runInPool } = await import("./run-pool.js");
        return runInPool(ctx, g, [first, ...rest], { ...o, pool: o.pool });
      }
      await runHostCommand(ctx, g, [first, ...rest], o);
    });
}

/** An option of the other form is a mistake worth saying, not one to ignore. */
function checkFormOptions(form: "service" | "host", o: RunOptions): void {
  const misplaced =
    form === "service"
      ? [o.envPrefix !== undefined && "--env-prefix", o.keep && "--keep", o.wait === false && "--no-wait", o.pool !== undefined && "--pool"]
      : [o.env && "-e", o.user && "-u", o.workdir && "-w", o.entrypoint !== undefined && "--entrypoint"];
  const names = misplaced.filter((m): m is string => typeof m === "string");
  if (names.length === 0) return;
  throw new BerthError("USAGE", `${names.join(", ")}: ${form === "service" ? "only for run -- CMD" : "only for run SERVICE"}`, { hint: RUN_FORMS_HINT });
}

async function runHostCommand(ctx: CliContext, g: GlobalOptions, command: string[], o: RunOptions): Promise<void> {
  const { env, reporter } = await acquireWithProgress(ctx, g, {
    lifetime: "process",
    jsonOut: ctx.err,
    waitForCapacity: o.wait,
    pull: parsePullOverride(o.pull),
  });
  try {
    const vars = env.connectionVariables({ prefix: o.envPrefix });
    if (g.json) ctx.err(JSON.stringify({ type: "acquired", environment: env.toJSON(), variables: vars }));
    else if (!g.quiet) ctx.err(summaryTable(env.toJSON(), reporter.model, reporter.colors));
    // The engine the environment was acquired on names the reaper that watches this process.
    const code = await runChild(command, { ...ctx.env, ...vars }, ctx, (await ctx.engine()).endpoint);
    ctx.exitCode = ctx.signal.aborted ? EXIT.interrupted : code;
  } finally {
    if (o.keep) ctx.err(`Kept ${env.project}; remove it with: berth down ${env.project}`);
    // Never with ctx.signal: after a Ctrl-C it is aborted, and the release must still happen.
    else await env.release();
  }
}
