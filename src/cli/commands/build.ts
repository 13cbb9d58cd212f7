/** `berth build [SERVICE…]`: build the images of the services with a `build:` section, as `docker compose build`. */
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { BerthEvent } from "../../events.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { collect } from "../repeatable.js";
import { loadSpec, serviceList } from "../target.js";

export function registerBuild(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("build")
    .description("build the images of the compose project's services that have a build: section (default: all of them)")
    .argument("[services...]", "services to build (default: every one with a build: section)")
    .option("--no-cache", "do not use the builder's layer cache")
    .option(
      "--build-arg <KEY[=VALUE]>",
      "set a build argument for every service built, over the file's build.args (repeatable; KEY alone takes its value from the environment)",
      collect,
    )
    .option("--pull", "pull every base image (the Dockerfile's FROM) again, also those the engine has, as `docker compose build --pull`")
    .option("--push", "push the built images afterwards, as `berth push` does (each built service needs an image: naming where it goes)")
    .addHelpText(
      "after",
      "\nReads the compose file as `berth up` does (-f, --profile, --env-file); no environment needs to exist.\nImages are named as `berth up` names them (the service's image:, else <project>-<service>:${DOCKER_TAG:-latest}),\nso a later `berth up` uses them; build.tags name the same image too. The builder's output goes to stderr (not with -q or --json).\nBase images (the Dockerfile's FROM) the engine lacks are pulled first, with the docker CLI's credentials\n(all of them with build.pull: true or --pull), as `berth up` pulls images.\n\nExamples:\n  berth build\n  berth build -f compose.yml api --no-cache\n  berth build --pull\n  berth build --build-arg VERSION=1.2.3 --build-arg HTTP_PROXY\n  berth build --push         # then push them (berth push)\n  berth build -q && berth up",
    )
    .action(async (services: string[], o: { cache: boolean; pull?: boolean; push?: boolean; buildArg?: string[] }) => {
      const g = globals();
      const args = buildArgs(o.buildArg ?? [], ctx.env);
      const spec = await loadSpec(ctx, g);
      const names = serviceList(services);
      const [{ selectServices }, { buildServices }, { otherLine }] = await Promise.all([
        import("../../lifecycle/select-services.js"),
        import("../../lifecycle/build.js"),
        import("../progress/plain-view.js"),
      ]);
      selectServices(spec, names); // names every unknown service, and the known ones
      const wanted = names.length ? names : Object.keys(spec.services).sort();
      const buildable = wanted.filter((n) => spec.services[n]!.build);
      // Before anything is built: a built service with nowhere to push it is refused, as compose does.
      const pushes = o.push ? (await import("../../lifecycle/push-plan.js")).pushPlan(spec, buildable, { imageMandatory: true }) : undefined;
      if (!g.json && !g.quiet) for (const n of wanted.filter((x) => !buildable.includes(x))) ctx.err(`${n}: skipped (no build: section)`);
      const built: { service: string; image: string; elapsedMs: number }[] = [];
      const t0 = Date.now();
      const emit = (e: BerthEvent) => {
        if (e.type !== "build") {
          // The base images' pulls: their steps, progress and retries.
          const line = g.json ? JSON.stringify(e) : g.quiet ? null : otherLine(e, t0);
          if (line) (g.json ? ctx.out : ctx.err)(line);
          return;
        }
        if (g.json) ctx.out(JSON.stringify(e));
        if (e.phase === "done") built.push({ service: e.service, image: e.image, elapsedMs: e.elapsedMs ?? 0 });
      };
      const onLine = g.json || g.quiet ? undefined : (service: string, line: string) => ctx.writeErr(prefixed(service, line));
      const withArgs = (n: string) => {
        const s = spec.services[n]!;
        return Object.keys(args).length ? { ...s, build: { ...s.build!, args: { ...s.build!.args, ...args } } } : s;
      };
      const subset = { ...spec, services: Object.fromEntries(buildable.map((n) => [n, withArgs(n)])) };
      const engine = await ctx.engine();
      await buildServices(subset, {
        engine,
        project: spec.name ?? "",
        env: ctx.env,
        always: true,
        noCache: !o.cache,
        ...(o.pull ? { pull: "always" as const } : {}),
        onLine,
        emit,
        signal: ctx.signal,
      });
      if (!g.json && !g.quiet) {
        if (built.length === 0) ctx.out("Nothing to build: no selected service has a build: section.");
        for (const b of built) ctx.out(`Built ${b.service}: ${b.image} in ${(b.elapsedMs / 1000).toFixed(1)} s`);
      }
      const pushed = pushes ? await (await import("./push.js")).pushImages(ctx, g, engine, pushes) : undefined;
      if (g.json) ctx.out(JSON.stringify({ type: "result", ok: true, built, ...(pushed ? { pushed } : {}) }));
    });
}

/** The builder's output (chunks of lines, not always ending in a newline), each line prefixed with the service. */
function prefixed(service: string, chunk: string): string {
  return chunk
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => `${service} | ${l}\n`)
    .join("");
}

/**
 * `--build-arg KEY=VALUE` and `--build-arg KEY` (its value from the environment, left out when the
 * environment has none), as `docker compose build --build-arg` reads them. Pure.
 */
export function buildArgs(given: string[], env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of given) {
    const eq = arg.indexOf("=");
    const key = eq < 0 ? arg : arg.slice(0, eq);
    if (!key.trim()) {
      throw new BerthError("USAGE", `--build-arg ${arg}: no argument name`, {
        hint: "Write --build-arg KEY=VALUE, or --build-arg KEY to take KEY's value from the environment.",
      });
    }
    const value = eq < 0 ? env[key] : arg.slice(eq + 1);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
