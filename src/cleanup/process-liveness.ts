/**
 * Whether a process is still the one that created something. A pid alone is not enough: pids are
 * recycled, so the owner's start time is recorded too and compared with the kernel's.
 */
import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import type { Owner } from "../labels.js";

/** /proc/stat's btime has whole seconds, so the kernel's start time can read up to 1 s early or late; some margin on top. */
const START_TOLERANCE_MS = 3000;
/** USER_HZ: fixed at 100 by the Linux ABI for /proc, whatever the kernel's internal HZ. */
const TICKS_PER_SECOND = 100;

export type Liveness = "alive" | "dead" | "unknown";

/** The login name of this process's user, or `uid-N` when there is no passwd entry. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? "unknown"}`;
  }
}

/** This process as an owner of what it creates. */
export function currentOwner(): Owner {
  return { host: hostname(), pid: process.pid, started: Math.round(performance.timeOrigin), user: currentUser() };
}

function bootTimeMs(): number | undefined {
  try {
    const m = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
    return m ? Number(m[1]) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When `pid` started (ms since epoch) according to the kernel; null when no such process exists
 * (or it is a zombie, which is as good as dead); undefined when this system has no /proc.
 */
export function processStartMs(pid: number): number | null | undefined {
  const boot = bootTimeMs();
  if (boot === undefined) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: parse after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return null;
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? boot + (ticks * 1000) / TICKS_PER_SECOND : undefined;
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether `pid`, started at `startedMs`, still runs on this host. */
export function processLiveness(pid: number, startedMs: number): Liveness {
  if (!Number.isInteger(pid) || pid <= 0) return "unknown";
  const start = processStartMs(pid);
  if (start === null) return "dead";
  if (start === undefined) return signalZero(pid) ? "alive" : "dead"; // no /proc: best effort
  // Only a process that started after the owner recorded its start is another one (a recycled
  // pid). The owner's record (Node's time origin) always comes after its exec, by however long the
  // machine took to get Node going: over 3 s with 40 processes starting on 2 busy cores, so a
  // bound on that side judged live owners dead and had their environments and queue places reaped.
  return Number.isFinite(startedMs) && start - startedMs > START_TOLERANCE_MS ? "dead" : "alive";
}

/** Whether an owner is alive, as far as this host can know: owners on other hosts are "unknown". */
export function ownerLiveness(owner: Owner, host = hostname()): Liveness {
  if (owner.host !== host) return "unknown";
  return processLiveness(owner.pid, owner.started);
}
