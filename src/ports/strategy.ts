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
  throw new BerthError("USAGE", `port strategy "${text}" is not one berth knows: use dynamic, file or range`, {
    hint: "--ports or BERTH_PORTS takes dynamic (engine-picked ports), file (the compose file's ports) or range (BERTH_PORT_RANGE).",
  });
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

/**
 * The range strategy gives every published port of every replica its own port of the range (per
 * host address and protocol). When the environment alone needs more than the range holds, the
 * engine would fail half-way with "all ports are allocated": refuse before anything is created.
 * `source` says where the range came from, for the message.
 */
export function checkRangeCapacity(services: ServiceSpec[], range: string, source: string): void {
  const [lo, hi] = checkRange(range).split("-").map(Number) as [number, number];
  const size = hi - lo + 1;
  const groups = new Map<string, string[]>();
  for (const s of services) {
    for (const p of s.ports) {
      const key = `${p.protocol} ports on ${p.host_ip ?? "127.0.0.1"}`;
      for (let i = 1; i <= s.scale; i++) (groups.get(key) ?? groups.set(key, []).get(key)!).push(`${s.name}${s.scale > 1 ? `-${i}` : ""}:${p.target}`);
    }
  }
  const [key, needed] = [...groups].sort((a, b) => b[1].length - a[1].length)[0] ?? ["", []];
  if (needed.length <= size) return;
  const shown = needed.length > 8 ? `${needed.slice(0, 8).join(", ")}, …` : needed.join(", ");
  throw new BerthError(
    "USAGE",
    `port range ${range} (${source}) holds ${size} port${size === 1 ? "" : "s"}, but this environment publishes ${needed.length} ${key} (${shown}); nothing was created`,
    {
      hint: `Give BERTH_PORT_RANGE at least ${needed.length} ports (e.g. ${lo}-${Math.min(65535, lo + Math.max(needed.length, 100) - 1)}; other environments share it too), publish fewer ports or replicas, or use --ports dynamic (BERTH_PORTS=dynamic) to let the engine pick.`,
      details: { range, needed: needed.length, size },
    },
  );
}
