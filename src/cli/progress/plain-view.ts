/** Without a terminal (CI, logs): one plain timestamped line per transition. */
import type { BerthEvent } from "../../events.js";
import { admissionText, formatElapsed, PHASE_TEXT, type ProgressModel, type ServiceProgress } from "./model.js";

function stamp(at: number, t0: number): string {
  return `${new Date(at).toISOString().slice(11, 23)} +${formatElapsed(at - t0)}`;
}

/** The line for a service's new phase. */
export function transitionLine(s: ServiceProgress, model: ProgressModel): string {
  const t = stamp(s.since, model.startedAt);
  if (s.phase === "ready") return `${t} ${s.name}: ${PHASE_TEXT.ready}${s.detail ? ` (${s.detail})` : ""}`;
  if (s.phase === "failed") return `${t} ${s.name}: failed${s.detail ? `: ${s.detail}` : ""}`;
  if (s.phase === "waiting") return `${t} ${s.name}: created, waiting for ${model.blockers(s).join(", ")}`;
  return `${t} ${s.name}: ${PHASE_TEXT[s.phase]}`;
}

/** Lines for events that are not a service transition (plan, retries, warnings, rollback). */
export function otherLine(e: BerthEvent, t0: number): string | null {
  const t = stamp(e.at, t0);
  switch (e.type) {
    case "plan":
      return `${t} ${e.project}: ${e.steps} steps planned`;
    case "retry":
      return `${t} ${e.target}: retry ${e.attempt} after: ${e.cause}`;
    case "warning":
      return `${t} warning: ${e.message}`;
    case "rollback":
      return `${t} rolling back ${e.project}: ${e.reason}`;
    case "removed":
      return `${t} removed ${e.kind} ${e.name}`;
    case "admission":
      return `${t} ${admissionText(e)}`;
    case "step":
      if (e.kind === "pull-image" && e.phase !== "failed")
        return e.phase === "begin" ? `${t} pulling ${e.target}` : `${t} pulled ${e.target} in ${formatElapsed(e.elapsedMs ?? 0)}`;
      return e.phase === "failed" && !e.service ? `${t} ${e.kind} ${e.target} failed: ${e.error}` : null;
    default:
      return null;
  }
}
