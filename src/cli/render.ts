/** How environments look in a terminal. */
import type { EnvironmentData } from "../lifecycle/environment.js";
import { hostAddress } from "../ports/bindings.js";
import type { Colors } from "./progress/colors.js";
import { formatElapsed, type ProgressModel } from "./progress/model.js";
import { table } from "./table.js";

function rowName(service: string, replicas: number, number: number): string {
  return replicas > 1 ? `${service}#${number}` : service;
}

export function servicesTable(env: EnvironmentData): string {
  const rows: string[][] = [];
  for (const s of Object.values(env.services)) {
    for (const c of s.containers) {
      const ports = c.ports.map((p) => `${hostAddress(p)}->${p.containerPort}/${p.protocol}`).join(", ");
      rows.push([rowName(s.name, s.containers.length, c.number), c.state, ports || "-"]);
    }
  }
  return table(["SERVICE", "STATE", "PORTS"], rows);
}

/** The table `up` ends with: service, state, time to ready, and where to reach it. */
export function summaryTable(env: EnvironmentData, model: ProgressModel | undefined, colors: Colors): string {
  const rows: string[][] = [];
  for (const s of Object.values(env.services)) {
    const p = model?.services.get(s.name);
    const readyIn = p?.readyAt ? formatElapsed(p.readyAt - model!.startedAt) : "-";
    for (const c of s.containers) {
      const urls = c.ports.map((x) => (x.protocol === "tcp" ? `${hostAddress(x)} (${x.containerPort})` : `${hostAddress(x)}/${x.protocol} (${x.containerPort})`));
      rows.push([rowName(s.name, s.containers.length, c.number), c.state, readyIn, urls.join(", ") || "-"]);
    }
  }
  const text = table(["SERVICE", "STATE", "READY IN", "ADDRESS (CONTAINER PORT)"], rows);
  // Colour after aligning: escape codes would otherwise count as width.
  return text.replace(/\bHEALTHY\b/g, colors.green("HEALTHY")).replace(/\b(UNHEALTHY|FAILED|STOPPED)\b/g, (m) => colors.red(m));
}
