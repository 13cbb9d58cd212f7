/**
 * The commands `berth validate` runs inside a container, chosen by the tools its image has, and
 * how their results are read. Pure: the engine calls are in in-network.ts.
 *
 * Resolution: `getent hosts` (glibc images), else `nslookup` (busybox). TCP: bash's /dev/tcp
 * (under `timeout` when the image has it), else `nc -w`.
 */
import type { FailureCause } from "./model.js";

export const TOOLS = ["getent", "nslookup", "nc", "bash", "timeout"] as const;
export type Tool = (typeof TOOLS)[number];

/** Prints the name of each tool the image has, one a line. */
export const DETECT_TOOLS = ["sh", "-c", `for t in ${TOOLS.join(" ")}; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done; true`];

/** Seconds a TCP connect may take inside the container. */
export const CONNECT_TIMEOUT_S = 3;

export function parseTools(output: string): Set<Tool> {
  return new Set(
    output
      .split("\n")
      .map((l) => l.trim())
      .filter((l): l is Tool => (TOOLS as readonly string[]).includes(l)),
  );
}

export function dnsCommand(tools: Set<Tool>, name: string): { tool: string; cmd: string[] } | null {
  if (tools.has("getent")) return { tool: "getent", cmd: ["getent", "hosts", name] };
  if (tools.has("nslookup")) return { tool: "nslookup", cmd: ["nslookup", name] };
  return null;
}

/** The addresses a resolver printed; empty when the name did not resolve. */
export function parseDns(tool: string, exitCode: number, output: string): string[] {
  if (exitCode !== 0) return [];
  const ips =
    tool === "getent"
      ? output.split("\n").map((l) => l.trim().split(/\s+/)[0] ?? "")
      : // nslookup prints the server's own address first; the answers follow the "Name:" line.
        output
          .split(/^Name:.*$/m)
          .slice(1)
          .join("\n")
          .split("\n")
          .map((l) => /^Address(?:\s+\d+)?:\s*(\S+)/.exec(l.trim())?.[1] ?? "");
  return [...new Set(ips.filter((ip) => /^[\d.]+$|:/.test(ip) && ip !== ""))].sort();
}

export function tcpCommand(tools: Set<Tool>, host: string, port: number): { tool: string; cmd: string[] } | null {
  if (tools.has("bash")) {
    const cmd = ["bash", "-c", 'exec 3<>"/dev/tcp/$0/$1"', host, String(port)];
    return { tool: "bash /dev/tcp", cmd: tools.has("timeout") ? ["timeout", String(CONNECT_TIMEOUT_S), ...cmd] : cmd };
  }
  // Busybox's nc has no -z: connect with stdin closed, which ends it at once once connected.
  if (tools.has("nc")) return { tool: "nc", cmd: ["sh", "-c", `nc -w ${CONNECT_TIMEOUT_S} "$0" "$1" </dev/null`, host, String(port)] };
  return null;
}

/** How a TCP attempt ended: null when connected, else the cause. `timedOut`: berth gave up waiting. */
export function classifyTcp(exitCode: number, output: string, timedOut: boolean): FailureCause | null {
  if (timedOut || exitCode === 124 || /timed? ?out/i.test(output)) return "timeout";
  if (/refused/i.test(output)) return "refused";
  if (/no route|unreachable/i.test(output)) return "unreachable";
  if (/bad address|not known|could not resolve|Name does not resolve|Unknown host/i.test(output)) return "no-dns";
  return exitCode === 0 ? null : "error";
}
