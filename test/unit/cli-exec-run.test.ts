/**
 * `berth exec` and `berth run`: which form a `run` argv is, when a pseudo-terminal is allocated,
 * the one-off container's request, and how stdin and output travel over the engine's connection.
 */
import { Duplex, PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { protectCommandArgs, runForm } from "../../src/cli/argv.js";
import { hostValues } from "../../src/cli/commands/run-service.js";
import { allocatesTty } from "../../src/cli/terminal.js";
import type { EngineAccess } from "../../src/engine/access.js";
import { execAttached, serialResize, type AttachIo, type TerminalSize } from "../../src/engine/attach.js";
import { COMPOSE_LABEL, LABEL } from "../../src/labels.js";
import { oneOffRequest } from "../../src/lifecycle/one-off.js";
import { project, service } from "./spec-builder.js";

describe("runForm: the -- decides between run SERVICE and run -- CMD", () => {
  it("a first word is a service, whatever options come before it", () => {
    expect(runForm(["run", "web", "sh"])).toBe("service");
    expect(runForm(["run", "web"])).toBe("service");
    expect(runForm(["-f", "c.yml", "-p", "env", "run", "-e", "A=1", "-u", "root", "-T", "web", "id"])).toBe("service");
    expect(runForm(["run", "--entrypoint", "sh", "web"])).toBe("service");
    expect(runForm(["run", "--pull", "always", "--", "npm", "test"])).toBe("host");
    // The form protectCommandArgs leaves it in (what Commander sees) says the same.
    expect(runForm(protectCommandArgs(["run", "npm", "test"]))).toBe("service");
  });
  it("a command after a leading -- is a host command", () => {
    expect(runForm(["run", "--", "npm", "test"])).toBe("host");
    expect(runForm(["-f", "c.yml", "run", "--env-prefix", "IT_", "--", "node", "--test"])).toBe("host");
    expect(runForm(protectCommandArgs(["run", "--keep", "--", "npm", "test"]))).toBe("host");
  });
  it("--pool takes the next word as the pool's name unless it is an option or the --", () => {
    expect(runForm(["run", "--pool", "--", "npm", "test"])).toBe("host");
    expect(runForm(["run", "--pool", "shop", "--", "npm", "test"])).toBe("host");
    expect(runForm(["run", "--pool", "--env-prefix", "IT_", "--", "npm", "test"])).toBe("host");
    expect(protectCommandArgs(["run", "--pool", "shop", "--", "npm", "test"])).toEqual(["run", "--pool", "shop", "--", "npm", "test"]);
  });
  it("nothing to run, or another command: no form", () => {
    expect(runForm(["run"])).toBeUndefined();
    expect(runForm(["run", "--"])).toBeUndefined();
    expect(runForm(["run", "-f", "c.yml"])).toBeUndefined();
    expect(runForm(["exec", "web", "sh"])).toBeUndefined();
    expect(runForm(["-f", "run"])).toBeUndefined(); // `run` there is a file name
  });
  it("protectCommandArgs keeps the command's options its own after the service", () => {
    expect(protectCommandArgs(["run", "-f", "c.yml", "db", "psql", "-p", "5432"])).toEqual(["run", "-f", "c.yml", "db", "--", "psql", "-p", "5432"]);
    expect(protectCommandArgs(["run", "db", "--", "psql"])).toEqual(["run", "db", "--", "psql"]);
    expect(protectCommandArgs(["run", "--", "node", "-e", "1"])).toEqual(["run", "--", "node", "-e", "1"]);
  });
});

describe("allocatesTty", () => {
  it("only when stdin and stdout are terminals and -T was not given", () => {
    expect(allocatesTty(undefined, { stdinIsTty: true, stdoutIsTty: true })).toBe(true);
    expect(allocatesTty(true, { stdinIsTty: true, stdoutIsTty: true })).toBe(true);
    expect(allocatesTty(false, { stdinIsTty: true, stdoutIsTty: true })).toBe(false);
    expect(allocatesTty(true, { stdinIsTty: false, stdoutIsTty: true })).toBe(false); // stdin piped in
    expect(allocatesTty(undefined, { stdinIsTty: true, stdoutIsTty: false })).toBe(false); // `> dump.sql`: no CRLF in the file
  });
});

describe("hostValues: -e KEY takes berth's own value", () => {
  it("keeps KEY=value, fills KEY from the environment, drops an unset KEY", () => {
    expect(hostValues(["A=1", "HOME", "NOPE"], { HOME: "/root" })).toEqual(["A=1", "HOME=/root"]);
    expect(hostValues(undefined, {})).toBeUndefined();
  });
});

describe("oneOffRequest", () => {
  const owner = { host: "h", pid: 4242, started: 1000, user: "u" };
  const spec = project([
    service("web", {
      environment: { A: "from-file", B: "b" },
      command: ["serve"],
      ports: [{ target: 8080, protocol: "tcp" } as never],
      restart: "always",
      volumes: [{ type: "volume", source: "data", target: "/data" } as never],
    }),
  ]);
  const base = {
    spec: { ...spec, volumes: { data: {} } },
    project: "envx",
    service: "web",
    tty: false,
    owner,
    environment: { [LABEL.envKind]: "test", [LABEL.configHash]: "abc" },
    processEnv: { BERTH_LABELS: "ci.job=7" },
    now: new Date(0),
    random: () => "r4nd",
  };

  it("is a one-off of the service, owned by this process, with no published port, alias or restart", () => {
    const req = oneOffRequest(base);
    expect(req.name).toBe("envx-web-run-r4nd");
    expect(req.labels).toMatchObject({
      [LABEL.project]: "envx",
      [LABEL.service]: "web",
      [LABEL.oneoff]: "true",
      [COMPOSE_LABEL.oneoff]: "True",
      [LABEL.lifetime]: "process",
      [LABEL.ownerPid]: "4242",
      [LABEL.envKind]: "test",
      "ci.job": "7",
    });
    expect(req.portBindings).toEqual({});
    expect(req.network).toMatchObject({ name: "envx_default", aliases: [] });
    expect(req.restartPolicy).toBeUndefined();
    expect(req.mounts).toEqual([{ type: "volume", source: "envx_data", target: "/data", readOnly: undefined }]);
    expect(req.runtime).toMatchObject({ tty: false, openStdin: true, stdinOnce: true });
    expect(req.cmd).toEqual(["serve"]);
  });

  it("takes the command, entrypoint, user, directory and -e over the service's", () => {
    const req = oneOffRequest({ ...base, command: ["sh"], entrypoint: ["/bin/env"], user: "nobody", workingDir: "/tmp", env: ["A=given", "C=c"], tty: true });
    expect(req.cmd).toEqual(["sh"]);
    expect(req.entrypoint).toEqual(["/bin/env"]);
    expect([req.user, req.workingDir]).toEqual(["nobody", "/tmp"]);
    expect(req.env).toEqual(["A=given", "B=b", "C=c"]);
    expect(req.runtime.tty).toBe(true);
  });
});

/** The engine's end of a hijacked connection: records what berth writes and whether it half-closed. */
class FakeConnection extends Duplex {
  written = "";
  halfClosed = false;
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.written += chunk.toString();
    done();
  }
  override _final(done: () => void) {
    this.halfClosed = true;
    done();
  }
  override _read() {}
}

const frame = (kind: 1 | 2, text: string) => Buffer.concat([Buffer.from([kind, 0, 0, 0, 0, 0, 0, text.length]), Buffer.from(text)]);

function fakeAccess(connection: FakeConnection, resizes: unknown[], exitCode = 7): EngineAccess {
  const exec = {
    start: () => Promise.resolve(connection),
    inspect: () => Promise.resolve({ ExitCode: exitCode }),
    resize: (o: { h: number; w: number }) => (resizes.push([o.h, o.w]), Promise.resolve()),
  };
  return { endpoint: "fake", docker: { getContainer: () => ({ exec: () => Promise.resolve(exec) }) } } as unknown as EngineAccess;
}

describe("execAttached: stdin in, output out, over one connection", () => {
  it("without a TTY: stdin's end half-closes the connection while output keeps coming, demultiplexed; the exit code", async () => {
    const connection = new FakeConnection();
    const stdin = new PassThrough();
    const out: string[] = [];
    const io: AttachIo = { stdin, tty: false, onOutput: (s, d) => out.push(`${s}:${d.toString()}`) };
    const done = execAttached(fakeAccess(connection, []), "c0ffee", ["cat"], io);
    stdin.end("line 1\n");
    await new Promise((r) => setTimeout(r, 10));
    expect(connection.written).toBe("line 1\n");
    expect(connection.halfClosed).toBe(true);
    connection.push(frame(1, "out"));
    connection.push(frame(2, "err"));
    connection.push(null);
    expect(await done).toBe(7);
    expect(out).toEqual(["stdout:out", "stderr:err"]);
  });

  it("with a TTY: raw output, the size sent at the start and on every resize until the end", async () => {
    const connection = new FakeConnection();
    const resizes: unknown[] = [];
    let size = { rows: 30, columns: 120 };
    let onResize: (() => void) | undefined;
    const out: string[] = [];
    const io: AttachIo = {
      stdin: new PassThrough(),
      tty: true,
      onOutput: (s, d) => out.push(`${s}:${d.toString()}`),
      size: () => size,
      onResize: (l) => ((onResize = l), () => (onResize = undefined)),
    };
    const done = execAttached(fakeAccess(connection, resizes, 0), "c0ffee", ["sh"], io);
    await new Promise((r) => setTimeout(r, 10));
    size = { rows: 40, columns: 100 };
    onResize?.();
    connection.push(Buffer.from("\x01raw bytes"));
    connection.push(null);
    expect(await done).toBe(0);
    expect(resizes).toEqual([
      [30, 120],
      [40, 100],
    ]);
    expect(out).toEqual(["stdout:\x01raw bytes"]);
    expect(onResize).toBeUndefined(); // unsubscribed at the end
  });
});

describe("terminal resizes", () => {
  it("one request at a time, the newest size last: a resize during the initial one is sent after it", async () => {
    const sent: string[] = [];
    const pending: (() => void)[] = [];
    const resize = (s: TerminalSize) => {
      sent.push(`${s.rows}x${s.columns}`);
      return new Promise<void>((r) => pending.push(r));
    };
    let size: TerminalSize = { rows: 30, columns: 120 };
    const send = serialResize(resize, () => size);
    send(); // the initial size, still in flight…
    size = { rows: 40, columns: 100 };
    send(); // …when the window changes twice
    size = { rows: 50, columns: 90 };
    send();
    expect(sent).toEqual(["30x120"]);
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(["30x120", "50x90"]);
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(["30x120", "50x90"]);
  });
});
