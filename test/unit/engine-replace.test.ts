/** The create body that makes a container again from its inspect (Engine.replaceContainer). */
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { replacementBody } from "../../src/engine/replace.js";

const id = "0123456789ab".padEnd(64, "f");
const inspect = {
  Id: id,
  Name: "/p-db-1",
  Config: { Hostname: "0123456789ab", Image: "db:1", Env: ["A=1"], Labels: { l: "v" } },
  HostConfig: {
    NetworkMode: "p_default",
    Mounts: [
      { Type: "volume", Source: "p_data", Target: "/data" },
      { Type: "volume", Source: "", Target: "/scratch" },
    ],
    Binds: ["old:/scratch", "keep:/keep"],
    PortBindings: { "5432/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }], "80/tcp": [{ HostIp: "", HostPort: "8080" }] },
  },
  NetworkSettings: {
    Networks: {
      p_default: { Aliases: ["db", "0123456789ab"], IPAMConfig: null },
      p_back: { Aliases: ["db", "0123456789ab"], IPAMConfig: { IPv4Address: "10.1.0.5" } },
    },
  },
} as unknown as Docker.ContainerInspectInfo;

describe("replacementBody", () => {
  it("keeps the configuration, swaps the volume at the path, pins the ports named, drops what names the old container", () => {
    const { body, more } = replacementBody(inspect, { volumes: { "/scratch": "spare" }, hostPorts: { "5432/tcp": ["49153"] } });
    expect(body.name).toBe("p-db-1");
    expect(body.Hostname).toBeUndefined();
    expect(body).toMatchObject({ Image: "db:1", Env: ["A=1"], Labels: { l: "v" } });
    expect(body.HostConfig!.Mounts).toEqual([
      { Type: "volume", Source: "p_data", Target: "/data" },
      { Type: "volume", Source: "spare", Target: "/scratch", ReadOnly: false },
    ]);
    expect(body.HostConfig!.Binds).toEqual(["keep:/keep"]);
    expect(body.HostConfig!.PortBindings).toEqual({ "5432/tcp": [{ HostIp: "127.0.0.1", HostPort: "49153" }], "80/tcp": [{ HostIp: "", HostPort: "8080" }] });
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { p_default: { Aliases: ["db"] } } });
    expect(more).toEqual([{ network: "p_back", aliases: ["db"], ipv4Address: "10.1.0.5" }]);
  });

  it("leaves the ports as configured when none are named", () => {
    const { body } = replacementBody(inspect, { volumes: {} });
    expect(body.HostConfig!.PortBindings).toEqual(inspect.HostConfig.PortBindings);
  });
});
