import { describe, expect, it } from "vitest";
import { hasFixedHostPort, hostAddress, readBack, toBindings } from "../../src/ports/bindings.js";

describe("port bindings", () => {
  it("binds to loopback with an engine-chosen port unless the file says otherwise", () => {
    const b = toBindings([
      { target: 5432, protocol: "tcp" },
      { target: 80, published: "8080", protocol: "tcp" },
      { target: 53, published: "5300-5310", host_ip: "0.0.0.0", protocol: "udp" },
    ]);
    expect(b.exposedPorts).toEqual(["53/udp", "5432/tcp", "80/tcp"]);
    expect(b.portBindings).toEqual({
      "5432/tcp": [{ hostIp: "127.0.0.1", hostPort: "", defaultAddress: true }],
      "80/tcp": [{ hostIp: "127.0.0.1", hostPort: "8080", defaultAddress: true }],
      "53/udp": [{ hostIp: "0.0.0.0", hostPort: "5300-5310" }],
    });
  });

  it("rejects malformed and reversed ranges", () => {
    expect(() => toBindings([{ target: 1, published: "90-80", protocol: "tcp" }])).toThrow(/reversed/);
    expect(() => toBindings([{ target: 1, published: "x", protocol: "tcp" }])).toThrow(/not a port/);
  });

  it("knows which specs pin a host port", () => {
    expect(hasFixedHostPort([{ target: 1, protocol: "tcp" }])).toBe(false);
    expect(hasFixedHostPort([{ target: 1, published: "3000-3005", protocol: "tcp" }])).toBe(false);
    expect(hasFixedHostPort([{ target: 1, published: "3000", protocol: "tcp" }])).toBe(true);
  });

  it("reads engine-assigned ports back, dropping IPv6 twins", () => {
    const ports = readBack({
      "80/tcp": [
        { hostIp: "0.0.0.0", hostPort: 49153 },
        { hostIp: "::", hostPort: 49153 },
      ],
      "5432/tcp": [{ hostIp: "127.0.0.1", hostPort: 49154 }],
      "9/udp": [],
    });
    expect(ports).toEqual([
      { containerPort: 80, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 49153 },
      { containerPort: 5432, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 49154 },
    ]);
    expect(ports.map(hostAddress)).toEqual(["127.0.0.1:49153", "127.0.0.1:49154"]);
  });
});
