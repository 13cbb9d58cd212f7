/**
 * The CLI: the only place that reads argv, prints, or decides an exit code.
 */
import { Command, CommanderError, Option } from "commander";
import type { Engine } from "../engine/engine.js";
import { BerthError } from "../errors.js";
import { VERSION } from "../version.js";
import { protectCommandArgs } from "./argv.js";
import { makeContext, type CliContext, type GlobalOptions } from "./context.js";
import { EXIT, exitCodeOf } from "./exit-codes.js";
import { errorJson, formatError } from "./format-error.js";
import { reapBeforeCommand, registerClean } from "./commands/clean.js";
import { registerCompletion } from "./commands/completion.js";
import { registerConfig } from "./commands/config.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerDown } from "./commands/down.js";
import { registerEnv } from "./commands/env.js";
import { registerEvents } from "./commands/events.js";
import { registerExec } from "./commands/exec.js";
import { registerGraph } from "./commands/graph.js";
import { registerLogs } from "./commands/logs.js";
import { registerLs } from "./commands/ls.js";
import { registerPort } from "./commands/port.js";
import { registerRun } from "./commands/run.js";
import { registerServe } from "./commands/serve.js";
import { registerServiceOps } from "./commands/service-ops.js";
import { registerStatus } from "./commands/status.js";
import { registerTroubleshoot } from "./commands/troubleshoot.js";
import { registerUp } from "./commands/up.js";
import { registerUpdate } from "./commands/update.js";
import { registerValidate } from "./commands/validate.js";
import { registerVersion } from "./commands/version.js";
import { registerBuild } from "./commands/build.js";
import { registerCp } from "./commands/cp.js";
import { registerImages } from "./commands/images.js";
import { registerKill } from "./commands/kill.js";
import { registerPull } from "./commands/pull.js";
import { registerPush } from "./commands/push.js";
import { registerPause } from "./commands/pause.js";
import { registerRm } from "./commands/rm.js";
import { registerTop } from "./commands/top.js";
import { registerSnapshot } from "./commands/snapshot.js";
import { registerPool } from "./commands/pool.js";
import { registerEngine } from "./commands/engine.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

const EXIT_CODES_HELP = `
Exit codes: 0 ok, 1 failure, 2 bad usage or compose file, 3 engine unreachable,
            4 readiness timeout, 70 a bug in berth, 130 interrupted
            (run and exec: the command's own code).
Run \`berth <command> --help\` for a command's options and examples.`;

/** `early`: what main.ts started before this module loaded (a connection, and the controller that can cancel it). */
export async function runCli(argv: string[], early: { engine?: Promise<Engine>; controller?: AbortController } = {}): Promise<number> {
  const controller = early.controller ?? new AbortController();
  let interrupts = 0;
  const onSigint = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write("berth: interrupted, cleaning up (press Ctrl-C again to quit at once)\n");
      // Which signal it was: `berth run` forwards the same one to its command.
      controller.abort(new BerthError("ABORTED", "interrupted by the user", { details: { signal } }));
    } else process.exit(EXIT.interrupted);
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const ctx = makeContext(controller.signal, early.engine);
  const program = buildProgram(ctx);
  const globals = () => program.opts<GlobalOptions>();

  try {
    await program.parseAsync(protectCommandArgs(argv), { from: "user" });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const wasInterrupted = controller.signal.aborted;
    const err =
      wasInterrupted && !(error instanceof BerthError && error.code === "ABORTED")
        ? new BerthError("ABORTED", "interrupted by the user", { cause: error })
        : error;
    if (globals().json) ctx.out(JSON.stringify({ type: "result", ok: false, error: errorJson(err) }));
    ctx.err(formatError(err));
    return exitCodeOf(err);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

/**
 * Every command and option, without running anything: `runCli` parses argv with it, and
 * scripts/gen-cli-docs.mjs writes the per-command pages under docs/commands/ from its help.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("berth")
    .description("Isolated, healthy, always-cleaned-up Docker environments from ordinary compose files")
    .version(VERSION, "-V, --version")
    .addOption(new Option("-f, --file <path>", "compose file (repeatable; default: compose.yaml etc. in this folder)").argParser(collect))
    .option("-p, --project-name <name>", "environment (project) name; default: berth-<env>-<timestamp>-<id>")
    .addOption(new Option("--profile <name>", "enable a compose profile (repeatable)").argParser(collect))
    .addOption(new Option("--env-file <path>", "read variables from this file instead of .env (repeatable)").argParser(collect))
    .option("--json", "machine-readable output (NDJSON events, then a result object)")
    .option("-q, --quiet", "print only what a script needs")
    .option("--no-color", "no colours (also: NO_COLOR=1; FORCE_COLOR=1 forces them)")
    .option("--timeout <duration>", "how long to wait for readiness, e.g. 90s or 2m (default 3m)")
    .option("--project-directory <dir>", "where relative paths, .env and the default compose files are found (default: the first file's folder)")
    .addHelpText("after", EXIT_CODES_HELP)
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerUp(program, ctx, globals);
  registerDown(program, ctx, globals);
  registerStatus(program, ctx, globals);
  registerRun(program, ctx, globals);
  registerEnv(program, ctx, globals);
  registerPort(program, ctx, globals);
  registerLogs(program, ctx, globals);
  registerExec(program, ctx, globals);
  registerDoctor(program, ctx, globals);
  registerGraph(program, ctx, globals);
  registerTroubleshoot(program, ctx, globals);
  registerValidate(program, ctx, globals);
  registerServiceOps(program, ctx, globals);
  registerServe(program, ctx, globals);
  registerConfig(program, ctx, globals);
  registerVersion(program, ctx, globals);
  registerCompletion(program, ctx);
  registerClean(program, ctx, globals);
  registerUpdate(program, ctx, globals);
  registerLs(program, ctx, globals);
  registerEvents(program, ctx, globals);
  registerSnapshot(program, ctx, globals);
  registerPool(program, ctx, globals);
  registerEngine(program, ctx, globals);
  // The compose commands berth also has (docs/cli.md, "Coming from docker compose").
  for (const register of [registerPull, registerPush, registerBuild, registerImages, registerTop, registerKill, registerPause, registerRm, registerCp])
    register(program, ctx, globals);
  program.hook("preAction", (_program, command) => reapBeforeCommand(ctx, command.name()));
  return program;
}
