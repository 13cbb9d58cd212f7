/**
 * `berth push [SERVICE…]`: push the images of the compose project's built services to their
 * registries, as `docker compose push`, with the docker CLI's registry credentials
 * (src/registry/credentials.ts). `berth build --push` pushes through `pushImages` here.
 */
import type { Command } from "commander";
import type { Engine } from "../../engine/engine.js";
import { BerthError, isBerthError } from "../../errors.js";
import type { PushItem } from "../../lifecycle/push-plan.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { loadSpec, serviceList } from "../target.js";

interface PushCliOptions {
  includeDeps?: boolean;
  ignorePushFailures?: boolean;
}

export interface PushOutcome {
  service: string;
  image?: string;
  result: "pushed" | "skipped" | "failed";
  reason?: string;
  error?: string;
}

export function registerPush(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("push")
    .description("push the images of the compose project's built services (build: and image:) to their registries")
    .argument("[services...]", "services whose images to push (default: all)")
    .option("--include-deps", "also push the images of the services the named ones depend on (depends_on, transitively)")
    .option("--ignore-push-failures", "push what can be pushed; report the rest and exit 0")
    .addHelpText(
      "after",
      "\nAs docker compose push: a service is pushed when it has a build: section and an image: naming where it goes,\nunder that name and each of its build.tags (an image: without a tag is pushed as :latest); the others are skipped.\nReads the compose file as `berth up` does (-f, --profile, --env-file); the images must exist (`berth build`).\nCredentials come from the docker CLI's config ($DOCKER_CONFIG/config.json or ~/.docker/config.json: auths,\ncredsStore, credHelpers), as `docker push` finds them; they are sent to the engine only, never printed.\n\nExamples:\n  berth push\n  berth push -f compose.yml api worker\n  berth build --push          # build, then push what was built\n  berth push --ignore-push-failures -q",
    )
    .action(async (services: string[], o: PushCliOptions) => {
      const g = globals();
      const spec = await loadSpec(ctx, g);
      const names = serviceList(services);
      const [{ selectServices }, { pushPlan }] = await Promise.all([import("../../lifecycle/select-services.js"), import("../../lifecycle/push-plan.js")]);
      // Names every unknown service; with --include-deps, what the named ones depend on joins them.
      const selected = Object.keys(selectServices(spec, names).services);
      const plan = pushPlan(spec, o.includeDeps ? selected : names);
      const outcomes = await pushImages(ctx, g, await ctx.engine(), plan, { ignoreFailures: o.ignorePushFailures });
      if (g.json) ctx.out(JSON.stringify({ type: "result", ok: true, images: outcomes }));
    });
}

/**
 * Pushes what `plan` says, one tag at a time, each with its registry's credentials; prints a line
 * per step (stderr; JSON lines on stdout with --json). A failed push fails the command at the end,
 * after the others were tried, unless `ignoreFailures`; an unreachable engine or an interrupt ends
 * it at once.
 */
export async function pushImages(
  ctx: CliContext,
  g: GlobalOptions,
  engine: Engine,
  plan: PushItem[],
  o: { ignoreFailures?: boolean } = {},
): Promise<PushOutcome[]> {
  const [{ pushImage }, { credentialsFor }, { registryOf }] = await Promise.all([
    import("../../engine/compose-commands.js"),
    import("../../registry/credentials.js"),
    import("../../registry/reference.js"),
  ]);
  const outcomes: PushOutcome[] = [];
  const say = (line: string) => (g.json || g.quiet ? undefined : ctx.err(line));
  const record = (x: PushOutcome) => {
    outcomes.push(x);
    if (g.json) ctx.out(JSON.stringify({ type: "push", ...x }));
  };
  for (const item of plan) {
    if (item.action === "skip") {
      record({ service: item.service, result: "skipped", reason: item.reason });
      say(`${item.service}: skipped (${item.reason})`);
      continue;
    }
    for (const image of item.images) {
      say(`${item.service}: pushing ${image}`);
      try {
        const auth = await credentialsFor(registryOf(image), ctx.env);
        await pushImage(engine, image, { signal: ctx.signal, auth });
        record({ service: item.service, image, result: "pushed" });
        say(`${item.service}: pushed ${image}`);
      } catch (error) {
        if (isBerthError(error, "ENGINE_UNREACHABLE", "ABORTED")) throw error;
        const message = error instanceof Error ? error.message : String(error);
        record({ service: item.service, image, result: "failed", error: message });
        if (!g.json) ctx.err(`${item.service}: ${message}`);
      }
    }
  }
  const failed = outcomes.filter((x) => x.result === "failed");
  if (failed.length && !o.ignoreFailures) {
    const missing = failed.some((x) => /does not exist locally|no such image/i.test(x.error ?? ""));
    throw new BerthError(
      "ENGINE_ERROR",
      `could not push ${failed.length === 1 ? `the image of ${failed[0]!.service}` : `${failed.length} images`}: ${failed.map((x) => x.image).join(", ")}`,
      {
        hint: missing
          ? "Build the images first (`berth build`, or `berth build --push` to do both)."
          : `Check that the registry is reachable from the engine and that you may push there (\`docker login ${registryOf(failed[0]!.image!)}\`; berth reads the docker CLI's credentials); --ignore-push-failures pushes what it can and exits 0.`,
      },
    );
  }
  return outcomes;
}
