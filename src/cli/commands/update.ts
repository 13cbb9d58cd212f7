/** `berth update`: rolling updates of an environment's services on a swarm. */
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import { parseTimeout, type CliContext, type GlobalOptions } from "../context.js";
import { loadSpec } from "../target.js";
import { DEFAULT_READY_TIMEOUT_MS } from "../../lifecycle/timeouts.js";

export function registerUpdate(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("update")
    .description(
      "rolling update of swarm services: a new image, or the services whose definition changed in the compose file; rolls back by itself when the new tasks never become healthy",
    )
    .argument("[services...]", "services to update (default with -f: every service whose definition changed)")
    .option("--image <image>", "the new image (one service)")
    .option("--engine <url>", "the swarm manager, e.g. tcp://manager:2375; default DOCKER_HOST")
    .addHelpText(
      "after",
      "\nOnly for environments on a swarm (`berth up --on swarm`). The swarm replaces tasks as the service's\n" +
        "deploy.update_config says (berth's default failure_action: rollback) and berth waits until the update has\nended: exit 0 when every task runs the new spec and is healthy, 1 when the swarm rolled back (the reason is printed).\n" +
        "\nExamples:\n  berth update --engine tcp://manager:2375 -p shop backend --image shop/backend:2\n  berth update -p shop -f compose.yml          # what changed in the file",
    )
    .action(async (services: string[], o: { image?: string; engine?: string }) => {
      const g = globals();
      const { swarmProject } = await import("../targets/swarm-target.js");
      const { swarm, project } = await swarmProject(ctx, g, o.engine);
      const deadline = Date.now() + parseTimeout(g.timeout, DEFAULT_READY_TIMEOUT_MS);
      const { changeSwarmService } = await import("../../swarm/update.js");
      const { changedServiceRequests } = await import("../../swarm/redeploy.js");
      let results;
      if (o.image) {
        if (services.length !== 1)
          throw new BerthError("USAGE", "--image needs exactly one service", { hint: "e.g. berth update -p shop backend --image shop/backend:2" });
        results = [await changeSwarmService(swarm, project, services[0]!, { image: o.image }, { deadline, signal: ctx.signal })];
      } else {
        const spec = await loadSpec(ctx, g);
        const changes = await changedServiceRequests(swarm, project, spec, services, { env: ctx.env, signal: ctx.signal });
        results = [];
        for (const c of changes) results.push(await changeSwarmService(swarm, project, c.service, { spec: c.request }, { deadline, signal: ctx.signal }));
      }
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, updated: results }));
      if (results.length === 0) return ctx.out(`Nothing changed in ${project}.`);
      for (const r of results)
        ctx.out(
          r.outcome === "unchanged"
            ? `${r.service}: already runs ${r.image}`
            : `${r.service}: updated${r.previousImage && r.previousImage !== r.image ? ` from ${r.previousImage}` : ""} to ${r.image} in ${(r.elapsedMs / 1000).toFixed(1)} s, all tasks healthy`,
        );
    });
}
