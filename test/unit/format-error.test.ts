import { describe, expect, it } from "vitest";
import { formatError } from "../../src/cli/format-error.js";
import { BerthError } from "../../src/errors.js";

describe("formatError", () => {
  it("a readiness timeout lists every probe's latest result, the container state, dependants, log tail and hint", () => {
    const err = new BerthError("HEALTH_TIMEOUT", "service api did not become ready within 30s (waiting for: any of tcp :5432, http :8080/health)", {
      hint: "Check the probe output and log tail below",
      details: {
        status: "running",
        exitCode: 0,
        restartCount: 1,
        probes: [
          { probe: "tcp :5432", ok: false, output: "connect ECONNREFUSED 172.18.0.2:5432" },
          { probe: "http :8080/health", ok: false, exitCode: 503, output: "starting" },
        ],
        lastProbe: { exitCode: 503, output: "[http :8080/health] starting" },
        blockedDependants: ["web"],
        logTail: "listening on 8080\nwaiting for license server",
      },
    });
    expect(formatError(err)).toBe(
      [
        "berth: service api did not become ready within 30s (waiting for: any of tcp :5432, http :8080/health)",
        "  container state: running, exit code 0, restarts 1",
        "  latest result of each probe berth ran:",
        "    FAIL  tcp :5432:",
        "          connect ECONNREFUSED 172.18.0.2:5432",
        "    FAIL  http :8080/health (exit/status 503):",
        "          starting",
        "  blocked dependants: web",
        "  last log lines:",
        "    listening on 8080",
        "    waiting for license server",
        "  hint: Check the probe output and log tail below",
      ].join("\n"),
    );
  });

  it("a single probe prints as the last probe run", () => {
    const err = new BerthError("HEALTH_TIMEOUT", "service db did not become ready", {
      details: { probes: [{ probe: "healthcheck", ok: false, exitCode: 1, output: "no" }], lastProbe: { exitCode: 1, output: "no" } },
    });
    expect(formatError(err)).toContain("  last probe run by berth: exit 1:\n    no");
  });
});
