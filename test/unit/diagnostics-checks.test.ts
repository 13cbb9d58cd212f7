/** Pure parts of `berth doctor` and `berth validate`: port ranges, address pools, probe commands and their output. */
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/compose/index.js";
import { classifyTcp, dnsCommand, parseDns, parseTools, tcpCommand } from "../../src/diagnostics/connectivity/probe-commands.js";
import { ENGINE_DEFAULT_POOLS, enginePools, enginePoolsLeft, freeSubnets } from "../../src/diagnostics/doctor/address-pools.js";
import { localPorts, parseRange, rangeUsage } from "../../src/diagnostics/doctor/port-range.js";
import { imagesNeeded } from "../../src/diagnostics/doctor/project-checks.js";
import { parseCidr } from "../../src/networks/subnets.js";

const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 43 1 0000000000000000 100 0 0 10 0
   1: 0100007F:8A3F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 66 1 0000000000000000 100 0 0 10 0
   2: 0100007F:8A40 0100007F:07E8 01 00000000:00000000 00:00000000 00000000     0        0 67 1 0000000000000000 100 0 0 10 0
`;

describe("doctor: port ranges", () => {
  it("parses the kernel's range and berth's", () => {
    expect(parseRange("32768\t60999\n")).toEqual({ low: 32768, high: 60999 });
    expect(parseRange("30000-39999")).toEqual({ low: 30000, high: 39999 });
    expect(parseRange("40000-30000")).toBeNull();
    expect(parseRange("nonsense")).toBeNull();
  });

  it("counts the local ports of every socket, listening or connected, inside the range", () => {
    const ports = localPorts(PROC_NET_TCP);
    expect([...ports].sort((a, b) => a - b)).toEqual([2024, 35391, 35392]);
    expect(rangeUsage({ low: 35000, high: 35999 }, ports)).toEqual({ size: 1000, used: 2, freeShare: 0.998 });
  });
});

describe("doctor: address pools", () => {
  it("counts the free /28s of berth's pool around used subnets", () => {
    const pool = parseCidr("10.213.0.0/24"); // 16 × /28
    expect(freeSubnets(pool, 28, [])).toEqual({ free: 16, total: 16 });
    expect(freeSubnets(pool, 28, [parseCidr("10.213.0.0/28"), parseCidr("10.213.0.64/26"), parseCidr("192.168.1.0/24")])).toEqual({ free: 11, total: 16 });
    expect(freeSubnets(pool, 28, [parseCidr("10.0.0.0/8")])).toEqual({ free: 0, total: 16 });
  });

  it("knows Docker's 31 default networks, and daemon.json's own pools", () => {
    expect(enginePoolsLeft(ENGINE_DEFAULT_POOLS, [])).toEqual({ free: 31, total: 31 });
    expect(enginePoolsLeft(ENGINE_DEFAULT_POOLS, [parseCidr("172.17.0.0/16"), parseCidr("192.168.0.0/20")])).toEqual({ free: 29, total: 31 });
    const own = enginePools(JSON.stringify({ "default-address-pools": [{ base: "10.10.0.0/16", size: 24 }] }));
    expect(enginePoolsLeft(own, [])).toEqual({ free: 256, total: 256 });
    expect(enginePools("{ not json")).toBe(ENGINE_DEFAULT_POOLS);
  });
});

describe("doctor: images a file needs", () => {
  it("lists each image once with its services; built ones are buildable unless USE_PRODUCTION_IMAGES", async () => {
    const dir = new URL("../fixtures/stacks/", import.meta.url).pathname;
    const spec = await loadProject({ files: [`${dir}build.yml`], cwd: dir, env: {} });
    const needs = imagesNeeded(spec, {});
    expect(needs.length).toBeGreaterThan(0);
    expect(needs.some((n) => n.buildable)).toBe(true);
    expect(imagesNeeded(spec, { USE_PRODUCTION_IMAGES: "true" }).some((n) => n.buildable)).toBe(false);
    const shop = await loadProject({ files: [new URL("../../examples/shop/compose.yml", import.meta.url).pathname], cwd: dir, env: {} });
    expect(imagesNeeded(shop, {}).map((n) => `${n.image}:${n.services.join(",")}`)).toEqual([
      "berth-example/shop-backend:1:backend",
      "berth-example/shop-frontend:1:frontend",
      "berth-fixtures/postgres:15:postgres",
      "berth-fixtures/redis:7:redis",
    ]);
  });
});

describe("validate: probe commands", () => {
  it("prefers getent, then nslookup; bash /dev/tcp (under timeout), then nc", () => {
    const debian = parseTools("getent\nbash\ntimeout\n");
    const busybox = parseTools("nslookup\nnc\n");
    expect(dnsCommand(debian, "db")!.cmd).toEqual(["getent", "hosts", "db"]);
    expect(dnsCommand(busybox, "db")!.cmd).toEqual(["nslookup", "db"]);
    expect(dnsCommand(parseTools(""), "db")).toBeNull();
    expect(tcpCommand(debian, "db", 5432)!.cmd.slice(0, 3)).toEqual(["timeout", "3", "bash"]);
    expect(tcpCommand(busybox, "db", 5432)!.tool).toBe("nc");
    expect(tcpCommand(parseTools("getent"), "db", 5432)).toBeNull();
  });

  it("reads resolvers' answers, not the DNS server's own address", () => {
    expect(parseDns("getent", 0, "10.213.0.2      db\n")).toEqual(["10.213.0.2"]);
    expect(parseDns("getent", 2, "")).toEqual([]);
    const ok = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tdb\nAddress: 10.213.0.2\n\n";
    expect(parseDns("nslookup", 0, ok)).toEqual(["10.213.0.2"]);
    expect(parseDns("nslookup", 1, "** server can't find db: NXDOMAIN\n")).toEqual([]);
  });

  it("classifies connection outcomes", () => {
    expect(classifyTcp(0, "", false)).toBeNull();
    expect(classifyTcp(1, "bash: connect: Connection refused\nbash: line 1: /dev/tcp/db/5432: Connection refused", false)).toBe("refused");
    expect(classifyTcp(1, "nc: can't connect to remote host (10.213.0.2): Connection refused", false)).toBe("refused");
    expect(classifyTcp(124, "", false)).toBe("timeout");
    expect(classifyTcp(-1, "cancelled", true)).toBe("timeout");
    expect(classifyTcp(1, "bash: connect: No route to host", false)).toBe("unreachable");
    expect(classifyTcp(1, "nc: bad address 'db'", false)).toBe("no-dns");
    expect(classifyTcp(1, "something else", false)).toBe("error");
  });
});
