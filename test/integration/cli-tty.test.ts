/**
 * The live progress view in a real pseudo-terminal (Python's pty module: on every machine of this
 * project's kind, nothing to install): it redraws in place and ends in the summary table.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, root, stack, uniqueName } from "./helpers.js";

/** Runs argv on a 120x30 pseudo-terminal; returns the raw bytes it wrote and its exit code. */
const PTY = `
import os, pty, sys, select, struct, fcntl, termios, base64
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
out = b""
while True:
    try:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            data = os.read(fd, 65536)
            if not data: break
            out += data
    except OSError:
        break
_, status = os.waitpid(pid, 0)
sys.stdout.write(base64.b64encode(out).decode())
sys.exit(os.waitstatus_to_exitcode(status))
`;

function onPty(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", PTY, process.execPath, `${root}dist/bin/berth.js`, ...args], {
      cwd: root,
      env: { ...process.env, TERM: "xterm-256color", ...env },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, screen: Buffer.from(out, "base64").toString("utf8") }));
  });
}

describe("berth up on a terminal", () => {
  it("draws a live per-service view in place, then the summary table", async () => {
    const project = uniqueName("berth-tty");
    try {
      const r = await onPty(["up", "-f", stack("cli-ops.yml"), "-p", project], { FORCE_COLOR: "1" });
      expect(r.code, r.screen).toBe(0);
      // Redraws: the cursor moves up over the previous frame (header + 2 services) and clears lines.
      expect(r.screen).toContain("\x1b[3A");
      expect(r.screen).toContain("\x1b[2K");
      expect(r.screen.split("\x1b[3A").length).toBeGreaterThan(2);
      // Phases appear as they happen, with a spinner, and the dependant waits for its dependency first.
      expect(r.screen).toMatch(/worker-1 +\S*waiting for web/);
      expect(r.screen).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\S* web +(starting|waiting until healthy)/);
      // It ends in the summary table, after the cursor is shown again.
      const tail = r.screen.slice(r.screen.lastIndexOf("\x1b[?25h"));
      // eslint-disable-next-line no-control-regex
      const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
      expect(plain).toContain(`Environment ${project} is ready: 2 services`);
      expect(plain).toMatch(/SERVICE +STATE +READY IN +ADDRESS \(CONTAINER PORT\)/);
      expect(plain).toMatch(/web +HEALTHY +\d+\.\ds +127\.0\.0\.1:\d+ \(8080\)/);
      expect(tail).toContain("\x1b[32mHEALTHY"); // FORCE_COLOR
    } finally {
      await berth(["down", project]);
    }
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("NO_COLOR: the same view without colour codes", async () => {
    const project = uniqueName("berth-tty");
    try {
      const r = await onPty(["up", "-f", stack("cli-ops.yml"), "-p", project], { NO_COLOR: "1" });
      expect(r.code, r.screen).toBe(0);
      expect(r.screen).toContain("\x1b[3A");
      // eslint-disable-next-line no-control-regex -- an ANSI colour sequence starts with ESC; finding none is the test
      expect(r.screen).not.toMatch(/\x1b\[\d+m/);
    } finally {
      await berth(["down", project]);
    }
  });
});
