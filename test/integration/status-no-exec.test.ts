/**
 * Reading state runs nothing inside containers (issue 16, item 4): `GET /api/health/PROJECT` on the
 * status server and `berth status` report the engine's state of a STARTING container instead of
 * exec'ing its healthcheck (any web page could make a browser send that GET); both also trust the
 * run that `up` recorded as ready, and only that run. The healthcheck here
 * appends a line to /probes each time it runs and the engine's own interval is an hour, so every
 * line is an exec by berth. `berth status --probe` is the explicit one-shot check.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, stack, uniqueName } from "./helpers.js";
import { getJson, serve, type Served } from "./server-helpers.js";

const project = uniqueName("berth-noexec");

interface StatusJson {
  environments: { services: Record<string, { containers: { id: string; state: string }[] }> }[];
}

async function status(...extra: string[]): Promise<{ id: string; state: string }> {
  const r = await berth(["status", project, "--json", "--no-stats", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as StatusJson).environments[0]!.services.marked!.containers[0]!;
}

/** How often the healthcheck has run (read with an exec of our own, which is not the healthcheck). */
async function probeRuns(id: string): Promise<number> {
  const r = await (await engine()).exec(id, ["sh", "-c", "cat /probes 2>/dev/null | wc -l"]);
  return Number(r.output.trim());
}

describe("reading state runs nothing inside containers", () => {
  let server: Served;
  let id = "";

  beforeAll(async () => {
    const up = await berth(["up", "-f", stack("probe-marker.yml"), "-p", project]);
    expect(up.code, up.stderr).toBe(0);
    server = await serve();
    id = (await status()).id;
  });

  /** The container as GET /api/health/PROJECT shows it. */
  async function served(): Promise<{ state: string; health: string }> {
    const r = await getJson<{ containers: { state: string; health: string }[] }>(`${server.url}/api/health/${project}`);
    expect(r.status).toBe(200);
    return r.body.containers[0]!;
  }

  /** The service's state on the server's live model (GET /api/state: the dashboard, readiness and metrics read it). */
  async function modelState(): Promise<string | undefined> {
    const r = await getJson<{ environments: { project: string; services: { name: string; state: string }[] }[] }>(`${server.url}/api/state`);
    expect(r.status).toBe(200);
    return r.body.environments.find((e) => e.project === project)?.services.find((x) => x.name === "marked")?.state;
  }

  afterAll(async () => {
    await server?.stop();
    await berth(["down", project]);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("GET /api/health/PROJECT and berth status report the engine's state, or up's recorded proof, and exec nothing", async () => {
    const before = await probeRuns(id);
    expect(before).toBeGreaterThanOrEqual(1); // up's own readiness wait ran it
    // `up` recorded the run it saw ready (its settled record): HEALTHY, although the engine says "starting".
    for (let i = 0; i < 3; i++) expect(await served()).toMatchObject({ state: "HEALTHY", health: "starting" });
    expect(await modelState()).toBe("HEALTHY");
    expect((await status()).state).toBe("HEALTHY");
    expect(await probeRuns(id)).toBe(before);
    // Another run of the container is not what up saw ready: the engine's word (STARTING) again.
    await (await engine()).restartContainer(id, 1);
    expect((await status()).state).toBe("STARTING");
    const plain = await berth(["status", project, "--no-stats"]);
    expect(plain.stdout).toMatch(/marked\s+STARTING/);
    // The server's model reads the container again when the engine reports the restart.
    const deadline = Date.now() + 10_000;
    while ((await modelState()) !== "STARTING" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await modelState()).toBe("STARTING");
    expect(await served()).toMatchObject({ state: "STARTING", health: "starting" });
    expect(await probeRuns(id)).toBe(before);
  });

  it("berth status --probe runs the healthcheck once, on request", async () => {
    const before = await probeRuns(id);
    expect((await status("--probe")).state).toBe("HEALTHY");
    expect(await probeRuns(id)).toBe(before + 1);
  });

  it("the server takes a record of readiness written while it runs (a second up proves the restarted run)", async () => {
    await (await engine()).restartContainer(id, 1);
    const deadline = Date.now() + 10_000;
    while ((await modelState()) !== "STARTING" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await modelState()).toBe("STARTING");
    const up = await berth(["up", "-f", stack("probe-marker.yml"), "-p", project]);
    expect(up.code, up.stderr).toBe(0);
    expect((await status()).state).toBe("HEALTHY");
    const until = Date.now() + 10_000;
    while ((await modelState()) !== "HEALTHY" && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await modelState()).toBe("HEALTHY");
    expect(await served()).toMatchObject({ state: "HEALTHY", health: "starting" });
  });

  it("refuses the API to requests a browser marks as cross-site (an <img> on another page)", async () => {
    const before = await probeRuns(id);
    const r = await getJson<{ reason: string }>(`${server.url}/api/health/${project}`, {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
    });
    expect(r.status).toBe(403);
    expect(r.body.reason).toMatch(/another site/);
    const foreign = await getJson(`${server.url}/api/state`, { headers: { origin: "http://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(await probeRuns(id)).toBe(before);
  });
});
