/**
 * `berth pull [SERVICE…]`: pull the images of the compose project's services, as `docker compose pull`,
 * with the docker CLI's registry credentials (src/registry/credentials.ts) and each service's platform.
 */
import { Option, type Command } from "commander";
import { BerthError, isBerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { loadSpec, serviceList } from "../target.js";

interface PullOptions {
  includeDeps?: boolean;
  policy?: "missing" | "always";
  ignorePullFailures?: boolean;
  ignoreBuildable?: boolean;
}

interface PullOutcome {
  service: string;
  image?: string;
  result: "pulled" | "exists" | "skipped" | "failed";
  reason?: string;
  error?: string;
}

export function registerPull(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("pull")
    .description("pull the images of the compose project's services (default: all) from their registries")
    .argument("[services...]", "services whose images to pull (default: all)")
    .option("--include-deps", "also pull the images of the services the named ones depend on (depends_on, transitively)")
    .addOption(
      new Option("--policy <policy>", "pull policy for every service, over its pull_policy: missing (only absent images) or always").choices([
        "missing",
        "always",
      ]),
    )
    .option("--ignore-pull-failures", "pull what can be pulled; report the rest and exit 0")
    .option("--ignore-buildable", "skip services that have a build: section")
    .addHelpText(
      "after",
      "\nReads the compose file as `berth up` does (-f, --profile, --env-file); no environment needs to exist.\nServices without image:, and pull_policy never or build, are skipped; pull_policy missing pulls only images the engine lacks.\nA service with a build: section may fail to pull (it is built instead). Credentials come from the docker CLI's config\n($DOCKER_CONFIG/config.json or ~/.docker/config.json: auths, credsStore, credHelpers), as `docker pull` finds them.\n\nExamples:\n  berth pull\n  berth pull -f compose.yml postgres redis\n  berth pull --include-deps backend\n  berth pull --policy missing\n  berth pull --ignore-pull-failures -q",
    )
    .action(async (services: string[], o: PullOptions) => {
      const g = globals();
      const spec = await loadSpec(ctx, g);
      const names = serviceList(services);
      const [{ selectServices }, { pullPlan }, { imageInfo, pullImage }, { credentialsFor }, { registryOf }] = await Promise.all([
        import("../../lifecycle/select-services.js"),
        import("../../lifecycle/pull-plan.js"),
        import("../../engine/compose-commands.js"),
        import("../../registry/credentials.js"),
        import("../../registry/reference.js"),
      ]);
      // Names every unknown service; with --include-deps, what the named ones depend on joins them.
      const selected = Object.keys(selectServices(spec, names).services);
      const wanted = o.includeDeps ? selected : names;
      const engine = await ctx.engine();
      const outcomes: PullOutcome[] = [];
      const say = (line: string) => (g.json || g.quiet ? undefined : ctx.err(line));
      const record = (x: PullOutcome) => {
        outcomes.push(x);
        if (g.json) ctx.out(JSON.stringify({ type: "pull", ...x }));
      };
      for (const item of pullPlan(spec, wanted, { ignoreBuildable: o.ignoreBuildable, policy: o.policy })) {
        if (item.action === "skip") {
          record({ service: item.service, image: item.image, result: "skipped", reason: item.reason });
          say(`${item.service}: skipped (${item.reason})`);
          continue;
        }
        if (item.onlyIfMissing && (await imageInfo(engine, item.image, { signal: ctx.signal }))) {
          record({ service: item.service, image: item.image, result: "exists" });
          say(`${item.service}: ${item.image} is present (pull_policy missing)`);
          continue;
        }
        say(`${item.service}: pulling ${item.image}`);
        try {
          const auth = await credentialsFor(registryOf(item.image), ctx.env);
          await pullImage(engine, item.image, { signal: ctx.signal, auth, platform: spec.services[item.service]!.platform });
          record({ service: item.service, image: item.image, result: "pulled" });
          say(`${item.service}: pulled ${item.image}`);
        } catch (error) {
          // The engine is gone or the user interrupted: nothing else can be pulled either.
          if (isBerthError(error, "ENGINE_UNREACHABLE", "ABORTED")) throw error;
          const message = error instanceof Error ? error.message : String(error);
          record({ service: item.service, image: item.image, result: "failed", error: message });
          if (!g.json) ctx.err(`${item.service}: ${message}${item.buildable ? " (it has a build: section: `berth build` builds it)" : ""}`);
        }
      }
      const failed = outcomes.filter((x) => x.result === "failed");
      // As compose: a buildable service's failed pull is not fatal; --ignore-pull-failures makes none fatal.
      const fatal = o.ignorePullFailures ? [] : failed.filter((x) => !spec.services[x.service]!.build);
      if (fatal.length) {
        throw new BerthError(
          "ENGINE_ERROR",
          `could not pull ${fatal.length === 1 ? `the image of ${fatal[0]!.service}` : `${fatal.length} images`}: ${fatal.map((x) => x.image).join(", ")}`,
          {
            hint: "Check the image name and that the registry is reachable from the engine; --ignore-pull-failures pulls what it can and exits 0.",
          },
        );
      }
      if (g.json) ctx.out(JSON.stringify({ type: "result", ok: true, images: outcomes }));
    });
}
