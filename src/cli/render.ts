/** How environments and progress look in a terminal. */
import type { BerthEvent } from "../events.js";
import type { EnvironmentData } from "../lifecycle/environment.js";
import { hostAddress } from "../ports/bindings.js";
import { table } from "./table.js";

export function servicesTable(env: EnvironmentData): string {
  const rows: string[][] = [];
  for (const s of Object.values(env.services)) {
    for (const c of s.containers) {
      const ports = c.ports.map((p) => `${hostAddress(p)}->${p.containerPort}/${p.protocol}`).join(", ");
      rows.push([s.containers.length > 1 ? `${s.name}#${c.number}` : s.name, c.state, ports || "-"]);
    }
  }
  return table(["SERVICE", "STATE", "PORTS"], rows);
}

/** One plain line per transition, for logs and CI (no TTY tricks). */
export function eventLine(e: BerthEvent, t0: number): string | null {
  const t = `+${((e.at - t0) / 1000).toFixed(2)}s`;
  switch (e.type) {
    case "plan":
      return `${t} ${e.project}: ${e.steps} steps planned`;
    case "step":
      if (e.phase === "begin" && e.kind !== "wait-ready") return null;
      if (e.phase === "begin") return `${t} ${e.service}: waiting until ready`;
      if (e.phase === "failed") return `${t} ${e.kind} ${e.target} failed: ${e.error}`;
      return e.kind === "wait-ready" ? null : `${t} ${e.kind.replace("-", " ")} ${e.target} (${e.elapsedMs} ms)`;
    case "ready":
      return `${t} ${e.service}: ready (${e.via})`;
    case "retry":
      return `${t} ${e.target}: retry ${e.attempt} after: ${e.cause}`;
    case "warning":
      return `${t} warning: ${e.message}`;
    case "rollback":
      return `${t} rolling back ${e.project}: ${e.reason}`;
    case "removed":
      return `${t} removed ${e.kind} ${e.name}`;
  }
}
