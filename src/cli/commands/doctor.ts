import type { Command } from "commander";
import type { ProjectSpec } from "../../compose/model.js";
import type { DoctorCheck } from "../../diagnostics/doctor/check.js";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { colorEnabled, makeColors } from "../progress/colors.js";
import { loadSpec } from "../target.js";

/**
 * The compose project whose images to check: -f must load (a bad -f is a usage error); a file
 * found in this folder that does not load is reported as a failed check instead.
 */
async function projectToCheck(ctx: CliContext, g: GlobalOptions): Promise<{ spec?: ProjectSpec; problem?: DoctorCheck }> {
  try {
    return { spec: await loadSpec(ctx, g) };
  } catch (error) {
    if (g.file?.length || !(error instanceof BerthError)) throw error;
    if (error.code === "COMPOSE_NOT_FOUND") return {};
    return {
      problem: {
        name: "compose file",
        status: "FAIL",
        detail: error.message,
        fix: error.hint ?? "Run `berth config` to see every problem with its file and line.",
      },
    };
  }
}

export function registerDoctor(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("doctor")
    .description(
      "check that this machine and its Docker engine can run berth environments: engine, storage, cgroups, memory, disk, address pools, ports, images, orphans, stale networks, locks",
    )
    .addHelpText(
      "after",
      "\nEach check is PASS, WARN or FAIL, with a one-line fix. The images the compose file needs are\n" +
        "checked when one is given with -f or found in this folder. Exit code 1 when any check FAILs,\n" +
        "3 when the engine does not answer (the checks of the host itself still run).\n" +
        "\nExamples:\n  berth doctor\n  berth doctor -f examples/shop/compose.yml\n  berth doctor --json | jq '.checks[] | select(.status != \"PASS\")'",
    )
    .action(async () => {
      const g = globals();
      const { spec, problem } = await projectToCheck(ctx, g);
      const { runDoctor } = await import("../../diagnostics/doctor/run-doctor.js");
      const report = await runDoctor({ connect: () => ctx.engine(), env: ctx.env, spec, signal: ctx.signal });
      const checks = problem ? [...report.checks, problem] : report.checks;
      // 3 for an engine that does not answer, as every other command exits: scripts can tell it apart.
      if (checks.some((c) => c.status === "FAIL")) ctx.exitCode = report.engineReachable ? EXIT.failure : EXIT.engine;
      if (g.json) return ctx.out(JSON.stringify({ checks: checks.map((c) => ({ name: c.name, status: c.status, detail: c.detail, fix: c.fix ?? null })) }));
      const c = makeColors(colorEnabled(ctx.env, process.stdout.isTTY === true, g.color));
      const paint = { PASS: c.green, WARN: c.yellow, FAIL: c.red };
      const width = Math.max(...checks.map((x) => x.name.length));
      const lines = checks
        .filter((x) => !g.quiet || x.status !== "PASS")
        .flatMap((x) => [
          `${paint[x.status](x.status)}  ${x.name.padEnd(width)}  ${x.detail}`,
          ...(x.fix ? [`      ${" ".repeat(width)}  ${c.dim(`fix: ${x.fix}`)}`] : []),
        ]);
      const count = (s: DoctorCheck["status"]) => checks.filter((x) => x.status === s).length;
      ctx.out(
        `${lines.join("\n")}${lines.length ? "\n\n" : ""}${checks.length} checks: ${count("PASS")} passed, ${count("WARN")} warnings, ${count("FAIL")} failed`,
      );
    });
}
