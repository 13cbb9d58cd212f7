import { basename } from "node:path";
import { Option, type Command } from "commander";
import { BerthError } from "../../errors.js";
import type { DependencyGraph } from "../../diagnostics/graph/model.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { loadSpec, targetProject } from "../target.js";

type Format = "mermaid" | "dot" | "tree";
/** The renderers load with the command that uses them, not with every berth command. */
const RENDER: Record<Format, () => Promise<(g: DependencyGraph) => string>> = {
  mermaid: async () => (await import("../../diagnostics/graph/render-mermaid.js")).renderMermaid,
  dot: async () => (await import("../../diagnostics/graph/render-dot.js")).renderDot,
  tree: async () => (await import("../../diagnostics/graph/render-tree.js")).renderTree,
};

/**
 * Where the graph comes from: a named environment (argument or -p without -f) is read from the
 * engine; -f, or a compose file found in this folder, is loaded; failing both, the only running
 * environment.
 */
async function readGraph(ctx: CliContext, g: GlobalOptions, project: string | undefined): Promise<DependencyGraph> {
  const fromEngine = async (explicit?: string) => {
    const { engine, project: name } = await targetProject(ctx, g, explicit);
    const [{ loadProject }, { readEnvironmentGraph }] = await Promise.all([
      import("../../compose/index.js"),
      import("../../diagnostics/graph/from-environment.js"),
    ]);
    const load = (files: string[], cwd: string) => loadProject({ files, cwd, env: ctx.env, profiles: ["*"] });
    return readEnvironmentGraph(engine, name, load, ctx.signal);
  };
  if (project || (g.projectName && !g.file?.length)) return fromEngine(project);
  try {
    const [spec, { graphFromSpec }] = await Promise.all([loadSpec(ctx, g), import("../../diagnostics/graph/model.js")]);
    return graphFromSpec(spec, spec.name ?? basename(spec.working_dir));
  } catch (error) {
    if (g.file?.length || !(error instanceof BerthError) || error.code !== "COMPOSE_NOT_FOUND") throw error;
    return fromEngine();
  }
}

export function registerGraph(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("graph [project]")
    .description(
      "draw the services' dependency graph (Mermaid, Graphviz DOT or a tree) from a compose file or a running environment, with each edge's condition and each running service's state",
    )
    .addOption(new Option("--format <format>", "mermaid, dot or tree (default: tree on a terminal, mermaid otherwise)").choices(["mermaid", "dot", "tree"]))
    .addHelpText(
      "after",
      "\nSource: a running environment when PROJECT (or -p without -f) is given; else the compose file\n" +
        "(-f, or compose.yaml etc. found here); else the only running environment. A running\n" +
        "environment's nodes show their state; its edges' conditions are read back from the compose\n" +
        'file it was created from ("unknown" when that file is gone). Dashed edges: required: false.\n' +
        "\nExamples:\n  berth graph -f examples/shop/compose.yml\n  berth graph -f compose.yml --format dot | dot -Tsvg > deps.svg\n  berth graph berth-test-20261124020512-a1b2c3 --format mermaid\n  berth graph -p shop --json",
    )
    .action(async (project: string | undefined, o: { format?: Format }) => {
      const g = globals();
      const graph = await readGraph(ctx, g, project);
      if (g.json) return ctx.out(JSON.stringify(graph));
      const format = o.format ?? (process.stdout.isTTY ? "tree" : "mermaid");
      ctx.writeOut((await RENDER[format]())(graph));
    });
}
