import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import { configList, type ConfigListOptions } from "../config-output.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { loadSpec } from "../target.js";

export function registerConfig(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("config")
    .description("validate the compose file(s) and print the project as one compose file (merged, interpolated, normalized)")
    .option("--format <format>", "yaml (default) or json")
    .option("--resolved", "print berth's resolved model (durations in ms, extensions, files) instead of a compose file")
    .option("--services", "print only the service names, one per line")
    .option("--images", "print the image of each service, one per line (built services: the name berth tags them with)")
    .option("--profiles", "print every profile the services declare, one per line")
    .option("--hash <services>", 'print "service hash" lines for the named services (comma-separated) or "*" for all')
    .option("--show-secrets", "print secret-looking values in clear instead of ********")
    .addHelpText(
      "after",
      "\nThe default output is a valid compose file: `berth config > all.yml` then `berth config -f all.yml` gives the same project.\nWith -q nothing is printed: the exit code says whether the files are valid.\n" +
        "\nSecret-looking values are printed as ********: environment and build-arg entries whose name looks like a secret (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL…) or whose value came from an env file (env_file:, .env, --env-file), and URL passwords (scheme://user:********@host). Problems never echo such values, nor one interpolated from a secret-looking variable. --show-secrets prints them in clear.\n" +
        "\nExit code 2 with every problem (file:line:column path: message) when the files are invalid.\n\nExamples:\n  berth config -f compose.yml -f compose.test.yml\n  berth config -q && echo valid\n  berth config --services\n  berth config --format json --resolved | jq .services.postgres.healthcheck.interval_ms",
    )
    .action(async (o: ConfigListOptions & { format?: string; showSecrets?: boolean; resolved?: boolean }) => {
      const g = globals();
      const format = g.json ? "json" : (o.format ?? "yaml");
      if (format !== "yaml" && format !== "json") throw new BerthError("USAGE", `--format ${format}: use yaml or json`);
      // --profiles lists what the files declare, whichever profiles are active.
      const spec = await loadSpec(ctx, o.profiles ? { ...g, profile: ["*"] } : g);
      if (g.quiet) return;
      const list = await configList(spec, o, ctx.env);
      if (list !== undefined) return ctx.out(list);
      const { renderConfig } = await import("../../compose/index.js");
      ctx.out(renderConfig(spec, format, { showSecrets: o.showSecrets, resolved: o.resolved }));
    });
}
