/**
 * Running a check command over and over *inside* the container, from one exec.
 *
 * Every exec through the Engine API costs ~50–60 ms before its command even runs (runc sets up
 * the process) plus engine CPU, so checking every 25 ms by exec is impossible and checking every
 * exec is slow to notice. Instead berth starts one exec of a small `/bin/sh` loop that runs the
 * check with the backing-off period itself (spawning a process inside the container costs ~1 ms)
 * and prints a marker the moment it first passes: readiness is noticed within a few ms of the
 * check passing, at a fraction of the engine load. The check runs exactly as the engine runs it
 * (CMD argv, or `/bin/sh -c` for CMD-SHELL), passed as positional parameters, never spliced
 * into the script. Images without `/bin/sh` (distroless) fall back to one exec per check.
 *
 * Written by hand: no library does this, and it is what makes berth's readiness faster than the
 * engine's own healthcheck and than peers that poll.
 */
import type { Runtime } from "../engine/runtime.js";

const READY = "@@berth-probe:passed";
const NOT_YET = "@@berth-probe:not-yet";
/** Inner period bounds: the first checks run every 25 ms; later ones at most every 500 ms. */
const FIRST_MS = 25;
const INNER_CAP_MS = 500;
/** The inner period grows with the time the container has been starting (1/16 of it). */
const INNER_FRACTION = 1 / 16;

export interface WatchOutcome {
  ok: boolean;
  /** ms since epoch when the passing check was seen (or the window ended). */
  at: number;
  /** The last check's output (trimmed to maxBytes). */
  output: string;
  exitCode: number;
  /** The image has no /bin/sh: run the check by plain exec instead. */
  noShell: boolean;
}

/**
 * The sleeps (ms) between checks for a window of `windowMs` that starts `startedForMs` after the
 * container started: FIRST_MS, growing with the container's age, capped at `capMs`. Pure.
 */
export function innerSchedule(startedForMs: number, windowMs: number, capMs: number): number[] {
  const cap = Math.max(FIRST_MS, Math.min(capMs, INNER_CAP_MS));
  const out: number[] = [];
  for (let spent = 0; spent < windowMs;) {
    const p = Math.max(FIRST_MS, Math.min(cap, Math.round((startedForMs + spent) * INNER_FRACTION)));
    out.push(p);
    spent += p;
  }
  return out;
}

/** The loop, given its sleeps; the check is "$@". Pure, for tests. */
export function watchScript(sleepsMs: number[]): string {
  const sleeps = sleepsMs.map((ms) => (ms / 1000).toFixed(3)).join(" ");
  // `sleep 0.025` needs a sleep that takes fractions (busybox, coreutils); `|| sleep 1` keeps a
  // minimal one from turning the loop into a busy spin.
  return [
    `n=0`,
    `for s in ${sleeps}; do`,
    `  n=$((n+1)); out=$("$@" 2>&1); rc=$?`,
    `  if [ "$rc" -eq 0 ]; then echo "${READY} $n"; exit 0; fi`,
    `  sleep "$s" 2>/dev/null || sleep 1`,
    `done`,
    `printf '%s\\n${NOT_YET} %s %s\\n' "$out" "$rc" "$n"`,
  ].join("\n");
}

/** Reads the loop's output: passed, not yet (with the last check's output), or no marker at all. */
export function parseWatchOutput(
  text: string,
): { state: "passed"; checks: number } | { state: "not-yet"; output: string; exitCode: number; checks: number } | { state: "none" } {
  const passed = text.lastIndexOf(READY);
  if (passed >= 0) return { state: "passed", checks: Number(/\d+/.exec(text.slice(passed + READY.length))?.[0] ?? 1) };
  const idx = text.lastIndexOf(NOT_YET);
  if (idx < 0) return { state: "none" };
  const [rc = "1", n = "0"] = text
    .slice(idx + NOT_YET.length)
    .trim()
    .split(/\s+/);
  return { state: "not-yet", output: text.slice(0, idx).replace(/\n$/, ""), exitCode: Number(rc), checks: Number(n) };
}

export interface WatchOptions {
  /** How long the loop keeps checking before it reports "not yet". */
  windowMs: number;
  /** How long the container has been starting when the window opens. */
  startedForMs: number;
  /** The longest inner period (the healthcheck's interval). */
  capMs: number;
  /** Extra time one check may take (the healthcheck's timeout) before berth stops waiting. */
  checkTimeoutMs: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export async function watchExec(engine: Runtime, containerId: string, cmd: string[], o: WatchOptions): Promise<WatchOutcome> {
  const sleeps = innerSchedule(o.startedForMs, o.windowMs, o.capMs);
  const max = o.maxBytes ?? 4096;
  let text = "";
  let passedAt = 0;
  const signal = AbortSignal.any([AbortSignal.timeout(o.windowMs + o.checkTimeoutMs + 2000), ...(o.signal ? [o.signal] : [])]);
  let exitCode: number;
  try {
    exitCode = await engine.execStream(
      containerId,
      ["/bin/sh", "-c", watchScript(sleeps), "berth-probe", ...cmd],
      (_s, data) => {
        // Keep the tail: the marker and the last check's output come last.
        text = (text + data.toString("utf8")).slice(-2 * max);
        if (!passedAt && text.includes(READY)) passedAt = Date.now();
      },
      { signal },
    );
  } catch (error) {
    if (o.signal?.aborted) throw error;
    // Stopped waiting (a check hung past its timeout) or the container went away mid-window.
    return { ok: false, at: Date.now(), output: (error as Error).message, exitCode: -1, noShell: false };
  }
  const parsed = parseWatchOutput(text);
  if (parsed.state === "passed")
    return {
      ok: true,
      at: passedAt || Date.now(),
      output: `passed (check ${parsed.checks} of this window, run inside the container)`,
      exitCode: 0,
      noShell: false,
    };
  if (parsed.state === "not-yet") return { ok: false, at: Date.now(), output: parsed.output.slice(-max), exitCode: parsed.exitCode, noShell: false };
  // No marker: /bin/sh could not run (126/127 from the runtime), or the container stopped mid-window.
  return { ok: false, at: Date.now(), output: text.slice(-max), exitCode, noShell: exitCode === 126 || exitCode === 127 };
}
