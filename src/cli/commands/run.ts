/**
 * `berth run -- CMD`: a dedicated environment for one command. Acquire, run CMD with the
 * connection variables, release afterwards whatever happens, exit with CMD's exit code.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { Command } from "commander";
import { recordChild } from "../../cleanup/owned-children.js";
import { currentOwner } from "../../cleanup/process-liveness.js";
import { reaperDir, reaperKey } from "../../cleanup/reaper-files.js";
import { BerthError, isBerthError } from "../../errors.js";
import { acquireWithProgress } from "../acquire-with-progress.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { summaryTable } from "../render.js";

interface RunOptions {
  envPrefix?: string;
  keep?: boolean;
  wait?: boolean;
}

/** How long CMD gets to exit after berth forwards an interrupt, before it is killed. */
const CHILD_GRACE_MS = 10_000;

export function registerRun(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("run")
    .description("acquire a dedicated environment, run a command with its connection variables, release it, exit with the command's code")
    .argument("<command...>", "the command and its arguments (put them after --)")
    .option("--env-prefix <prefix>", "prefix for the injected service variables, e.g. TEST_ → TEST_POSTGRES_PORT")
    .option("--keep", "do not release the environment afterwards (prints how to remove it)")
    .option("--no-wait", "refuse at once when the engine is at berth's container cap or memory floor, instead of waiting for capacity")
    .addHelpText(
      "after",
      "\nInjected variables: BERTH_PROJECT, and per service <SERVICE>_HOST, <SERVICE>_PORT (first published\n" +
        "port) and <SERVICE>_PORT_<CONTAINERPORT>; names upper-cased, other characters become _.\n" +
        "The environment is released when the command ends, fails, is killed, or on Ctrl-C.\n" +
        "SIGINT or SIGTERM to berth is forwarded to the command (the same signal; SIGKILL after 10 s),\n" +
        "then the environment is released. If berth itself is SIGKILLed, its reaper sends the command\n" +
        "(and its child processes) SIGTERM, SIGKILL 5 s later, and removes the environment.\n" +
        "Progress and --json events go to stderr: stdout belongs to the command.\n" +
        "\nExamples:\n  berth run -f compose.yml -- npm test\n  berth run -- sh -c 'psql -h $POSTGRES_HOST -p $POSTGRES_PORT -c \"select 1\"'\n  berth run --env-prefix IT_ -- node --test",
    )
    .action(async (command: string[], o: RunOptions) => {
      const g = globals();
      const { env, reporter } = await acquireWithProgress(ctx, g, { lifetime: "process", jsonOut: ctx.err, waitForCapacity: o.wait });
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
    });
}

/**
 * Runs the command with inherited stdio; forwards berth's interrupt (SIGINT or SIGTERM, the one
 * berth got) to it; resolves with its exit code. The command is recorded for berth's reaper, which
 * stops it if berth itself is killed (SIGKILL cannot be forwarded): see cleanup/owned-children.ts.
 */
function runChild(command: string[], env: Record<string, string | undefined>, ctx: CliContext, endpoint: string): Promise<number> {
  const [file, ...args] = command;
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { stdio: "inherit", env, cwd: ctx.cwd });
    const forget = child.pid ? recordChild(reaperDir(ctx.env), reaperKey(currentOwner(), endpoint), child.pid) : () => undefined;
    let killer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      // On a terminal the child got the same Ctrl-C already; a signal sent to berth alone did not reach it.
      const reason: unknown = ctx.signal.reason;
      child.kill(isBerthError(reason, "ABORTED") && reason.details.signal === "SIGTERM" ? "SIGTERM" : "SIGINT");
      killer = setTimeout(() => child.kill("SIGKILL"), CHILD_GRACE_MS);
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error) => {
      forget();
      ctx.signal.removeEventListener("abort", onAbort);
      reject(
        new BerthError("USAGE", `cannot run ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "command not found" : error.message}`, {
          hint: "Check the command after `--` (it is run directly, not through a shell; use `sh -c '…'` for shell syntax).",
          cause: error,
        }),
      );
    });
    child.on("exit", (code, signal) => {
      forget();
      ctx.signal.removeEventListener("abort", onAbort);
      if (killer) clearTimeout(killer);
      // A command killed by a signal exits like a shell reports it: 128 + the signal's number.
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
