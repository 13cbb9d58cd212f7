/**
 * `berth graph` rendering, compared exactly with golden files under test/fixtures/graph/.
 * Regenerate them after a deliberate change with UPDATE_GOLDEN=1.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/compose/index.js";
import { aggregateState, graphFromEnvironment } from "../../src/diagnostics/graph/from-environment.js";
import { graphFromSpec, type DependencyGraph } from "../../src/diagnostics/graph/model.js";
import { renderDot } from "../../src/diagnostics/graph/render-dot.js";
import { renderMermaid } from "../../src/diagnostics/graph/render-mermaid.js";
import { renderTree } from "../../src/diagnostics/graph/render-tree.js";
import type { EnvironmentData } from "../../src/lifecycle/environment.js";

const dir = new URL("../fixtures/graph/", import.meta.url).pathname;

function golden(name: string, actual: string): void {
  const path = `${dir}${name}`;
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

const RENDERERS = { mermaid: renderMermaid, dot: renderDot, tree: renderTree };

async function fileGraph(): Promise<DependencyGraph> {
  const spec = await loadProject({ files: [`${dir}stack.yml`], cwd: dir, env: {} });
  return graphFromSpec(spec, "stack");
}

/** A running environment as the labels describe it: states per container, one dependency absent. */
function environmentGraph(): DependencyGraph {
  const c = (state: string, number = 1) => ({ id: `${state}${number}`, name: `x-${number}`, number, state: state as never, ports: [] });
  const environment: EnvironmentData = {
    project: "berth-test-1",
    kind: "test",
    networks: ["berth-test-1_default"],
    services: {
      api: { name: "api", containers: [c("HEALTHY", 1), c("STARTING", 2)] },
      db: { name: "db", containers: [c("HEALTHY")] },
      migrate: { name: "migrate", containers: [c("COMPLETED")] },
      web: { name: "web", containers: [c("UNHEALTHY")] },
    },
  };
  return graphFromEnvironment({
    project: "berth-test-1",
    environment,
    dependsOn: { web: ["api", "cache.v2"], api: ["db", "migrate"], migrate: ["db"], db: [] },
    fileDependencies: {
      web: {
        api: { condition: "service_healthy", required: true, restart: false },
        "cache.v2": { condition: "service_started", required: false, restart: false },
      },
      api: { db: { condition: "service_healthy", required: true, restart: false } },
    },
  });
}

describe("graph rendering (golden files)", () => {
  for (const [format, render] of Object.entries(RENDERERS)) {
    it(`a compose file as ${format}`, async () => golden(`stack.${format}`, render(await fileGraph())));
    it(`a running environment as ${format}, with states, an absent service and unknown conditions`, () =>
      golden(`environment.${format}`, render(environmentGraph())));
  }

  it("is deterministic whatever order the file lists services in", async () => {
    const a = await fileGraph();
    const b: DependencyGraph = { ...a, nodes: [...a.nodes].reverse(), edges: [...a.edges].reverse() };
    const spec = await loadProject({ files: [`${dir}stack.yml`], cwd: dir, env: {} });
    const reversed = graphFromSpec({ ...spec, services: Object.fromEntries(Object.entries(spec.services).reverse()) }, "stack");
    expect(renderTree(reversed)).toBe(renderTree(a));
    expect(renderMermaid(reversed)).toBe(renderMermaid(a));
    expect(b.edges).not.toEqual(a.edges); // the reversed copy really differs before normalising
  });

  it("a dependency cycle (possible only in hand-made labels) still renders without looping", () => {
    const g = graphFromEnvironment({
      project: "p",
      environment: { project: "p", kind: "test", networks: [], services: {} },
      dependsOn: { a: ["b"], b: ["a"] },
    });
    expect(renderTree(g)).toBe(
      "p (from the environment)\na [not in project]\n└── b [not in project] (unknown)\n    └── a [not in project] (unknown) (see above)\nb [not in project] (see above)\n",
    );
  });

  it("aggregates replica states", () => {
    expect(aggregateState(["HEALTHY", "HEALTHY"])).toBe("HEALTHY");
    expect(aggregateState(["STARTING", "HEALTHY", "HEALTHY"])).toBe("2 HEALTHY, 1 STARTING");
  });
});
