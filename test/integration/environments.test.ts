/**
 * Environments as units of isolation, on the real engine: name resolution confined to one
 * environment, runtime options passed as Compose means them, port strategies, scale, build,
 * interoperability with Docker Compose's labels. (Many environments at once: parallel.test.ts.)
 */
import { execFileSync, execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { acquire, releaseProject, type Environment } from "../../src/index.js";
import { berth, engine, resourcesOf, stack, uniqueName } from "./helpers.js";

const run = promisify(execFile);

function inspect(id: string): {
  HostConfig: Record<string, unknown>;
  Config: Record<string, unknown>;
  NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> };
} {
  return JSON.parse(execFileSync("docker", ["inspect", id], { encoding: "utf8" }))[0];
}

describe("environments", () => {
  it("resolves service names only inside its own environment", async () => {
    const e = await engine();
    await using a = await acquire({ files: [stack("small.yml")], engine: e });
    await using b = await acquire({ files: [stack("small.yml")], engine: e });
    const ipOf = async (env: Environment, from: string, name: string) => {
      const r = await e.exec(env.services[from]!.containers[0]!.id, ["nslookup", name]);
      return r.output;
    };
    const aDb = (await e.inspectContainer(a.services.db!.containers[0]!.id)).networks[a.networks[0]!];
    const bDb = (await e.inspectContainer(b.services.db!.containers[0]!.id)).networks[b.networks[0]!];
    expect(aDb).toBeTruthy();
    expect(aDb).not.toBe(bDb);
    const fromA = await ipOf(a, "worker", "db");
    expect(fromA).toContain(aDb!);
    expect(fromA).not.toContain(bDb!);
    // Another environment's container name does not resolve at all.
    const cross = await ipOf(a, "worker", b.services.db!.containers[0]!.name);
    expect(cross).not.toContain(bDb!);
  });

  it("passes runtime options, secrets, configs and networks as Compose means them", async () => {
    const e = await engine();
    await using env = await acquire({ files: [stack("coverage.yml")], engine: e });
    const c = env.services.svc!.containers[0]!;
    const info = inspect(c.id);
    const hc = info.HostConfig;
    expect(hc.Memory).toBe(64 * 1024 * 1024);
    expect(hc.NanoCpus).toBe(500_000_000);
    expect(hc.PidsLimit).toBe(50);
    expect(hc.ShmSize).toBe(8 * 1024 * 1024);
    expect(hc.CapDrop).toEqual(["NET_RAW"]);
    expect(hc.CapAdd).toEqual(["SYS_TIME"]);
    expect(hc.ReadonlyRootfs).toBe(true);
    expect(hc.Tmpfs).toEqual({ "/scratch": "size=1m" });
    expect(hc.Ulimits).toEqual([{ Name: "nofile", Soft: 1024, Hard: 2048 }]);
    expect(hc.ExtraHosts).toEqual(["gateway.test:10.9.8.7"]);
    expect(hc.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "1m" } });
    expect(hc.RestartPolicy).toEqual({ Name: "on-failure", MaximumRetryCount: 2 });
    expect(hc.Init).toBe(true);
    expect(info.Config.StopSignal).toBe("SIGUSR1");
    expect(info.Config.StopTimeout).toBe(3);
    expect(info.Config.WorkingDir).toBe("/etc");
    expect(info.Config.User).toBe("1000:1000");
    expect((info.Config.Labels as Record<string, string>)["com.example.team"]).toBe("payments");
    expect(info.Config.Env).toContain("MODE=coverage");

    const secret = await e.exec(c.id, ["cat", "/run/secrets/token"]);
    expect(secret.output.trim()).toBe("s3cr3t-value");
    const config = await e.exec(c.id, ["cat", "/etc/app.conf"]);
    expect(config.output.trim()).toBe("level=debug");
    const write = await e.exec(c.id, ["sh", "-c", "echo x > /run/secrets/token"]);
    expect(write.exitCode).not.toBe(0);

    expect(env.networks).toHaveLength(2);
    const back = env.networks.find((n) => n.endsWith("_back"))!;
    expect(info.NetworkSettings.Networks[back]?.Aliases).toEqual(expect.arrayContaining(["svc", "svc-internal"]));
    const internal = JSON.parse(execFileSync("docker", ["network", "inspect", back], { encoding: "utf8" }))[0].Internal;
    expect(internal).toBe(true);
  });

  it("refuses settings the engine cannot honour, naming service and key, creating nothing", async () => {
    const project = uniqueName("berth-badset");
    const r = await berth(["up", "-f", stack("bad-settings.yml"), "-p", project]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/services\.hungry\.cpus: 64 CPUs asked, but the engine has only \d+/);
    expect(r.stderr).toContain("services.hungry.mem_limit: memory limit of 1048576 bytes is below the engine's minimum of 6 MiB");
    expect(r.stderr).toContain("services.borrower.volumes_from: sharing another container's volumes is not supported");
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("replaces a file's fixed host port in test environments and honours it with --ports file", async () => {
    const e = await engine();
    await using dynamic = await acquire({ files: [stack("fixed-port.yml")], engine: e });
    expect(dynamic.hostPort("web", 8080)).not.toBe(38417);
    await using fixed = await acquire({ files: [stack("fixed-port.yml")], engine: e, ports: "file" });
    expect(fixed.hostPort("web", 8080)).toBe(38417);
    const res = await fetch(`http://127.0.0.1:38417/`);
    expect(res.status).toBeLessThan(500);
    await using ranged = await acquire({
      files: [stack("fixed-port.yml")],
      engine: e,
      ports: "range",
      env: { ...process.env, BERTH_PORT_RANGE: "31000-31099" },
    });
    const p = ranged.hostPort("web", 8080);
    expect(p).toBeGreaterThanOrEqual(31000);
    expect(p).toBeLessThanOrEqual(31099);
  });

  it.skipIf(!existsSync("/usr/bin/docker-compose"))("is visible to Docker Compose v1 (`docker-compose -p <project> ps`)", async () => {
    const e = await engine();
    await using env = await acquire({ files: [stack("small.yml")], engine: e });
    const { stdout } = await run("docker-compose", ["-p", env.project, "-f", stack("small.yml"), "ps"], { encoding: "utf8" });
    for (const s of ["api", "db", "worker"]) expect(stdout).toMatch(new RegExp(`${env.project}-${s}-1\\s.*Up`));
  });
});

describe("restart", () => {
  it("restarting a service stops its dependants and starts them again only after it is ready, in order", async () => {
    const e = await engine();
    await using env = await acquire({ files: [stack("small.yml")], engine: e });
    const started = async (s: string) => Date.parse((await e.inspectContainer(env.services[s]!.containers[0]!.id)).state.startedAt ?? "");
    const readyAt = async (s: string) => Date.parse((await env.healthReport({ services: [s] })).containers[0]!.readiness!.readyAt);
    const acquired = await readyAt("api");
    const t0 = Date.now();
    await env.restart({ services: ["db"] });
    const [db, api, worker] = [await started("db"), await started("api"), await started("worker")];
    expect(db).toBeGreaterThanOrEqual(t0 - 1000);
    expect(api).toBeGreaterThan(db);
    expect(worker).toBeGreaterThan(api);
    expect(Object.values(env.services).map((s) => s.containers[0]!.state)).toEqual(["HEALTHY", "HEALTHY", "HEALTHY"]);
    // The health report tells of the readiness after the restart, not the acquire's.
    expect(await readyAt("api")).toBeGreaterThan(acquired);
    expect(await readyAt("api")).toBeGreaterThanOrEqual(api - 1000);
    await env.stop({ services: ["worker"] });
    expect((await env.healthReport({ services: ["worker"] })).containers[0]).toMatchObject({ state: "STOPPED" });
    expect((await env.healthReport({ services: ["worker"] })).containers[0]!.readiness).toBeUndefined();
    // Restarted without a wait, a dependant runs anew unobserved: no earlier readiness is shown for it until wait().
    await env.start({ services: ["worker"] });
    const before = await readyAt("api");
    await env.restart({ services: ["db"], wait: false });
    expect((await env.healthReport({ services: ["api"] })).containers[0]!.readiness).toBeUndefined();
    await env.wait();
    expect(await readyAt("api")).toBeGreaterThan(before);
  });
});

describe("scale", () => {
  it("scales a service to 3 replicas with distinct ports, then back to 1", async () => {
    const e = await engine();
    const project = uniqueName("berth-scale");
    try {
      const three = await acquire({ files: [stack("small.yml")], engine: e, projectName: project, scale: { api: 3 } });
      const ports = [1, 2, 3].map((n) => three.hostPort("api", 8080, n));
      expect(new Set(ports).size).toBe(3);
      expect(three.services.api!.containers.map((c) => c.state)).toEqual(["HEALTHY", "HEALTHY", "HEALTHY"]);
      const dbId = three.services.db!.containers[0]!.id;
      const one = await acquire({ files: [stack("small.yml")], engine: e, projectName: project, scale: { api: 1 } });
      expect(one.services.api!.containers.map((c) => c.number)).toEqual([1]);
      // Unchanged services are kept, not recreated.
      expect(one.services.db!.containers[0]!.id).toBe(dbId);
      await expect(acquire({ files: [stack("small.yml")], engine: e, projectName: project, scale: { nope: 2 } })).rejects.toThrow(/no such service/);
    } finally {
      await releaseProject(e, project);
    }
    expect(await resourcesOf(e, project)).toEqual([]);
  });
});

describe("build", () => {
  it("builds `build:` sections through the Engine API with args, BUILD_TARGET and .dockerignore, once", async () => {
    const e = await engine();
    const tag = `t${process.pid}${Date.now().toString(36)}`;
    const env = { ...process.env, DOCKER_TAG: tag, BUILD_TARGET: "final" };
    const image = `stacks-app:${tag}`;
    const builds: string[] = [];
    try {
      {
        await using a = await acquire({
          files: [stack("build.yml")],
          engine: e,
          env,
          onEvent: (ev) => {
            if (ev.type === "build" && ev.phase === "done") builds.push(ev.image);
          },
        });
        const id = a.services.app!.containers[0]!.id;
        expect((await e.exec(id, ["cat", "/greeting"])).output.trim()).toBe("hello-from-build");
        expect((await e.exec(id, ["cat", "/stage"])).output.trim()).toBe("final");
        expect((await e.exec(id, ["ls", "/"])).output).not.toContain("ignored.txt");
        expect((await e.inspectContainer(id)).image).toBe(image);
      }
      // A second environment of the same file reuses the image instead of building again.
      await using b = await acquire({
        files: [stack("build.yml")],
        engine: e,
        env,
        onEvent: (ev) => {
          if (ev.type === "build" && ev.phase === "done") builds.push(ev.image);
        },
      });
      expect(b.services.app!.containers[0]!.state).toBe("HEALTHY");
      expect(builds).toEqual([image]);
    } finally {
      execFileSync("docker", ["rmi", "-f", image], { stdio: "ignore" });
    }
  });

  it("reports a failing build with the builder's error and creates nothing", async () => {
    const e = await engine();
    const project = uniqueName("berth-badbuild");
    const env = { ...process.env, DOCKER_TAG: `bad${process.pid}`, BUILD_TARGET: "no-such-stage" };
    await expect(acquire({ files: [stack("build.yml")], engine: e, env, projectName: project })).rejects.toThrow(
      new RegExp(`building image ${project}-app:bad\\d+ from .*build-app failed: .*no-such-stage`),
    );
    expect(await resourcesOf(e, project)).toEqual([]);
  });
});
