import type { Command } from "commander";
import type { ConnectivityCheck, FailureCause } from "../../diagnostics/connectivity/model.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { table } from "../table.js";
import { targetProject } from "../target.js";

const CAUSE: Record<FailureCause, string> = {
  "no-dns": "no DNS",
  refused: "refused",
  timeout: "timeout",
  unreachable: "unreachable",
  "wrong-network": "wrong network",
  "not-running": "not running",
  "no-tool": "no tool",
  closed: "closed",
  error: "error",
};

function result(c: ConnectivityCheck): string {
  return c.cause && c.status !== "PASS" ? `${c.status} (${CAUSE[c.cause]})` : c.status;
}

export function registerValidate(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("validate [project]")
    .description(
      "check a running environment's connectivity: from inside, each service resolves and reaches the services it depends on; from the host, every published port answers",
    )
    .addHelpText(
      "after",
      "\nFrom inside: in each dependant's container, the dependency's name is resolved (getent or\n" +
        "nslookup) and each of its declared container ports (expose/ports, the image's EXPOSE) is\n" +
        "connected to (bash /dev/tcp or nc). From the host: each published port on 127.0.0.1.\n" +
        "Failures say why: no DNS, refused, timeout, wrong network (no network in common), not running.\n" +
        "SKIP: the image has no tool to test with. Exit code 1 when any check fails.\n" +
        "\nExamples:\n  berth validate\n  berth validate berth-test-20261124020512-a1b2c3\n  berth validate -p shop --json",
    )
    .action(async (project: string | undefined) => {
      const g = globals();
      const { engine, project: name } = await targetProject(ctx, g, project);
      const { validateConnectivity } = await import("../../diagnostics/connectivity/validate.js");
      const report = await validateConnectivity(engine, name, { signal: ctx.signal });
      if (report.failed > 0) ctx.exitCode = EXIT.failure;
      if (g.json) return ctx.out(JSON.stringify(report));
      const summary = `${report.checks.length} checks: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`;
      if (g.quiet) return ctx.out(summary);
      if (report.checks.length === 0) return ctx.out(`Environment ${name}: nothing to check (no dependencies and no published ports).`);
      const replicas = new Set(report.checks.filter((c) => c.fromContainer !== "host").map((c) => `${c.from} ${c.fromContainer}`));
      const manyFrom = (svc: string) => [...replicas].filter((r) => r.startsWith(`${svc} `)).length > 1;
      const rows = report.checks.map((c) => [manyFrom(c.from) ? c.fromContainer : c.from, c.to, c.check, result(c), c.detail]);
      ctx.out(`Environment ${name}\n\n${table(["FROM", "TO", "CHECK", "RESULT", "DETAIL"], rows)}\n\n${summary}`);
    });
}
