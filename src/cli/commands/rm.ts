/** `berth rm [SERVICE…]`: remove an environment's stopped containers, as `docker compose rm`. */
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { serviceList, targetProject } from "../target.js";

interface RmOptions {
  force?: boolean;
  stop?: boolean;
  volumes?: boolean;
}

/** Whether to remove at once (-f), ask (a terminal to ask on), or refuse (a script without -f, which nobody could answer). */
export function rmConfirmation(o: { force?: boolean; json?: boolean; stdinIsTTY: boolean }): "remove" | "ask" | "refuse" {
  if (o.force) return "remove";
  return o.stdinIsTTY && !o.json ? "ask" : "refuse";
}

/** The containers `rm` removes: the stopped ones, or with -s all of them (the running ones are stopped first). */
export function rmSelection<C extends { state: string }>(containers: C[], stopFirst: boolean): { remove: C[]; stop: C[]; left: C[] } {
  const running = containers.filter((c) => c.state === "running" || c.state === "restarting" || c.state === "paused");
  if (stopFirst) return { remove: containers, stop: running, left: [] };
  return { remove: containers.filter((c) => !running.includes(c)), stop: [], left: running };
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function registerRm(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("rm")
    .description("remove the stopped containers of services (default: all) of an environment")
    .argument("[services...]", "services whose containers to remove (default: all)")
    .option("-f, --force", "do not ask for confirmation (needed when not on a terminal)")
    .option("-s, --stop", "stop running containers first, then remove them too")
    .option("-v, --volumes", "also remove the containers' anonymous volumes")
    .addHelpText(
      "after",
      "\nOnly containers of the selected environment are touched. Its networks and named volumes stay: `berth down` removes\nthe whole environment, and `berth up -p NAME` creates the removed containers again.\n\nExamples:\n  berth stop worker && berth rm -f worker\n  berth rm -p my-env -sfv",
    )
    .action(async (services: string[], o: RmOptions) => {
      const g = globals();
      const decision = rmConfirmation({ force: o.force, json: g.json, stdinIsTTY: process.stdin.isTTY === true });
      const { engine, project } = await targetProject(ctx, g);
      const { projectContainers } = await import("../../lifecycle/operations.js");
      const { remove, stop, left } = rmSelection(
        await projectContainers(engine, project, { services: serviceList(services), signal: ctx.signal }),
        o.stop === true,
      );
      if (left.length && !g.json) ctx.err(`Left running (stop them first, or use -s): ${left.map((c) => c.name).join(", ")}`);
      if (remove.length === 0) {
        if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: "rm", containers: [] }));
        return ctx.out("No stopped containers.");
      }
      const names = remove.map((c) => c.name);
      if (decision === "refuse") {
        throw new BerthError(
          "USAGE",
          `berth rm would remove ${names.length} container${names.length === 1 ? "" : "s"} of ${project} (${names.join(", ")}); confirm with -f`,
          {
            hint: "Without a terminal there is nobody to ask: pass -f (--force).",
          },
        );
      }
      if (decision === "ask" && !(await ask(`Going to remove ${names.join(", ")}\nAre you sure? [y/N] `))) return ctx.out("Nothing removed.");
      await Promise.all(stop.map((c) => engine.stopContainer(c.id, undefined, { signal: ctx.signal })));
      await Promise.all(remove.map((c) => engine.removeContainer(c.id, { force: false, volumes: o.volumes === true, signal: ctx.signal })));
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: "rm", containers: names }));
      if (g.quiet) return;
      ctx.out(`Removed ${names.length} container${names.length === 1 ? "" : "s"} of ${project}: ${names.join(", ")}`);
    });
}
