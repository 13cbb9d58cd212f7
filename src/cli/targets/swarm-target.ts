/**
 * The commands' operations on a swarm manager (`--on swarm`, `--engine URL`): where the manager
 * is, what to act on, and how the results look. What a swarm cannot do is refused here, with
 * what to do instead.
 */
import { BerthError } from "../../errors.js";
import type { Engine } from "../../engine/engine.js";
import type { Swarm } from "../../engine/swarm.js";
import type { EnvironmentKind } from "../../labels.js";
import type { SwarmLogLine } from "../../swarm/operations.js";
import type { SwarmEnvironmentData } from "../../swarm/status.js";
import { parseTimeout, type CliContext, type GlobalOptions } from "../context.js";
import { createReporter } from "../progress/reporter.js";
import { age } from "../render.js";
import { table } from "../table.js";
import { loadSpec, notFound, requireProject } from "../target.js";
import {
  parseScale,
  sinceMs,
  type CleanRequest,
  type DownRequest,
  type LogsRequest,
  type ServiceOp,
  type ServiceOpRequest,
  type StatusRequest,
  type Target,
  type UpRequest,
} from "./target.js";
import { DEFAULT_READY_TIMEOUT_MS } from "../../lifecycle/timeouts.js";

export async function swarmOf(ctx: CliContext, host: string | undefined): Promise<{ engine: Engine; swarm: Swarm }> {
  const { connectSwarm } = await import("../../swarm/connect.js");
  return connectSwarm({ host, env: ctx.env, signal: ctx.signal });
}

/** The environment a command acts on: -p NAME, else the only one on the swarm; it must exist. */
export async function swarmProject(
  ctx: CliContext,
  g: GlobalOptions,
  host: string | undefined,
  explicit?: string,
): Promise<{ swarm: Swarm; engine: Engine; project: string }> {
  const { engine, swarm } = await swarmOf(ctx, host);
  const { listSwarmProjects } = await import("../../swarm/status.js");
  const names = await listSwarmProjects(swarm, ctx.signal);
  const project = requireProject(explicit ?? g.projectName, names);
  if (!names.includes(project)) throw notFound(project, names, { where: `the swarm at ${swarm.endpoint}` });
  return { engine, swarm, project };
}

export function swarmTables(e: SwarmEnvironmentData, now = Date.now()): string {
  const services = table(
    ["SERVICE", "STATE", "TASKS", "IMAGE"],
    Object.values(e.services).map((s) => [s.name, s.state, `${s.running}/${s.desired}`, s.image]),
  );
  const tasks = table(
    ["TASK", "NODE", "NODE STATE", "STATE", "SINCE", "ADDRESS (TARGET PORT)"],
    Object.values(e.services).flatMap((s) =>
      s.tasks.map((t) => [
        `${s.name}.${t.slot ?? "-"}`,
        t.node,
        t.nodeState,
        t.error ? `${t.state} (${t.error})` : t.state,
        age(t.since, now),
        t.ports.map((p) => `${p.address} (${p.target})`).join(", ") || "-",
      ]),
    ),
  );
  const updates = Object.values(e.services)
    .filter((s) => s.update && s.update.state !== "completed")
    .map((s) => `  ${s.name}: update ${s.update!.state}: ${s.update!.message}`);
  const nodes = table(
    ["NODE", "ROLE", "STATE", "AVAILABILITY", "ADDRESS"],
    e.nodes.map((n) => [n.hostname, n.leader ? "manager (leader)" : n.role, n.state, n.availability, n.addr]),
  );
  return [services, ...(updates.length ? ["", "Updates:", ...updates] : []), "", tasks, "", nodes].join("\n");
}

export class SwarmTarget implements Target {
  readonly platform = "swarm";

  /** `host`: --engine, else DOCKER_HOST. */
  constructor(
    private readonly ctx: CliContext,
    private readonly g: GlobalOptions,
    private readonly host: string | undefined,
  ) {}

  async up(r: UpRequest): Promise<void> {
    const { ctx, g } = this;
    if (r.ports !== undefined || r.build || r.pull !== undefined)
      throw new BerthError("USAGE", `${r.ports !== undefined ? "--ports" : r.build ? "--build" : "--pull"} does not apply to --on swarm`, {
        hint: "On swarm, ports are published in host mode on each task's node (a free port unless the file fixes one), and images must already exist on every node.",
      });
    if (r.services.length)
      throw new BerthError("USAGE", "up SERVICE… does not apply to --on swarm", {
        hint: "Deploy the whole file on swarm, or leave the other services out of it (profiles).",
      });
    const scale = parseScale(r.scale);
    const t0 = Date.now();
    const spec = await loadSpec(ctx, g);
    const reporter = createReporter(
      ctx,
      g,
      Object.values(spec.services).map((s) => ({ name: s.name, dependsOn: Object.keys(s.depends_on) })),
      t0,
    );
    // deploySwarm checks the file against what a swarm can do before it asks for a manager.
    const { connectEngine } = await import("../../engine/connect.js");
    const engine = await connectEngine({ host: this.host ?? ctx.env.DOCKER_HOST, env: ctx.env, signal: ctx.signal });
    const { deploySwarm } = await import("../../swarm/deploy.js");
    let data: SwarmEnvironmentData;
    try {
      data = await deploySwarm(spec, {
        engine,
        env: ctx.env,
        inheritEnv: false,
        projectName: g.projectName,
        kind: r.kind as EnvironmentKind | undefined,
        lifetime: "detached",
        scale,
        timeoutMs: parseTimeout(g.timeout, DEFAULT_READY_TIMEOUT_MS),
        keepOnFailure: r.keepOnFailure,
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
    ctx.out(
      `${c.green("✔")} Environment ${c.bold(data.project)} is ready on the swarm at ${data.endpoint}: ${count} service${count === 1 ? "" : "s"} in ${(elapsedMs / 1000).toFixed(1)} s\n`,
    );
    ctx.out(swarmTables(data));
    ctx.out(`\nRemove it with: berth down --on swarm${this.host ? ` --engine ${this.host}` : ""} ${data.project}`);
  }

  async down(r: DownRequest): Promise<void> {
    const { ctx, g } = this;
    if (r.all || r.volumes || r.stopTimeoutSec !== undefined)
      throw new BerthError("USAGE", `${r.all ? "--all" : r.volumes ? "-v" : "-t/--timeout"} is not available with --on swarm`, {
        hint: "Name the environment; berth creates no named volumes on swarm.",
      });
    const { swarm, project: target } = await swarmProject(ctx, g, this.host, r.project);
    const { removeSwarmProject } = await import("../../swarm/remove.js");
    const removal = await removeSwarmProject(swarm, target, { signal: ctx.signal });
    if (removal.failed.length) {
      throw new BerthError(
        "ENGINE_ERROR",
        `could not remove everything of ${target}: ${removal.failed.map((f) => `${f.item.kind} ${f.item.name}: ${f.error}`).join("; ")}`,
        {
          hint: `Run \`berth down --on swarm ${target}\` again in a moment (containers may still be stopping).`,
        },
      );
    }
    const count = (k: string) => removal.removed.filter((x) => x.kind === k).length;
    if (g.json)
      return ctx.out(
        JSON.stringify({ type: "result", ok: true, released: [{ project: target, removed: removal.removed.map((x) => ({ kind: x.kind, name: x.name })) }] }),
      );
    const counted = (kind: string) => `${count(kind)} ${kind}${count(kind) === 1 ? "" : "s"}`;
    ctx.out(`Removed ${target} from the swarm: ${counted("service")}, ${counted("network")}, ${counted("secret")}, ${counted("config")}`);
  }

  async status(r: StatusRequest): Promise<void> {
    const { ctx, g } = this;
    if (r.format === "json" || r.servicesOnly)
      throw new BerthError("USAGE", `${r.servicesOnly ? "--services" : "--format json"} is not available with --on swarm`);
    const { swarm } = await swarmOf(ctx, this.host);
    const { listSwarmProjects, readSwarmEnvironment } = await import("../../swarm/status.js");
    const wanted = r.project ?? g.projectName;
    const names = wanted ? [wanted] : await listSwarmProjects(swarm, ctx.signal);
    const envs = (await Promise.all(names.map((n) => readSwarmEnvironment(swarm, n, ctx.signal)))).filter((e) => Object.keys(e.services).length > 0);
    if (wanted && envs.length === 0) throw notFound(wanted, await listSwarmProjects(swarm, ctx.signal), { where: `the swarm at ${swarm.endpoint}` });
    if (g.json) return ctx.out(JSON.stringify({ environments: envs }));
    if (envs.length === 0) return ctx.out(`No berth environments on the swarm at ${swarm.endpoint}.`);
    ctx.out(
      envs
        .map((e) => `${e.project}  (swarm at ${e.endpoint}, ${e.kind ?? "?"}, ${e.lifetime ?? "?"}, created ${e.createdAt ?? "?"})\n${swarmTables(e)}`)
        .join("\n\n"),
    );
  }

  async logs(r: LogsRequest): Promise<void> {
    const { ctx, g } = this;
    const opts = { tail: r.tail, sinceMs: sinceMs(r.since), timestamps: r.timestamps, signal: ctx.signal };
    const { swarm, project } = await swarmProject(ctx, g, this.host);
    const { followSwarmLogs, readSwarmLogs } = await import("../../swarm/operations.js");
    let width = 0;
    const print = (l: SwarmLogLine) => {
      width = Math.max(width, l.task.length);
      if (g.json) ctx.out(JSON.stringify(l));
      else ctx.out(`${r.prefix === false ? "" : `${l.task.padEnd(width)} | `}${l.time ? `${l.time} ` : ""}${l.text}`);
    };
    // Until Ctrl-C, which ends the follow (not an error).
    if (r.follow) return followSwarmLogs(swarm, project, r.services, print, opts);
    const lines = await readSwarmLogs(swarm, project, r.services, opts);
    width = Math.max(0, ...lines.map((l) => l.task.length));
    lines.forEach(print);
  }

  /** restart and wait; a swarm keeps every service at its replica count, so there is no stop or start. */
  async serviceOp(op: ServiceOp, r: ServiceOpRequest): Promise<void> {
    const { ctx, g } = this;
    if (op !== "restart" && op !== "wait") {
      throw new BerthError("USAGE", `berth ${op} is not available on swarm: a swarm keeps every service at its replica count`, {
        hint: `Use \`berth up --on swarm -p NAME --scale SERVICE=0\` to stop a service's tasks and --scale SERVICE=N to bring them back.`,
      });
    }
    const { swarm, project } = await swarmProject(ctx, g, this.host);
    const ops = await import("../../swarm/operations.js");
    const t0 = Date.now();
    const opts = { deadline: Date.now() + parseTimeout(g.timeout, DEFAULT_READY_TIMEOUT_MS), signal: ctx.signal, wait: r.wait };
    const names =
      op === "restart" ? await ops.restartSwarmServices(swarm, project, r.services, opts) : await ops.waitSwarmServices(swarm, project, r.services, opts);
    const elapsedMs = Date.now() - t0;
    if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: op, services: names, elapsedMs }));
    if (g.quiet) return;
    ctx.out(`${op === "restart" ? "Restarted (rolling)" : "Ready"}: ${names.join(", ")} of ${project} in ${(elapsedMs / 1000).toFixed(1)} s`);
  }

  async clean(r: CleanRequest): Promise<void> {
    const { ctx, g } = this;
    const { engine } = await swarmOf(ctx, this.host);
    const { cleanSwarmOrphans } = await import("../../swarm/cleanup.js");
    const result = await cleanSwarmOrphans(engine, r);
    if (result.failed.length) ctx.exitCode = 1;
    if (g.json)
      return ctx.out(JSON.stringify({ type: "result", ok: result.failed.length === 0, dryRun: !!r.dryRun, removed: result.items, failed: result.failed }));
    const verb = r.dryRun ? "Would remove" : "Removed";
    for (const i of result.items) ctx.out(`${verb} ${i.kind} ${i.name} (environment ${i.project}: ${i.reason})`);
    for (const f of result.failed) ctx.err(`Could not remove ${f.item.kind} ${f.item.name}: ${f.error}`);
    if (result.items.length === 0 && result.failed.length === 0)
      ctx.out(r.dryRun ? "Nothing would be removed from the swarm." : "Nothing to clean on the swarm.");
  }
}
