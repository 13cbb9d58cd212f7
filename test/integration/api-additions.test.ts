/**
 * What Testcontainers users reach for, on the real engine: a subset of services, readiness rules
 * in code, `env` laid over the process environment, copying files in and out, following logs.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquire, type BerthEvent, type Environment } from "../../src/index.js";
import type { Engine } from "../../src/engine/engine.js";
import { berth, engine, lastJson, resourcesOf, stack, uniqueName } from "./helpers.js";

describe("acquire({ services })", () => {
  it("brings up the named service and its dependencies, nothing else", async () => {
    const e = await engine();
    let project = "";
    {
      await using env = await acquire({ files: [stack("chain.yml")], engine: e, services: ["c"] });
      project = env.project;
      expect(Object.keys(env.services).sort()).toEqual(["a", "b", "c"]);
      const containers = (await resourcesOf(e, project)).filter((r) => r.startsWith("container "));
      expect(containers.map((c) => c.replace(`${project}-`, "")).sort()).toEqual(["container a-1", "container b-1", "container c-1"]);
    }
    expect(await resourcesOf(e, project)).toEqual([]);
  });

  it("on an existing environment, adds the named services and leaves the others running", async () => {
    const e = await engine();
    const projectName = uniqueName("subset");
    const first = await acquire({ files: [stack("chain.yml")], engine: e, projectName, services: ["a"] });
    try {
      const aId = first.services.a!.containers[0]!.id;
      await using second = await acquire({ files: [stack("chain.yml")], engine: e, projectName, services: ["b"] });
      expect(Object.keys(second.services).sort()).toEqual(["a", "b"]);
      expect(second.services.a!.containers[0]!.id).toBe(aId);
    } finally {
      await first.release().catch(() => undefined);
    }
    expect(await resourcesOf(e, projectName)).toEqual([]);
  });

  it("`berth up SERVICE` does the same on the command line", async () => {
    const up = await berth(["up", "-f", stack("chain.yml"), "--json", "b"]);
    const result = lastJson<{ ok: boolean; environment: { project: string; services: Record<string, unknown> } }>(up.stdout);
    const project = result.environment?.project;
    try {
      expect(up.code, up.stderr).toBe(0);
      expect(Object.keys(result.environment.services)).toEqual(["b"]);
    } finally {
      if (project) await berth(["down", project]);
    }
  });

  it("`berth up -p P SERVICE` on a running environment keeps what its record says of the other services", async () => {
    const project = uniqueName("berth-subset-record");
    try {
      const whole = await berth(["up", "-f", stack("chain.yml"), "-p", project]);
      expect(whole.code, whole.stderr).toBe(0);
      const part = await berth(["up", "-f", stack("chain.yml"), "-p", project, "b"]);
      expect(part.code, part.stderr).toBe(0);
      // A container of a service the second `up` did not name goes: status must still miss it.
      const e = await engine();
      const d = (await e.listContainers({ "com.docker.compose.project": project })).find((c) => c.name.endsWith("-d-1"))!;
      await e.removeContainer(d.id, { force: true, volumes: true });
      const status = await berth(["status", project, "--json", "--no-stats"]);
      const [env] = lastJson<{ environments: { missing?: unknown[] }[] }>(status.stdout).environments;
      expect(env?.missing).toEqual([{ service: "d", expected: 1, found: 0 }]);
    } finally {
      await berth(["down", project]);
      expect(await resourcesOf(await engine(), project)).toEqual([]);
    }
  });
});

describe("readiness rules in code", () => {
  it("gate acquire: a log rule that never matches fails it, naming the rule", async () => {
    const e = await engine();
    const outcome = await acquire({
      files: [stack("api-additions.yml")],
      engine: e,
      readiness: { warm: { ready: { log: "never printed" }, timeout: "2s" } },
    }).then(
      async (env) => (await env.release(), "acquired without waiting for the rule"),
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(/never printed/);
  });

  it("are checked before anything is created, with the option's path in the error", async () => {
    const e = await engine();
    const error = await acquire({ files: [stack("api-additions.yml")], engine: e, readiness: { warm: { http: { port: 0 } } as never } }).catch(
      (x: unknown) => x,
    );
    expect((error as { problems: { path: string }[] }).problems.map((p) => p.path)).toEqual(["readiness.warm.http.port"]);
  });
});

describe("an environment with env, readiness and files", () => {
  let e: Engine;
  let env: Environment;
  const events: BerthEvent[] = [];
  const dir = mkdtemp(join(tmpdir(), "berth-api-"));

  beforeAll(async () => {
    e = await engine();
    process.env.BERTH_API_TEST_FROM_PROCESS = "from-process";
    try {
      env = await acquire({
        files: [stack("api-additions.yml")],
        engine: e,
        env: { BERTH_API_TEST_ADDED: "added" },
        readiness: { warm: { log: "ready now" } },
        onEvent: (ev) => events.push(ev),
      });
    } finally {
      delete process.env.BERTH_API_TEST_FROM_PROCESS;
    }
  });
  afterAll(async () => {
    await env?.release();
    await rm(await dir, { recursive: true, force: true });
  });

  it("interpolates with env laid over the process environment", async () => {
    const out = await env.exec("warm", ["sh", "-c", 'echo "$FROM_PROCESS $ADDED"']);
    expect(out.stdout.trim()).toBe("from-process added");
  });

  it("waited for the log rule given in code", () => {
    const ready = events.find((ev) => ev.type === "ready");
    expect(ready).toMatchObject({ service: "warm", probe: "log /ready now/" });
  });

  it("copies a Buffer, a file and a directory in, and back out", async () => {
    const host = await dir;
    await env.copyTo("warm", Buffer.from("hello from a buffer\n"), "/data/buffer.txt");
    expect((await env.exec("warm", ["cat", "/data/buffer.txt"])).stdout).toBe("hello from a buffer\n");

    const src = join(host, "src");
    const long = "n".repeat(120); // beyond the 100 bytes of a tar header's name: needs a PAX record
    await mkdir(join(src, "nested"), { recursive: true });
    await writeFile(join(src, "top.txt"), "top\n");
    await writeFile(join(src, "nested", `${long}.txt`), "deep\n");
    await env.copyTo("warm", src, "/data/tree");
    expect((await env.exec("warm", ["cat", `/data/tree/nested/${long}.txt`])).stdout).toBe("deep\n");

    await env.copyFrom("warm", "/data/buffer.txt", join(host, "buffer-back.txt"));
    expect(await readFile(join(host, "buffer-back.txt"), "utf8")).toBe("hello from a buffer\n");
    await env.copyFrom("warm", "/data/tree", join(host, "tree-back"));
    expect(await readFile(join(host, "tree-back", "top.txt"), "utf8")).toBe("top\n");
    expect(await readFile(join(host, "tree-back", "nested", `${long}.txt`), "utf8")).toBe("deep\n");
  });

  it("says which directory is missing when copying into one that does not exist", async () => {
    await expect(env.copyTo("warm", Buffer.from("x"), "/no/such/dir/file")).rejects.toThrow(/\/no\/such\/dir does not exist/);
  });

  it("follows logs as an async iterable until the signal aborts", async () => {
    const stop = new AbortController();
    const seen: string[] = [];
    for await (const line of env.logs("warm", { follow: true, signal: stop.signal, tail: 0 })) {
      seen.push(line.text);
      if (seen.length === 3) stop.abort();
    }
    expect(seen).toEqual(["tick", "tick", "tick"]);
    // A snapshot is still a plain array.
    expect((await env.logs("warm")).map((l) => l.text)).toContain("ready now");
  });
});
