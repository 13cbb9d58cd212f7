/**
 * Port maths: turns the model's port specs into the engine's exposed ports and bindings, and
 * reads the engine's assigned ports back. Pure.
 */
import type { PortSpec } from "../compose/model.js";
import { BerthError } from "../errors.js";
import type { PublishedPorts } from "../engine/types.js";
import { byText } from "../text-order.js";

/** Where a published port binds when the file names no address: loopback only, never the LAN. */
export const DEFAULT_HOST_IP = "127.0.0.1";

export interface Bindings {
  exposedPorts: string[];
  /** `defaultAddress`: no host IP in the file (a remote engine binds its own default there, src/engine/reach.ts). */
  portBindings: Record<string, { hostIp: string; hostPort: string; defaultAddress?: boolean }[]>;
}

function parseRange(text: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new BerthError("COMPOSE_INVALID", `published port "${text}" is not a port or a range`, { hint: 'Use "8080" or "8080-8090".' });
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 1 || hi > 65535 || hi < lo) {
    throw new BerthError("COMPOSE_INVALID", `published port "${text}" is outside 1-65535 or reversed`);
  }
  return [lo, hi];
}

/**
 * One container's bindings. A spec without `published` gets hostPort "" so the engine picks a free
 * port: two environments of the same file can never collide. A published range is handed to the
 * engine as "lo-hi", which takes the first free port of it.
 */
export function toBindings(ports: PortSpec[]): Bindings {
  const exposed = new Set<string>();
  const bindings: Bindings["portBindings"] = {};
  for (const p of ports) {
    const key = `${p.target}/${p.protocol}`;
    exposed.add(key);
    let hostPort = "";
    if (p.published !== undefined && p.published !== "") {
      const [lo, hi] = parseRange(p.published);
      hostPort = lo === hi ? String(lo) : `${lo}-${hi}`;
    }
    (bindings[key] ??= []).push(p.host_ip === undefined ? { hostIp: DEFAULT_HOST_IP, hostPort, defaultAddress: true } : { hostIp: p.host_ip, hostPort });
  }
  return { exposedPorts: [...exposed].sort(), portBindings: bindings };
}

/** True when any of the ports asks for a fixed host port (so two environments would clash). */
export function hasFixedHostPort(ports: PortSpec[]): boolean {
  return ports.some((p) => p.published !== undefined && p.published !== "" && !p.published.includes("-"));
}

export interface PublishedPort {
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number;
}

/** The engine's assigned ports as a flat, sorted list (one entry per binding; IPv6 duplicates dropped). */
export function readBack(ports: PublishedPorts): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const [port, protocol = "tcp"] = key.split("/");
    for (const b of bindings) {
      if (!b.hostPort) continue;
      if (b.hostIp === "::" && bindings.some((o) => o.hostIp === "0.0.0.0" && o.hostPort === b.hostPort)) continue;
      out.push({ containerPort: Number(port), protocol, hostIp: b.hostIp, hostPort: b.hostPort });
    }
  }
  return out.sort((a, b) => a.containerPort - b.containerPort || byText(a.protocol, b.protocol) || a.hostPort - b.hostPort);
}

/** "127.0.0.1:49153" — the address a client on this host connects to. */
export function hostAddress(p: PublishedPort): string {
  const ip = p.hostIp === "0.0.0.0" || p.hostIp === "" ? "127.0.0.1" : p.hostIp === "::" ? "[::1]" : p.hostIp;
  return `${ip}:${p.hostPort}`;
}
