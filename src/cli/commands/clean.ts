import { Option, type Command } from "commander";
import { reapOrphans } from "../../cleanup/orphans.js";
import { sweepStaleReaperFiles } from "../../cleanup/reaper.js";
import { parseDuration } from "../../compose/duration.js";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { addPlatformOptions, resolveTarget, type PlatformOptions } from "../targets/target.js";
import { collect } from "../repeatable.js";

interface CleanCliOptions extends PlatformOptions {
  all?: boolean;
  olderThan?: string;
  dryRun?: boolean;
  volumes?: boolean;
  label?: string[];
}

/** "1h", "30m", "2d", "1d12h"; "0" or "0s" means every environment created before now. */
export function parseAge(text: string): number {
  const days = /^(\d+)d(.*)$/.exec(text.trim());
  const ms = days ? Number(days[1]) * 86_400_000 + (days[2] ? (parseDuration(days[2]) ?? NaN) : 0) : (parseDuration(text) ?? NaN);
  if (!Number.isFinite(ms) || ms < 0)
    throw new BerthError("USAGE", `--older-than ${text}: not a duration`, {
      hint: "Use a number with a unit: 0s (every environment created before now), 30m, 1h, 2d or 1d12h.",
    });
  return ms;
}

function labelFilter(pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new BerthError("USAGE", `--label ${p}: expected key=value`, { hint: "e.g. --label ci.job=1234" });
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

export function registerClean(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  const cmd = program
    .command("clean")
    .description("remove berth's orphans: environments whose owner process died or whose time-to-live passed (never anything berth did not create)")
    .option("--all", "every berth environment of this user, orphan or not")
    .option("--older-than <age>", "also this user's environments created longer ago than <age> (e.g. 1h, 2d; 0s: all created before now)")
    .option("--dry-run", "list what would be removed, remove nothing")
    .option("-v, --volumes", "also remove named volumes (those of dead owners' test environments always go)")
    .addOption(new Option("--label <key=value>", "only resources that also carry this label (repeatable)").argParser(collect))
    .addHelpText(
      "after",
      "\nSelection is by berth's labels only (dev.berth.managed=true and the owner labels); names never matter.\n\nExamples:\n  berth clean --dry-run\n  berth clean --older-than 2h\n  berth clean --all -v\n  berth clean --on swarm --engine tcp://manager:2375   # services, overlay networks, secrets, configs",
    );
  addPlatformOptions(cmd).action(async (o: CleanCliOptions) => {
    const g = globals();
    const options = {
      all: o.all,
      olderThanMs: o.olderThan ? parseAge(o.olderThan) : undefined,
      volumes: o.volumes,
      dryRun: o.dryRun,
      filter: labelFilter(o.label),
      signal: ctx.signal,
    };
    const target = await resolveTarget(ctx, g, o);
    await target.clean(options);
  });
}

/**
 * Commands that reap themselves (up and run through acquire, clean) or never touch the engine.
 * doctor reports orphans instead of removing them; graph of a file needs no engine. `down` removes
 * environments by name and leaves orphans to the next `up` (every acquire sweeps first) or `clean`:
 * its own sweep (three listings of every berth resource on the engine) was measured at ~5% of ten
 * `down`s at once, the case where teardown time matters most (docs/benchmarks.md).
 */
const NO_REAP = new Set(["up", "acquire", "run", "down", "clean", "config", "version", "completion", "help", "serve", "doctor", "graph"]);

/**
 * Every other berth command first removes orphans of dead owners it finds: cheap (three list
 * calls) and silent; it never fails the command, whose own engine call reports an unreachable engine.
 */
export async function reapBeforeCommand(ctx: CliContext, command: string): Promise<void> {
  if (NO_REAP.has(command)) return;
  try {
    await reapOrphans(await ctx.engine(), { signal: ctx.signal });
    sweepStaleReaperFiles(ctx.env);
  } catch {
    // reported by the command itself
  }
}
