import { describe, expect, it } from "vitest";
import { dependantsOf, dependencyLevels, findCycle, withDependencies } from "../../src/plan/graph.js";
import { isBerthError } from "../../src/errors.js";
import { dep, project, service } from "./spec-builder.js";

const shop = project([
  service("postgres"),
  service("redis"),
  service("backend", { depends_on: { postgres: dep(), redis: dep() } }),
  service("frontend", { depends_on: { backend: dep() } }),
]).services;

describe("dependency graph", () => {
  it("orders services into levels, sorted within each", () => {
    expect(dependencyLevels(shop)).toEqual([["postgres", "redis"], ["backend"], ["frontend"]]);
  });

  it("names the whole cycle", () => {
    const s = project([
      service("a", { depends_on: { b: dep() } }),
      service("b", { depends_on: { c: dep() } }),
      service("c", { depends_on: { a: dep() } }),
    ]).services;
    expect(findCycle(s)).toEqual(["a", "b", "c", "a"]);
    try {
      dependencyLevels(s);
      expect.unreachable();
    } catch (e) {
      expect(isBerthError(e, "COMPOSE_INVALID")).toBe(true);
      expect((e as Error).message).toBe("dependency cycle: a → b → c → a");
    }
  });

  it("finds transitive dependants and dependencies", () => {
    expect(dependantsOf(shop, "postgres")).toEqual(["backend", "frontend"]);
    expect(dependantsOf(shop, "frontend")).toEqual([]);
    expect(withDependencies(shop, ["frontend"])).toEqual(["backend", "frontend", "postgres", "redis"]);
  });

  it("ignores dependencies on services that are not enabled", () => {
    const s = project([service("a", { depends_on: { ghost: { condition: "service_started", required: false, restart: false } } })]).services;
    expect(dependencyLevels(s)).toEqual([["a"]]);
  });
});
