/**
 * The CLI: the only place that reads argv, prints, or decides an exit code.
 */
import { Command, CommanderError, Option } from "commander";
import { BerthError } from "../errors.js";
import { VERSION } from "../version.js";
import { makeContext, type GlobalOptions } from "./context.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { errorJson, formatError } from "./format-error.js";
import { registerDown } from "./commands/down.js";
import { registerStatus } from "./commands/status.js";
import { registerUp } from "./commands/up.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function runCli(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write("berth: interrupted, cleaning up (press Ctrl-C again to quit at once)\n");
      controller.abort(new BerthError("ABORTED", "interrupted by the user"));
    } else process.exit(EXIT.interrupted);
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const ctx = makeContext(controller.signal);

  const program = new Command("berth")
    .description("Isolated, healthy, always-cleaned-up Docker environments from ordinary compose files")
    .version(VERSION, "-V, --version")
    .addOption(new Option("-f, --file <path>", "compose file (repeatable; default: compose.yaml etc. in this folder)").argParser(collect))
    .option("-p, --project-name <name>", "environment (project) name; default: berth-<env>-<timestamp>-<id>")
    .addOption(new Option("--profile <name>", "enable a compose profile (repeatable)").argParser(collect))
    .addOption(new Option("--env-file <path>", "read variables from this file instead of .env (repeatable)").argParser(collect))
    .option("--json", "machine-readable output (NDJSON events, then a result object)")
    .option("-q, --quiet", "print only what a script needs")
    .option("--timeout <duration>", "how long to wait for readiness, e.g. 90s or 2m (default 3m)")
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerUp(program, ctx, globals);
  registerDown(program, ctx, globals);
  registerStatus(program, ctx, globals);

  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const wasInterrupted = controller.signal.aborted;
    const err = wasInterrupted && !(error instanceof BerthError && error.code === "ABORTED") ? new BerthError("ABORTED", "interrupted by the user", { cause: error }) : error;
    if (globals().json) ctx.out(JSON.stringify({ type: "result", ok: false, error: errorJson(err) }));
    ctx.err(formatError(err));
    return err instanceof BerthError ? exitCodeFor(err.code) : EXIT.failure;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}
