/**
 * What a readiness rule is, as the wait loop and the probes see it: plain types and how a user
 * reads them. Parsing `x-berth` (with zod) lives in probe-spec.ts, so that commands which only
 * observe or remove environments never load the schema library.
 */
export type ProbeFrom = "host" | "network";

export type Probe =
  | { kind: "healthcheck" }
  | { kind: "running" }
  | { kind: "completed" }
  | { kind: "tcp"; port: number; from: ProbeFrom }
  | { kind: "http"; port: number; path: string; scheme: "http" | "https"; status: StatusMatch; body?: string; from: ProbeFrom }
  | { kind: "log"; pattern: string; count: number }
  | { kind: "exec"; command: string[]; timeoutMs: number };

/** Accepted HTTP statuses: exact codes, or classes such as "2xx". */
export type StatusMatch = (number | string)[];

export type Readiness = { kind: "probe"; probe: Probe } | { kind: "all" | "any"; of: Readiness[] };

export interface ReadinessSpec {
  ready: Readiness;
  /** Per-service deadline in ms, from when berth starts waiting for it. */
  timeoutMs?: number;
  /** Whether the rule came from `x-berth` (false: berth's default for this service). */
  declared: boolean;
}

/** Every probe in a rule, depth first. */
export function probesOf(r: Readiness): Probe[] {
  return r.kind === "probe" ? [r.probe] : r.of.flatMap(probesOf);
}

/** A probe as a user reads it in progress lines and errors: `http :3000/health`, `log /ready/ ×2`. */
export function describeProbe(p: Probe): string {
  switch (p.kind) {
    case "tcp":
      return `tcp :${p.port}${p.from === "host" ? " (from host)" : ""}`;
    case "http":
      return `${p.scheme} :${p.port}${p.path}${p.from === "host" ? " (from host)" : ""}`;
    case "log":
      return `log /${p.pattern}/${p.count > 1 ? ` ×${p.count}` : ""}`;
    case "exec":
      return `exec ${p.command.join(" ")}`;
    default:
      return p.kind;
  }
}

export function describeReadiness(r: Readiness): string {
  if (r.kind === "probe") return describeProbe(r.probe);
  return r.of.length === 1 ? describeReadiness(r.of[0]!) : `${r.kind}(${r.of.map(describeReadiness).join(", ")})`;
}

/**
 * A readiness rule as written by hand, in `x-berth.ready` or in acquire's `readiness` option
 * (before parsing): one probe, a list (all must pass), or `{ all }` / `{ any }`.
 */
export type ReadinessInput = ProbeInput | ReadinessInput[] | { all: ReadinessInput[] } | { any: ReadinessInput[] };

export type ProbeInput =
  | "healthcheck"
  | "running"
  | "completed"
  | { healthcheck: true }
  | { running: true }
  | { completed: true }
  | { tcp: number | { port: number; from?: ProbeFrom } }
  | { http: { port: number; path?: string; scheme?: "http" | "https"; status?: number | string | (number | string)[]; body?: string; from?: ProbeFrom } }
  | { log: string | { pattern: string; count?: number } }
  | { exec: string | string[] | { command: string | string[]; timeout?: string | number } };

/** A service's readiness given in code: a rule, or the rule with this service's own deadline (as `x-berth` takes them). */
export type ServiceReadinessInput = ReadinessInput | { ready?: ReadinessInput; timeout?: string | number };
