/** `berth ls`: berth's environments as `docker compose ls` lists projects (NAME, STATUS, CONFIG FILES). */
import { Option, type Command } from "commander";
import type { ContainerSummary } from "../../engine/types.js";
import { COMPOSE_LABEL, LABEL, managedFilter } from "../../labels.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { table } from "../table.js";

/** One row of `docker compose ls --format json`. */
export interface ComposeLsEntry {
  Name: string;
  /** Containers per engine state, states in order: "running(3)", "exited(1), running(2)". */
  Status: string;
  ConfigFiles: string;
}

/**
 * The environments among `containers`, as compose ls has them: without `all` only running
 * containers count, so an environment with none running is left out.
 */
export function composeLs(containers: ContainerSummary[], all: boolean): ComposeLsEntry[] {
  const byProject = new Map<string, { states: Map<string, number>; files: string }>();
  for (const c of containers) {
    const project = c.labels[LABEL.project];
    if (!project || (!all && c.state !== "running")) continue;
    const p = byProject.get(project) ?? { states: new Map<string, number>(), files: c.labels[COMPOSE_LABEL.configFiles] ?? "" };
    p.states.set(c.state, (p.states.get(c.state) ?? 0) + 1);
    byProject.set(project, p);
  }
  return [...byProject]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([Name, p]) => ({
      Name,
      Status: [...p.states.keys()]
        .sort()
        .map((s) => `${s}(${p.states.get(s)})`)
        .join(", "),
      ConfigFiles: p.files,
    }));
}

export function registerLs(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("ls")
    .description("list berth's environments as docker compose ls does: name, containers per state, compose files")
    .option("-a, --all", "also environments with no running container")
    .option("-q, --quiet", "print only the names (the global -q, here too so that -aq works)")
    .addOption(new Option("--format <format>", "table (default) or json (an array, docker compose ls's fields)").choices(["table", "json"]))
    .addHelpText("after", "\nExamples:\n  berth ls\n  berth ls -a --format json\n  berth ls -q")
    .action(async (o: { all?: boolean; quiet?: boolean; format?: string }) => {
      const g = globals();
      const engine = await ctx.engine();
      const rows = composeLs(await engine.listContainers(managedFilter(), { signal: ctx.signal }), o.all === true);
      if (g.quiet || o.quiet) return rows.forEach((r) => ctx.out(r.Name));
      if (o.format === "json" || g.json) return ctx.out(JSON.stringify(rows));
      ctx.out(
        table(
          ["NAME", "STATUS", "CONFIG FILES"],
          rows.map((r) => [r.Name, r.Status, r.ConfigFiles]),
        ),
      );
    });
}
