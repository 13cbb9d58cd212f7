/**
 * Evidence for remote engines: a private dockerd of this test's own, listening on TCP with TLS at
 * 127.0.0.2 (tls-engine.ts), chosen once by DOCKER_HOST + DOCKER_TLS_VERIFY/DOCKER_CERT_PATH and once
 * through the current context of a temporary DOCKER_CONFIG. The busybox chain comes up healthy, its
 * published port is reported at 127.0.0.2 (by `port`, `env` and `run`'s variables), answers there, and
 * `down` leaves nothing. Wrong certificates, an engine that does not answer and a context without an
 * endpoint fail with a clear message and exit code 3.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { berth, stack, uniqueName, type RunResult } from "./helpers.js";
import { TlsEngine, TLS_ENGINE_IP } from "./tls-engine.js";

/** Variables that must not leak in from the machine: only the ones a case sets choose the engine. */
const CLEAR = {
  DOCKER_HOST: undefined,
  DOCKER_CONTEXT: undefined,
  DOCKER_TLS_VERIFY: undefined,
  DOCKER_TLS: undefined,
  DOCKER_CERT_PATH: undefined,
  BERTH_HOST_OVERRIDE: undefined,
  TESTCONTAINERS_HOST_OVERRIDE: undefined,
};

const explain = (r: RunResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

describe("an engine over TCP with TLS at 127.0.0.2", () => {
  let engine: TlsEngine;
  beforeAll(async () => {
    engine = await TlsEngine.start(["berth-fixtures/busybox:1"]);
  });
  afterAll(async () => {
    await engine?.destroy();
  });

  /** up → port/env/run report 127.0.0.2 → the port answers there → down leaves nothing. */
  async function cycle(env: Record<string, string | undefined>): Promise<void> {
    const p = ["-f", stack("chain.yml"), "-p", uniqueName("tls")];
    const up = await berth(["up", ...p], { env });
    expect(up.code, explain(up)).toBe(0);
    let down: RunResult | undefined;
    try {
      const port = await berth(["port", ...p, "c", "8080"], { env });
      expect(port.stdout.trim(), explain(port)).toMatch(new RegExp(`^${TLS_ENGINE_IP.replace(/\./g, "\\.")}:\\d+$`));
      const hostPort = Number(port.stdout.trim().split(":")[1]);
      const vars = await berth(["env", ...p], { env });
      expect(vars.stdout).toContain(`C_HOST=${TLS_ENGINE_IP}`);
      // The engine's namespace only answers through the relay; a port bound on 127.0.0.1 there would not.
      await engine.expose(hostPort);
      const answer = await fetch(`http://${TLS_ENGINE_IP}:${hostPort}/`, { signal: AbortSignal.timeout(5000) });
      expect(answer.status).toBeLessThan(500); // busybox httpd: 404 for / without an index is an answer
    } finally {
      down = await berth(["down", ...p], { env });
    }
    expect(down.code, explain(down)).toBe(0);
    expect(engine.containers()).toEqual([]);
  }

  it("is chosen by DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH; `run -- CMD` gets the same address", async () => {
    const env = { ...CLEAR, DOCKER_HOST: engine.host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: engine.certPath };
    await cycle(env);
    // run -- CMD: a dedicated environment, released afterwards.
    const run = await berth(["run", "-f", stack("chain.yml"), "-p", uniqueName("tls-run"), "--", "sh", "-c", 'echo "$C_HOST:$C_PORT"'], { env });
    expect(run.stdout.trim(), explain(run)).toMatch(new RegExp(`^${TLS_ENGINE_IP.replace(/\./g, "\\.")}:\\d+$`));
    expect(engine.containers()).toEqual([]);
  });

  it("is chosen through the current context of DOCKER_CONFIG, which doctor names", async () => {
    const env = { ...CLEAR, DOCKER_CONFIG: engine.writeContext("berth-tls", engine.host) };
    const doctor = await berth(["doctor"], { env });
    expect(doctor.stdout).toMatch(/engine choice\s+tcp:\/\/127\.0\.0\.2:\d+: the current context in .*config\.json/);
    expect(doctor.stdout).toContain(`published ports are reported at ${TLS_ENGINE_IP}`);
    await cycle(env);
  });

  it("explains a certificate from another CA, a missing client certificate, a silent host and a context without endpoint (exit 3)", async () => {
    const base = { ...CLEAR, DOCKER_HOST: engine.host, DOCKER_TLS_VERIFY: "1" };
    const strangerCa = mkdtempSync(join(tmpdir(), "berth-tls-stranger-"));
    writeFileSync(join(strangerCa, "ca.pem"), await import("node:fs").then((fs) => fs.readFileSync(join(engine.dir, "stranger.pem"))));
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ ...base, DOCKER_CERT_PATH: strangerCa }, /certificate is not signed by the CA berth was given/],
      [{ ...base, DOCKER_CERT_PATH: join(engine.dir) }, /requires a client certificate|rejected berth's client certificate/],
      [{ ...CLEAR, DOCKER_HOST: `tcp://${TLS_ENGINE_IP}:1`, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: engine.certPath }, /does not answer/],
      [{ ...CLEAR, DOCKER_CONFIG: engine.writeContext("no-endpoint", undefined) }, /docker context "no-endpoint" .* names no Docker endpoint/],
      [{ ...CLEAR, DOCKER_CONTEXT: "missing", DOCKER_CONFIG: strangerCa }, /docker context "missing" .* does not exist/],
    ];
    for (const [env, message] of cases) {
      const r = await berth(["status"], { env });
      expect(r.code, explain(r)).toBe(3);
      expect(r.stderr, explain(r)).toMatch(message);
    }
  });
});
