/**
 * Port strategies: how the host side of each published port is chosen. Pure.
 *
 * - dynamic: the engine picks a free port for every published port, even one the file fixes
 *   (test environments: collisions impossible by construction).
 * - file:    the file's fixed ports are honoured; ports without a host port are engine-picked
 *   (dev and prod environments).
 * - range:   every published port gets a free port of a configured range (default 30000-39999),
 *   for firewalls and tools that need a known range. The engine allocates inside the range, so
 *   concurrent processes cannot be handed the same port.
 */
import type { PortSpec, ServiceSpec } from "../compose/model.js";
import { BerthError } from "../errors.js";
import type { EnvironmentKind } from "../labels.js";

export type PortStrategy = "dynamic" | "file" | "range";

export const DEFAULT_RANGE = "30000-39999";

export function defaultStrategy(kind: EnvironmentKind): PortStrategy {
  return kind === "test" ? "dynamic" : "file";
}

export function parseStrategy(text: string | undefined, kind: EnvironmentKind): PortStrategy {
  if (text === undefined || text === "") return defaultStrategy(kind);
  if (text === "dynamic" || text === "file" || text === "range") return text;
  throw new BerthError("USAGE", `port strategy "${text}" is not one berth knows: use dynamic, file or range`, { hint: "--ports or BERTH_PORTS takes dynamic (engine-picked ports), file (the compose file's ports) or range (BERTH_PORT_RANGE)." });
}

function checkRange(range: string): string {
  const m = /^(\d+)-(\d+)$/.exec(range);
  if (!m || Number(m[1]) < 1 || Number(m[2]) > 65535 || Number(m[1]) > Number(m[2])) {
    throw new BerthError("USAGE", `port range "${range}" is not LOW-HIGH within 1-65535`, { hint: `Use a form such as ${DEFAULT_RANGE}.` });
  }
  return range;
}

export interface Remapped {
  service: string;
  target: number;
  was: string;
}

/** Applies the strategy to every service's ports; reports fixed ports that were replaced. */
export function applyStrategy(services: ServiceSpec[], strategy: PortStrategy, range = DEFAULT_RANGE): { services: ServiceSpec[]; remapped: Remapped[] } {
  if (strategy === "file") return { services, remapped: [] };
  const published = strategy === "range" ? checkRange(range) : undefined;
  const remapped: Remapped[] = [];
  const out = services.map((s) => ({
    ...s,
    ports: s.ports.map((p): PortSpec => {
      if (p.published) remapped.push({ service: s.name, target: p.target, was: p.published });
      return { ...p, published };
    }),
  }));
  return { services: out, remapped };
}
