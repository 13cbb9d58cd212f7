/**
 * The swarm side of `up`, `down`, `status`, `logs`, `restart`, `wait` (`--on swarm`): where the
 * manager is, what to act on, and how the results look. The commands' own files only dispatch here.
 */
import { Option, type Command } from "commander";
import { BerthError } from "../../errors.js";
import type { SwarmEnvironmentData } from "../../swarm/status.js";
import type { SwarmLogLine } from "../../swarm/operations.js";
import type { Swarm } from "../../engine/swarm.js";
import type { Engine } from "../../engine/engine.js";
import type { EnvironmentKind } from "../../labels.js";
import { parseTimeout, type CliContext, type GlobalOptions } from "../context.js";
import { createReporter } from "../progress/reporter.js";
import { age } from "../render.js";
import { table } from "../table.js";
import { loadSpec, notFound, requireProject } from "../target.js";

export interface PlatformOptions {
  on?: string;
  engine?: string;
}

/** Adds `--on <engine|swarm>` and `--engine <url>` to a command. */
export function addPlatformOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--on <platform>", "where the environment runs: engine (one Docker engine, default) or swarm (services on a swarm manager)").choices(["engine", "swarm"]).default("engine"))
    .option("--engine <url>", "the engine (with --on swarm: a swarm manager) to use, e.g. tcp://manager:2375; default DOCKER_HOST");
}

export function onSwarm(o: PlatformOptions): boolean {
  if (o.on !== "swarm" && o.engine) {
    // --engine without --on swarm would silently be ignored by the engine path: say so.
    throw new BerthError("USAGE", "--engine is only used with --on swarm; for one engine set DOCKER_HOST", { hint: "Add --on swarm, or use DOCKER_HOST=tcp://HOST:2375." });
  }
  return o.on === "swarm";
}

export async function swarmOf(ctx: CliContext, o: PlatformOptions): Promise<{ engine: Engine; swarm: Swarm }> {
  const { connectSwarm } = await import("../../swarm/connect.js");
  return connectSwarm({ host: o.engine, env: ctx.env, signal: ctx.signal });
}

async function swarmProject(ctx: CliContext, g: GlobalOptions, o: PlatformOptions, explicit?: string): Promise<{ swarm: Swarm; engine: Engine; project: string }> {
  const { engine, swarm } = await swarmOf(ctx, o);
  const { listSwarmProjects } = await import("../../swarm/status.js");
  const names = await listSwarmProjects(swarm, ctx.signal);
  const project = requireProject(explicit ?? g.projectName, names);
  if (!names.includes(project)) throw notFound(project, names, { where: `the swarm at ${swarm.endpoint}` });
  return { engine, swarm, project };
}

// ---- up ----

export async function swarmUp(ctx: CliContext, g: GlobalOptions, o: PlatformOptions & { env?: string; keepOnFailure?: boolean; scale?: Record<string, number> }): Promise<void> {
  const t0 = Date.now();
  const spec = await loadSpec(ctx, g);
  const reporter = createReporter(ctx, g, Object.values(spec.services).map((s) => ({ name: s.name, dependsOn: Object.keys(s.depends_on) })), t0);
  // deploySwarm checks the file against what a swarm can do before it asks for a manager.
  const { connectEngine } = await import("../../engine/connect.js");
  const engine = await connectEngine({ host: o.engine ?? ctx.env.DOCKER_HOST, env: ctx.env, signal: ctx.signal });
  const { deploySwarm } = await import("../../swarm/deploy.js");
  let data: SwarmEnvironmentData;
  try {
    data = await deploySwarm(spec, {
      engine,
      env: ctx.env,
      inheritEnv: false,
      projectName: g.projectName,
      kind: o.env as EnvironmentKind | undefined,
      lifetime: "detached",
      scale: o.scale,
      timeoutMs: parseTimeout(g.timeout, 180_000),
      keepOnFailure: o.keepOnFailure,
      signal: ctx.signal,
      onEvent: reporter.onEvent,
    });
  } finally {
    reporter.finish();
  }
  const elapsedMs = Date.now() - t0;
  if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, elapsedMs, environment: data }));
  if (g.quiet) return ctx.out(data.project);
  const c = reporter.colors;
  const count = Object.keys(data.services).length;
  ctx.out(`${c.green("✔")} Environment ${c.bold(data.project)} is ready on the swarm at ${data.endpoint}: ${count} service${count === 1 ? "" : "s"} in ${(elapsedMs / 1000).toFixed(1)} s\n`);
  ctx.out(swarmTables(data));
  ctx.out(`\nRemove it with: berth down --on swarm${o.engine ? ` --engine ${o.engine}` : ""} ${data.project}`);
}

// ---- status ----

export function swarmTables(e: SwarmEnvironmentData, now = Date.now()): string {
  const services = table(
    ["SERVICE", "STATE", "TASKS", "IMAGE"],
    Object.values(e.services).map((s) => [s.name, s.state, `${s.running}/${s.desired}`, s.image]),
  );
  const tasks = table(
    ["TASK", "NODE", "NODE STATE", "STATE", "SINCE", "ADDRESS (TARGET PORT)"],
    Object.values(e.services).flatMap((s) => s.tasks.map((t) => [
      `${s.name}.${t.slot ?? "-"}`,
      t.node,
      t.nodeState,
      t.error ? `${t.state} (${t.error})` : t.state,
      age(t.since, now),
      t.ports.map((p) => `${p.address} (${p.target})`).join(", ") || "-",
    ])),
  );
  const updates = Object.values(e.services).filter((s) => s.update && s.update.state !== "completed").map((s) => `  ${s.name}: update ${s.update!.state}: ${s.update!.message}`);
  const nodes = table(["NODE", "ROLE", "STATE", "AVAILABILITY", "ADDRESS"], e.nodes.map((n) => [n.hostname, n.leader ? "manager (leader)" : n.role, n.state, n.availability, n.addr]));
  return [services, ...(updates.length ? ["", "Updates:", ...updates] : []), "", tasks, "", nodes].join("\n");
}

export async function swarmStatus(ctx: CliContext, g: GlobalOptions, o: PlatformOptions, project?: string): Promise<void> {
  const { swarm } = await swarmOf(ctx, o);
  const { listSwarmProjects, readSwarmEnvironment } = await import("../../swarm/status.js");
  const wanted = project ?? g.projectName;
  const names = wanted ? [wanted] : await listSwarmProjects(swarm, ctx.signal);
  const envs = (await Promise.all(names.map((n) => readSwarmEnvironment(swarm, n, ctx.signal)))).filter((e) => Object.keys(e.services).length > 0);
  if (wanted && envs.length === 0) throw notFound(wanted, await listSwarmProjects(swarm, ctx.signal), { where: `the swarm at ${swarm.endpoint}` });
  if (g.json) return ctx.out(JSON.stringify({ environments: envs }));
  if (envs.length === 0) return ctx.out(`No berth environments on the swarm at ${swarm.endpoint}.`);
  ctx.out(envs.map((e) => `${e.project}  (swarm at ${e.endpoint}, ${e.kind ?? "?"}, ${e.lifetime ?? "?"}, created ${e.createdAt ?? "?"})\n${swarmTables(e)}`).join("\n\n"));
}

// ---- down ----

export async function swarmDown(ctx: CliContext, g: GlobalOptions, o: PlatformOptions, project?: string): Promise<void> {
  const { swarm, project: target } = await swarmProject(ctx, g, o, project);
  const { removeSwarmProject } = await import("../../swarm/remove.js");
  const r = await removeSwarmProject(swarm, target, { signal: ctx.signal });
  if (r.failed.length) {
    throw new BerthError("ENGINE_ERROR", `could not remove everything of ${target}: ${r.failed.map((f) => `${f.item.kind} ${f.item.name}: ${f.error}`).join("; ")}`, {
      hint: `Run \`berth down --on swarm ${target}\` again in a moment (containers may still be stopping).`,
    });
  }
  const count = (k: string) => r.removed.filter((x) => x.kind === k).length;
  if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, released: [{ project: target, removed: r.removed.map((x) => ({ kind: x.kind, name: x.name })) }] }));
  const counted = (kind: string) => `${count(kind)} ${kind}${count(kind) === 1 ? "" : "s"}`;
  ctx.out(`Removed ${target} from the swarm: ${counted("service")}, ${counted("network")}, ${counted("secret")}, ${counted("config")}`);
}

// ---- logs ----

export async function swarmLogs(ctx: CliContext, g: GlobalOptions, o: PlatformOptions & { follow?: boolean; tail?: number; sinceMs?: number; timestamps?: boolean; prefix?: boolean }, services: string[]): Promise<void> {
  const { swarm, project } = await swarmProject(ctx, g, o);
  const { followSwarmLogs, readSwarmLogs } = await import("../../swarm/operations.js");
  const opts = { tail: o.tail, sinceMs: o.sinceMs, timestamps: o.timestamps, signal: ctx.signal };
  let width = 0;
  const print = (l: SwarmLogLine) => {
    width = Math.max(width, l.task.length);
    if (g.json) ctx.out(JSON.stringify(l));
    else ctx.out(`${o.prefix === false ? "" : `${l.task.padEnd(width)} | `}${l.time ? `${l.time} ` : ""}${l.text}`);
  };
  // Until Ctrl-C, which ends the follow (not an error).
  if (o.follow) return followSwarmLogs(swarm, project, services, print, opts);
  const lines = await readSwarmLogs(swarm, project, services, opts);
  width = Math.max(0, ...lines.map((l) => l.task.length));
  lines.forEach(print);
}

// ---- restart / wait ----

export async function swarmServiceOp(ctx: CliContext, g: GlobalOptions, o: PlatformOptions & { wait?: boolean }, op: string, services: string[]): Promise<void> {
  if (op !== "restart" && op !== "wait") {
    throw new BerthError("USAGE", `berth ${op} is not available on swarm: a swarm keeps every service at its replica count`, {
      hint: `Use \`berth up --on swarm -p NAME --scale SERVICE=0\` to stop a service's tasks and --scale SERVICE=N to bring them back.`,
    });
  }
  const { swarm, project } = await swarmProject(ctx, g, o);
  const ops = await import("../../swarm/operations.js");
  const t0 = Date.now();
  const opts = { deadline: Date.now() + parseTimeout(g.timeout, 180_000), signal: ctx.signal, wait: o.wait };
  const names = op === "restart" ? await ops.restartSwarmServices(swarm, project, services, opts) : await ops.waitSwarmServices(swarm, project, services, opts);
  const elapsedMs = Date.now() - t0;
  if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: op, services: names, elapsedMs }));
  if (g.quiet) return;
  ctx.out(`${op === "restart" ? "Restarted (rolling)" : "Ready"}: ${names.join(", ")} of ${project} in ${(elapsedMs / 1000).toFixed(1)} s`);
}

// ---- clean ----

export async function swarmClean(ctx: CliContext, g: GlobalOptions, o: PlatformOptions, options: { all?: boolean; olderThanMs?: number; dryRun?: boolean; filter?: Record<string, string>; signal?: AbortSignal }): Promise<void> {
  const { engine } = await swarmOf(ctx, o);
  const { cleanSwarmOrphans } = await import("../../swarm/cleanup.js");
  const r = await cleanSwarmOrphans(engine, options);
  if (r.failed.length) ctx.exitCode = 1;
  if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: r.failed.length === 0, dryRun: !!options.dryRun, removed: r.items, failed: r.failed }));
  const verb = options.dryRun ? "Would remove" : "Removed";
  for (const i of r.items) ctx.out(`${verb} ${i.kind} ${i.name} (environment ${i.project}: ${i.reason})`);
  for (const f of r.failed) ctx.err(`Could not remove ${f.item.kind} ${f.item.name}: ${f.error}`);
  if (r.items.length === 0 && r.failed.length === 0) ctx.out(options.dryRun ? "Nothing would be removed from the swarm." : "Nothing to clean on the swarm.");
}

// ---- update ----

export function registerUpdate(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("update")
    .description("rolling update of swarm services: a new image, or the services whose definition changed in the compose file; rolls back by itself when the new tasks never become healthy")
    .argument("[services...]", "services to update (default with -f: every service whose definition changed)")
    .option("--image <image>", "the new image (one service)")
    .option("--engine <url>", "the swarm manager, e.g. tcp://manager:2375; default DOCKER_HOST")
    .addHelpText("after", "\nOnly for environments on a swarm (`berth up --on swarm`). The swarm replaces tasks as the service's\n" +
      "deploy.update_config says (berth's default failure_action: rollback) and berth waits until the update has\nended: exit 0 when every task runs the new spec and is healthy, 1 when the swarm rolled back (the reason is printed).\n" +
      "\nExamples:\n  berth update --engine tcp://manager:2375 -p shop backend --image shop/backend:2\n  berth update -p shop -f compose.yml          # what changed in the file")
    .action(async (services: string[], o: { image?: string; engine?: string }) => {
      const g = globals();
      const { swarm, project } = await swarmProject(ctx, g, { on: "swarm", engine: o.engine });
      const deadline = Date.now() + parseTimeout(g.timeout, 180_000);
      const { changeSwarmService } = await import("../../swarm/update.js");
      const { changedServiceRequests } = await import("../../swarm/redeploy.js");
      let results;
      if (o.image) {
        if (services.length !== 1) throw new BerthError("USAGE", "--image needs exactly one service", { hint: "e.g. berth update -p shop backend --image shop/backend:2" });
        results = [await changeSwarmService(swarm, project, services[0]!, { image: o.image }, { deadline, signal: ctx.signal })];
      } else {
        const spec = await loadSpec(ctx, g);
        const changes = await changedServiceRequests(swarm, project, spec, services, { env: ctx.env, signal: ctx.signal });
        results = [];
        for (const c of changes) results.push(await changeSwarmService(swarm, project, c.service, { spec: c.request }, { deadline, signal: ctx.signal }));
      }
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, updated: results }));
      if (results.length === 0) return ctx.out(`Nothing changed in ${project}.`);
      for (const r of results) ctx.out(r.outcome === "unchanged" ? `${r.service}: already runs ${r.image}` : `${r.service}: updated${r.previousImage && r.previousImage !== r.image ? ` from ${r.previousImage}` : ""} to ${r.image} in ${(r.elapsedMs / 1000).toFixed(1)} s, all tasks healthy`);
    });
}
