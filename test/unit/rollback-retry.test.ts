/**
 * rollBack's retry decision (src/lifecycle/rollback.ts): an engine that answers but refuses is not
 * asked again, except when its answer says it lost its own state (a just-restarted dockerd whose
 * stores are not back yet), which passes.
 */
import { describe, expect, it } from "vitest";
import { toBerthError } from "../../src/engine/errors.js";
import { rollBack } from "../../src/lifecycle/rollback.js";

const engineSays = (message: string) =>
  toBerthError(Object.assign(new Error(message), { statusCode: 500, json: { message } }), "remove network n1", "unix:///x.sock");
const answeringEngine = { needed: () => false, staysGone: () => Promise.resolve(true), engineLost: () => false, answering: () => Promise.resolve(true) };

describe("rollBack", () => {
  it("retries a removal the just-restarted engine could not do for want of its own state", async () => {
    let calls = 0;
    const result = await rollBack(async () => {
      if (++calls === 1)
        throw engineSays("error while removing network: failed to update store for object type *libnetwork.network: open : no such file or directory");
      return Promise.resolve();
    }, answeringEngine);
    expect(result).toBeUndefined();
    expect(calls).toBe(2);
  });

  it("gives up at once on a refusal of a healthy engine (a stale endpoint, moby#43286)", async () => {
    let calls = 0;
    const result = await rollBack(() => {
      calls++;
      throw engineSays("error while removing network: network n1 id abc has active endpoints");
    }, answeringEngine);
    expect(result).toMatch(/active endpoints/);
    expect(calls).toBe(1);
  });
});
