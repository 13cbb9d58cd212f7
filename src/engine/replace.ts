/**
 * A container created again from its own inspect (Engine.replaceContainer): the inspect's Config
 * and HostConfig as the create body, so that everything the container was created with (image,
 * command, env, labels, healthcheck, limits, port bindings, mounts, restart policy …) carries over
 * without berth listing each field; only the volumes and host ports the caller names change. Pure:
 * the wire shapes stay inside src/engine.
 */
import type Docker from "dockerode";
import type { ContainerReplacement } from "./types.js";

type Endpoint = { Aliases?: string[] | null; Links?: string[] | null; IPAMConfig?: Record<string, unknown> | null };

export interface ReplacementBody {
  /** The create body (name included). */
  body: Docker.ContainerCreateOptions;
  /** Networks joined after the create (the engine takes one at create before API 1.44), with their endpoint settings. */
  more: { network: string; aliases: string[]; ipv4Address?: string }[];
}

/** The endpoint settings worth carrying: the engine's own alias (the container's short id) names the old container and is dropped. */
function endpointOf(e: Endpoint, shortId: string): { Aliases: string[]; Links?: string[]; IPAMConfig?: Record<string, unknown> } {
  return {
    Aliases: (e.Aliases ?? []).filter((a) => a !== shortId),
    ...(e.Links?.length ? { Links: e.Links } : {}),
    ...(e.IPAMConfig && Object.keys(e.IPAMConfig).length ? { IPAMConfig: e.IPAMConfig } : {}),
  };
}

/** Port bindings with the host ports `hostPorts` names (see ContainerReplacement); the host addresses stay. */
export function pinnedBindings(
  configured: Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined,
  hostPorts: Record<string, string[]> | undefined,
): Record<string, { HostIp: string; HostPort: string }[]> {
  return Object.fromEntries(
    Object.entries(configured ?? {}).map(([key, bindings]) => [
      key,
      (bindings ?? []).map((b, i) => {
        const given = hostPorts?.[key];
        return { HostIp: b.HostIp ?? "", HostPort: given ? (given[i] ?? given[0] ?? "") : (b.HostPort ?? "") };
      }),
    ]),
  );
}

/** The create body that makes `c` again with `changes` (see the module comment). */
export function replacementBody(c: Docker.ContainerInspectInfo, changes: ContainerReplacement): ReplacementBody {
  const shortId = c.Id.slice(0, 12);
  const host = { ...(c.HostConfig as Docker.HostConfig & Record<string, unknown>) };
  const targets = new Set(Object.keys(changes.volumes));
  const kept = (host.Mounts ?? []).filter((m) => !targets.has(m.Target));
  host.Mounts = [...kept, ...Object.entries(changes.volumes).map(([Target, Source]) => ({ Type: "volume" as const, Source, Target, ReadOnly: false }))];
  // A `-v` style entry at a replaced path would mount something else there again.
  if (host.Binds) host.Binds = host.Binds.filter((b) => !targets.has(b.split(":")[1] ?? ""));
  host.PortBindings = pinnedBindings(host.PortBindings as Record<string, { HostIp?: string; HostPort?: string }[] | null>, changes.hostPorts);
  const config = { ...c.Config } as Docker.ContainerCreateOptions & { Hostname?: string };
  // The engine names a container's host after its short id unless told otherwise: the new one gets its own.
  if (config.Hostname === shortId) delete config.Hostname;
  const networks = (c.NetworkSettings.Networks ?? {}) as Record<string, Endpoint>;
  const mode = host.NetworkMode ?? "";
  const first = networks[mode] ? mode : undefined;
  const body: Docker.ContainerCreateOptions = {
    ...config,
    name: c.Name.replace(/^\//, ""),
    HostConfig: host,
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first]: endpointOf(networks[first]!, shortId) } } } : {}),
  };
  const more = first
    ? Object.entries(networks)
        .filter(([n]) => n !== first)
        .map(([network, e]) => {
          const ip = (e.IPAMConfig as { IPv4Address?: string } | null | undefined)?.IPv4Address;
          return { network, aliases: endpointOf(e, shortId).Aliases, ...(ip ? { ipv4Address: ip } : {}) };
        })
        .sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0))
    : [];
  return { body, more };
}
