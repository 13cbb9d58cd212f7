import { describe, expect, it } from "vitest";
import { renderPlan } from "../../src/plan/plan.js";
import { EMPTY_OBSERVED, reconcileUp } from "../../src/plan/reconcile.js";
import { dep, project, service } from "./spec-builder.js";

const spec = project([
  service("postgres", { healthcheck: { test: ["CMD", "pg_isready"] } }),
  service("migrate", { depends_on: { postgres: dep("service_healthy") } }),
  service("backend", { depends_on: { postgres: dep(), migrate: dep("service_completed_successfully") } }),
  service("frontend", { depends_on: { backend: dep("service_started") } }),
]);
const hashes = { postgres: "h1", migrate: "h2", backend: "h3", frontend: "h4" };

describe("reconcileUp", () => {
  it("plans a fresh environment in dependency order, each step with its reason", () => {
    const plan = reconcileUp({ project: "p", spec, observed: EMPTY_OBSERVED, serviceHashes: hashes });
    expect(renderPlan(plan)).toBe(
      [
        "create-network p_default: none exists",
        "create-container p-postgres-1 [after network:default]: none exists",
        "start-container p-postgres-1 [after create:p-postgres-1]: no dependencies",
        "wait-ready p-postgres-1 (healthy) [after start:p-postgres-1]: the environment is ready only when every service is",
        "create-container p-migrate-1 [after network:default]: none exists",
        "start-container p-migrate-1 [after create:p-migrate-1, ready:p-postgres-1]: dependencies ready (postgres)",
        "wait-ready p-migrate-1 (completed) [after start:p-migrate-1]: a dependant needs it to complete successfully",
        "create-container p-backend-1 [after network:default]: none exists",
        "start-container p-backend-1 [after create:p-backend-1, ready:p-migrate-1, ready:p-postgres-1]: dependencies ready (migrate, postgres)",
        "wait-ready p-backend-1 (healthy) [after start:p-backend-1]: the environment is ready only when every service is",
        "create-container p-frontend-1 [after network:default]: none exists",
        "start-container p-frontend-1 [after create:p-frontend-1, start:p-backend-1]: dependencies ready (backend)",
        "wait-ready p-frontend-1 (healthy) [after start:p-frontend-1]: the environment is ready only when every service is",
      ].join("\n"),
    );
  });

  it("keeps what is up to date, recreates what changed, starts what is stopped", () => {
    const observed = {
      networks: { default: { id: "n1", name: "p_default" } },
      volumes: {},
      containers: [
        { id: "c1", name: "p-postgres-1", service: "postgres", number: 1, running: true, configHash: "h1" },
        { id: "c2", name: "p-migrate-1", service: "migrate", number: 1, running: false, configHash: "h2" },
        { id: "c3", name: "p-backend-1", service: "backend", number: 1, running: true, configHash: "old" },
      ],
    };
    const text = renderPlan(reconcileUp({ project: "p", spec, observed, serviceHashes: hashes }));
    expect(text).not.toContain("create-network");
    expect(text).not.toContain("create-container p-postgres-1");
    expect(text).toContain("wait-ready p-postgres-1 (healthy): the environment");
    expect(text).toContain("start-container p-migrate-1 [after ready:p-postgres-1]");
    expect(text).toContain("remove-container p-backend-1: its configuration changed");
    expect(text).toContain("create-container p-backend-1 [after remove:p-backend-1]: recreate with the new configuration");
  });

  it("scales down and removes containers of services that left the project", () => {
    const s = project([service("api", { scale: 1 })]);
    const observed = {
      networks: { default: { id: "n1", name: "p_default" } },
      volumes: {},
      containers: [
        { id: "c1", name: "p-api-1", service: "api", number: 1, running: true, configHash: "a" },
        { id: "c2", name: "p-api-2", service: "api", number: 2, running: true, configHash: "a" },
        { id: "c3", name: "p-old-1", service: "old", number: 1, running: true, configHash: "o" },
      ],
    };
    const text = renderPlan(reconcileUp({ project: "p", spec: s, observed, serviceHashes: { api: "a" } }));
    expect(text).toBe(
      [
        "wait-ready p-api-1 (healthy): the environment is ready only when every service is",
        "remove-container p-api-2: scale of api is 1",
        "remove-container p-old-1: service old is no longer part of the project",
      ].join("\n"),
    );
  });

  it("plans one container per replica, and dependants wait for all of them", () => {
    const s = project([service("api", { scale: 2 }), service("web", { depends_on: { api: dep() } })]);
    const text = renderPlan(reconcileUp({ project: "p", spec: s, observed: EMPTY_OBSERVED, serviceHashes: { api: "a", web: "w" } }));
    expect(text).toContain("create-container p-api-2");
    expect(text).toContain("start-container p-web-1 [after create:p-web-1, ready:p-api-1, ready:p-api-2]");
  });
});
