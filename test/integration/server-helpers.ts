/** Runs `berth serve` (the built binary) for the server tests and stops it again. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { rmSync } from "node:fs";
import { root } from "./helpers.js";

export interface Served {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `berth serve --port 0 --json ...args` and resolves once it listens. */
export function serve(args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}dist/bin/berth.js`, "serve", "--port", "0", "--json", ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    };
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.includes('"listening"'));
      if (line) resolve({ url: (JSON.parse(line) as { url: string }).url.replace(/\/$/, ""), child, stderr: () => err, stop });
    });
    child.once("exit", (code) => reject(new Error(`berth serve exited with ${code} before listening: ${err}`)));
  });
}

export async function getJson<T = Record<string, unknown>>(url: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.json()) as T, headers: r.headers };
}

/**
 * A unix-socket proxy to the real engine that the test can cut and restore, to play a dead
 * engine without touching the real dockerd (other suites share it).
 */
export class EngineProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly path: string,
    private readonly target = "/var/run/docker.sock",
  ) {}

  open(): Promise<void> {
    rmSync(this.path, { force: true });
    this.server = createServer((client) => {
      const upstream = connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) => this.server!.listen(this.path, resolve));
  }

  /** Stops accepting and cuts every open connection (the server's event stream included). */
  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
}
