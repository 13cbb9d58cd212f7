/** How environments look in a terminal. */
import type { ContainerView, EnvironmentData } from "../lifecycle/environment.js";
import type { PoolView } from "../pool/status.js";
import { hostAddress } from "../ports/bindings.js";
import type { Colors } from "./progress/colors.js";
import { formatElapsed, type ProgressModel } from "./progress/model.js";
import { table } from "./table.js";

function rowName(service: string, replicas: number, number: number): string {
  return replicas > 1 ? `${service}#${number}` : service;
}

/** "STOPPED (exit 137, OOM-killed)", "HEALTHY (2 restarts)". */
function stateText(c: ContainerView): string {
  const notes = [
    ...(c.notStarted ? ["not started"] : []),
    ...(c.exitCode !== undefined && c.state !== "COMPLETED" ? [`exit ${c.exitCode}`] : []),
    ...(c.oomKilled ? ["OOM-killed"] : []),
    ...(c.restarts ? [`${c.restarts} restart${c.restarts === 1 ? "" : "s"}`] : []),
  ];
  return notes.length ? `${c.state} (${notes.join(", ")})` : c.state;
}

/** "12s", "5m", "3h", "2d" since an ISO time. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)}${units[i]}`;
}

/** `berth status`: per container its state (since when), CPU and memory when measured, and ports. */
export function servicesTable(env: EnvironmentData, now = Date.now()): string {
  const rows: string[][] = [];
  const withUsage = Object.values(env.services).some((s) => s.containers.some((c) => c.usage));
  for (const s of Object.values(env.services)) {
    for (const c of s.containers) {
      const ports = c.ports.map((p) => `${hostAddress(p)}->${p.containerPort}/${p.protocol}`).join(", ");
      const usage = c.usage ? [`${c.usage.cpuPercent.toFixed(1)}%`, `${bytes(c.usage.memoryBytes)} / ${bytes(c.usage.memoryLimitBytes)}`] : ["-", "-"];
      rows.push([rowName(s.name, s.containers.length, c.number), stateText(c), age(c.since, now), ...(withUsage ? usage : []), ports || "-"]);
    }
  }
  for (const m of env.missing ?? []) {
    rows.push([m.service, `MISSING (${m.found} of ${m.expected} container${m.expected === 1 ? "" : "s"})`, "-", ...(withUsage ? ["-", "-"] : []), "-"]);
  }
  return table(["SERVICE", "STATE", "SINCE", ...(withUsage ? ["CPU", "MEMORY"] : []), "PORTS"], rows);
}

/** The table `up` ends with: service, state, time to ready, and where to reach it. */
export function summaryTable(env: EnvironmentData, model: ProgressModel | undefined, colors: Colors): string {
  const rows: string[][] = [];
  for (const s of Object.values(env.services)) {
    const p = model?.services.get(s.name);
    const readyIn = p?.readyAt ? formatElapsed(p.readyAt - model!.startedAt) : "-";
    for (const c of s.containers) {
      const urls = c.ports.map((x) =>
        x.protocol === "tcp" ? `${hostAddress(x)} (${x.containerPort})` : `${hostAddress(x)}/${x.protocol} (${x.containerPort})`,
      );
      rows.push([rowName(s.name, s.containers.length, c.number), c.state, readyIn, urls.join(", ") || "-"]);
    }
  }
  const text = table(["SERVICE", "STATE", "READY IN", "ADDRESS (CONTAINER PORT)"], rows);
  // Colour after aligning: escape codes would otherwise count as width.
  return text.replace(/\bHEALTHY\b/g, colors.green("HEALTHY")).replace(/\b(UNHEALTHY|FAILED|STOPPED)\b/g, (m) => colors.red(m));
}

/** `berth status`'s pools: what the members' labels show, and what the keeper publishes ("-" without its marker). */
export function poolsTable(pools: PoolView[]): string {
  const n = (v: number | null | undefined) => (v === undefined ? "-" : v === null ? "∞" : String(v));
  const rows = pools.map((p) => [
    p.name,
    n(p.size),
    String(p.members),
    String(p.warm),
    String(p.claimed),
    String(p.starting),
    String(p.resetting),
    n(p.resets),
    n(p.discarded),
    n(p.claims),
    p.claimLatencyMs === undefined ? "-" : `${p.claimLatencyMs} ms`,
    p.keeper ? String(p.keeper.pid) : "-",
  ]);
  return table(["POOL", "SIZE", "MEMBERS", "WARM", "CLAIMED", "STARTING", "RESETTING", "RESETS", "DISCARDED", "CLAIMS", "CLAIM (MEDIAN)", "KEEPER"], rows);
}
