/**
 * `berth run SERVICE [CMD…]`: a one-off container of SERVICE in the running environment (as
 * `docker compose run`), with berth's stdin and terminal, removed when it exits; exits with its code.
 * With `--pull POLICY` the service's image is pulled (or built) first, as `up` would.
 */
import { existsSync } from "node:fs";
import type { ProjectSpec } from "../../compose/model.js";
import { suggest } from "../../compose/did-you-mean.js";
import { splitShellWords } from "../../compose/shell-words.js";
import type { Engine } from "../../engine/engine.js";
import type { Labels } from "../../engine/types.js";
import { BerthError, isBerthError } from "../../errors.js";
import type { BerthEvent } from "../../events.js";
import { COMPOSE_LABEL, managedFilter } from "../../labels.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { loadSpec, targetProject } from "../target.js";
import { allocatesTty, localIo, localStdio } from "../terminal.js";

export interface RunServiceOptions {
  env?: string[];
  user?: string;
  workdir?: string;
  entrypoint?: string;
  tty?: boolean;
  /** --pull: always, missing, never or build, for the service's image before the one-off. */
  pull?: string;
}

/** The two meanings of `berth run`, for the hints of a run that named no service it could find. */
export const RUN_FORMS_HINT =
  "`berth run SERVICE [CMD…]` runs a one-off container of a service of the running environment (as `docker compose run`); " +
  "for a command on this machine in a dedicated environment, put `--` before it: `berth run -f compose.yml -- npm test`.";

export async function runService(ctx: CliContext, g: GlobalOptions, service: string, command: string[], o: RunServiceOptions): Promise<void> {
  const { engine, project } = await withRunHint(() => targetProject(ctx, g));
  const environment = await environmentLabels(engine, project, ctx.signal);
  const loaded = await specOf(ctx, g, environment);
  if (!loaded.services[service]) {
    const close = suggest(service, Object.keys(loaded.services));
    throw new BerthError("USAGE", `no service ${service} in ${project}'s compose project${close ? ` (did you mean ${close}?)` : ""}`, {
      hint: `Services: ${Object.keys(loaded.services).join(", ")}. ${RUN_FORMS_HINT}`,
    });
  }
  const spec = o.pull === undefined ? loaded : await imageFirst(ctx, g, engine, project, loaded, service, o.pull);
  const [{ runOneOff }, { ensureReaper }, { currentOwner }] = await Promise.all([
    import("../../lifecycle/one-off.js"),
    import("../../cleanup/reaper.js"),
    import("../../cleanup/process-liveness.js"),
  ]);
  const owner = currentOwner();
  // The one-off is owned by this process: if berth is killed, the reaper removes it.
  const reaper = ensureReaper({ owner, endpoint: engine.endpoint, env: ctx.env });
  if (reaper.warning && !g.quiet) ctx.err(`berth: ${reaper.warning}`);
  const tty = allocatesTty(o.tty, localStdio());
  const { io, restore } = localIo(ctx, tty);
  try {
    ctx.exitCode = await runOneOff(
      engine,
      {
        spec,
        project,
        service,
        command,
        entrypoint: o.entrypoint !== undefined ? splitShellWords(o.entrypoint) : undefined,
        env: hostValues(o.env, ctx.env),
        user: o.user,
        workingDir: o.workdir,
        tty,
        owner,
        environment,
        processEnv: ctx.env,
      },
      io,
      ctx.signal,
    );
  } finally {
    restore();
    reaper.done();
  }
}

/**
 * `run SERVICE --pull POLICY`: the service's image pulled as the policy says (the pull phase of
 * acquire, on this one service), or for a service with `build:`, built when missing (always with
 * `build`). Progress goes to stderr: NDJSON events with --json, else a line per pull.
 */
async function imageFirst(
  ctx: CliContext,
  g: GlobalOptions,
  engine: Engine,
  project: string,
  spec: ProjectSpec,
  service: string,
  pull: string,
): Promise<ProjectSpec> {
  const [{ parsePullOverride }, { pullImages }, { buildServices }, { otherLine }] = await Promise.all([
    import("../../images/pull-policy.js"),
    import("../../images/pull-phase.js"),
    import("../../lifecycle/build.js"),
    import("../progress/plain-view.js"),
  ]);
  const override = parsePullOverride(pull);
  const t0 = Date.now();
  const emit = (e: BerthEvent) => {
    if (g.json) return ctx.err(JSON.stringify(e));
    const line = g.quiet ? null : otherLine(e, t0);
    if (line) ctx.err(line);
  };
  const one: ProjectSpec = { ...spec, services: { [service]: spec.services[service]! } };
  const common = { project, engine, env: ctx.env, emit, signal: ctx.signal };
  await pullImages({ ...common, spec: one, override });
  if (!one.services[service]!.build) return spec;
  const built = await buildServices(one, { ...common, pull: override });
  return { ...spec, services: { ...spec.services, [service]: built.services[service]! } };
}

/** `-e KEY` without a value takes KEY's value from berth's environment, and is left out when it has none (as compose). */
export function hostValues(env: string[] | undefined, host: Record<string, string | undefined>): string[] | undefined {
  return env?.flatMap((kv) => (kv.includes("=") ? [kv] : host[kv] !== undefined ? [`${kv}=${host[kv]}`] : []));
}

async function withRunHint<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isBerthError(error) || (error.code !== "USAGE" && error.code !== "NOT_FOUND")) throw error;
    throw new BerthError(error.code, error.message, { hint: `${error.hint ? `${error.hint} ` : ""}${RUN_FORMS_HINT}`, cause: error });
  }
}

async function environmentLabels(engine: Engine, project: string, signal: AbortSignal): Promise<Labels> {
  const containers = await engine.listContainers(managedFilter(project), { signal });
  return containers[0]?.labels ?? {};
}

/**
 * The environment's compose project: from -f when given, else from the files the environment was
 * created from (recorded on its containers) when they are still there, else the usual discovery.
 */
async function specOf(ctx: CliContext, g: GlobalOptions, environment: Labels): Promise<ProjectSpec> {
  const recorded = (environment[COMPOSE_LABEL.configFiles] ?? "").split(",").filter(Boolean);
  const dir = environment[COMPOSE_LABEL.workingDir];
  if (g.file?.length || recorded.length === 0 || !dir || !recorded.every((f) => existsSync(f))) return loadSpec(ctx, g);
  return loadSpec({ ...ctx, cwd: dir }, { ...g, file: recorded });
}
