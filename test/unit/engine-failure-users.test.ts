/**
 * Code outside src/engine decides by the classified kind of an engine failure, not by its words:
 * a network create retries another subnet on an overlap only.
 */
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { toBerthError } from "../../src/engine/errors.js";
import { createEnvironmentNetwork } from "../../src/networks/create-network.js";

function engineAnswer(statusCode: number, message: string): Error {
  return toBerthError(
    Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } }),
    "create network n",
    "unix:///var/run/docker.sock",
  );
}

/** An engine whose network creates fail with `answers` in turn, then succeed. */
function fakeEngine(answers: Error[]): { engine: Engine; subnets: string[] } {
  const subnets: string[] = [];
  const engine = {
    listNetworks: () => Promise.resolve([]),
    createNetwork: (req: { subnet?: string }) => {
      subnets.push(req.subnet!);
      const next = answers.shift();
      return next ? Promise.reject(next) : Promise.resolve("net-id");
    },
  } as unknown as Engine;
  return { engine, subnets };
}

const input = (_engine?: Engine) => ({ name: "n", labels: {}, spec: undefined, containers: 2, env: { BERTH_SUBNET_POOL: "10.231.0.0/16" } });

describe("createEnvironmentNetwork", () => {
  it("retries on a subnet overlap (the engine's 403 for a pool taken meanwhile)", async () => {
    const { engine, subnets } = fakeEngine([engineAnswer(403, "Pool overlaps with other one on this address space")]);
    const retries: string[] = [];
    const r = await createEnvironmentNetwork(engine, { ...input(engine), onRetry: (_, cause) => retries.push(cause) });
    expect(r.id).toBe("net-id");
    expect(subnets).toHaveLength(2);
    expect(retries).toHaveLength(1);
  });

  it("does not retry another failure, nor an overlap said by berth rather than the engine", async () => {
    const { engine } = fakeEngine([engineAnswer(403, "error while removing network: network n id 5b6e has active endpoints")]);
    await expect(createEnvironmentNetwork(engine, input(engine))).rejects.toMatchObject({ code: "ENGINE_ERROR" });
    const words = fakeEngine([new Error("Pool overlaps with other one on this address space")]);
    await expect(createEnvironmentNetwork(words.engine, input(words.engine))).rejects.toThrow("Pool overlaps");
  });
});
