import { describe, expect, it } from "vitest";
import { isLocalEndpoint } from "../../src/engine/endpoint.js";
import { notAnEngine, startEngineHint } from "../../src/engine/errors.js";
import { missingImageHint } from "../../src/engine/image-hint.js";

describe("hints speak to the user's machine, not to berth's repository", () => {
  it("starting an engine: by platform, and for a remote endpoint where it runs", () => {
    expect(startEngineHint("unix:///var/run/docker.sock", "linux")).toContain("sudo systemctl start docker");
    expect(startEngineHint("unix:///var/run/docker.sock", "darwin")).toContain("Docker Desktop");
    expect(startEngineHint("tcp://10.1.2.3:2375", "linux")).toContain("engine at tcp://10.1.2.3:2375 is running and reachable");
    expect(startEngineHint("unix:///run/user/1000/podman/podman.sock", "linux")).toContain("systemctl --user start podman.socket");
    expect(startEngineHint("unix:///run/podman/podman.sock", "linux")).toContain("`systemctl start podman.socket`");
    expect(startEngineHint("unix:///run/user/1000/docker.sock", "linux")).toContain("systemctl --user start docker");
    for (const p of ["linux", "darwin", "win32"]) expect(startEngineHint("unix:///x.sock", p)).not.toContain("scripts/");
  });

  it("a missing image: berth's own test images name its script, any other image the docker commands", () => {
    expect(missingImageHint(["berth-fixtures/busybox:1"])).toContain("scripts/build-images.sh");
    const hint = missingImageHint(["shop/api:2"]);
    expect(hint).not.toContain("scripts/");
    expect(hint).toContain("docker build -t shop/api:2");
  });

  it("classifies the engine's endpoint answers", () => {
    expect(notAnEngine("tcp://127.0.0.1:8080", "HTTP 404 for /version")).toMatchObject({ code: "ENGINE_UNREACHABLE" });
    expect(isLocalEndpoint("unix:///var/run/docker.sock")).toBe(true);
    expect(isLocalEndpoint("tcp://127.0.0.1:2375")).toBe(true);
    expect(isLocalEndpoint("tcp://build-host:2375")).toBe(false);
  });
});
