/** `berth kill [SERVICE…]`: send a signal (default SIGKILL) to the running containers of an environment, as `docker compose kill`. */
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import { composeNote } from "../compose-note.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { serviceList, targetProject } from "../target.js";

/** Linux's signal names (containers run Linux whatever the client's platform). */
const SIGNALS = [
  "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD",
  "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR", "SYS",
]; // prettier-ignore

/** `-s` as given ("KILL", "sigterm", "SIGHUP", "9") → what the engine is sent ("SIGKILL", "9"); a USAGE error for anything else. */
export function normalizeSignal(text: string): string {
  const t = text.trim();
  if (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 64) return String(Number(t));
  const name = t.toUpperCase().replace(/^SIG/, "");
  if (SIGNALS.includes(name)) return `SIG${name}`;
  throw new BerthError("USAGE", `--signal ${text}: not a signal`, { hint: "Give a name (SIGKILL, TERM, HUP…) or a number from 1 to 64." });
}

export function registerKill(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("kill")
    .description("send a signal (default SIGKILL) to the running containers of services (default: all)")
    .argument("[services...]", "services to signal (default: all)")
    .option("-s, --signal <signal>", "the signal, by name or number", "SIGKILL")
    .option(
      "--remove-orphans",
      "docker compose's flag, accepted: kill removes nothing; berth up already removes the containers of services no longer in the file",
    )
    .addHelpText(
      "after",
      "\nOnly running containers are signalled; a killed container stays (`berth start` brings it back, `berth rm` removes it).\nThe environment is not waited on or repaired afterwards.\n\nExamples:\n  berth kill\n  berth kill -p my-env -s SIGHUP web\n  berth kill -s 15 worker --json",
    )
    .action(async (services: string[], o: { signal: string; removeOrphans?: boolean }) => {
      const g = globals();
      const signal = normalizeSignal(o.signal);
      composeNote(
        ctx,
        [o.removeOrphans && "--remove-orphans"],
        "kill removes nothing; berth up already removes the containers of services no longer in the file",
      );
      const { engine, project } = await targetProject(ctx, g);
      const [{ projectContainers }, { killContainer }] = await Promise.all([
        import("../../lifecycle/operations.js"),
        import("../../engine/compose-commands.js"),
      ]);
      const running = (await projectContainers(engine, project, { services: serviceList(services), signal: ctx.signal })).filter((c) => c.state === "running");
      const sent = await Promise.all(running.map((c) => killContainer(engine, c.id, signal, { signal: ctx.signal })));
      const names = running.filter((_, i) => sent[i]).map((c) => c.name);
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: "kill", signal, containers: names }));
      if (g.quiet) return;
      ctx.out(
        names.length
          ? `Sent ${signal} to ${names.length} container${names.length === 1 ? "" : "s"} of ${project}: ${names.join(", ")}`
          : "No running container to kill.",
      );
    });
}
