import { vi } from "vitest";

/** Advances fake time in 500 ms steps until `p` settles; fails the test when it has not after `maxMs`. */
export async function settleWithin<T>(p: Promise<T>, maxMs: number): Promise<{ value?: T; error?: unknown; elapsedMs: number }> {
  let out: { value?: T; error?: unknown } | undefined;
  p.then(
    (value) => (out = { value }),
    (error: unknown) => (out = { error }),
  );
  const t0 = Date.now();
  while (!out && Date.now() - t0 <= maxMs) await vi.advanceTimersByTimeAsync(500);
  if (!out) throw new Error(`still pending after ${maxMs} ms`);
  return { ...out, elapsedMs: Date.now() - t0 };
}
