/** The host command of `berth run -- CMD` (dedicated or claimed from a pool): run, interrupt, exit code. */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { recordChild } from "../../cleanup/owned-children.js";
import { currentOwner } from "../../cleanup/process-liveness.js";
import { reaperDir, reaperKey } from "../../cleanup/reaper-files.js";
import { BerthError, isBerthError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { startWatchdog } from "./run-watchdog.js";

/** How long CMD gets to exit after berth forwards an interrupt, before it is killed. */
const CHILD_GRACE_MS = 10_000;

/**
 * Runs the command with inherited stdio; forwards berth's interrupt (SIGINT or SIGTERM, the one
 * berth got) to it; resolves with its exit code. If berth itself is killed (SIGKILL cannot be
 * forwarded), the watchdog started beside the command stops it (run-watchdog.ts). With
 * `reaperEndpoint` (the engine whose reaper watches this process), the command is also recorded
 * for that reaper, which stops it before it removes the environment: see cleanup/owned-children.ts.
 */
export function runChild(command: string[], env: Record<string, string | undefined>, ctx: CliContext, reaperEndpoint?: string): Promise<number> {
  const [file, ...args] = command;
  return new Promise((resolve, reject) => {
    // The watchdog first: CMD is watched from the moment it exists (run-watchdog.ts).
    const watchdog = startWatchdog();
    const child = spawn(file!, args, { stdio: "inherit", env: { ...env, ...watchdog.env }, cwd: ctx.cwd });
    if (child.pid) watchdog.watch(child.pid);
    else watchdog.stop();
    const recorded = child.pid && reaperEndpoint ? recordChild(reaperDir(ctx.env), reaperKey(currentOwner(), reaperEndpoint), child.pid) : () => undefined;
    const forget = () => {
      watchdog.stop();
      recorded();
    };
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
