import type { Command } from "commander";
import type { ContainerFacts, Finding } from "../../diagnostics/troubleshoot/facts.js";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { serviceList, targetProject } from "../target.js";

const MiB = 1024 * 1024;

/** A container needs attention when it failed, is unhealthy, or exited with a non-zero code. */
function troubled(f: ContainerFacts, findings: Finding[]): boolean {
  return findings.length > 0 || f.state === "UNHEALTHY" || f.state === "FAILED" || (!f.running && f.exitCode !== 0);
}

function stateLine(f: ContainerFacts): string {
  const parts = [`${f.state} (engine: ${f.status}${f.running ? "" : `, exit code ${f.exitCode}`})`];
  if (f.oomKilled) parts.push("OOM-killed");
  parts.push(`restarts ${f.restartCount}`);
  if (f.memoryLimitBytes) parts.push(`memory limit ${Math.round(f.memoryLimitBytes / MiB)} MiB`);
  if (f.usage) parts.push(`using ${(f.usage.memoryBytes / MiB).toFixed(1)} MiB, ${f.usage.cpuPercent.toFixed(1)}% CPU`);
  return parts.join(", ");
}

function renderContainer(f: ContainerFacts, findings: Finding[], lines: number): string {
  const out = [`${f.service} (${f.container}): ${stateLine(f)}`];
  if (f.startError) out.push(`  start error: ${f.startError}`);
  const last = f.healthLog.at(-1);
  if (f.health !== "none" || last) {
    out.push(
      `  health: ${f.health}${last ? `; last check exit ${last.exitCode}${last.output.trim() ? `: ${last.output.trim().split("\n").at(-1)!.slice(0, 200)}` : ""}` : ""}`,
    );
  }
  if (findings.length === 0) out.push(troubled(f, findings) ? "  no known failure pattern matched; read the log lines below." : "  no problem found.");
  for (const x of findings) {
    out.push(`  ✖ ${x.title}`, `    cause: ${x.cause}`, `    fix:   ${x.fix}`, `    seen:  ${x.evidence}`);
  }
  if (lines > 0 && f.logLines.length && troubled(f, findings)) {
    out.push(`  last ${Math.min(lines, f.logLines.length)} log lines:`, ...f.logLines.slice(-lines).map((l) => `    | ${l}`));
  }
  return out.join("\n");
}

export function registerTroubleshoot(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("troubleshoot [services...]")
    .description(
      "explain why services of a running environment fail: state, exit code, OOM, restarts, health log, last logs and usage, matched against known failure patterns with a cause and a fix",
    )
    .option("--lines <n>", "log lines to show per failing container (default 20; --json has the last 50)", "20")
    .addHelpText(
      "after",
      "\nRecognised: out of memory, executable not found (exit 127), health check command not found,\n" +
        "address already in use, database not initialised (database/role/relation does not exist),\n" +
        "missing environment variable, host name not resolving, connection refused (naming the\n" +
        "dependency), permission denied (on a volume or bind mount).\n" +
        "Keep a failing environment for it with `berth up --keep-on-failure`.\n" +
        "Exit code 1 when a container failed, is unhealthy or matched a pattern; 0 when all is well.\n" +
        "\nExamples:\n  berth up -f compose.yml --keep-on-failure -p dbg; berth troubleshoot -p dbg\n  berth troubleshoot backend\n  berth troubleshoot -p shop --json",
    )
    .action(async (services: string[], o: { lines: string }) => {
      const g = globals();
      const lines = Number(o.lines);
      if (!Number.isInteger(lines) || lines < 0) throw new BerthError("USAGE", `--lines ${o.lines}: expected a whole number`, { hint: "e.g. --lines 50" });
      const { engine, project } = await targetProject(ctx, g);
      const [{ diagnose }, { gatherFacts }] = await Promise.all([
        import("../../diagnostics/troubleshoot/match.js"),
        import("../../diagnostics/troubleshoot/gather.js"),
      ]);
      const { containers, environment } = await gatherFacts(engine, project, { services: serviceList(services), signal: ctx.signal });
      const results = containers.map((f) => ({ facts: f, findings: diagnose(f, environment) }));
      if (results.some((r) => troubled(r.facts, r.findings))) ctx.exitCode = EXIT.failure;
      if (g.json) {
        return ctx.out(
          JSON.stringify({ project, containers: results.map((r) => ({ ...r.facts, troubled: troubled(r.facts, r.findings), findings: r.findings })) }),
        );
      }
      const bad = results.filter((r) => troubled(r.facts, r.findings)).length;
      ctx.out(`Environment ${project}: ${results.length} container${results.length === 1 ? "" : "s"}, ${bad ? `${bad} with problems` : "no problems found"}\n`);
      ctx.out(results.map((r) => renderContainer(r.facts, r.findings, lines)).join("\n\n"));
    });
}
