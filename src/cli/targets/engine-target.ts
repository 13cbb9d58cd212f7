/** The commands' operations on one Docker engine (the default target): the lifecycle API, printed. */
import type { BerthEvent } from "../../events.js";
import type { CleanItem } from "../../cleanup/orphans.js";
import { BerthError } from "../../errors.js";
import type { EnvironmentKind } from "../../labels.js";
import type { LogLine } from "../../lifecycle/logs.js";
import { acquireWithProgress } from "../acquire-with-progress.js";
import { parseTimeout, type CliContext, type GlobalOptions } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { colorEnabled, makeColors } from "../progress/colors.js";
import { psLines } from "../ps-output.js";
import { poolsTable, servicesTable, summaryTable } from "../render.js";
import { notFound, requireProject, targetProject } from "../target.js";
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

const PAST: Record<ServiceOp, string> = { restart: "Restarted", stop: "Stopped", start: "Started", wait: "Ready" };

const REASON: Record<CleanItem["reason"], string> = {
  "owner-dead": "its owner process is gone",
  expired: "its time-to-live has passed",
  "older-than": "older than --older-than",
  all: "--all",
  "users-gone": "a shared environment whose every user process is gone",
  "half-made": "its `up` was killed with its reaper before the environment was complete",
};

const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function stopTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new BerthError("USAGE", `--stop-timeout ${text}: give whole seconds, e.g. 10`);
  return n;
}

export class EngineTarget implements Target {
  readonly platform = "engine";

  constructor(
    private readonly ctx: CliContext,
    private readonly g: GlobalOptions,
  ) {}

  async up(r: UpRequest): Promise<void> {
    const { ctx, g } = this;
    const [{ parseStrategy }, { parsePullOverride }] = await Promise.all([import("../../ports/strategy.js"), import("../../images/pull-policy.js")]);
    const ports = r.ports === undefined ? undefined : parseStrategy(r.ports, "test");
    const { env, reporter, elapsedMs } = await acquireWithProgress(ctx, g, {
      lifetime: "detached",
      kind: r.kind as EnvironmentKind | undefined,
      keepOnFailure: r.keepOnFailure,
      ports,
      scale: parseScale(r.scale),
      build: r.build,
      pull: parsePullOverride(r.pull),
      forceRecreate: r.forceRecreate,
      waitForCapacity: r.wait,
      services: r.services,
    });
    const data = env.toJSON();
    if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, elapsedMs, environment: data }));
    if (g.quiet) return ctx.out(data.project);
    const count = Object.keys(data.services).length;
    const c = reporter.colors;
    ctx.out(`${c.green("✔")} Environment ${c.bold(data.project)} is ready: ${count} service${count === 1 ? "" : "s"} in ${(elapsedMs / 1000).toFixed(1)} s\n`);
    ctx.out(summaryTable(data, reporter.model, c));
    ctx.out(`\nConnection variables: berth env -p ${data.project}\nRemove it with:       berth down ${data.project}`);
  }

  async down(r: DownRequest): Promise<void> {
    const { ctx, g } = this;
    const [{ releaseProject }, { listProjectNames }] = await Promise.all([import("../../lifecycle/release.js"), import("../../lifecycle/status.js")]);
    const engine = await ctx.engine();
    const named = r.project ?? g.projectName;
    const results = [];
    // An engine that stops answering mid-way is waited for (releaseRidingOut): say so.
    const onEvent = (e: BerthEvent) => (e.type === "warning" ? ctx.err(`berth: ${e.message}`) : undefined);
    if (named && !r.all) {
      // One listing serves both: what to remove, and whether there is anything by that name.
      const released = await releaseProject(engine, named, {
        volumes: r.volumes,
        stopTimeoutSec: r.stopTimeoutSec,
        ifExists: true,
        signal: ctx.signal,
        onEvent,
      });
      if (released.containers.length === 0 && released.networks.length === 0 && released.volumes.length === 0) {
        const names = await listProjectNames(engine, ctx.signal);
        throw notFound(named, names, r.volumes ? {} : { extraHint: "Named volumes of an environment already down go with `berth down -v NAME`." });
      }
      results.push(released);
    } else {
      const names = await listProjectNames(engine, ctx.signal);
      const targets = r.all ? names : [requireProject(undefined, names)];
      for (const t of targets)
        results.push(await releaseProject(engine, t, { volumes: r.volumes, stopTimeoutSec: r.stopTimeoutSec, signal: ctx.signal, onEvent }));
    }
    if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, released: results }));
    for (const x of results) {
      ctx.out(
        `Removed ${x.project}: ${counted(x.containers.length, "container")}, ${counted(x.networks.length, "network")}${r.volumes ? `, ${counted(x.volumes.length, "volume")}` : ""}`,
      );
    }
    if (results.length === 0) ctx.out("Nothing to remove.");
  }

  async status(r: StatusRequest): Promise<void> {
    const { ctx, g } = this;
    const { addUsage, listEnvironments, listProjectNames } = await import("../../lifecycle/status.js");
    const engine = await ctx.engine();
    const wanted = r.project ?? g.projectName;
    const envs = await listEnvironments(engine, { project: wanted, signal: ctx.signal, probe: r.probe === true });
    // A named environment that does not exist is an error, as for `down` (exit 1), not an empty list.
    if (wanted && envs.length === 0) throw notFound(wanted, await listProjectNames(engine, ctx.signal));
    // -q, --services, --format json (docker compose ps's forms): no CPU or memory in them.
    const lines = g.json ? undefined : psLines(envs, { quiet: g.quiet, servicesOnly: r.servicesOnly, format: r.format });
    if (lines) return lines.forEach((l) => ctx.out(l));
    // Pools (from their labels) only in the overview, not for one named environment.
    const pools = wanted ? [] : await (await import("../../pool/status.js")).listPools(engine, { signal: ctx.signal });
    if (r.stats) await addUsage(engine, envs, { signal: ctx.signal });
    if (g.json) return ctx.out(JSON.stringify({ environments: envs, ...(wanted ? {} : { pools }) }));
    if (envs.length === 0) return ctx.out("No berth environments.");
    ctx.out(envs.map((e) => `${e.project}  (${e.kind}, ${e.lifetime}, created ${e.createdAt})\n${servicesTable(e)}`).join("\n\n"));
    if (pools.length) ctx.out(`\nPools\n${poolsTable(pools)}`);
  }

  async logs(r: LogsRequest): Promise<void> {
    const { ctx, g } = this;
    const { engine, project } = await targetProject(ctx, g);
    const { readLogs, followLogs } = await import("../../lifecycle/logs.js");
    const colors = makeColors(colorEnabled(ctx.env, process.stdout.isTTY === true, g.color));
    const palette = [colors.cyan, colors.yellow, colors.green, colors.bold];
    const names = new Map<string, number>();
    const print = (l: LogLine) => {
      if (g.json) return ctx.out(JSON.stringify(l));
      const width = Math.max(...[...names.keys()].map((n) => n.length));
      const color = palette[names.get(l.container) ?? 0]!;
      const head = r.prefix === false ? "" : `${color(l.container.padEnd(width))} | `;
      ctx.out(`${head}${l.time ? `${l.time} ` : ""}${l.text}`);
    };
    const opts = { services: r.services, tail: r.tail, sinceMs: sinceMs(r.since), timestamps: r.timestamps, signal: ctx.signal };
    const { projectContainers } = await import("../../lifecycle/operations.js");
    (await projectContainers(engine, project, opts)).forEach((c, i) => names.set(c.name, i % palette.length));
    if (r.follow) return followLogs(engine, project, print, opts);
    for (const l of await readLogs(engine, project, opts)) print(l);
  }

  async serviceOp(op: ServiceOp, r: ServiceOpRequest): Promise<void> {
    const { ctx, g } = this;
    const { engine, project } = await targetProject(ctx, g);
    const ops = await import("../../lifecycle/operations.js");
    const base = {
      services: r.services,
      signal: ctx.signal,
      timeoutMs: parseTimeout(g.timeout, DEFAULT_READY_TIMEOUT_MS),
      stopTimeoutSec: stopTimeout(r.stopTimeout),
      wait: r.wait,
    };
    const t0 = Date.now();
    const containers =
      op === "wait"
        ? Object.keys(await ops.waitForServices(engine, project, base))
        : await { restart: ops.restartServices, stop: ops.stopServices, start: ops.startServices }[op](engine, project, base);
    const elapsedMs = Date.now() - t0;
    if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: op, containers: containers.sort(), elapsedMs }));
    if (g.quiet) return;
    ctx.out(
      `${PAST[op]} ${containers.length} container${containers.length === 1 ? "" : "s"} of ${project} in ${(elapsedMs / 1000).toFixed(1)} s: ${containers.sort().join(", ")}`,
    );
  }

  async clean(r: CleanRequest): Promise<void> {
    const { ctx, g } = this;
    const [{ cleanOrphans }, { sweepStaleReaperFiles }, { acquireLock }] = await Promise.all([
      import("../../cleanup/orphans.js"),
      import("../../cleanup/reaper.js"),
      import("../../locks/file-lock.js"),
    ]);
    const engine = await ctx.engine();
    await using _lock = r.dryRun ? undefined : await acquireLock("cleanup", { env: ctx.env, signal: ctx.signal, timeoutMs: 30_000, command: "berth clean" });
    const result = await cleanOrphans(engine, r);
    if (!r.dryRun) sweepStaleReaperFiles(ctx.env);
    if (result.failed.length) ctx.exitCode = EXIT.failure;
    if (g.json)
      return ctx.out(JSON.stringify({ type: "result", ok: result.failed.length === 0, dryRun: !!r.dryRun, removed: result.items, failed: result.failed }));
    const verb = r.dryRun ? "Would remove" : "Removed";
    for (const i of result.items) ctx.out(`${verb} ${i.kind} ${i.name} (environment ${i.project}: ${REASON[i.reason]})`);
    for (const f of result.failed) ctx.err(`Could not remove ${f.item.kind} ${f.item.name}: ${f.error}`);
    if (result.items.length === 0 && result.failed.length === 0) ctx.out(r.dryRun ? "Nothing would be removed." : "Nothing to clean.");
  }
}
