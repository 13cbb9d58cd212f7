/**
 * A swarm plan run by the shared executor through the swarm's step handlers (swarm/steps/), against
 * a recording fake of the swarm calls: services are created only once their dependencies are ready,
 * and use the secrets and configs the plan created (or found, when external).
 */
import { describe, expect, it } from "vitest";
import type { SwarmServiceRequest, SwarmTask } from "../../src/engine/swarm-types.js";
import type { Labels } from "../../src/engine/types.js";
import type { BerthEvent } from "../../src/events.js";
import { executePlan } from "../../src/lifecycle/executor.js";
import { reconcileSwarm } from "../../src/plan/swarm-reconcile.js";
import type { SwarmRuntime } from "../../src/swarm/runtime.js";
import { newSwarmDeployState, type SwarmStepContext } from "../../src/swarm/steps/context.js";
import { runSwarmStep } from "../../src/swarm/steps/index.js";
import { dep, project, service } from "./spec-builder.js";

/** Creates what it is asked to; a service's tasks run once `ready` names it. */
class FakeSwarm implements SwarmRuntime {
  readonly endpoint = "tcp://manager:2375";
  readonly calls: string[] = [];
  readonly requests = new Map<string, SwarmServiceRequest>();
  readonly ready = new Set<string>();

  createOverlayNetwork(req: { name: string; labels: Labels }): Promise<string> {
    this.calls.push(`network ${req.name}`);
    return Promise.resolve(`net-${req.name}`);
  }
  createSecret(name: string, data: Buffer): Promise<string> {
    this.calls.push(`secret ${name}=${data.toString()}`);
    return Promise.resolve(`sec-${name}`);
  }
  createConfig(name: string, data: Buffer): Promise<string> {
    this.calls.push(`config ${name}=${data.toString()}`);
    return Promise.resolve(`cfg-${name}`);
  }
  createService(req: SwarmServiceRequest): Promise<string> {
    this.calls.push(`service ${req.name}`);
    this.requests.set(req.name, req);
    return Promise.resolve(`svc-${req.name}`);
  }
  listTasks(filter: { service?: string | string[] }): Promise<SwarmTask[]> {
    const id = String(filter.service);
    const running = this.ready.has(id);
    const task: SwarmTask = {
      id: `${id}.1`,
      serviceId: id,
      desiredState: "running",
      state: running ? "running" : "starting",
      message: "",
      ports: [],
      timestamp: new Date().toISOString(),
      image: "img",
      createdAt: new Date().toISOString(),
    };
    return Promise.resolve([task]);
  }
  listNodes() {
    return Promise.resolve([]);
  }
  serviceLogs() {
    return Promise.resolve("");
  }
}

const spec = project(
  [
    service("db", { secrets: [{ source: "token" }, { source: "vault" }] }),
    service("api", { depends_on: { db: dep() }, configs: [{ source: "motd", target: "/etc/motd" }] }),
  ],
  { secrets: { token: { environment: "TOKEN" }, vault: { external: true, name: "vault" } }, configs: { motd: { content: "hi" } } },
);

describe("a swarm plan through the swarm step handlers", () => {
  it("creates a service once its dependencies are ready, with the secrets and configs made or found for it", async () => {
    const swarm = new FakeSwarm();
    const events: BerthEvent[] = [];
    const ctx: SwarmStepContext = {
      swarm,
      spec,
      project: "p",
      baseLabels: { "dev.berth.project": "p" },
      env: { TOKEN: "s3cr3t" },
      routingMesh: false,
      emit: (e) => events.push(e),
      startedAt: Date.now(),
      deadline: Date.now() + 10_000,
    };
    const state = newSwarmDeployState({ secret: { vault: { id: "ext-vault", name: "vault" } }, config: {} });
    const plan = reconcileSwarm({ project: "p", spec, observed: { networks: {} } });
    const run = executePlan(plan, (s, signal) => runSwarmStep(s, ctx, state, signal));
    await new Promise((r) => setTimeout(r, 600)); // a few task polls: db's tasks are not running yet
    expect(swarm.calls).toEqual(["network p_default", "secret p_token=s3cr3t", "config p_motd=hi", "service p_db"]);
    swarm.ready.add("svc-p_db");
    swarm.ready.add("svc-p_api");
    await run;
    expect(swarm.calls.at(-1)).toBe("service p_api");
    expect(swarm.requests.get("p_db")!.secrets.map((s) => `${s.objectId} ${s.objectName}`)).toEqual(["sec-p_token p_token", "ext-vault vault"]);
    expect(swarm.requests.get("p_api")!.configs.map((c) => `${c.objectId} ${c.fileName}`)).toEqual(["cfg-p_motd /etc/motd"]);
    expect(events.filter((e) => e.type === "ready").map((e) => e.type === "ready" && `${e.service} ${e.container}`)).toEqual([
      "db p_db (1 task)",
      "api p_api (1 task)",
    ]);
  });
});
