/** The swarm's plan, as data (plan/swarm-reconcile.ts): what `up --on swarm` creates, in which order, and why. */
import { describe, expect, it } from "vitest";
import { renderPlan } from "../../src/plan/plan.js";
import { reconcileSwarm } from "../../src/plan/swarm-reconcile.js";
import { dep, project, service } from "./spec-builder.js";

const shop = project(
  [
    service("postgres", { healthcheck: { test: ["CMD", "pg_isready"] }, secrets: [{ source: "token" }] }),
    service("redis"),
    service("backend", {
      depends_on: { postgres: dep(), redis: dep("service_started") },
      secrets: [{ source: "token" }, { source: "vault" }],
      configs: [{ source: "motd" }],
    }),
    service("frontend", { depends_on: { backend: dep() }, networks: { edge: {}, default: {} } }),
  ],
  {
    networks: { edge: { internal: false } },
    secrets: { token: { file: "/tmp/token" }, vault: { external: true, name: "vault" } },
    configs: { motd: { content: "hi" } },
  },
);
const none = { networks: {} };

describe("reconcileSwarm", () => {
  it("plans networks, secrets and configs first, then each service once what it uses exists and its dependencies are ready", () => {
    expect(renderPlan(reconcileSwarm({ project: "p", spec: shop, observed: none }))).toBe(
      [
        "create-network p_default: none exists",
        "create-network p_edge: none exists",
        "create-secret p_token: used by backend, postgres",
        "create-config p_motd: used by backend",
        "create-service p_postgres [after network:default, network:edge, secret:token]: no dependencies",
        "wait-ready p_postgres [after service:postgres]: the environment is ready only when every service is",
        "create-service p_redis [after network:default, network:edge]: no dependencies",
        "wait-ready p_redis [after service:redis]: the environment is ready only when every service is",
        "create-service p_backend [after network:default, network:edge, config:motd, secret:token, ready:postgres, ready:redis]: dependencies ready (postgres, redis)",
        "wait-ready p_backend [after service:backend]: the environment is ready only when every service is",
        "create-service p_frontend [after network:default, network:edge, ready:backend]: dependencies ready (backend)",
        "wait-ready p_frontend [after service:frontend]: the environment is ready only when every service is",
      ].join("\n"),
    );
  });

  it("keeps the project's overlay networks that exist already, and plans nothing for external ones", () => {
    const spec = { ...shop, networks: { ...shop.networks, edge: { external: true, name: "edge" } } };
    const text = renderPlan(reconcileSwarm({ project: "p", spec, observed: { networks: { default: { id: "n1", name: "p_default" } } } }));
    expect(text).not.toContain("create-network");
    expect(text).toContain("create-service p_postgres [after secret:token]: no dependencies");
  });

  it("waits only for dependencies that are part of the project (an optional one left out is not waited for)", () => {
    const spec = project([service("api", { depends_on: { cache: { ...dep(), required: false } } })]);
    expect(renderPlan(reconcileSwarm({ project: "p", spec, observed: none }))).toBe(
      [
        "create-network p_default: none exists",
        "create-service p_api [after network:default]: no dependencies",
        "wait-ready p_api [after service:api]: the environment is ready only when every service is",
      ].join("\n"),
    );
  });
});
