/** `berth snapshot save|restore|ls|rm` and `berth reset`: an environment's data, saved and put back (docs/snapshots.md). */
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { SnapshotInfo } from "../../snapshot/model.js";
import { parseTimeout, type CliContext, type GlobalOptions } from "../context.js";
import { table } from "../table.js";
import { targetProject } from "../target.js";

/** `[PROJECT] NAME`: with one argument it is the snapshot's name and the environment is -p, else the only one. */
async function projectAndName(ctx: CliContext, g: GlobalOptions, a: string, b: string | undefined) {
  const { engine, project } = await targetProject(ctx, g, b === undefined ? undefined : a);
  return { engine, project, name: b ?? a };
}

function report(ctx: CliContext, g: GlobalOptions, verb: string, s: SnapshotInfo | null, ms?: number): void {
  if (g.json) return ctx.out(JSON.stringify({ ok: true, action: verb, snapshot: s, ...(ms === undefined ? {} : { elapsedMs: ms }) }));
  if (!g.quiet && s) ctx.out(`${verb} snapshot ${s.name} of ${s.project} (${holds(s.sources)})${ms === undefined ? "" : ` in ${(ms / 1000).toFixed(2)} s`}`);
}

/** "2 volumes", or "1 volume, 1 path" when container paths were saved too (their sources are `path:…`, see snapshot/paths.ts). */
function holds(sources: string[]): string {
  const paths = sources.filter((k) => k.startsWith("path:")).length;
  const volumes = sources.length - paths;
  return `${volumes} volume${volumes === 1 ? "" : "s"}${paths ? `, ${paths} path${paths === 1 ? "" : "s"}` : ""}`;
}

export function registerSnapshot(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const snap = program
    .command("snapshot")
    .description("save an environment's data (named and anonymous volumes, chosen container paths) on the engine, put it back, list and remove snapshots")
    .addHelpText(
      "after",
      "\nSnapshots are volumes on the engine labelled dev.berth.snapshot; `down` and `clean` never remove them.\n" +
        "\nExamples:\n  berth snapshot save seeded            # the only environment running\n  berth snapshot save shop-1 seeded\n  berth snapshot save shop-1 seeded --path app:/srv/state\n  berth snapshot restore shop-1 seeded\n  berth snapshot ls\n  berth snapshot rm shop-1 seeded",
    );
  snap
    .command("save <project-or-name> [name]")
    .description("copy the environment's volumes into a snapshot (services holding them are stopped meanwhile, then waited for)")
    .option("--replace", "replace a snapshot of that name")
    .option(
      "--path <service:/path>",
      "also save this folder or file of the service's containers (outside their volumes); the service is stopped meanwhile (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(async (a: string, b: string | undefined, o: { replace?: boolean; path?: string[] }) => {
      const g = globals();
      const { engine, project, name } = await projectAndName(ctx, g, a, b);
      const { saveSnapshot } = await import("../../snapshot/save.js");
      const { parsePathOptions } = await import("../../snapshot/paths.js");
      const t0 = Date.now();
      const s = await saveSnapshot(engine, project, name, {
        replace: o.replace,
        ...(o.path ? { paths: parsePathOptions(o.path) } : {}),
        env: ctx.env,
        signal: ctx.signal,
        timeoutMs: parseTimeout(g.timeout, 180_000),
      });
      report(ctx, g, "saved", s, Date.now() - t0);
    });
  const restore = (verb: string) => async (a: string, b: string | undefined, o: { from?: string }) => {
    const g = globals();
    const { engine, project, name } = await projectAndName(ctx, g, a, b);
    const { restoreSnapshot } = await import("../../snapshot/restore.js");
    const t0 = Date.now();
    const s = await restoreSnapshot(engine, project, name, { from: o.from, env: ctx.env, signal: ctx.signal, timeoutMs: parseTimeout(g.timeout, 180_000) });
    report(ctx, g, verb, s, Date.now() - t0);
  };
  snap
    .command("restore <project-or-name> [name]")
    .description("put the snapshot's data back, exactly; its services and their dependants are ready again when it returns")
    .option("--from <project>", "a snapshot of another environment of the same file")
    .action(restore("restored"));
  snap
    .command("ls [project]")
    .description("list snapshots (of one environment)")
    .action(async (project: string | undefined) => {
      const g = globals();
      const { listSnapshots } = await import("../../snapshot/list.js");
      const list = await listSnapshots(await ctx.engine(), project, { signal: ctx.signal });
      if (g.json) return ctx.out(JSON.stringify({ snapshots: list }));
      if (g.quiet) return list.forEach((s) => ctx.out(`${s.project} ${s.name}`));
      ctx.out(
        list.length
          ? table(
              ["ENVIRONMENT", "SNAPSHOT", "CREATED", "DATA"],
              list.map((s) => [s.project, s.name, s.created, s.sources.join(", ")]),
            )
          : "no snapshots",
      );
    });
  snap
    .command("rm <project-or-name> [name]")
    .description("remove a snapshot (the environment need not exist any more)")
    .action(async (a: string, b: string | undefined) => {
      const g = globals();
      const engine = await ctx.engine();
      // The environment may be gone: a snapshot outlives it. Without PROJECT: -p, else the snapshot's only owner.
      const { listSnapshots, removeSnapshot } = await import("../../snapshot/list.js");
      const name = b ?? a;
      const candidates = [...new Set((await listSnapshots(engine, undefined, { signal: ctx.signal })).filter((s) => s.name === name).map((s) => s.project))];
      const project = b !== undefined ? a : (g.projectName ?? (candidates.length === 1 ? candidates[0]! : undefined));
      if (project === undefined) {
        throw new BerthError(
          candidates.length ? "USAGE" : "NOT_FOUND",
          candidates.length ? `${candidates.length} environments have a snapshot named ${name}` : `no snapshot named ${name}`,
          {
            hint: candidates.length
              ? `Name the environment: berth snapshot rm ENVIRONMENT ${name} (one of ${candidates.join(", ")}).`
              : "List snapshots with `berth snapshot ls`.",
          },
        );
      }
      report(ctx, g, "removed", await removeSnapshot(engine, project, name, { signal: ctx.signal }));
    });
  program
    .command("reset <project-or-name> [snapshot]")
    .description("put an environment's data back to a snapshot: the fast path between tests (as `snapshot restore`)")
    .addHelpText("after", "\nExamples:\n  berth reset seeded\n  berth reset shop-1 seeded --json")
    .action(restore("reset to"));
}
