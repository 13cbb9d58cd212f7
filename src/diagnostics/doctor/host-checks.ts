/** Doctor checks of this host: free share of the port ranges, stale lock files. */
import { readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processLiveness } from "../../cleanup/process-liveness.js";
import { lockDir, type LockHolder } from "../../locks/file-lock.js";
import { fail, pass, warn, type DoctorCheck } from "./check.js";
import { localPorts, parseRange, rangeUsage, type PortRange } from "./port-range.js";

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function rangeCheck(name: string, label: string, range: PortRange, inUse: Set<number>, fix: string): DoctorCheck {
  const u = rangeUsage(range, inUse);
  const detail = `${label} ${range.low}-${range.high}: ${u.size - u.used} of ${u.size} free (${(u.freeShare * 100).toFixed(1)}%)`;
  if (u.freeShare < 0.02) return fail(name, `${detail}: new published ports and connections will fail`, fix);
  if (u.freeShare < 0.2) return warn(name, `${detail}: running low`, fix);
  return pass(name, detail);
}

/** Only meaningful where this process shares the engine's host (a local engine). */
export function portRangeChecks(env: Record<string, string | undefined>, local: boolean): DoctorCheck[] {
  if (!local) return [pass("port range", "remote engine: its host's ports are not visible from here")];
  const tcp = [read("/proc/net/tcp"), read("/proc/net/tcp6")].filter((t): t is string => t !== undefined);
  const ephemeral = parseRange(read("/proc/sys/net/ipv4/ip_local_port_range") ?? "");
  if (tcp.length === 0 || !ephemeral) return [pass("port range", "no /proc/net/tcp here; not measured")];
  const inUse = new Set(tcp.flatMap((t) => [...localPorts(t)]));
  const checks = [
    rangeCheck(
      "port range",
      "ephemeral range",
      ephemeral,
      inUse,
      "Close idle connections and stop environments you no longer need (`berth down`), or widen net.ipv4.ip_local_port_range.",
    ),
  ];
  if (env.BERTH_PORT_RANGE) {
    const own = parseRange(env.BERTH_PORT_RANGE);
    checks.push(
      own
        ? rangeCheck(
            "berth port range",
            "BERTH_PORT_RANGE",
            own,
            inUse,
            "Release environments that use the range (`berth down`), or set BERTH_PORT_RANGE to a wider range.",
          )
        : fail("berth port range", `BERTH_PORT_RANGE=${env.BERTH_PORT_RANGE} is not LOW-HIGH within 1-65535`, "Set it like 30000-39999."),
    );
  }
  return checks;
}

/** Lock files whose holder process on this host is gone (taken over at the next acquisition, but a sign of crashes). */
export function staleLockCheck(env: Record<string, string | undefined>): DoctorCheck {
  const dir = lockDir(env);
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith(".lock"))
      .sort();
  } catch {
    return pass("locks", `no lock directory (${dir})`);
  }
  const stale: string[] = [];
  for (const f of files) {
    let holder: LockHolder;
    try {
      holder = JSON.parse(readFileSync(join(dir, f), "utf8")) as LockHolder;
    } catch {
      stale.push(`${f} (unreadable)`);
      continue;
    }
    if (holder.host === hostname() && processLiveness(holder.pid, holder.started) === "dead")
      stale.push(`${f} (pid ${holder.pid}, ${holder.command}, since ${holder.since})`);
  }
  if (stale.length === 0) return pass("locks", `${files.length} lock${files.length === 1 ? "" : "s"} held in ${dir}, none stale`);
  return warn(
    "locks",
    `${stale.length} stale lock${stale.length === 1 ? "" : "s"} in ${dir}: ${stale.join("; ")}`,
    `Their holders died; berth takes them over on the next acquisition, or remove them: rm ${stale.map((s) => join(dir, s.split(" ")[0]!)).join(" ")}`,
  );
}
