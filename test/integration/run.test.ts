/**
 * `berth run -- CMD`: a dedicated environment, the connection variables, the command's exit code,
 * and a release whatever happens (failure, command not found, SIGINT).
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, root, shopFile, stack } from "./helpers.js";

const shopTest = `${root}examples/vitest-project/compose.test.yml`;

/** Node code that connects to PostgreSQL (pg) and Redis (raw RESP) through the injected variables only. */
const CLIENT = `
const { Client } = require("pg");
const net = require("net");
(async () => {
  const pg = new Client({ host: process.env.POSTGRES_HOST, port: +process.env.POSTGRES_PORT_5432, user: "shop", password: "shop-secret", database: "shop" });
  await pg.connect();
  const { rows } = await pg.query("select count(*)::int as n from items");
  await pg.end();
  const pong = await new Promise((resolve, reject) => {
    const s = net.connect(+process.env.REDIS_PORT, process.env.REDIS_HOST);
    s.on("error", reject);
    s.once("data", (d) => { s.end(); resolve(String(d).trim()); });
    s.write("PING\\r\\n");
  });
  console.log(JSON.stringify({ project: process.env.BERTH_PROJECT, items: rows[0].n, redis: pong }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe("berth run", () => {
  it("runs a command that really connects to PostgreSQL and Redis through the injected variables, then releases", async () => {
    const r = await berth(["run", "-f", shopFile, "-f", shopTest, "--", "node", "-e", CLIENT]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { project: string; items: number; redis: string };
    expect(out.items).toBeGreaterThan(0);
    expect(out.redis).toBe("+PONG");
    expect(out.project).toMatch(/^berth-test-/);
    expect(await resourcesOf(await engine(), out.project)).toEqual([]);
  });

  it("exits with the command's exit code, honours --env-prefix, and releases", async () => {
    const r = await berth([
      "run",
      "-f",
      stack("cli-ops.yml"),
      "--env-prefix",
      "IT_",
      "--quiet",
      "--",
      "sh",
      "-c",
      'echo "$BERTH_PROJECT $IT_WEB_PORT ${WEB_PORT:-unset}"; exit 7',
    ]);
    expect(r.code, r.stderr).toBe(7);
    const [project, port, unprefixed] = r.stdout.trim().split(" ");
    expect(Number(port)).toBeGreaterThan(0);
    expect(unprefixed).toBe("unset");
    expect(await resourcesOf(await engine(), project!)).toEqual([]);
  });

  it("a command that does not exist: exit 2, released", async () => {
    const r = await berth(["run", "-f", stack("cli-ops.yml"), "--json", "--", "berth-no-such-command"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot run berth-no-such-command: command not found");
    const acquired = r.stderr.split("\n").find((l) => l.includes('"type":"acquired"'));
    const project = (JSON.parse(acquired!) as { environment: { project: string } }).environment.project;
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("SIGINT while the command runs: the command is interrupted, everything released, exit 130", async () => {
    const child = spawn(
      process.execPath,
      [
        `${root}dist/bin/berth.js`,
        "run",
        "-f",
        stack("cli-ops.yml"),
        "-q",
        "--",
        "node",
        "-e",
        "console.log(process.env.BERTH_PROJECT); setInterval(() => {}, 1000)",
      ],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const project = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
      child.once("exit", () => reject(new Error(`berth run ended early: ${stderr}`)));
    });
    expect((await resourcesOf(await engine(), project)).length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("interrupted");
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });
});
