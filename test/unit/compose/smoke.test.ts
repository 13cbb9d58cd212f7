import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { loadProject, renderConfig } from "../../../src/compose/index.js";

describe("loadProject on the shop example", () => {
  it("loads services, health checks and dependencies", async () => {
    const dir = resolve(__dirname, "../../../examples/shop");
    const p = await loadProject({ cwd: dir, env: {} });
    expect(Object.keys(p.services)).toEqual(["backend", "frontend", "postgres", "redis"]);
    const backend = p.services.backend!;
    expect(backend.depends_on.postgres).toEqual({ condition: "service_healthy", required: true, restart: false });
    expect(backend.ports).toEqual([{ target: 3000, protocol: "tcp" }]);
    expect(backend.healthcheck?.interval_ms).toBe(1000);
    expect(backend.healthcheck?.start_period_ms).toBe(30000);
    expect(p.services.redis!.healthcheck?.test?.[0]).toBe("CMD-SHELL");
    expect(backend.environment.POSTGRES_PORT).toBe("5432");
    expect(backend.networks).toEqual({ default: {} });
    expect(p.networks).toEqual({ default: {} });
    expect(renderConfig(p, "yaml")).toContain("service_healthy");
  });
});
