import type { Command } from "commander";
import { acquire } from "../../lifecycle/acquire.js";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { parseTimeout } from "../context.js";
import { eventLine, servicesTable } from "../render.js";
import { hostAddress } from "../../ports/bindings.js";

interface UpOptions {
  keepOnFailure?: boolean;
  env?: string;
}

export function registerUp(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("up")
    .alias("acquire")
    .description("create an isolated environment from the compose file(s) and wait until every service is ready")
    .option("--env <kind>", "environment kind: test, dev or prod (default: DOCKER_ENV or test)")
    .option("--keep-on-failure", "keep what was created when a service never becomes ready, for debugging")
    .addHelpText("after", "\nExamples:\n  berth up -f examples/shop/compose.yml\n  berth up -f compose.yml -f compose.test.yml --timeout 2m --json")
    .action(async (o: UpOptions) => {
      const g = globals();
      const t0 = Date.now();
      const env = await acquire({
        files: g.file,
        cwd: ctx.cwd,
        env: ctx.env,
        envFiles: g.envFile,
        profiles: g.profile,
        projectName: g.projectName,
        kind: o.env as never,
        lifetime: "detached",
        timeoutMs: parseTimeout(g.timeout, 180_000),
        keepOnFailure: o.keepOnFailure,
        engine: await ctx.engine(),
        signal: ctx.signal,
        onEvent: (e) => {
          if (g.json) ctx.out(JSON.stringify(e));
          else if (!g.quiet) {
            const line = eventLine(e, t0);
            if (line) ctx.err(line);
          }
        },
      });
      const data = env.toJSON();
      if (g.json) {
        ctx.out(JSON.stringify({ type: "result", ok: true, elapsedMs: Date.now() - t0, environment: data }));
        return;
      }
      if (g.quiet) return ctx.out(data.project);
      const count = Object.keys(data.services).length;
      ctx.out(`Environment ${data.project} is ready: ${count} service${count === 1 ? "" : "s"} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      ctx.out(servicesTable(data));
      const web = Object.values(data.services).flatMap((s) => s.containers.flatMap((c) => c.ports.filter((p) => p.protocol === "tcp").map((p) => ({ s: s.name, p }))));
      const front = web.find((w) => /front|web|ui/.test(w.s)) ?? web[web.length - 1];
      if (front) ctx.out(`\nReach ${front.s}: http://${hostAddress(front.p)}/`);
      ctx.out(`Remove it with: berth down ${data.project}`);
    });
}

export function requireProject(project: string | undefined, candidates: string[]): string {
  if (project) return project;
  if (candidates.length === 1) return candidates[0]!;
  throw new BerthError("USAGE", candidates.length === 0 ? "no berth environment is running" : `${candidates.length} berth environments are running; name the one you mean`, {
    hint: candidates.length ? `One of: ${candidates.join(", ")}. Or use --all.` : "Create one with `berth up -f compose.yml`.",
  });
}
