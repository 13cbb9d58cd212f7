import type { Command } from "commander";
import { VERSION } from "../../version.js";
import type { CliContext, GlobalOptions } from "../context.js";

export function registerVersion(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("version")
    .description("print berth's version, Node's, and the Docker engine's (when one answers)")
    .addHelpText(
      "after",
      "\n`berth --version` prints berth's version alone, without contacting the engine.\n\nExamples:\n  berth version\n  berth version --json",
    )
    .action(async () => {
      const g = globals();
      const client = { berth: VERSION, node: process.versions.node, platform: `${process.platform}/${process.arch}` };
      let engine: Record<string, string> | { error: string };
      try {
        const e = await ctx.engine();
        const v = await e.describe({ signal: ctx.signal });
        engine = {
          endpoint: e.endpoint,
          version: v.version,
          apiVersion: v.apiVersion,
          negotiatedApiVersion: e.info.negotiatedApiVersion,
          os: `${v.os}/${v.arch}`,
        };
      } catch (error) {
        engine = { error: (error as Error).message };
        ctx.exitCode = 3;
      }
      if (g.json) return ctx.out(JSON.stringify({ ...client, engine }));
      ctx.out(`berth   ${VERSION}\nnode    ${client.node} (${client.platform})`);
      if ("error" in engine) ctx.out(`engine  unreachable: ${engine.error}`);
      else ctx.out(`engine  Docker ${engine.version}, API ${engine.apiVersion} (berth speaks ${engine.negotiatedApiVersion}) at ${engine.endpoint}`);
    });
}
