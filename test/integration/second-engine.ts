/**
 * A second, private Docker engine for scenarios that must restart or stop an engine: the suite's
 * own engine is shared by every test running at the same time and is never touched.
 *
 * It has its own data-root, exec-root (so its own containerd), pidfile and socket, and runs in a
 * network namespace of its own (`unshare --net`), so its docker0, bridges and iptables rules never
 * meet the host's. That matters: a second dockerd on the host's network deletes the host's
 * docker0 when it starts again (measured: with `--bridge=<own bridge>` on its second start, as
 * with `--bridge=none` on its first), which breaks the suite's engine for every other test.
 * Its published ports live on the namespace's loopback, so scenarios here use none.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll } from "vitest";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connectEngine } from "../../src/engine/connect.js";
import type { Engine } from "../../src/engine/engine.js";

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }).toString();

export class SecondEngine {
  private proc: ChildProcess | undefined;
  readonly host: string;
  private readonly dataRoot: string;
  private readonly execRoot: string;
  private readonly log: string;

  private constructor(
    readonly id: string,
    private readonly dockerdArgs: string[] = [],
  ) {
    this.dataRoot = `/var/lib/berth-test-engine-${id}`;
    this.execRoot = `/run/berth-e-${id}`;
    this.log = `/tmp/berth-test-engine-${id}.log`;
    this.host = `unix://${this.execRoot}.sock`;
  }

  /**
   * Starts an engine and loads the given local images into it (there is no registry to pull from).
   * `dockerdArgs`: more daemon flags (e.g. `--registry-mirror=…`), kept for restarts.
   */
  static async start(images: string[], o: { dockerdArgs?: string[] } = {}): Promise<SecondEngine> {
    const e = new SecondEngine(Math.random().toString(16).slice(2, 8), o.dockerdArgs);
    mkdirSync(e.dataRoot, { recursive: true });
    await e.launch();
    for (const image of images) execFileSync("bash", ["-c", `docker save ${image} | docker -H ${e.host} load -q`], { stdio: ["ignore", "pipe", "pipe"] });
    return e;
  }

  engine(): Promise<Engine> {
    return connectEngine({ host: this.host });
  }

  /**
   * The engine's network namespace (for `nsenter --net=…`): a process started there shares the
   * engine's loopback, which is where the engine reaches `127.0.0.1`.
   */
  get netns(): string {
    if (this.proc?.pid === undefined || this.proc.exitCode !== null) throw new Error("the second engine is not running");
    return `/proc/${this.proc.pid}/ns/net`;
  }

  private async launch(): Promise<void> {
    const out = openSync(this.log, "a");
    // unshare execs the shell, which execs dockerd: the child's pid is dockerd's, for SIGTERM.
    this.proc = spawn(
      "unshare",
      [
        "--net",
        "sh",
        "-c",
        'ip link set lo up && exec dockerd "$@"',
        "dockerd",
        `--host=${this.host}`,
        `--data-root=${this.dataRoot}`,
        `--exec-root=${this.execRoot}`,
        `--pidfile=${this.execRoot}.pid`,
        `--cgroup-parent=berth-test-engine-${this.id}`,
        "--storage-driver=overlay2",
        ...this.dockerdArgs,
        // For chasing a stall: every API request the engine gets, in its log.
        ...(process.env.BERTH_TEST_ENGINE_DEBUG === "1" ? ["--debug"] : []),
      ],
      { stdio: ["ignore", out, out] },
    );
    closeSync(out);
    await this.waitUntilAnswering();
  }

  private async waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await (await this.engine()).ping({ signal: AbortSignal.timeout(1000) });
        return;
      } catch {
        if (Date.now() > deadline || this.proc?.exitCode !== null) throw new Error(`the second engine did not come up; see ${this.log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Stops dockerd the way a service manager does (SIGTERM, containers stop with it), waits for it to exit. */
  async stopDaemon(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }

  async restart(): Promise<void> {
    await this.stopDaemon();
    await this.launch();
  }

  /** Everything of this engine goes: its containers, the daemon, its data (its network namespace ends with it). */
  async destroy(): Promise<void> {
    try {
      if (this.proc?.exitCode === null) {
        const left = sh("docker", ["-H", this.host, "ps", "-aq"]).trim().split("\n").filter(Boolean);
        if (left.length) sh("docker", ["-H", this.host, "rm", "-fv", ...left]);
      }
    } finally {
      await this.stopDaemon();
      this.clearRemains();
      rmSync(this.dataRoot, { recursive: true, force: true });
      rmSync(this.execRoot, { recursive: true, force: true });
      rmSync(`${this.execRoot}.sock`, { force: true });
    }
  }

  /**
   * What a dockerd that crashed (moby/moby#45804 under load) leaves: its containers' shims still
   * running and their overlay and network-namespace mounts, which make removing its folders fail
   * with EBUSY. Only this engine's own processes (named by its exec-root) and mounts are touched.
   */
  private clearRemains(): void {
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        continue;
      }
      if (cmdline.includes(`${this.execRoot}/`)) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
    }
    const mounts = readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[1] ?? "");
    const ours = mounts.filter((m) => m.startsWith(`${this.dataRoot}/`) || m === this.dataRoot || m.startsWith(`${this.execRoot}/`));
    for (const m of ours.sort().reverse()) {
      try {
        execFileSync("umount", ["-l", m], { stdio: "ignore" });
      } catch {
        // already gone with its parent
      }
    }
  }
}

/** A private engine (with the busybox fixture image) for the scenarios of one describe block, removed after it. */
export function useSecondEngine(): { second: SecondEngine; e: Engine } {
  const bed = {} as { second: SecondEngine; e: Engine };
  beforeAll(async () => {
    bed.second = await SecondEngine.start(["berth-fixtures/busybox:1"]);
    bed.e = await bed.second.engine();
  });
  afterAll(async () => {
    await bed.second?.destroy();
  });
  return bed;
}
