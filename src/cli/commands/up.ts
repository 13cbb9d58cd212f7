import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import { composeNote } from "../compose-note.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { addPlatformOptions, resolveTarget, type PlatformOptions } from "../targets/target.js";

interface UpOptions extends PlatformOptions {
  keepOnFailure?: boolean;
  env?: string;
  ports?: string;
  scale?: string[];
  build?: boolean;
  pull?: string;
  forceRecreate?: boolean;
  wait?: boolean;
  detach?: boolean;
  waitTimeout?: string;
  removeOrphans?: boolean;
  quietPull?: boolean;
  abortOnContainerExit?: boolean;
  abortOnContainerFailure?: boolean;
  exitCodeFrom?: string;
}

export function registerUp(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("up")
    .alias("acquire")
    .description("create an isolated environment from the compose file(s) and wait until every service is ready")
    .argument("[services...]", "only these services and what they depend on (default: all)")
    .option("--env <kind>", "environment kind: test, dev or prod (default: DOCKER_ENV or test)")
    .option("--keep-on-failure", "keep what was created when a service never becomes ready, for debugging")
    .option("--ports <strategy>", "host ports: dynamic (engine-picked), file (the file's own) or range (BERTH_PORT_RANGE); default by --env")
    .option(
      "--scale <service=n>",
      "run n replicas of a service (repeatable); with -p of a running environment, scales it",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--build", "rebuild the images of build: sections even when they exist")
    .option(
      "--pull <policy>",
      "pull images: always, missing (absent ones; the default), never, or build (rebuild the images of build: sections); replaces every service's pull_policy",
    )
    .option(
      "--force-recreate",
      "with -p of a running environment: also recreate changed containers that hold data (their named and anonymous volumes are kept)",
    )
    .option("-d, --detach", "docker compose's flag, accepted: berth up always detaches (the environment lives until `berth down`)")
    .option("--wait", "docker compose's flag, accepted: berth up always waits until every service is ready")
    .option("--wait-timeout <seconds>", "docker compose's name for the global --timeout: how long to wait for readiness")
    .option("--no-wait", "refuse at once when the engine is at berth's container cap or memory floor, instead of waiting for capacity")
    .option(
      "--remove-orphans",
      "docker compose's flag, accepted: berth up always removes the containers of services no longer in the file (or not enabled by its profiles)",
    )
    .option("--quiet-pull", "docker compose's flag, accepted: berth prints one line per image pulled, no layer-by-layer progress")
    .option("--abort-on-container-exit", "docker compose's flag of an attached up: refused with what to use instead (berth run -- CMD)")
    .option("--abort-on-container-failure", "docker compose's flag of an attached up: refused with what to use instead (berth run -- CMD)")
    .option("--exit-code-from <service>", "docker compose's flag of an attached up: refused with what to use instead (berth run -- CMD)")
    .addHelpText(
      "after",
      "\nProgress: a live per-service view on a terminal, one timestamped line per transition otherwise,\n" +
        "NDJSON events then a result object with --json. The environment lives until `berth down`.\n" +
        "\nOn a running environment (-p NAME): only containers whose own configuration changed are\n" +
        "recreated; --scale never recreates the existing replicas. A changed container that holds data\n" +
        "(a named or anonymous volume, a writable bind mount) is left as it is and `up` fails naming it,\n" +
        "unless --force-recreate: then it is stopped and replaced, keeping its named volumes and mounting\n" +
        "its anonymous volumes into the new container. An interrupted `up` removes only what it created.\n" +
        "\nExamples:\n  berth up -f examples/shop/compose.yml\n  berth up -f compose.yml -f compose.test.yml --timeout 2m --json\n  berth up -p shop --scale backend=3 --ports range\n  berth up -p shop --force-recreate   # apply a changed db configuration, keeping its volumes\n  berth up -f examples/shop/compose.yml backend   # backend and what it depends on\n  PROJECT=$(berth up -q)   # prints only the environment's name\n  berth up --on swarm --engine tcp://manager:2375 -f compose.yml   # swarm services (docs/swarm.md)",
    );
  addPlatformOptions(cmd).action(async (services: string[], o: UpOptions) => {
    refuseAttachedFlags(o);
    composeNote(ctx, [o.detach && "-d", o.wait === true && "--wait"], "berth up always detaches and waits until every service is ready");
    composeNote(ctx, [o.removeOrphans && "--remove-orphans"], "berth up always removes the containers of services no longer in the file");
    composeNote(ctx, [o.quietPull && "--quiet-pull"], "berth prints one line per image pulled, with no layer-by-layer progress");
    const g = o.waitTimeout === undefined ? globals() : { ...globals(), timeout: o.waitTimeout };
    const target = await resolveTarget(ctx, g, o);
    await target.up({
      services,
      kind: o.env,
      keepOnFailure: o.keepOnFailure,
      ports: o.ports,
      scale: o.scale,
      build: o.build,
      pull: o.pull,
      forceRecreate: o.forceRecreate,
      wait: o.wait,
    });
  });
}

/**
 * Compose's flags of an attached `up` (it runs until a container exits and takes its exit code).
 * berth's `up` always detaches, so they are refused before anything is created, pointing to what
 * does that job in berth: `berth run -- CMD` (the tests beside the environment, their exit code
 * berth's) or `berth run SERVICE` (a one-off of the service, its exit code berth's).
 */
export function refuseAttachedFlags(o: Pick<UpOptions, "abortOnContainerExit" | "abortOnContainerFailure" | "exitCodeFrom">): void {
  const given = [
    o.abortOnContainerExit && "--abort-on-container-exit",
    o.abortOnContainerFailure && "--abort-on-container-failure",
    o.exitCodeFrom !== undefined && `--exit-code-from ${o.exitCodeFrom}`,
  ].filter((f): f is string => typeof f === "string");
  if (given.length === 0) return;
  const service = o.exitCodeFrom ?? "SERVICE";
  throw new BerthError("USAGE", `${given.join(", ")}: berth up does not stay attached to the containers, so it has no container exit to stop at or return`, {
    hint:
      `To run tests against the environment and exit with their code: berth run -f compose.yml -- npm test (released afterwards). ` +
      `To run a service's command and exit with its code: berth up, then berth run ${service} (a one-off container of it).`,
  });
}
