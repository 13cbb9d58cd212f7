import { describe, expect, it } from "vitest";
import { applyStrategy, checkRangeCapacity, parseStrategy } from "../../src/ports/strategy.js";
import { service } from "./spec-builder.js";

const web = service("web", {
  ports: [
    { target: 80, published: "8080", protocol: "tcp" },
    { target: 443, protocol: "tcp" },
  ],
});

describe("port strategies", () => {
  it("defaults by environment kind", () => {
    expect(parseStrategy(undefined, "test")).toBe("dynamic");
    expect(parseStrategy(undefined, "dev")).toBe("file");
    expect(parseStrategy("range", "dev")).toBe("range");
    expect(() => parseStrategy("random", "test")).toThrow(/dynamic, file or range/);
  });

  it("dynamic replaces fixed host ports and says which", () => {
    const r = applyStrategy([web], "dynamic");
    expect(r.services[0]!.ports.map((p) => p.published)).toEqual([undefined, undefined]);
    expect(r.remapped).toEqual([{ service: "web", target: 80, was: "8080" }]);
  });

  it("file keeps the file's ports; range hands every port the range", () => {
    expect(applyStrategy([web], "file").services[0]!.ports.map((p) => p.published)).toEqual(["8080", undefined]);
    expect(applyStrategy([web], "range", "31000-31999").services[0]!.ports.map((p) => p.published)).toEqual(["31000-31999", "31000-31999"]);
    expect(() => applyStrategy([web], "range", "9-1")).toThrow(/LOW-HIGH/);
  });

  it("range: refuses a range smaller than the ports of every replica, per protocol", () => {
    const dns = service("dns", {
      scale: 2,
      ports: [
        { target: 53, protocol: "udp" },
        { target: 53, protocol: "tcp" },
      ],
    });
    // web: 2 tcp; dns: 2 tcp + 2 udp → 4 tcp ports on 127.0.0.1 are needed.
    expect(() => checkRangeCapacity([web, dns], "31000-31003", "BERTH_PORT_RANGE")).not.toThrow();
    expect(() => checkRangeCapacity([web, dns], "31000-31002", "BERTH_PORT_RANGE")).toThrow(
      "port range 31000-31002 (BERTH_PORT_RANGE) holds 3 ports, but this environment publishes 4 tcp ports on 127.0.0.1 (web:80, web:443, dns-1:53, dns-2:53); nothing was created",
    );
    expect(() => checkRangeCapacity([dns], "31000-31001", "BERTH_PORT_RANGE")).not.toThrow();
  });
});

describe("--scale", () => {
  it("parses SERVICE=N pairs and rejects anything else", async () => {
    const { parseScale } = await import("../../src/cli/targets/target.js");
    expect(parseScale(["api=3", "worker=0"])).toEqual({ api: 3, worker: 0 });
    expect(parseScale([])).toBeUndefined();
    expect(() => parseScale(["api"])).toThrow(/expected SERVICE=N/);
  });
});
