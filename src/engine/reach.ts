/**
 * Where a client reaches the ports an engine publishes, and where they bind. Pure.
 *
 * A local engine (a unix socket, tcp://localhost, 127.0.0.1, [::1]) publishes on 127.0.0.1 and its
 * ports are reported there, as always. A remote engine (tcp:// or ssh:// to another host) runs the
 * containers on that host: its ports are reported at the engine's host name, and a port the compose
 * file gives no host IP binds on all of that host's interfaces (0.0.0.0), because a port bound to
 * the remote host's loopback cannot be reached from the client at all. That is the security trade-off
 * of a remote engine: its published ports are open to whatever network reaches that host (as with
 * `docker compose` there); a compose file that names a host IP (`10.0.0.5:5432:5432`) keeps it. An engine
 * reached at a loopback IP other than 127.0.0.1 (tcp://127.0.0.2:2376) binds that IP, staying on loopback.
 * BERTH_HOST_OVERRIDE (else TESTCONTAINERS_HOST_OVERRIDE) names the host to report instead, e.g. for an
 * SSH tunnel or a VM whose ports are forwarded: it changes what is reported, never what is bound.
 */
import { DEFAULT_HOST_IP } from "../ports/bindings.js";

export interface EngineReach {
  /** The host name or IP a client uses for published ports; undefined: as the engine reports them (127.0.0.1). */
  publishedHost?: string;
  /** Where ports without a host IP in the compose file bind; undefined: 127.0.0.1. */
  bindHostIp?: string;
  /** Whether publishedHost came from BERTH_HOST_OVERRIDE / TESTCONTAINERS_HOST_OVERRIDE. */
  overridden?: boolean;
}

const LOCAL_NAMES = new Set(["localhost", "127.0.0.1", "::1", "[::1]", ""]);
const WILDCARDS = new Set(["", "0.0.0.0", "::"]);

/** The host part of a tcp://, http(s):// or ssh:// endpoint; undefined for a unix socket or a form berth cannot parse. */
export function endpointHostName(endpoint: string): string | undefined {
  if (!/^(tcp|https?|ssh):\/\//.test(endpoint)) return undefined;
  try {
    return new URL(endpoint.replace(/^tcp:/, "http:")).hostname.replace(/^\[(.*)\]$/, "$1");
  } catch {
    return undefined;
  }
}

export function engineReach(endpoint: string, env: Record<string, string | undefined>): EngineReach {
  const name = endpointHostName(endpoint);
  const remote = name !== undefined && !LOCAL_NAMES.has(name);
  const bindHostIp = !remote ? undefined : /^127\.\d+\.\d+\.\d+$/.test(name) ? name : "0.0.0.0";
  const override = (env.BERTH_HOST_OVERRIDE || env.TESTCONTAINERS_HOST_OVERRIDE || "").trim();
  if (override) return { publishedHost: override, overridden: true, ...(bindHostIp ? { bindHostIp } : {}) };
  return remote ? { publishedHost: name, bindHostIp } : {};
}

/**
 * The address to report for a port the engine says is bound on `hostIp`: with an override, always
 * the override; for a remote engine, its host name instead of a wildcard, loopback or its own bind address.
 */
export function reportedHostIp(hostIp: string, reach: EngineReach): string {
  if (!reach.publishedHost) return hostIp;
  if (reach.overridden) return reach.publishedHost;
  return WILDCARDS.has(hostIp) || hostIp === DEFAULT_HOST_IP || hostIp === "::1" || hostIp === reach.bindHostIp ? reach.publishedHost : hostIp;
}

/** The host IP to ask the engine for: the compose file's own, else the engine's bind address for remote engines. */
export function boundHostIp(binding: { hostIp: string; defaultAddress?: boolean }, reach: EngineReach): string {
  return binding.defaultAddress && reach.bindHostIp ? reach.bindHostIp : binding.hostIp;
}
