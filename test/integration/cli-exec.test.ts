/**
 * `berth exec` and `berth run SERVICE` as compose users use them, on one shared environment: an
 * interactive command on a real pseudo-terminal (typed input, window resize, exit code, the
 * terminal restored), stdin piped in (`exec -T … < dump.sql`), exit codes, and one-off containers
 * of a service that are removed afterwards.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL } from "../../src/labels.js";
import { berth, engine, resourcesOf, root, stack, uniqueName } from "./helpers.js";
import { onPty } from "./pty.js";

const project = uniqueName("berth-exec");
const p = ["-p", project];
const bin = `${root}dist/bin/berth.js`;

/** The terminal's own line ends (CR LF, some CR doubled by the local terminal's output processing) as LF. */
const lines = (screen: string) => screen.replace(/\r+\n/g, "\n");

async function oneOffs(): Promise<string[]> {
  const list = await (await engine()).listContainers({ [LABEL.project]: project, [LABEL.oneoff]: "true" });
  return list.map((c) => c.name);
}

describe("berth exec and run SERVICE, with stdin and terminals", () => {
  beforeAll(async () => {
    const up = await berth(["up", "-f", stack("cli-exec.yml"), ...p, "-q"]);
    expect(up.code, up.stderr).toBe(0);
  });

  afterAll(async () => {
    await berth(["down", project, "-v"]);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("exec on a terminal: a pseudo-terminal that gets typed input and resizes, the command's exit code, the terminal left as it was", async () => {
    const script = 'printf "name? "; read name; sleep 0.3; echo "size: $(stty size)"; [ -t 0 ] && echo "stdin is a tty"; echo "hello $name"; exit 5';
    // `stty -a` after berth: the local terminal is back in canonical mode with echo (berth put it in raw
    // mode). berth restores it itself, and Node resets a terminal at exit too: this checks what the user ends with.
    const r = await onPty(
      ["sh", "-c", `"${process.execPath}" "${bin}" exec -p ${project} box sh -c '${script}'; echo "berth exited $?"; stty -a`],
      [{ wait: "name? " }, { resize: [40, 100] }, { type: "Ada\r" }],
    );
    const screen = lines(r.screen);
    expect(r.code, screen).toBe(0);
    expect(screen).toContain("name? Ada\n"); // typed, echoed by the container's terminal
    expect(screen).toContain("size: 40 100\n"); // the resize reached the container's terminal
    expect(screen).toContain("stdin is a tty\nhello Ada\n");
    expect(screen).toContain("berth exited 5\n");
    expect(screen).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(screen).toMatch(/(^|\s)echo(\s|$)/m);
  });

  it("exec -T on a terminal: no pseudo-terminal, stdout and stderr apart", async () => {
    const r = await onPty([
      "sh",
      "-c",
      `"${process.execPath}" "${bin}" exec -T -p ${project} box sh -c '[ -t 0 ] || echo no-tty; exit 3' 2>/dev/null; echo "rc=$?"`,
    ]);
    expect(lines(r.screen)).toContain("no-tty\nrc=3\n");
  });

  it("exec -T with stdin piped: streamed in, closed at its end; the command's exit code", async () => {
    const big = Buffer.alloc(1024 * 1024, "x");
    const count = await berth(["exec", ...p, "-T", "box", "wc", "-c"], { input: big });
    expect(count.code, count.stderr).toBe(0);
    expect(count.stdout.trim()).toBe(String(big.length));
    // Without -T too: stdin is not a terminal, so no pseudo-terminal either.
    const code = await berth(["exec", ...p, "box", "sh", "-c", 'read line; echo "got $line"; exit 42'], { input: "one line\n" });
    expect(code.code).toBe(42);
    expect(code.stdout).toBe("got one line\n");
  });

  it("exec --privileged asks the engine for a privileged exec: the same outcome as docker exec --privileged", async () => {
    const script = "grep CapEff /proc/self/status";
    const caps = (out: string) => out.trim().split(/\s+/)[1]!;
    const plain = await berth(["exec", ...p, "-T", "box", "sh", "-c", script]);
    expect(plain.code, plain.stderr).toBe(0);
    const privileged = await berth(["exec", ...p, "--privileged", "-T", "box", "sh", "-c", script]);
    // Where the engine's host withholds a capability (this machine's bounding set does), runc refuses
    // every privileged exec, docker's own too; elsewhere the command gets more capabilities.
    const docker = spawnSync("docker", ["exec", "--privileged", `${project}-box-1`, "sh", "-c", script], { encoding: "utf8" });
    expect(privileged.code).toBe(docker.status);
    if (docker.status === 0) expect(BigInt(`0x${caps(privileged.stdout)}`)).toBeGreaterThan(BigInt(`0x${caps(plain.stdout)}`));
    else expect(`${privileged.stdout}${privileged.stderr}`).toContain("unable to apply caps");
  });

  it("exec -T db psql < dump.sql loads the dump; a failing statement gives psql's exit code", async () => {
    const dump = "create table pets (name text);\ninsert into pets values ('ada'), ('bob'), ('cy');\n";
    const load = await berth(["exec", ...p, "-T", "db", "psql", "-U", "app", "-v", "ON_ERROR_STOP=1"], { input: dump });
    expect(load.code, load.stderr).toBe(0);
    const count = await berth(["exec", ...p, "db", "psql", "-U", "app", "-tAc", "select count(*) from pets"]);
    expect(count.stdout.trim()).toBe("3");
    const bad = await berth(["exec", ...p, "-T", "db", "psql", "-U", "app", "-v", "ON_ERROR_STOP=1"], { input: "select * from nosuch;\n" });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('relation "nosuch" does not exist');
  });

  it("run SERVICE CMD: a one-off container with the service's environment, volumes and network; its exit code; removed", async () => {
    const r = await berth(["run", ...p, "-e", "EXTRA=given", "box", "sh", "-c", 'cat /shared/seed; echo "$FROM_FILE $EXTRA"; wc -c; exit 9'], {
      input: "four",
    });
    expect(r.code, r.stderr).toBe(9);
    expect(r.stdout).toBe("seeded\ncompose given\n4\n");
    // On the environment's network: the one-off reaches db by its service name.
    const psql = await berth(["run", ...p, "-T", "-e", "PGPASSWORD=app-secret", "db", "psql", "-h", "db", "-U", "app", "-tAc", "select 40 + 2"]);
    expect(psql.code, psql.stderr).toBe(0);
    expect(psql.stdout.trim()).toBe("42");
    expect(await oneOffs()).toEqual([]);
    // The service's own containers are untouched.
    expect((await berth(["exec", ...p, "box", "test", "-f", "/ready"])).code).toBe(0);
  });

  it("run SERVICE on a terminal: interactive, exit code passed through, removed", async () => {
    const r = await onPty(
      [
        "sh",
        "-c",
        `"${process.execPath}" "${bin}" run -p ${project} box sh -c '[ -t 0 ] && printf "tty> "; read x; echo "got $x"; exit 4'; echo "berth exited $?"`,
      ],
      [{ wait: "tty> " }, { type: "yes\r" }],
    );
    expect(lines(r.screen)).toContain("got yes\nberth exited 4\n");
    expect(await oneOffs()).toEqual([]);
  });

  it("run with a word that is no service: exit 2, and how to run a host command instead", async () => {
    const r = await berth(["run", ...p, "npm", "test"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no service npm");
    expect(r.stderr).toContain("berth run -f compose.yml -- npm test");
  });
});
