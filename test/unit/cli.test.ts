/** The CLI's pure parts: argv protection, connection variables, colours, the progress model, completion. */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commandWord, protectCommandArgs } from "../../src/cli/argv.js";
import { bashScript, describeCli } from "../../src/cli/commands/completion.js";
import { colorEnabled } from "../../src/cli/progress/colors.js";
import { ProgressModel, pullText } from "../../src/cli/progress/model.js";
import { connectionVariables, envName, formatVariables } from "../../src/lifecycle/connection-env.js";
import type { EnvironmentData } from "../../src/lifecycle/environment.js";
import { environmentView } from "../../src/testing/view.js";

const data: EnvironmentData = {
  project: "p1",
  kind: "test",
  networks: ["p1_default"],
  services: {
    "shop-db": {
      name: "shop-db",
      containers: [
        {
          id: "x",
          name: "p1-shop-db-1",
          number: 1,
          state: "HEALTHY",
          ports: [
            { containerPort: 53, protocol: "udp", hostIp: "127.0.0.1", hostPort: 40001 },
            { containerPort: 5432, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 40002 },
            { containerPort: 9187, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 40003 },
          ],
        },
      ],
    },
    worker: { name: "worker", containers: [{ id: "y", name: "p1-worker-1", number: 1, state: "HEALTHY", ports: [] }] },
  },
};

describe("commandWord", () => {
  it("skips global options and their values", () => {
    expect(commandWord(["-f", "x.yml", "-p", "my-env", "--json", "status"])).toBe("status");
    expect(commandWord(["--file=x.yml", "up", "web"])).toBe("up");
    expect(commandWord(["--help"])).toBe("");
  });
});

describe("protectCommandArgs", () => {
  it("puts -- where exec's command begins, after global and exec options", () => {
    expect(protectCommandArgs(["-p", "x", "exec", "-e", "A=1", "db", "psql", "-p", "5432"])).toEqual([
      "-p",
      "x",
      "exec",
      "-e",
      "A=1",
      "db",
      "--",
      "psql",
      "-p",
      "5432",
    ]);
    expect(protectCommandArgs(["exec", "db", "--", "ls"])).toEqual(["exec", "db", "--", "ls"]);
  });
  it("and where run's command begins: after its service, or after the -- of a host command", () => {
    expect(protectCommandArgs(["run", "-f", "c.yml", "node", "-e", "1"])).toEqual(["run", "-f", "c.yml", "node", "--", "-e", "1"]);
    expect(protectCommandArgs(["run", "--", "node"])).toEqual(["run", "--", "node"]);
  });
  it("spells logs' -f as --follow (docker logs -f), leaving a global -f before logs and --file alone", () => {
    expect(protectCommandArgs(["logs", "-f", "web"])).toEqual(["logs", "--follow", "web"]);
    expect(protectCommandArgs(["-f", "c.yml", "logs", "-ft", "--tail", "5", "web"])).toEqual([
      "-f",
      "c.yml",
      "logs",
      "--follow",
      "--timestamps",
      "--tail",
      "5",
      "web",
    ]);
    expect(protectCommandArgs(["-p", "x", "logs", "--file", "c.yml", "-t", "web"])).toEqual(["-p", "x", "logs", "--file", "c.yml", "-t", "web"]);
  });
  it("leaves other commands alone", () => {
    expect(protectCommandArgs(["status", "-f", "c.yml"])).toEqual(["status", "-f", "c.yml"]);
    expect(protectCommandArgs(["--json", "status"])).toEqual(["--json", "status"]);
  });
});

describe("connection variables", () => {
  it("names: upper case, other characters to _; first port prefers TCP; one variable per container port", () => {
    expect(envName("shop-db.v2")).toBe("SHOP_DB_V2");
    expect(connectionVariables(data)).toEqual({
      BERTH_PROJECT: "p1",
      SHOP_DB_HOST: "127.0.0.1",
      SHOP_DB_PORT: "40002",
      SHOP_DB_PORT_5432: "40002",
      SHOP_DB_PORT_9187: "40003",
      SHOP_DB_PORT_53: "40001",
    });
    expect(Object.keys(connectionVariables(data, { prefix: "IT_" }))).toContain("IT_SHOP_DB_PORT");
  });
  it("formats for .env, eval and JSON, quoting what a shell would split", () => {
    expect(formatVariables({ A: "1", B: "x y", C: "it's" }, "dotenv")).toBe("A=1\nB='x y'\nC='it'\\''s'");
    expect(formatVariables({ A: "1" }, "export")).toBe("export A=1");
    expect(JSON.parse(formatVariables({ A: "1" }, "json"))).toEqual({ A: "1" });
  });
  it("environmentView answers hostPort/url, and says what is published otherwise", () => {
    const v = environmentView({ ...data, variables: {} });
    expect(v.hostPort("shop-db", 5432)).toBe(40002);
    expect(v.url("shop-db", 9187)).toBe("http://127.0.0.1:40003");
    expect(() => v.hostPort("shop-db", 1)).toThrow(/publishes no port 1/);
    expect(() => environmentView(undefined)).toThrow(/no berth environment was provided/);
  });
});

describe("colours", () => {
  it("--no-color > FORCE_COLOR > NO_COLOR > terminal", () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: "1" }, true, false)).toBe(false);
  });
});

describe("progress model", () => {
  it("follows a service from waiting on its dependency to healthy", () => {
    const m = new ProgressModel(
      [
        { name: "api", dependsOn: ["db"] },
        { name: "db", dependsOn: [] },
      ],
      0,
    );
    const step = (kind: string, service: string, phase: "begin" | "done") =>
      m.apply({ type: "step", project: "p", step: kind, kind, target: service, service, phase, at: 1 });
    step("create-container", "api", "begin");
    expect(m.services.get("api")!.phase).toBe("creating");
    step("create-container", "api", "done");
    expect(m.services.get("api")!.phase).toBe("waiting");
    expect(m.blockers(m.services.get("api")!)).toEqual(["db"]);
    step("start-container", "db", "begin");
    step("wait-ready", "db", "begin");
    expect(m.services.get("db")!.phase).toBe("checking");
    m.apply({ type: "ready", project: "p", service: "db", container: "p-db-1", via: "probe", at: 5, elapsedMs: 5 });
    expect(m.services.get("db")).toMatchObject({ phase: "ready", readyAt: 5, detail: "probe" });
    expect(m.blockers(m.services.get("api")!)).toEqual([]);
    m.apply({ type: "step", project: "p", step: "s", kind: "wait-ready", target: "api", service: "api", phase: "failed", at: 9, error: "boom" });
    expect(m.services.get("api")).toMatchObject({ phase: "failed", detail: "boom" });
  });

  it("shows an image's pull (layers, bytes) from its begin to its end", () => {
    const m = new ProgressModel([{ name: "db", dependsOn: [] }], 0);
    const pull = (phase: "begin" | "done") =>
      m.apply({ type: "step", project: "p", step: "pull-image:pg:16", kind: "pull-image", target: "pg:16", phase, at: 1 });
    pull("begin");
    expect(pullText(m.pulls)).toBe("pulling pg:16");
    m.apply({ type: "pull", project: "p", image: "pg:16", layersDone: 3, layers: 7, bytesDone: 12_300_000, bytes: 40_100_000, at: 2 });
    expect(pullText(m.pulls)).toBe("pulling pg:16 3/7 layers 12.3/40.1 MB");
    pull("done");
    expect(pullText(m.pulls)).toBeUndefined();
    expect(m.services.get("db")!.phase).toBe("waiting");
  });
});

describe("completion", () => {
  it("is generated from the registered commands, aliases included", () => {
    const program = new Command("berth").option("--json");
    program.command("up").alias("acquire").option("--env <kind>");
    expect(describeCli(program).commands.map((c) => c.name)).toEqual(["acquire", "up"]);
    expect(bashScript(program)).toContain("up) opts='--env' ;;");
  });
});
