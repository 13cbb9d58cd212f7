/**
 * A service that exits for good while berth waits for it: the failure says when the kernel killed
 * it for memory, also where the engine's OOMKilled flag missed it (dockerd 20.10 loses the flag
 * when the kernel's notice comes after the exit; the engine's event log still has it).
 */
import { describe, expect, it } from "vitest";
import { isBerthError } from "../../src/errors.js";
import { MemoryRuntime } from "./support/memory-runtime.js";
import { startAcquire } from "./support/acquire-harness.js";
import { project, service } from "./spec-builder.js";

async function failureWhenKilled(oomEvent: boolean) {
  const rt = new MemoryRuntime();
  rt.onStart.set("t1-db-1", (c, r) => {
    if (oomEvent) r.oomEvents.add(c.id);
    r.setState(c.id, { status: "exited", exitCode: 137 }, "die");
  });
  const run = await startAcquire(rt, project([service("db")]));
  const error = await run.result.catch((e: unknown) => e);
  expect(isBerthError(error, "SERVICE_FAILED")).toBe(true);
  return error as Error & { details: { oomKilled?: boolean } };
}

describe("a service killed while berth waits for it", () => {
  it("for memory, with the engine's flag lost: says out of memory, from the engine's event log", async () => {
    const error = await failureWhenKilled(true);
    expect(error.message).toMatch(/db .*exited with code 137 \(killed: out of memory\)/);
    expect(error.details.oomKilled).toBe(true);
  });

  it("by a plain SIGKILL (no OOM event): says only the exit code", async () => {
    const error = await failureWhenKilled(false);
    expect(error.message).toMatch(/exited with code 137/);
    expect(error.message).not.toMatch(/memory/);
    expect(error.details.oomKilled).toBe(false);
  });
});
