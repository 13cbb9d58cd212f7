/**
 * Drives a command on a real pseudo-terminal (Python's pty module: on every machine of this
 * project's kind, nothing to install), as a person at a terminal would: wait for some output, type,
 * resize the window. Returns everything the command wrote to the terminal and its exit code.
 */
import { spawn } from "node:child_process";
import { root } from "./helpers.js";

export type PtyStep = { wait: string } | { type: string } | { resize: [rows: number, columns: number] };

const DRIVER = `
import os, pty, sys, select, struct, fcntl, termios, base64, json, time
steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
out = b""
deadline = time.time() + 60
def read_until(text):
    global out
    while time.time() < deadline:
        if text is not None and text.encode() in out: return
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try: data = os.read(fd, 65536)
            except OSError: return
            if not data: return
            out += data
for step in steps:
    if "wait" in step: read_until(step["wait"])
    if "type" in step: os.write(fd, step["type"].encode())
    if "resize" in step: fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", step["resize"][0], step["resize"][1], 0, 0))
read_until(None)
_, status = os.waitpid(pid, 0)
sys.stdout.write(base64.b64encode(out).decode())
sys.exit(os.waitstatus_to_exitcode(status))
`;

/** Runs `command` (argv) on a 30x120 pseudo-terminal, taking `steps` in order. */
export function onPty(command: string[], steps: PtyStep[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", DRIVER, JSON.stringify(steps), ...command], { cwd: root, env: { ...process.env, TERM: "xterm", ...env } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, screen: Buffer.from(out, "base64").toString("utf8") }));
  });
}
