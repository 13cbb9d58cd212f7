import { describe, expect, it } from "vitest";
import { age, bytes, servicesTable } from "../../src/cli/render.js";

describe("status rendering", () => {
  it("formats ages and sizes the way people read them", () => {
    const now = Date.parse("2026-11-24T05:00:00Z");
    expect(age("2026-11-24T04:59:55Z", now)).toBe("5s");
    expect(age("2026-11-24T04:30:00Z", now)).toBe("30m");
    expect(age("2026-11-23T05:00:00Z", now)).toBe("24h");
    expect(age(undefined, now)).toBe("-");
    expect(bytes(512)).toBe("512B");
    expect(bytes(1536)).toBe("1.5KiB");
    expect(bytes(24 * 1024 ** 3)).toBe("24.0GiB");
    expect(bytes(300 * 1024 ** 2)).toBe("300MiB");
  });

  it("shows exit code, OOM and restarts next to the state, and usage columns only when measured", () => {
    const now = Date.parse("2026-11-24T05:00:00Z");
    const env = {
      project: "p",
      kind: "test" as const,
      networks: [],
      services: {
        db: {
          name: "db",
          containers: [
            {
              id: "a",
              name: "p-db-1",
              number: 1,
              state: "STOPPED" as const,
              ports: [],
              since: "2026-11-24T04:59:00Z",
              exitCode: 137,
              oomKilled: true,
              restarts: 2,
            },
          ],
        },
        web: {
          name: "web",
          containers: [
            {
              id: "b",
              name: "p-web-1",
              number: 1,
              state: "HEALTHY" as const,
              ports: [{ containerPort: 80, protocol: "tcp" as const, hostIp: "127.0.0.1", hostPort: 49153 }],
              since: "2026-11-24T04:58:00Z",
              restarts: 0,
              usage: { cpuPercent: 1.25, memoryBytes: 5 * 1024 ** 2, memoryLimitBytes: 2 * 1024 ** 3 },
            },
          ],
        },
      },
    };
    const lines = servicesTable(env, now).split("\n");
    expect(lines[0]!.split(/\s{2,}/)).toEqual(["SERVICE", "STATE", "SINCE", "CPU", "MEMORY", "PORTS"]);
    expect(lines[1]!.split(/\s{2,}/)).toEqual(["db", "STOPPED (exit 137, OOM-killed, 2 restarts)", "60s", "-", "-", "-"]);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(["web", "HEALTHY", "2m", "1.3%", "5.0MiB / 2.0GiB", "127.0.0.1:49153->80/tcp"]);
    const { usage: _drop, ...withoutUsage } = env.services.web.containers[0]!;
    const plain = servicesTable({ ...env, services: { web: { name: "web", containers: [withoutUsage] } } }, now);
    expect(plain.split("\n")[0]!.split(/\s{2,}/)).toEqual(["SERVICE", "STATE", "SINCE", "PORTS"]);
  });
});
