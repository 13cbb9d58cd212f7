/** `berth events`: an environment's container events as NDJSON, in docker compose events --json's shape. */
import type { Command } from "commander";
import type { EngineEvent } from "../../engine/types.js";
import { BerthError } from "../../errors.js";
import { LABEL, managedFilter } from "../../labels.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { targetProject } from "../target.js";

/** One line of `docker compose events --json`. */
export interface ComposeEvent {
  time: string;
  type: string;
  action: string;
  id: string;
  service: string;
  /** The engine's attributes (name, image, exitCode…) and the container's labels, minus Compose's and berth's own. */
  attributes: Record<string, string>;
}

export function composeEvent(e: EngineEvent): ComposeEvent {
  const attributes = Object.fromEntries(Object.entries(e.labels).filter(([k]) => !k.startsWith("com.docker.compose.") && !k.startsWith("dev.berth.")));
  return { time: new Date(e.time).toISOString(), type: e.type, action: e.action, id: e.id, service: e.labels[LABEL.service] ?? "", attributes };
}

export function registerEvents(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("events")
    .description("print the container events of an environment as they happen, one JSON object per line, until Ctrl-C")
    .argument("[services...]", "only these services' containers (default: all)")
    .addHelpText(
      "after",
      '\nEach line: {"time","type":"container","action","id","service","attributes"}, as docker compose events --json\n(the output is JSON lines with or without --json).\n' +
        "\nExamples:\n  berth events\n  berth events -p shop backend | jq -r .action",
    )
    .action(async (services: string[]) => {
      const { engine, project } = await targetProject(ctx, globals());
      const wanted = new Set(services);
      const known = new Set((await engine.listContainers(managedFilter(project), { signal: ctx.signal })).map((c) => c.labels[LABEL.service] ?? ""));
      const unknown = services.filter((s) => !known.has(s));
      if (unknown.length) {
        throw new BerthError("USAGE", `no such service in ${project}: ${unknown.join(", ")}`, { hint: `Its services: ${[...known].sort().join(", ")}.` });
      }
      let ended = false;
      await new Promise<void>((resolve, reject) => {
        const done = () => resolve();
        ctx.signal.addEventListener("abort", done, { once: true });
        const onEnd = () => {
          ended = true;
          ctx.signal.removeEventListener("abort", done);
          resolve();
        };
        const print = (e: EngineEvent) => {
          if (wanted.size === 0 || wanted.has(e.labels[LABEL.service] ?? "")) ctx.out(JSON.stringify(composeEvent(e)));
        };
        engine.subscribe({ labels: managedFilter(project), types: ["container"] }, print, { signal: ctx.signal, onEnd }).catch(reject);
      });
      if (ended) throw new BerthError("ENGINE_UNREACHABLE", "the engine ended its event stream (it stopped or restarted)");
    });
}
