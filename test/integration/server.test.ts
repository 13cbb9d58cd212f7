/**
 * `berth serve` over HTTP against the real engine: the endpoints' status codes and JSON shapes,
 * Prometheus text read by a real parser, durations derived from the engine's events, bad
 * requests (unknown paths, other methods, huge headers, slow clients, foreign Host names), the
 * token, and a dead engine (a proxy the test cuts and restores) answered with 503 and recovered from.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, root, stack, uniqueName } from "./helpers.js";
import { EngineProxy, getJson, serve, type Served } from "./server-helpers.js";

const project = uniqueName("berth-srv");
const TOKEN = "test-token-0123456789abcdef";

interface Detailed {
  ok: boolean;
  engine: { up: boolean };
  environments: {
    project: string;
    state: string;
    kind: string;
    networks: string[];
    services: {
      name: string;
      state: string;
      dependsOn: string[];
      containers: {
        id: string;
        name: string;
        state: string;
        since?: string;
        ports: { containerPort: number; hostIp: string; hostPort: number; address: string }[];
      }[];
    }[];
  }[];
}

type Family = { name: string; type: string; metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string }[] };

/** Families by name; the parser repeats a name when its series are interleaved with others. */
function byName(list: Family[]): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const f of list) {
    const known = out.get(f.name);
    if (known) known.metrics.push(...f.metrics);
    else out.set(f.name, { ...f, metrics: [...f.metrics] });
  }
  return out;
}

/** Sends raw bytes and resolves with whatever the server answers before closing. */
function raw(url: string, payload: string, o: { slowTail?: string; stepMs?: number } = {}): Promise<{ text: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const socket = connect(Number(port), hostname);
    let text = "";
    let timer: NodeJS.Timeout | undefined;
    socket.on("data", (d) => (text += d.toString()));
    socket.on("error", () => undefined); // a reset after the answer is the point of some tests
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ text, closedAfterMs: Date.now() - t0 });
    });
    socket.on("connect", () => {
      socket.write(payload);
      const tail = o.slowTail;
      if (tail) {
        let i = 0;
        timer = setInterval(() => (i < tail.length && !socket.destroyed ? socket.write(tail[i++]!) : clearInterval(timer)), o.stepMs ?? 500);
      }
    });
    setTimeout(() => reject(new Error("the server kept the connection open for 20 s")), 20_000).unref();
  });
}

describe("berth serve", () => {
  let server: Served;
  let upMs = 0;

  beforeAll(async () => {
    server = await serve();
    const t0 = Date.now();
    const up = await berth(["up", "-f", stack("chain.yml"), "-p", project]);
    upMs = Date.now() - t0;
    expect(up.code, up.stderr).toBe(0);
  });

  afterAll(async () => {
    await berth(["down", project]);
    await server?.stop();
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("/health, /health/liveness and /health/readiness answer with the codes a load balancer uses", async () => {
    const health = await getJson(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      ok: true,
      berth: { version: expect.any(String), pid: server.child.pid },
      engine: { up: true, apiVersion: expect.stringMatching(/^1\.\d+$/) },
    });
    expect((await getJson(`${server.url}/health/liveness`)).body).toMatchObject({ ok: true, status: "alive" });
    expect((await getJson(`${server.url}/health/readiness`)).status).toBe(200);
    const unknown = await getJson(`${server.url}/health/readiness?project=no-such-env`);
    expect(unknown).toMatchObject({ status: 503, body: { ok: false, reason: "no berth environment named no-such-env on this engine" } });
    // Ready within a moment of `up`: when the server has read the record of the runs `up` saw ready
    // (it reads it on the engine's event for its volume), or the engine's own healthchecks (1 s interval) passed.
    await expect.poll(async () => (await fetch(`${server.url}/health/readiness?project=${project}`)).status, { timeout: 10_000, interval: 200 }).toBe(200);
  });

  it("/health/detailed lists every service with state, dependencies, ports and since", async () => {
    const { status, body } = await getJson<Detailed>(`${server.url}/health/detailed`);
    expect(status).toBe(200);
    const env = body.environments.find((e) => e.project === project)!;
    expect(env).toMatchObject({ state: "healthy", kind: "test", networks: [`${project}_default`] });
    expect(env.services.map((s) => [s.name, s.state, s.dependsOn.join("+")])).toEqual([
      ["a", "HEALTHY", ""],
      ["b", "HEALTHY", ""],
      ["c", "HEALTHY", "a+b"],
      ["d", "HEALTHY", "c"],
    ]);
    const c = env.services[2]!.containers[0]!;
    expect(c.name).toBe(`${project}-c-1`);
    expect(Date.parse(c.since!)).toBeGreaterThan(Date.now() - 120_000);
    expect(c.ports).toEqual([
      { containerPort: 8080, protocol: "tcp", hostIp: "127.0.0.1", hostPort: expect.any(Number), address: `127.0.0.1:${c.ports[0]!.hostPort}` },
    ]);
    // The address printed is the one that answers.
    expect((await fetch(`http://${c.ports[0]!.address}/`)).status).toBeLessThan(500);
  });

  it("derives acquire and readiness durations from the engine's events", async () => {
    type Timings = { timings: { type: string; project: string; seconds: number; service?: string }[] };
    const timings = async () => (await getJson<Timings>(`${server.url}/api/timings?project=${project}`)).body.timings;
    // The engine's view: complete when its own healthchecks (1 s interval) have all passed, which may be a moment after `up` returned.
    await expect.poll(async () => (await timings()).some((t) => t.type === "acquire"), { timeout: 10_000, interval: 200 }).toBe(true);
    const body = { timings: await timings() };
    const acquire = body.timings.filter((t) => t.type === "acquire");
    expect(acquire).toHaveLength(1);
    // From the network's creation to the last service ready: within the wall time of `berth up`.
    expect(acquire[0]!.seconds).toBeGreaterThan(0.5);
    expect(acquire[0]!.seconds).toBeLessThan(upMs / 1000 + 1);
    const ready = body.timings.filter((t) => t.type === "readiness");
    expect(ready.map((t) => t.service).sort()).toEqual(["a", "b", "c", "d"]);
    // a sleeps 1 s before it can be healthy, and the engine's first check comes one interval (1 s)
    // after the start: a duration measured from anything but the start would not be this long.
    expect(ready.find((t) => t.service === "a")!.seconds).toBeGreaterThanOrEqual(0.9);
  });

  it("/metrics is Prometheus text with every family and its labels", async () => {
    const r = await fetch(`${server.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/plain");
    const text = await r.text();
    const families = byName(parsePrometheusTextFormat(text) as Family[]);
    // The parser folds a labelled histogram's series into one and drops their labels; read as
    // untyped, each _bucket/_sum/_count series keeps its own labels.
    const series = byName(parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, "# TYPE $1 untyped")) as Family[]);
    const labelsOf = (name: string) => (series.get(name)?.metrics ?? []).map((m) => m.labels ?? {});
    expect(families.get("berth_engine_up")).toMatchObject({ type: "GAUGE", metrics: [{ value: "1" }] });
    expect(labelsOf("berth_environments").map((l) => l.state)).toEqual(
      expect.arrayContaining(["healthy", "starting", "unhealthy", "paused", "stopped", "empty"]),
    );
    const healthyTest = series.get("berth_environments")!.metrics.find((m) => m.labels?.state === "healthy" && m.labels?.kind === "test");
    expect(Number(healthyTest!.value)).toBeGreaterThanOrEqual(1);
    expect(
      labelsOf("berth_containers")
        .map((l) => l.state)
        .sort(),
    ).toEqual(["COMPLETED", "FAILED", "HEALTHY", "PAUSED", "STARTING", "STOPPED", "UNHEALTHY"]);
    for (const name of ["berth_acquire_duration_seconds", "berth_release_duration_seconds", "berth_readiness_wait_seconds"]) {
      expect(families.get(name)?.type, name).toBe("HISTOGRAM");
    }
    expect(labelsOf("berth_acquire_duration_seconds_count").map((l) => l.kind)).toContain("test");
    expect(labelsOf("berth_acquire_duration_seconds_bucket").map((l) => l.le)).toContain("+Inf");
    const readyCounts = series.get("berth_readiness_wait_seconds_count")!.metrics.filter((m) => m.labels?.kind === "test");
    expect(readyCounts.map((m) => m.labels!.service)).toEqual(expect.arrayContaining(["a", "b", "c", "d"]));
    expect(families.get("berth_container_restarts_total")?.type).toBe("COUNTER");
    expect(
      labelsOf("berth_reaped_orphans_total")
        .map((l) => l.resource)
        .sort(),
    ).toEqual(["container", "network"]);
    expect(labelsOf("berth_engine_errors_total").map((l) => l.operation)).toContain("ping");
    for (const name of ["berth_container_cpu_percent", "berth_container_memory_bytes", "berth_container_memory_limit_bytes"]) {
      expect(families.get(name)?.type, name).toBe("GAUGE");
      const mine = series.get(name)!.metrics.filter((m) => m.labels?.project === project);
      expect(mine.map((m) => m.labels!.service).sort(), name).toEqual(["a", "b", "c", "d"]);
      expect(mine.map((m) => m.labels!.container)).toContain(`${project}-a-1`);
    }
    const memory = series.get("berth_container_memory_bytes")!.metrics.find((m) => m.labels?.container === `${project}-c-1`)!;
    expect(Number(memory.value)).toBeGreaterThan(0);
  });

  it("serves a service's log tail and the environment's health report", async () => {
    const logs = await getJson<{ lines: { container: string; text: string }[] }>(`${server.url}/api/logs/${project}/c?tail=5`);
    expect(logs.status).toBe(200);
    expect(Array.isArray(logs.body.lines)).toBe(true);
    expect((await getJson(`${server.url}/api/logs/${project}/nope`)).body).toMatchObject({
      ok: false,
      reason: expect.stringContaining('has no service "nope"'),
    });
    expect((await fetch(`${server.url}/api/logs/${project}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/logs/${project}/c?tail=-1`)).status).toBe(400);
    const report = await getJson<{ project: string; containers: { service: string; state: string; restartCount: number }[] }>(
      `${server.url}/api/health/${project}`,
    );
    expect(report.status).toBe(200);
    expect(report.body.containers.map((c) => c.service)).toEqual(["a", "b", "c", "d"]);
    expect((await fetch(`${server.url}/api/health/not-there`)).status).toBe(404);
  });

  it("counts a restart seen on the engine", async () => {
    const e = await engine();
    const [d] = await e.listContainers({ "dev.berth.project": project, "dev.berth.service": "d" });
    await e.restartContainer(d!.id, 1);
    await expect
      .poll(
        async () => {
          const { body } = await getJson<{ timings: { type: string; service?: string }[] }>(`${server.url}/api/timings?project=${project}`);
          return body.timings.filter((t) => t.type === "restart").map((t) => t.service);
        },
        { timeout: 5000, interval: 100 },
      )
      .toEqual(["d"]);
    const families = byName(parsePrometheusTextFormat(await (await fetch(`${server.url}/metrics`)).text()) as Family[]);
    const restarts = families.get("berth_container_restarts_total")!.metrics.find((m) => m.labels?.service === "d");
    expect(Number(restarts?.value)).toBeGreaterThanOrEqual(1);
  });

  it("survives bad requests: unknown paths, writes, huge headers, foreign Host names, slow clients", async () => {
    const unknown = await getJson<{ ok: boolean; reason: string; endpoints: string[] }>(`${server.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ ok: false, reason: "no such endpoint: /nope", endpoints: expect.arrayContaining(["/metrics"]) });
    const post = await fetch(`${server.url}/health`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await fetch(`${server.url}/health`, { method: "HEAD" })).status).toBe(200);
    const huge = await raw(server.url, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`);
    expect(huge.text).toMatch(/^HTTP\/1\.1 431 /);
    const rebinding = await raw(server.url, "GET /health HTTP/1.1\r\nHost: evil.example:9477\r\nConnection: close\r\n\r\n");
    expect(rebinding.text).toMatch(/^HTTP\/1\.1 403 /);
    // A client dribbling its header one byte every 500 ms is cut off at the header deadline (5 s)
    // while others are served at once.
    const slow = raw(server.url, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n", { slowTail: "X-Slow: " + "z".repeat(100), stepMs: 500 });
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/health/liveness`)).status).toBe(200);
    const cut = await slow;
    expect(cut.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(cut.closedAfterMs).toBeLessThan(12_000);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it("with --token: 401 without it, Bearer for APIs, ?token= once for a browser (then a cookie)", async () => {
    const guarded = await serve(["--token", TOKEN]);
    try {
      const denied = await getJson(`${guarded.url}/health`);
      expect(denied.status).toBe(401);
      expect(denied.headers.get("www-authenticate")).toBe('Bearer realm="berth"');
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
      expect((await fetch(`${guarded.url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      const page = await fetch(`${guarded.url}/?token=${TOKEN}`, { redirect: "manual" });
      expect(page.status).toBe(303);
      expect(page.headers.get("location")).toBe("/");
      const cookie = page.headers.get("set-cookie")!;
      expect(cookie).toContain("HttpOnly; SameSite=Strict");
      expect((await fetch(`${guarded.url}/api/state`, { headers: { cookie: cookie.split(";")[0]! } })).status).toBe(200);
    } finally {
      await guarded.stop();
    }
    const open = await berth(["serve", "--host", "0.0.0.0", "--port", "0"]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain("refusing to serve on 0.0.0.0 without a token");
  });

  it("answers 503 with the reason while the engine is dead, and recovers by itself", async () => {
    const proxy = new EngineProxy(join(tmpdir(), `berth-srv-proxy-${process.pid}.sock`));
    await proxy.open();
    const viaProxy = await serve([], { DOCKER_HOST: `unix://${proxy.path}` });
    try {
      await expect.poll(async () => (await fetch(`${viaProxy.url}/health/readiness`)).status, { timeout: 10_000, interval: 100 }).toBe(200);
      await proxy.close();
      const cutAt = Date.now();
      await expect.poll(async () => (await fetch(`${viaProxy.url}/health`)).status, { timeout: 10_000, interval: 100 }).toBe(503);
      const noticedMs = Date.now() - cutAt;
      const health = await getJson<{ ok: boolean; reason: string; engine: { up: boolean; endpoint: string } }>(`${viaProxy.url}/health`);
      expect(health.body).toMatchObject({ ok: false, engine: { up: false, endpoint: `unix://${proxy.path}` } });
      expect(health.body.reason).toMatch(/^the Docker engine is unreachable: .*does not answer/);
      for (const path of ["/health/detailed", "/health/readiness", "/api/state", `/api/logs/${project}/c`, `/api/health/${project}`]) {
        const r = await getJson<{ ok: boolean; reason: string }>(`${viaProxy.url}${path}`);
        expect([path, r.status, r.body.ok]).toEqual([path, 503, false]);
        expect(r.body.reason, path).toContain("unreachable");
      }
      // The server itself lives: liveness stays 200, and /metrics says the engine is down.
      expect((await fetch(`${viaProxy.url}/health/liveness`)).status).toBe(200);
      const metrics = await (await fetch(`${viaProxy.url}/metrics`)).text();
      expect(metrics).toMatch(/^berth_engine_up 0$/m);
      expect(metrics).toMatch(/^berth_engine_errors_total\{operation="ping"\} [1-9]/m);

      await proxy.open();
      const backAt = Date.now();
      await expect.poll(async () => (await fetch(`${viaProxy.url}/health/readiness`)).status, { timeout: 10_000, interval: 100 }).toBe(200);
      // Recorded for the docs, not asserted beyond the deadlines above.
      mkdirSync(`${root}test-artifacts`, { recursive: true });
      writeFileSync(`${root}test-artifacts/server-engine-down.json`, JSON.stringify({ noticedMs, recoveredMs: Date.now() - backAt }) + "\n");
      const detailed = await getJson<Detailed>(`${viaProxy.url}/health/detailed`);
      expect(detailed.body.environments.map((e) => e.project)).toContain(project);
      // The event stream stands again: a change on the engine shows without any request polling it.
      const e = await engine();
      const [b] = await e.listContainers({ "dev.berth.project": project, "dev.berth.service": "b" });
      await e.stopContainer(b!.id, 1);
      await expect
        .poll(
          async () => {
            const { body } = await getJson<Detailed>(`${viaProxy.url}/health/detailed`);
            return body.environments.find((x) => x.project === project)?.services.find((s) => s.name === "b")?.state;
          },
          { timeout: 5000, interval: 100 },
        )
        .toBe("STOPPED");
      await e.startContainer(b!.id);
    } finally {
      await viaProxy.stop();
      await proxy.close();
    }
  });

  it("counts the orphans the reaper removes after their owner is killed", async () => {
    const orphan = uniqueName("berth-srv-orphan");
    const pidFile = join(tmpdir(), `${orphan}.pid`);
    let runPid = 0;
    // `berth run` owns a process-lifetime environment; its command writes its pid once it runs.
    const run = berth(["run", "-f", stack("small.yml"), "-p", orphan, "--", "sh", "-c", `echo $$ > ${pidFile}; exec sleep 120`], {
      onSpawn: (pid) => (runPid = pid),
    });
    try {
      await expect.poll(() => existsSync(pidFile), { timeout: 60_000, interval: 100 }).toBe(true);
      process.kill(runPid, "SIGKILL");
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
      await run;
      await expect
        .poll(
          async () => {
            const { body } = await getJson<{ timings: { type: string; resource?: string }[] }>(`${server.url}/api/timings?project=${orphan}`);
            return body.timings
              .filter((t) => t.type === "reaped")
              .map((t) => t.resource)
              .sort();
          },
          { timeout: 15_000, interval: 200 },
        )
        .toEqual(["container", "container", "container", "network"]);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(Number(/^berth_reaped_orphans_total\{resource="container"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    } finally {
      await berth(["down", orphan]);
      rmSync(pidFile, { force: true });
    }
    expect(await resourcesOf(await engine(), orphan)).toEqual([]);
  });

  it("measures the release from the engine's events", async () => {
    const t0 = Date.now();
    const down = await berth(["down", project]);
    const downMs = Date.now() - t0;
    expect(down.code, down.stderr).toBe(0);
    const releases = async () => {
      const { body } = await getJson<{ timings: { type: string; seconds: number }[] }>(`${server.url}/api/timings?project=${project}`);
      return body.timings.filter((t) => t.type === "release");
    };
    await expect.poll(async () => (await releases()).length, { timeout: 5000, interval: 100 }).toBe(1);
    // From the first kill to the network's removal: inside the wall time of `berth down`.
    const [release] = await releases();
    expect(release!.seconds).toBeGreaterThan(0);
    expect(release!.seconds).toBeLessThan(downMs / 1000);
    const { body } = await getJson<Detailed>(`${server.url}/health/detailed`);
    expect(body.environments.map((e) => e.project)).not.toContain(project);
  });
});
