import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { loadSpec } from "../target.js";

export function registerConfig(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("config")
    .description("validate the compose file(s) and print the resolved project (merged, interpolated, normalized)")
    .option("--format <format>", "yaml (default) or json")
    .option("--services", "print only the service names, one per line")
    .option("--show-secrets", "print secret-looking values in clear instead of ********")
    .addHelpText(
      "after",
      "\nSecret-looking values are printed as ********: environment and build-arg entries whose name looks like a secret (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL…) or whose value came from an env file (env_file:, .env, --env-file), and URL passwords (scheme://user:********@host). Problems never echo such values, nor one interpolated from a secret-looking variable. --show-secrets prints them in clear.\n" +
        "\nExit code 2 with every problem (file:line:column path: message) when the files are invalid.\n\nExamples:\n  berth config -f compose.yml -f compose.test.yml\n  berth config --services\n  berth config --format json | jq .services.postgres.ports",
    )
    .action(async (o: { format?: string; services?: boolean; showSecrets?: boolean }) => {
      const g = globals();
      const format = g.json ? "json" : (o.format ?? "yaml");
      if (format !== "yaml" && format !== "json") throw new BerthError("USAGE", `--format ${format}: use yaml or json`);
      const spec = await loadSpec(ctx, g);
      if (o.services) return ctx.out(Object.keys(spec.services).sort().join("\n"));
      const { renderConfig } = await import("../../compose/index.js");
      ctx.out(renderConfig(spec, format, { showSecrets: o.showSecrets }));
    });
}
