/**
 * A deadline for "the engine did not answer within N ms" that does not blame the engine for time
 * this process could not run. `AbortSignal.timeout` is wall time, and its timer runs before the I/O
 * callbacks of the same event-loop turn: a process starved of CPU (40 berth processes loading at once
 * on 2 cores) finds its timer overdue and aborts although the engine's answer is already waiting to
 * be read. Here the time between two ticks counts for at most twice the tick (the rest was the
 * process's own stall), and the abort waits for one turn of I/O (setImmediate runs after the poll
 * phase), so an answer that has arrived wins.
 */
export interface PatientTimeout {
  signal: AbortSignal;
  /** Stops the clock (the call has ended). */
  clear(): void;
}

/** A monotonic clock in ms. Not `performance.now()`: the global `performance` loads perf_hooks (~1-2 ms of every command's start). */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export function patientTimeout(ms: number, tickMs = 250): PatientTimeout {
  const controller = new AbortController();
  let left = ms;
  let last = nowMs();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(tick, Math.max(1, Math.min(tickMs, left)));
  };
  const tick = () => {
    const now = nowMs();
    left -= Math.min(now - last, 2 * tickMs);
    last = now;
    if (left > 0) return arm();
    timer = undefined;
    setImmediate(() => controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")));
  };
  arm();
  return {
    signal: controller.signal,
    clear: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
