/**
 * Turns any error into the paragraph a user reads: what happened, where, what to do. berth's own
 * bugs (not a BerthError, or INTERNAL) are said to be berth's, with their stack and where to report them.
 */
import { BerthError, describeError, isBerthBug, isBerthError, REPORT_BUG_HINT } from "../errors.js";

function indent(text: string, prefix = "    "): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}

export function formatError(error: unknown): string {
  if (isBerthBug(error)) return formatBug(error);
  return `berth: ${describeError(error, detailLines(error as BerthError))}`;
}

/** What a failed or unready service's details add: its container's state, the probes, the log tail. */
function detailLines(error: BerthError): string[] {
  const lines: string[] = [];
  const d = error.details;
  if (isBerthError(error, "SERVICE_FAILED", "HEALTH_TIMEOUT")) {
    const r = error.details;
    if (r.exitCode !== undefined && r.status)
      lines.push(`  container state: ${r.status}, exit code ${r.exitCode}${r.oomKilled ? ", OOM-killed" : ""}, restarts ${r.restartCount ?? 0}`);
    // Every probe of the rule with its latest result: with `any`/`all` rules the newest run alone can mislead.
    if (r.probes && r.probes.length > 1) {
      lines.push("  latest result of each probe berth ran:");
      for (const p of r.probes)
        lines.push(
          `    ${p.ok ? "pass" : "FAIL"}  ${p.probe}${p.exitCode !== undefined ? ` (exit/status ${p.exitCode})` : ""}${p.output ? `:\n${indent(p.output, "          ")}` : ""}`,
        );
    } else if (r.lastProbe)
      lines.push(`  last probe run by berth: exit ${r.lastProbe.exitCode}${r.lastProbe.output ? `:\n${indent(r.lastProbe.output)}` : ""}`);
    if (r.healthLog?.length)
      lines.push(`  engine healthcheck log (last ${r.healthLog.length}):\n${r.healthLog.map((h) => indent(`exit ${h.exitCode}: ${h.output}`)).join("\n")}`);
  }
  if (d.blockedDependants?.length) lines.push(`  blocked dependants: ${d.blockedDependants.join(", ")}`);
  // Hints refer to these lines ("shown with this error"): say so when there were none.
  if (d.logTail?.trim()) lines.push(`  last log lines:\n${indent(d.logTail)}`);
  else if (d.logTail !== undefined) lines.push("  last log lines: (none: it wrote nothing)");
  return lines;
}

/** A bug of berth's: the message and causes, the stack, and the request to report it. */
function formatBug(error: unknown): string {
  const name = error instanceof Error && !(error instanceof BerthError) ? `${error.name}: ` : "";
  const stack = stackOf(error);
  const lines = [`berth: internal error (a bug in berth): ${name}${describeError(error, stack ? [`  stack:\n${indent(stack)}`] : [])}`];
  if (!(error instanceof BerthError && error.hint)) lines.push(`  hint: ${REPORT_BUG_HINT}`);
  return lines.join("\n");
}

/** The stack of the innermost cause that is not a BerthError (where the bug threw), else the error's own. */
function stackOf(error: unknown): string | undefined {
  let found: string | undefined;
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    if (!(e instanceof BerthError) || found === undefined) found = e.stack ?? found;
  }
  return found;
}

/** The same, as JSON for --json. */
export function errorJson(error: unknown): Record<string, unknown> {
  if (!(error instanceof BerthError))
    return { code: "INTERNAL", message: String((error as Error)?.message ?? error), hint: REPORT_BUG_HINT, stack: stackOf(error) };
  return {
    code: error.code,
    message: error.message,
    hint: error.hint,
    problems: error.problems,
    details: error.details,
    ...(error.code === "INTERNAL" ? { stack: stackOf(error) } : {}),
  };
}
