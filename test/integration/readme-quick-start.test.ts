/**
 * The README's user quick start, run as written: the shell block after the
 * `<!-- readme-quick-start` comment is read from README.md and each line runs with `sh -c` in a
 * fresh project that has berth's packed tarball (under the name the README gives), a package.json
 * whose `npm test` checks the injected variables against a running service, and a compose.yaml of a
 * locally built fixture image. Only the environment name `myapp` is replaced (by a unique one), so
 * that concurrent runs on the same engine cannot collide. Nothing may be left afterwards.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packBerth } from "../packaging/pack.js";
import { berth, engine, resourcesOf, root, uniqueName } from "./helpers.js";

/** The commands of the README's quick-start block, comments dropped. */
function quickStart(readme: string): string[] {
  const lines = readme.split("\n");
  const at = lines.findIndex((l) => l.startsWith("<!-- readme-quick-start"));
  if (at < 0 || lines[at + 1] !== "```sh") throw new Error("README.md: no ```sh block right after <!-- readme-quick-start");
  const end = lines.indexOf("```", at + 2);
  return lines
    .slice(at + 2, end)
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

const COMPOSE = `services:
  web:
    image: berth-fixtures/busybox:1
    init: true
    command: ["sh", "-c", "mkdir -p /www; echo hello from web > /www/index.html; exec httpd -f -p 8080 -h /www"]
    ports: ["8080"]
    healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], interval: 1s, retries: 30 }
`;
/** The project's tests: they only read where berth put things. */
const CHECK = `
const { BERTH_PROJECT, WEB_HOST, WEB_PORT, WEB_PORT_8080 } = process.env;
if (!BERTH_PROJECT || !WEB_HOST || WEB_PORT !== WEB_PORT_8080) throw new Error("variables missing: " + JSON.stringify(process.env));
const body = await (await fetch(\`http://\${WEB_HOST}:\${WEB_PORT}/\`)).text();
console.log(\`project=\${BERTH_PROJECT} web=\${body.trim()}\`);
`;

const work = mkdtempSync(join(tmpdir(), "berth-readme-"));
const app = join(work, "app");
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the README's quick start, as written", () => {
  it("installs the packed berth into a project, brings its compose file up, runs its tests against a fresh environment, and leaves nothing", async () => {
    const commands = quickStart(readFileSync(`${root}README.md`, "utf8"));
    expect(commands.map((c) => c.split(" ").slice(0, 3).join(" "))).toEqual(["npm i -D", "npx berth up", "npx berth env", "npx berth run", "npx berth down"]);

    const tarball = packBerth(work);
    const named = /\.\/(berth-[^\s]+\.tgz)/.exec(commands[0]!)?.[1];
    expect(named, "the README names the tarball `npm pack` writes").toBe(basename(tarball));
    spawnSync("mkdir", ["-p", app]);
    copyFileSync(tarball, join(app, named!));
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "app", version: "1.0.0", private: true, type: "module", scripts: { test: "node check.js" } }),
    );
    writeFileSync(join(app, "compose.yaml"), COMPOSE);
    writeFileSync(join(app, "check.js"), CHECK);

    const project = uniqueName("readme-app");
    const outputs: string[] = [];
    try {
      for (const command of commands) {
        const line = command.replace(/\bmyapp\b/g, project);
        const r = spawnSync("sh", ["-c", line], {
          cwd: app,
          encoding: "utf8",
          timeout: 180_000,
          // npm's settings only, not the command: no install scripts of dependencies (ssh2's optional
          // native cpu-features build, ~12 s here; berth itself has none), npm's cache first.
          env: {
            ...process.env,
            npm_config_ignore_scripts: "true",
            npm_config_prefer_offline: "true",
            npm_config_audit: "false",
            npm_config_fund: "false",
            NO_COLOR: "1",
          },
        });
        expect(r.status, `${line}\n${r.stdout}\n${r.stderr}`).toBe(0);
        outputs.push(r.stdout);
      }
    } finally {
      // A failing line leaves the README's environment up: remove it (a no-op when `down` ran).
      if ((await resourcesOf(await engine(), project)).length) await berth(["down", project]);
    }
    const [, up, env, run] = outputs as [string, string, string, string];
    expect(up).toMatch(/web +HEALTHY/);
    expect(env).toMatch(/^WEB_PORT=\d+$/m);
    const tested = /project=(\S+) web=hello from web/.exec(run);
    expect(tested, run).not.toBeNull();
    expect(tested![1], "berth run acquires an environment of its own").not.toBe(project);

    const e = await engine();
    expect(await resourcesOf(e, project)).toEqual([]);
    expect(await resourcesOf(e, tested![1]!)).toEqual([]);
  }, 400_000);
});
