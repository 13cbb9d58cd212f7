/**
 * The owner's side of reaping: make sure a reaper process watches this process before anything
 * is created on the engine. One reaper per owner process and engine, shared by every environment
 * the process acquires; starting it costs one `node` start (~60 ms, not waited for), checking
 * that it runs costs a stat.
 *
 * Why a process and not a container (as testcontainers' Ryuk): no image can be pulled here, and
 * a host process can see whether its owner lives by its pid and start time, which survives
 * SIGKILL, needs no socket held open and no privileges beyond the Docker socket.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { hostname, setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import type { Owner } from "../labels.js";
import { ensureSharedDir, removeQuietly } from "../locks/atomic-file.js";
import { processLiveness } from "./process-liveness.js";
import { cleanExitFile, pendingFile, pidFile, readRecord, reaperDir, reaperKey, sweepStaleFiles } from "./reaper-files.js";

export interface EnsureReaperOptions {
  owner: Owner;
  /** The engine the owner uses, as Engine.endpoint gives it. */
  endpoint: string;
  env?: Record<string, string | undefined>;
  /** A detached environment being acquired: reaped too if the owner dies before `settle()`. */
  pendingProject?: string;
}

export interface ReaperLease {
  /** The reaper's script, or undefined when none could be found (then `warning` says why). */
  script?: string;
  spawned: boolean;
  warning?: string;
  /** Acquire of the pending (detached) project has ended: from now on it is not reaped with its owner. */
  settle(): void;
  /**
   * Nothing of this acquire is left for the reaper: its environment was released, or it is
   * detached and settled, or its failure was rolled back completely. When every lease of the
   * process is done as it exits, the reaper is told so and leaves without reaping.
   */
  done(): void;
}

/**
 * Per reaper (owner process and engine): how many acquires of this process still need it. Counted
 * before anything is created; an exit with a count above zero (or a kill) leaves the reaper to reap.
 */
const outstanding = new Map<string, { dir: string; key: string; count: number }>();
let exitHookInstalled = false;
/** Reapers this process spawned, by reaper: until one has claimed its pid file, it is not asked to start again. */
const spawning = new Map<string, { pid: number; started: number; at: number }>();
/** A reaper claims its pid file within a second of starting, even on a loaded machine; after this, start another. */
const STARTING_GRACE_MS = 10_000;

function track(dir: string, key: string): () => void {
  const id = `${dir}/${key}`;
  const entry = outstanding.get(id) ?? { dir, key, count: 0 };
  entry.count++;
  outstanding.set(id, entry);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const e of outstanding.values()) {
        // Only for a reaper still watching (one that left idle would never read it).
        if (e.count > 0 || !existsSync(pidFile(e.dir, e.key))) continue;
        try {
          writeFileSync(cleanExitFile(e.dir, e.key), String(process.pid));
        } catch {
          // the reaper reaps as if the owner had been killed: slower, never wrong
        }
      }
    });
  }
  let finished = false;
  return () => {
    if (finished) return;
    finished = true;
    entry.count--;
  };
}

/**
 * The compiled reaper entry point. From the build (dist/cleanup/reaper.js) it is the sibling file;
 * beside the CLI bundle (dist/bin/berth.cjs) it is reaper-main.mjs (dist/bin's .js files are CommonJS).
 * When berth's TypeScript sources run directly (vitest runs src/), there is no JavaScript next to
 * this file and Node 20 cannot run TypeScript, so the build's copy in dist/ is used: the test
 * suite builds first (`pretest`), and the reaper only needs the engine client and these files.
 */
export function reaperScript(moduleUrl: string = import.meta.url): string | undefined {
  const here = fileURLToPath(moduleUrl);
  const candidates = [join(dirname(here), "reaper-main.js"), join(dirname(here), "reaper-main.mjs")];
  if (here.endsWith(".ts")) candidates.push(resolve(dirname(here), "../../dist/cleanup/reaper-main.js"));
  return candidates.find((c) => existsSync(c));
}

/**
 * Nice value of the reaper process: mildly lower priority, so its start-up yields to the acquire
 * that spawned it, yet it still gets a fair share (about a third of a busy CPU) to reap in time.
 */
const REAPER_NICENESS = 5;

/** True when a live reaper watches `owner` on `endpoint`; touches its lease so it stays. */
function touchLiveReaper(path: string): boolean {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    return false; // none, or it is leaving: start a new one
  }
  const rec = readRecord(path);
  if (rec && processLiveness(rec.pid, rec.started) === "alive") return true;
  removeQuietly(path); // its reaper died (killed, machine rebooted): replace it
  return false;
}

export function ensureReaper(o: EnsureReaperOptions): ReaperLease {
  const env = o.env ?? process.env;
  const dir = reaperDir(env);
  ensureSharedDir(dir);
  const key = reaperKey(o.owner, o.endpoint);
  const pending = o.pendingProject ? pendingFile(dir, key, o.pendingProject) : undefined;
  // Before the reaper check: a reaper deciding to leave looks at pending files last.
  if (pending) writeFileSync(pending, new Date().toISOString());
  const settle = () => pending && removeQuietly(pending);
  const done = track(dir, key);
  if (touchLiveReaper(pidFile(dir, key))) return { spawned: false, settle, done };
  // One this process started a moment ago has not claimed its pid file yet: it will (admission
  // and acquire each ask, within milliseconds; a second node start would cost CPU for nothing).
  const starting = spawning.get(`${dir}/${key}`);
  if (starting !== undefined && processLiveness(starting.pid, starting.started) === "alive" && Date.now() - starting.at < STARTING_GRACE_MS) {
    return { spawned: false, settle, done };
  }

  const script = reaperScript();
  if (!script) {
    return {
      spawned: false,
      settle,
      done,
      warning:
        "berth's reaper (dist/cleanup/reaper-main.js) was not found, so nothing removes this environment if this process is killed; run `npm run build`, or `berth clean` afterwards",
    };
  }
  const logPath = join(dir, `${key}.log`);
  const logFd = openSync(logPath, "a");
  try {
    const childEnv = { ...env };
    // The owner's loader hooks (a test runner's, a TypeScript loader's) are not the reaper's.
    delete childEnv.NODE_OPTIONS;
    const child = spawn(process.execPath, [script, JSON.stringify({ owner: o.owner, endpoint: o.endpoint, dir, key, log: logPath })], {
      detached: true, // its own session: a Ctrl-C or a killed process group does not reach it
      stdio: ["ignore", "ignore", logFd],
      env: childEnv,
    });
    child.unref();
    if (child.pid) spawning.set(`${dir}/${key}`, { pid: child.pid, started: Date.now(), at: Date.now() });
    // Background work: its start-up (loading Node and the Engine API client) must not take CPU from
    // the acquire it protects, which is starting containers at that moment.
    if (child.pid) {
      try {
        setPriority(child.pid, REAPER_NICENESS);
      } catch {
        // not permitted here: it runs at normal priority
      }
    }
  } finally {
    closeSync(logFd);
  }
  return { script, spawned: true, settle, done };
}

/** Removes the reaper files of owners on this host that died with their reaper (see sweepStaleFiles); never fails. */
export function sweepStaleReaperFiles(env: Record<string, string | undefined>): string[] {
  try {
    return sweepStaleFiles(reaperDir(env), hostname(), processLiveness);
  } catch {
    return [];
  }
}
