/**
 * Commands an owner runs against its environment (`berth run -- CMD`) must not outlive it: once the
 * owner is SIGKILLed its reaper removes the environment, and a CMD left running would talk to
 * services that are gone (or, worse, to whatever takes their ports next).
 *
 * The owner records each such child in the reaper's folder (`<key>.child-<pid>`: pid and start
 * time); the reaper, which already notices the owner's death, stops the child's process tree
 * before it reaps. Why not prctl(PR_SET_PDEATHSIG): Node cannot call it without a native addon
 * (or a wrapper binary such as util-linux's setpriv, not present everywhere), it fires on the death
 * of the spawning *thread*, and it reaches only the direct child, not CMD's own children.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { removeQuietly } from "../locks/atomic-file.js";
import { processLiveness, processStartMs } from "./process-liveness.js";

interface ChildRecord {
  pid: number;
  started: number;
}

function childFile(dir: string, key: string, pid: number): string {
  return join(dir, `${key}.child-${pid}`);
}

/** Records a running child of the owner; the returned function forgets it (call it when it has exited). */
export function recordChild(dir: string, key: string, pid: number): () => void {
  const started = processStartMs(pid);
  const path = childFile(dir, key, pid);
  try {
    writeFileSync(path, JSON.stringify({ pid, started: started ?? Date.now() } satisfies ChildRecord));
  } catch {
    return () => undefined; // no reaper folder: nothing stops the child if berth is killed
  }
  return () => removeQuietly(path);
}

function recordedChildren(dir: string, key: string): { path: string; record: ChildRecord }[] {
  const prefix = `${key}.child-`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.startsWith(prefix));
  } catch {
    return [];
  }
  return names.flatMap((f) => {
    const path = join(dir, f);
    try {
      return [{ path, record: JSON.parse(readFileSync(path, "utf8")) as ChildRecord }];
    } catch {
      return [{ path, record: { pid: 0, started: 0 } }];
    }
  });
}

/** pid → parent pid of every process, from /proc (empty where there is none). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      out.set(Number(p), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The process and all its descendants (as far as /proc shows them), root first. */
function tree(root: number): number[] {
  const ppid = parents();
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, parent] of ppid) if (parent === out[i] && !out.includes(pid)) out.push(pid);
  return out;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

export interface StopChildren {
  /** Processes sent SIGTERM (each recorded child and its descendants). */
  stopped: number[];
  /** Whether any of them still runs. */
  running(): boolean;
  /** SIGKILL to whatever of them still runs: call after the grace period. */
  finish(): void;
}

/**
 * The owner died: SIGTERM to each recorded child's process tree now (CMD gets its chance to stop
 * cleanly while the environment is being reaped), SIGKILL to what is left with `finish()`. Each
 * process is identified by pid and start time, so a recycled pid is never signalled.
 */
export function stopOwnedChildren(dir: string, key: string): StopChildren {
  const procs = new Map<number, number | null | undefined>();
  for (const { path, record } of recordedChildren(dir, key)) {
    if (record.pid > 0 && processLiveness(record.pid, record.started) === "alive") for (const pid of tree(record.pid)) procs.set(pid, processStartMs(pid));
    removeQuietly(path);
  }
  const stopped = [...procs.keys()];
  signal(stopped, "SIGTERM");
  const still = () =>
    stopped.filter((pid) => {
      const now = processStartMs(pid);
      return now !== null && now === procs.get(pid);
    });
  return { stopped, running: () => still().length > 0, finish: () => signal(still(), "SIGKILL") };
}

/** Waits up to `ms` while any of the stopped processes runs. */
export async function awaitExit(children: StopChildren, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && children.running()) await sleep(100);
}
