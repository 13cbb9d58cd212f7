/**
 * Who holds a host port, to name it when a fixed port cannot be published: a container (any,
 * berth's or not — reading is harmless) or a plain process (from /proc/net/tcp* and the sockets
 * in /proc/<pid>/fd; processes of other users are invisible without privileges).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Runtime } from "../engine/runtime.js";
import { LABEL } from "../labels.js";

const LISTEN = "0A";

/** Inodes of listening TCP sockets on `port`, from the text of /proc/net/tcp or tcp6. Pure. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const out: string[] = [];
  for (const line of procNetTcp.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (!local || f[3] !== LISTEN) continue;
    if (parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && f[9]) out.push(f[9]);
  }
  return out;
}

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The processes listening on `port` on this host: "pid 1234 (python3 -m http.server 8000)". */
export function processesOnPort(port: number): string[] {
  const inodes = new Set([...listeningInodes(read("/proc/net/tcp"), port), ...listeningInodes(read("/proc/net/tcp6"), port)]);
  if (inodes.size === 0) return [];
  const found: string[] = [];
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m !== null && inodes.has(m[1]!);
      } catch {
        return false;
      }
    });
    if (holds) found.push(`pid ${pid} (${read(`/proc/${pid}/cmdline`).split("\0").filter(Boolean).join(" ").slice(0, 120) || "?"})`);
  }
  return found;
}

/** A description of whoever holds host `port`, or undefined when it cannot be found out. */
export async function describePortHolder(engine: Runtime, port: number, signal?: AbortSignal): Promise<string | undefined> {
  const containers = await engine.listContainers({}, { signal }).catch(() => []);
  const c = containers.find((x) => x.state === "running" && x.ports.some((p) => p.hostPort === port));
  if (c) {
    const project = c.labels[LABEL.managed] === "true" ? c.labels[LABEL.project] : undefined;
    return `container ${c.name}${project ? ` of berth environment ${project}` : " (not managed by berth)"}`;
  }
  // The engine's own proxy for a container is covered above; anything else is a plain process.
  const procs = processesOnPort(port).filter((p) => !/docker-proxy/.test(p));
  return procs.length ? procs.join(", ") : undefined;
}
