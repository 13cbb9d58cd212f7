/**
 * The connect deadline counts the engine's silence, not this process's own stall (a CPU-starved
 * process found its timer overdue and blamed the engine while the answer was waiting to be read).
 */
import { describe, expect, it } from "vitest";
import { patientTimeout } from "../../src/engine/patient-timeout.js";

/** Keeps the event loop from running for `ms` (what 40 processes loading at once on 2 cores do to each). */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const turn = () => new Promise((r) => setImmediate(r));

describe("patientTimeout", () => {
  it("does not count a stall of the process itself against the deadline", async () => {
    const t = patientTimeout(300, 50);
    stall(1000); // AbortSignal.timeout(300) would be overdue by now
    await new Promise((r) => setTimeout(r, 60));
    await turn();
    expect(t.signal.aborted).toBe(false);
    t.clear();
  });

  it("still ends when the engine stays silent, as a TimeoutError", async () => {
    const t = patientTimeout(200, 50);
    const reason = await new Promise<unknown>((resolve) => t.signal.addEventListener("abort", () => resolve(t.signal.reason)));
    expect((reason as Error).name).toBe("TimeoutError");
  });

  it("lets an answer that has already arrived win over an overdue deadline", async () => {
    const t = patientTimeout(50, 50);
    let answered = false;
    setTimeout(() => (answered = true), 40);
    stall(200);
    await new Promise((r) => t.signal.addEventListener("abort", r));
    expect(answered).toBe(true);
  });

  it("clear() stops the clock", async () => {
    const t = patientTimeout(100, 20);
    t.clear();
    await new Promise((r) => setTimeout(r, 250));
    expect(t.signal.aborted).toBe(false);
  });
});
