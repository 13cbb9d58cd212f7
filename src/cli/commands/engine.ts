/**
 * `berth engine start`: starts a local engine when none answers, and waits until it does. Never a
 * second one: an engine that answers at the endpoint, or a live process in the plan's pidfile, is left alone.
 */
import type { Command } from "commander";
import type { CliContext, GlobalOptions } from "../context.js";
import { parseDuration } from "../context.js";

interface StartOptions {
  host?: string;
  dataRoot?: string;
  execRoot?: string;
  log?: string;
  wait?: string;
}

export function registerEngine(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const engine = program
    .command("engine")
    .description("the Docker engine berth uses: start one when none answers")
    .addHelpText("after", "\nWhich engine berth uses and why: berth doctor.\n\nExamples:\n  berth engine start\n  berth doctor");
  engine
    .command("start")
    .description("start a local engine (dockerd as root, rootless Docker, or Podman's API service) unless one answers, and wait until it does")
    .option("--host <url>", "the socket to start it on, e.g. unix:///run/my-docker.sock (default: the engine berth would use)")
    .option("--data-root <dir>", "dockerd: its data folder (default /var/lib/docker)")
    .option("--exec-root <dir>", "dockerd: its state folder (default /var/run/docker); the pidfile is <dir>.pid")
    .option("--log <file>", "where the engine's output goes (default /tmp/berth-engine.log)")
    .option("--wait <duration>", "how long to wait until it answers (default 60s)")
    .addHelpText(
      "after",
      "\nOn macOS and Windows it prints the command that starts Docker Desktop or colima.\n\nExamples:\n  sudo berth engine start\n  berth engine start --host unix:///run/user/1000/podman/podman.sock",
    )
    .action(async (o: StartOptions) => {
      const { startEngine } = await import("../engine-start.js");
      const r = await startEngine({
        host: o.host,
        dataRoot: o.dataRoot,
        execRoot: o.execRoot,
        log: o.log ?? "/tmp/berth-engine.log",
        waitMs: parseDuration(o.wait, 60_000, "--wait"),
        env: ctx.env,
        signal: ctx.signal,
      });
      if (globals().json) return ctx.out(JSON.stringify(r));
      ctx.out(
        r.started
          ? `started ${r.kind} (pid ${r.pid}) at ${r.endpoint}; it answered after ${(r.ms / 1000).toFixed(1)} s; log: ${r.log}`
          : `an engine already answers at ${r.endpoint}`,
      );
    });
}
