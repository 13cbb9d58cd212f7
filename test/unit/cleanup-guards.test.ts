/** Resource guards and the parsers around cleanup: pure verdicts with the numbers in the message. */
import { describe, expect, it } from "vitest";
import { availableMemory, capFor, checkMemory, guardSettings } from "../../src/guards/resources.js";
import { listeningInodes } from "../../src/guards/port-holder.js";
import { parseAge } from "../../src/cli/commands/clean.js";
import { reaperScript } from "../../src/cleanup/reaper.js";

const GiB = 1024 ** 3;

describe("guards", () => {
  it("memory: refuses when the declared limits would eat into the floor, saying what was measured and what to change", () => {
    expect(checkMemory(10 * GiB, 2 * GiB, 4 * GiB)).toBeNull();
    const e = checkMemory(5 * GiB, 2 * GiB, 4 * GiB)!;
    expect(e.code).toBe("GUARD_REFUSED");
    expect(e.message).toBe(
      "not enough host memory: 5.0 GiB available, this environment declares 2.0 GiB of memory limits, and berth keeps 4.0 GiB free; short by 1.0 GiB",
    );
    expect(e.hint).toContain("BERTH_MIN_FREE_MEMORY");
    expect(checkMemory(1 * GiB, 0, 0)).toBeNull();
  });

  it("settings: 4 GiB free and a cap by the engine's CPUs by default, overridable, bad values named", () => {
    expect(guardSettings({})).toMatchObject({ minFreeMemoryBytes: 4 * GiB, maxContainers: "auto" });
    // 2 cores: 48, so 10 environments of 4 services (40) start without waiting; 0 disables.
    expect(capFor("auto", 2)).toBe(48);
    expect(capFor("auto", 1)).toBe(24);
    expect(capFor("auto", undefined)).toBe(48);
    expect(capFor(9, 16)).toBe(9);
    expect(capFor(0, 16)).toBe(0);
    expect(guardSettings({ BERTH_MIN_FREE_MEMORY: "2GiB", BERTH_MAX_CONTAINERS: "5" })).toMatchObject({ minFreeMemoryBytes: 2 * GiB, maxContainers: 5 });
    expect(guardSettings({ BERTH_MIN_FREE_MEMORY: "512m" }).minFreeMemoryBytes).toBe(512 * 1024 ** 2);
    expect(() => guardSettings({ BERTH_MIN_FREE_MEMORY: "lots" })).toThrow(/BERTH_MIN_FREE_MEMORY=lots is not a size/);
    expect(() => guardSettings({ BERTH_MAX_CONTAINERS: "-1" })).toThrow(/BERTH_MAX_CONTAINERS=-1/);
  });

  it("reads MemAvailable from /proc/meminfo", () => {
    expect(availableMemory("MemTotal:       24683520 kB\nMemFree:        23470000 kB\nMemAvailable:   24172000 kB\n")).toBe(24172000 * 1024);
    expect(availableMemory("MemTotal: 1 kB\n")).toBeUndefined();
  });
});

describe("port holders", () => {
  it("finds listening sockets of a port in /proc/net/tcp", () => {
    const text = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0",
      "   1: 0100007F:1538 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 100 0 0 10 0",
      "   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 100 0 0 10 0",
    ].join("\n");
    expect(listeningInodes(text, 5432)).toEqual(["4242"]);
    expect(listeningInodes(text, 80)).toEqual(["4444"]);
    expect(listeningInodes(text, 81)).toEqual([]);
  });
});

describe("clean --older-than and the reaper's script", () => {
  it("parses ages with days", () => {
    expect(parseAge("1h")).toBe(3_600_000);
    expect(parseAge("2d")).toBe(2 * 86_400_000);
    expect(parseAge("1d12h")).toBe(36 * 3_600_000);
    expect(() => parseAge("soon")).toThrow(/--older-than soon/);
    // 0 is a valid age: every environment created before now.
    expect(parseAge("0s")).toBe(0);
    expect(parseAge("0")).toBe(0);
    expect(parseAge("0d")).toBe(0);
    expect(parseAge("1.5h")).toBe(5_400_000);
    expect(() => parseAge("-1h")).toThrow(/not a duration/);
  });

  it("from the sources, the reaper runs the build in dist/; from the build, its sibling", () => {
    expect(reaperScript(new URL("../../src/cleanup/reaper.ts", import.meta.url).href)).toMatch(/\/dist\/cleanup\/reaper-main\.js$/);
    expect(reaperScript("file:///nowhere/cleanup/reaper.js")).toBeUndefined();
  });
});
