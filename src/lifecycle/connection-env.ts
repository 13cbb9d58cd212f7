/**
 * The connection variables of an environment, as `berth run` injects them and `berth env` prints
 * them: BERTH_PROJECT, and per service <SERVICE>_HOST, <SERVICE>_PORT (its first published port)
 * and <SERVICE>_PORT_<CONTAINERPORT>. Pure.
 */
import { BerthError } from "../errors.js";
import { hostAddress, type PublishedPort } from "../ports/bindings.js";
import type { EnvironmentData } from "./environment.js";

/** "shop-db" → "SHOP_DB": upper-cased, anything but A-Z and 0-9 becomes "_". */
export function envName(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

export interface ConnectionEnvOptions {
  /** Put before every service variable, e.g. "TEST_" → TEST_POSTGRES_PORT. BERTH_PROJECT keeps its name. */
  prefix?: string;
}

export function connectionVariables(data: EnvironmentData, o: ConnectionEnvOptions = {}): Record<string, string> {
  const prefix = o.prefix ?? "";
  const out: Record<string, string> = { BERTH_PROJECT: data.project };
  for (const name of Object.keys(data.services).sort()) {
    const container = data.services[name]!.containers[0];
    if (!container) continue;
    // TCP first: a service publishing 53/udp and 53/tcp is reached over TCP by almost every client.
    const ports = [...container.ports].sort((a, b) => Number(a.protocol !== "tcp") - Number(b.protocol !== "tcp") || a.containerPort - b.containerPort);
    const key = prefix + envName(name);
    const first = ports[0];
    if (!first) continue;
    out[`${key}_HOST`] = hostAddress(first)
      .replace(/:\d+$/, "")
      .replace(/^\[(.*)\]$/, "$1");
    out[`${key}_PORT`] = String(first.hostPort);
    for (const p of ports) out[`${key}_PORT_${p.containerPort}`] ??= String(p.hostPort);
  }
  return out;
}

/** Formats variables for a shell (`export K='v'`), a .env file (`K=v`) or JSON. */
export function formatVariables(vars: Record<string, string>, format: "dotenv" | "export" | "json"): string {
  if (format === "json") return JSON.stringify(vars, null, 2);
  const quote = (v: string) => (/^[A-Za-z0-9_./:@%+-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  return Object.entries(vars)
    .map(([k, v]) => `${format === "export" ? "export " : ""}${k}=${quote(v)}`)
    .join("\n");
}

/** The published port of a service's container port, or an error naming what is published. */
export function findPort(data: EnvironmentData, service: string, containerPort: number, replica = 1): PublishedPort {
  const s = data.services[service];
  if (!s) {
    throw new BerthError("NOT_FOUND", `environment ${data.project} has no service "${service}"`, {
      hint: `Services: ${Object.keys(data.services).sort().join(", ")}.`,
    });
  }
  const c = s.containers.find((x) => x.number === replica) ?? s.containers[0];
  const p = c?.ports.find((x) => x.containerPort === containerPort);
  if (!p) {
    throw new BerthError("NOT_FOUND", `service ${service} publishes no port ${containerPort}`, {
      hint: `Published: ${c?.ports.map((x) => x.containerPort).join(", ") || "none"}; add "${containerPort}" to its ports: in the compose file.`,
    });
  }
  return p;
}
