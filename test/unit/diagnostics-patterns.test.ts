/**
 * `berth troubleshoot`'s failure patterns on container facts, without an engine. The lines are the
 * ones real programs print (busybox, bash, PostgreSQL, Node, the engine); the integration test
 * produces most of them for real.
 */
import { describe, expect, it } from "vitest";
import type { ContainerFacts, EnvironmentFacts } from "../../src/diagnostics/troubleshoot/facts.js";
import { diagnose } from "../../src/diagnostics/troubleshoot/match.js";

const env: EnvironmentFacts = { services: ["api", "db", "web"], addresses: { "10.213.0.2": "db", "10.213.0.3": "api" } };

function facts(over: Partial<ContainerFacts>): ContainerFacts {
  return {
    service: "api",
    container: "p-api-1",
    state: "FAILED",
    status: "exited",
    running: false,
    exitCode: 1,
    oomKilled: false,
    restartCount: 0,
    startError: "",
    memoryLimitBytes: 0,
    health: "none",
    healthLog: [],
    logLines: [],
    mounts: [],
    envNames: ["PATH"],
    user: "",
    dependsOn: ["db"],
    ...over,
  };
}

const ids = (f: ContainerFacts) => diagnose(f, env).map((x) => x.pattern);

describe("troubleshoot patterns", () => {
  it("a healthy container matches nothing", () => {
    expect(ids(facts({ state: "HEALTHY", status: "running", running: true, exitCode: 0, logLines: ["listening on :3000", "GET /health 200"] }))).toEqual([]);
  });

  it("out of memory: the OOM flag, or exit 137 under a memory limit, or a runtime's heap error", () => {
    const oom = diagnose(facts({ oomKilled: true, exitCode: 137, memoryLimitBytes: 8 * 1024 * 1024 }), env)[0]!;
    expect(oom.pattern).toBe("out-of-memory");
    expect(oom.cause).toContain("8 MiB");
    expect(oom.fix).toContain("mem_limit");
    expect(ids(facts({ exitCode: 137, memoryLimitBytes: 64 << 20 }))).toEqual(["out-of-memory"]);
    expect(ids(facts({ exitCode: 137 }))).toEqual([]); // a kill without a limit is not evidence of memory
    expect(ids(facts({ logLines: ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"] }))).toEqual(["out-of-memory"]);
  });

  it("address already in use, naming the port when the line does", () => {
    const [f] = diagnose(facts({ logLines: ["Error: listen EADDRINUSE: address already in use :::3000"] }), env);
    expect(f!.pattern).toBe("address-in-use");
    expect(f!.cause).toContain("port 3000");
    expect(ids(facts({ logLines: ["httpd: bind: Address already in use"] }))).toEqual(["address-in-use"]);
  });

  it("connection refused names the dependency, by name or by its address", () => {
    const [byIp] = diagnose(facts({ logLines: ["nc: can't connect to remote host (10.213.0.2): Connection refused"] }), env);
    expect(byIp!.pattern).toBe("connection-refused");
    expect(byIp!.title).toBe("connection refused by its dependency db");
    const [byName] = diagnose(facts({ logLines: ["Error: connect ECONNREFUSED db:5432"] }), env);
    expect(byName!.cause).toContain("port 5432");
    const [notDep] = diagnose(facts({ service: "web", dependsOn: [], logLines: ["connect ECONNREFUSED api:3000"] }), env);
    expect(notDep!.fix).toContain("Add api to web's depends_on");
  });

  it("permission denied is put on the volume mounted there, else reported plainly", () => {
    const mounts = [{ type: "volume", destination: "/data" }];
    const [v] = diagnose(facts({ user: "1000", mounts, logLines: ["touch: /data/state: Permission denied"] }), env);
    expect(v!.pattern).toBe("permission-denied-volume");
    expect(v!.cause).toContain("user 1000");
    expect(ids(facts({ mounts, logLines: ['FATAL:  could not open file "/etc/app.conf": Permission denied'] }))).toEqual(["permission-denied"]);
  });

  it("missing environment variables from strict shells and from programs' own messages", () => {
    for (const line of [
      "sh: DATABASE_URL: parameter not set",
      "/entrypoint.sh: line 3: DATABASE_URL: unbound variable",
      "Error: environment variable DATABASE_URL is not set",
      "KeyError: 'DATABASE_URL'",
    ]) {
      const [f] = diagnose(facts({ logLines: [line] }), env);
      expect(f?.pattern, line).toBe("missing-env-var");
      expect(f!.title).toBe("environment variable DATABASE_URL not set");
    }
  });

  it("database not initialised: database, role or relation missing", () => {
    const one = (line: string) => diagnose(facts({ logLines: [line] }), env)[0]!;
    expect(one('psql: error: FATAL:  database "shop" does not exist').title).toBe('database not initialised (database "shop" missing)');
    expect(one('FATAL:  role "app" does not exist').title).toBe('database not initialised (role "app" missing)');
    const rel = one('ERROR:  relation "orders" does not exist');
    expect(rel.title).toBe('database not initialised (table "orders" missing)');
    expect(rel.fix).toContain("service_completed_successfully");
  });

  it("executable not found: the engine's start error, a shell's, tini's, or a bare exit 127", () => {
    expect(
      ids(facts({ status: "created", exitCode: 127, startError: 'OCI runtime create failed: exec: "sleeep": executable file not found in $PATH: unknown' })),
    ).toEqual(["command-not-found"]);
    expect(diagnose(facts({ exitCode: 127, logLines: ["sh: no-such-binary: not found"] }), env)[0]!.cause).toContain('"no-such-binary"');
    expect(ids(facts({ exitCode: 127, logLines: ["[FATAL tini (7)] exec sleeep failed: No such file or directory"] }))).toEqual(["command-not-found"]);
    expect(diagnose(facts({ exitCode: 127, logLines: ["/entrypoint.sh: line 3: migrate: command not found"] }), env)[0]!.cause).toContain('"migrate"');
    expect(ids(facts({ exitCode: 127 }))).toEqual(["command-not-found"]);
  });

  it("a host name that does not resolve, with a did-you-mean among the services", () => {
    const [f] = diagnose(facts({ logLines: ["nc: bad address 'dbx'"] }), env);
    expect(f!.pattern).toBe("dns-not-resolving");
    expect(f!.cause).toContain('did you mean "db"');
    expect(ids(facts({ logLines: ['psql: error: could not translate host name "postgress" to address: Name or service not known'] }))).toEqual([
      "dns-not-resolving",
    ]);
  });

  it("a health check whose program is missing", () => {
    const f = facts({
      state: "UNHEALTHY",
      status: "running",
      running: true,
      exitCode: 0,
      health: "unhealthy",
      healthLog: [
        {
          exitCode: -1,
          output: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown',
        },
      ],
    });
    const [h] = diagnose(f, env);
    expect(h!.pattern).toBe("healthcheck-command-not-found");
    expect(h!.cause).toContain('"curl"');
    expect(h!.source).toBe("health check");
  });

  it("quotes the newest matching line as evidence", () => {
    const [f] = diagnose(facts({ logLines: ["connect ECONNREFUSED 10.213.0.2:5432 (attempt 1)", "connect ECONNREFUSED 10.213.0.2:5432 (attempt 2)"] }), env);
    expect(f!.evidence).toBe("logs: connect ECONNREFUSED 10.213.0.2:5432 (attempt 2)");
  });
});
