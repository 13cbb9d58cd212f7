import { describe, expect, it } from "vitest";
import { planEngineStart, type StartPlanInput } from "../../src/engine/start-plan.js";

const base = (o: Partial<StartPlanInput>): StartPlanInput => ({ endpoint: "unix:///var/run/docker.sock", platform: "linux", uid: 0, has: () => true, ...o });

describe("how berth engine start starts an engine", () => {
  it("runs dockerd as root on Linux, on the endpoint with the given folders and their pidfile", () => {
    expect(planEngineStart(base({}))).toEqual({ kind: "dockerd", command: ["dockerd", "--host=unix:///var/run/docker.sock"], pidfile: "/var/run/docker.pid" });
    expect(planEngineStart(base({ endpoint: "unix:///run/x.sock", dataRoot: "/d", execRoot: "/run/x" }))).toEqual({
      kind: "dockerd",
      command: ["dockerd", "--host=unix:///run/x.sock", "--data-root=/d", "--exec-root=/run/x", "--pidfile=/run/x.pid"],
      pidfile: "/run/x.pid",
    });
  });

  it("runs rootless Docker for other users, and Podman's API service for a Podman socket", () => {
    expect(planEngineStart(base({ uid: 1000 }))).toMatchObject({ kind: "rootless", command: ["dockerd-rootless.sh"] });
    expect(planEngineStart(base({ endpoint: "unix:///run/user/1000/podman/podman.sock", uid: 1000 }))).toEqual({
      kind: "podman",
      command: ["podman", "system", "service", "--time=0", "unix:///run/user/1000/podman/podman.sock"],
    });
  });

  it("says what to run where it cannot start one: macOS/Windows, remote endpoints, nothing installed", () => {
    expect(planEngineStart(base({ platform: "darwin" }))).toMatchObject({ kind: "manual", text: expect.stringContaining("colima start") as string });
    expect(planEngineStart(base({ platform: "win32" }))).toMatchObject({ kind: "manual", text: expect.stringContaining("Docker Desktop") as string });
    expect(planEngineStart(base({ endpoint: "tcp://box:2376" }))).toMatchObject({ kind: "manual" });
    expect(planEngineStart(base({ has: () => false }))).toMatchObject({ kind: "manual", text: expect.stringContaining("apt-get install docker.io") as string });
  });
});
