/**
 * Phase 7, semantic checks: what a schema cannot see because it spans several places —
 * `depends_on` naming unknown services, dependency cycles (the whole cycle is named), two
 * services publishing the same fixed host port, and references to undeclared networks,
 * volumes, secrets and configs. A reference to an entry the load excluded for its own problem
 * (see excluded.ts) is not reported: that problem is reported already.
 */
import type { Exclusions } from "./excluded.js";
import type { PortSpec, ProjectSpec } from "./model.js";
import { suggest } from "./did-you-mean.js";
import type { Origins } from "./origins.js";
import type { Problems } from "./problems.js";

/**
 * `excluded`: entries taken out for their own problems (no follow-on problems about them).
 * `enabled`: the services the active profiles enable; only their references and host ports are
 * checked (compose-go checks only enabled services, too).
 */
export function checkProject(
  project: ProjectSpec,
  root: Record<string, unknown>,
  origins: Origins,
  problems: Problems,
  excluded?: Exclusions,
  enabled?: Set<string>,
): void {
  // Did-you-mean pools: what the files declare, including entries excluded for their own problems.
  const declared = (section: string, entries: Record<string, unknown>) => [...new Set([...Object.keys(entries), ...(excluded?.names(section) ?? [])])].sort();
  const names = declared("services", project.services);
  const nets = declared("networks", project.networks);
  const at = (path: (string | number)[], message: string, hint?: string, where: "key" | "value" = "value") =>
    problems.atPath(origins, root, path, message, hint, where);
  const unknown = (section: string, n: string, entries: Record<string, unknown> | undefined) =>
    !Object.hasOwn(entries ?? {}, n) && excluded?.has(section, n) !== true;
  const didYouMean = (n: string, pool: string[]) => {
    const s = suggest(n, pool);
    return s ? `did you mean "${s}"?` : pool.length > 0 ? `known: ${pool.join(", ")}` : undefined;
  };

  for (const [name, svc] of Object.entries(project.services)) {
    // As compose-go (loader.go applies the profiles before checkConsistency): a service no active
    // profile enables never runs, so its references are not checked until a profile enables it.
    if (enabled && !enabled.has(name)) continue;
    for (const dep of Object.keys(svc.depends_on)) {
      if (unknown("services", dep, project.services))
        at(["services", name, "depends_on", dep], `depends_on names unknown service "${dep}"`, didYouMean(dep, names), "key");
      else if (dep === name) at(["services", name, "depends_on", dep], `service "${name}" depends on itself`);
    }
    for (const net of Object.keys(svc.networks)) {
      if (net !== "default" && unknown("networks", net, project.networks))
        at(
          ["services", name, "networks", net],
          `service "${name}" uses undeclared network "${net}"`,
          `declare it under the top-level networks: (${didYouMean(net, nets) ?? "none declared"})`,
          "key",
        );
    }
    svc.volumes.forEach((v, i) => {
      if (v.type === "volume" && v.source !== undefined && unknown("volumes", v.source, project.volumes)) {
        at(
          ["services", name, "volumes", i],
          `service "${name}" uses undeclared volume "${v.source}"`,
          `declare it under the top-level volumes:, or write ./${v.source} for a host path`,
        );
      }
    });
    for (const kind of ["secrets", "configs"] as const) {
      svc[kind]?.forEach((r, i) => {
        if (unknown(kind, r.source, project[kind]))
          at(
            ["services", name, kind, i],
            `service "${name}" uses undeclared ${kind === "secrets" ? "secret" : "config"} "${r.source}"`,
            `declare it under the top-level ${kind}:`,
          );
      });
    }
    const mode = svc.network_mode;
    if (mode?.startsWith("service:") && unknown("services", mode.slice(8), project.services))
      at(["services", name, "network_mode"], `network_mode names unknown service "${mode.slice(8)}"`, didYouMean(mode.slice(8), names));
    if (mode !== undefined && svc.networks && Object.keys(svc.networks).length > 0 && !("default" in svc.networks && Object.keys(svc.networks).length === 1)) {
      at(["services", name, "network_mode"], "network_mode and networks cannot both be set", "remove one of them");
    }
  }
  checkCycles(project, at, enabled);
  checkPorts(project, root, at, enabled);
}

function checkCycles(
  project: ProjectSpec,
  at: (path: (string | number)[], m: string, h?: string, w?: "key" | "value") => void,
  enabled: Set<string> | undefined,
): void {
  const runs = (n: string) => n in project.services && (!enabled || enabled.has(n));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (n: string): void => {
    state.set(n, "visiting");
    stack.push(n);
    for (const dep of Object.keys(project.services[n]?.depends_on ?? {}).sort()) {
      if (!runs(dep) || dep === n) continue;
      if (state.get(dep) === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle.slice(0, -1)].sort().join(",");
        if (!reported.has(key)) {
          reported.add(key);
          at(["services", n, "depends_on", dep], `dependency cycle: ${cycle.join(" -> ")}`, "remove one of these depends_on entries", "key");
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of Object.keys(project.services).sort()) if (runs(n) && !state.has(n)) visit(n);
}

function checkPorts(
  project: ProjectSpec,
  root: Record<string, unknown>,
  at: (path: (string | number)[], m: string, h?: string) => void,
  enabled: Set<string> | undefined,
): void {
  // By "port/protocol": only bindings of the same port can clash (a linear scan was quadratic).
  const taken = new Map<string, { ip: string; owner: string }[]>();
  for (const [name, svc] of Object.entries(project.services)) {
    // A service no active profile enables never runs: it cannot take a port (services of
    // alternative profiles often publish the same one).
    if (enabled && !enabled.has(name)) continue;
    const rawPorts = (root.services as Record<string, { ports?: unknown[] }> | undefined)?.[name]?.ports ?? [];
    const index = rawIndexOf(svc.ports, rawPorts.length);
    svc.ports.forEach((p, i) => {
      if (p.published === undefined || p.published.includes("-")) return;
      const ip = p.host_ip ?? "*";
      const port = `${p.published}/${p.protocol}`;
      const path = ["services", name, "ports", index[i] ?? i];
      if (svc.scale > 1) {
        at(
          path,
          `service "${name}" runs ${svc.scale} containers but publishes fixed host port ${p.published}; only one can bind it`,
          `publish a range ("${p.published}-${Number(p.published) + svc.scale - 1}:${p.target}") or let the engine pick ("${p.target}")`,
        );
      }
      const same = taken.get(port) ?? [];
      const other = same.find((t) => overlaps(t.ip, ip));
      if (other) {
        at(
          path,
          `host port ${p.published}/${p.protocol} is already published by ${other.owner}`,
          `use another host port, or publish only the container port ("${p.target}") to get a free one`,
        );
        return;
      }
      same.push({ ip, owner: `service "${name}"` });
      taken.set(port, same);
    });
  }
}

/** Two bindings of the same port clash on the same address or when either is a wildcard address. */
function overlaps(ipA: string, ipB: string): boolean {
  const wild = (ip: string) => ip === "*" || ip === "0.0.0.0" || ip === "::";
  return ipA === ipB || wild(ipA) || wild(ipB);
}

/** Model ports may be expanded from ranges; map them back to the raw list index when counts match. */
function rawIndexOf(ports: PortSpec[], rawCount: number): number[] {
  return ports.length === rawCount ? ports.map((_, i) => i) : [];
}
