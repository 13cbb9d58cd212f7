/** Turns any error into the paragraph a user reads: what happened, where, what to do. */
import { BerthError, formatProblem } from "../errors.js";

function indent(text: string, prefix = "    "): string {
  return text.trimEnd().split("\n").map((l) => prefix + l).join("\n");
}

export function formatError(error: unknown): string {
  if (!(error instanceof BerthError)) {
    return `berth: unexpected error: ${(error as Error)?.stack ?? String(error)}`;
  }
  // The message may already list the problems (for API users); the CLI prints them once, here.
  const lines = [`berth: ${error.problems.length ? error.message.split("\n")[0]!.replace(/:$/, "") : error.message}`];
  for (const p of error.problems) lines.push(`  ${formatProblem(p)}`);
  const d = error.details;
  if (d.exitCode !== undefined && d.status) lines.push(`  container state: ${d.status}, exit code ${d.exitCode}${d.oomKilled ? ", OOM-killed" : ""}, restarts ${d.restartCount ?? 0}`);
  // Every probe of the rule with its latest result: with `any`/`all` rules the newest run alone can mislead.
  const probes = d.probes as { probe: string; ok: boolean; exitCode?: number; output: string }[] | undefined;
  const probe = d.lastProbe as { exitCode: number; output: string } | undefined;
  if (probes && probes.length > 1) {
    lines.push("  latest result of each probe berth ran:");
    for (const p of probes) lines.push(`    ${p.ok ? "pass" : "FAIL"}  ${p.probe}${p.exitCode !== undefined ? ` (exit/status ${p.exitCode})` : ""}${p.output ? `:\n${indent(p.output, "          ")}` : ""}`);
  } else if (probe) lines.push(`  last probe run by berth: exit ${probe.exitCode}${probe.output ? `:\n${indent(probe.output)}` : ""}`);
  const hlog = d.healthLog as { exitCode: number; output: string }[] | undefined;
  if (hlog?.length) lines.push(`  engine healthcheck log (last ${hlog.length}):\n${hlog.map((h) => indent(`exit ${h.exitCode}: ${h.output}`)).join("\n")}`);
  const blocked = d.blockedDependants as string[] | undefined;
  if (blocked?.length) lines.push(`  blocked dependants: ${blocked.join(", ")}`);
  // Hints refer to these lines ("shown with this error"): say so when there were none.
  const tail = d.logTail as string | undefined;
  if (tail?.trim()) lines.push(`  last log lines:\n${indent(tail)}`);
  else if (tail !== undefined) lines.push("  last log lines: (none: it wrote nothing)");
  if (error.hint && !(error.problems.length === 1 && error.problems[0]!.hint === error.hint)) lines.push(`  hint: ${error.hint}`);
  return lines.join("\n");
}

/** The same, as JSON for --json. */
export function errorJson(error: unknown): Record<string, unknown> {
  if (!(error instanceof BerthError)) return { code: "INTERNAL", message: String((error as Error)?.message ?? error) };
  return { code: error.code, message: error.message, hint: error.hint, problems: error.problems, details: error.details };
}
