/**
 * A real Docker registry (Debian's `docker-registry`, CNCF distribution) on a loopback port with its
 * storage in a temporary folder, optionally behind htpasswd basic auth, for the pull tests. The
 * engine treats 127.0.0.0/8 registries as insecure, so plain HTTP works without daemon settings.
 * `stop()` ends the process and removes the folder. scripts/ensure-registry.sh installs the
 * package on a fresh machine. With `netns` it runs in another network namespace (a private engine's,
 * see second-engine.ts), on that namespace's loopback, where only that engine reaches it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { root } from "./helpers.js";

export interface Registry {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Where the registry's own log (requests included) goes. */
  logFile: string;
  /** Requests (GET and HEAD) for `repository`'s manifests, and GETs of its blobs, in the log so far. */
  requests(repository: string): { manifests: number; blobs: number };
  stop(): Promise<void>;
}

let installed = false;
export function ensureRegistryInstalled(): void {
  if (installed) return;
  execFileSync("bash", [join(root, "scripts/ensure-registry.sh")], { stdio: ["ignore", "inherit", "inherit"] });
  installed = true;
}

/** A port free on the host's loopback (a fresh network namespace has every port free). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startRegistry(o: { user?: string; password?: string; netns?: string; port?: number } = {}): Promise<Registry> {
  ensureRegistryInstalled();
  const dir = mkdtempSync(join(tmpdir(), "berth-registry-"));
  const port = o.port ?? (await freePort());
  const auth = o.user
    ? (writeFileSync(join(dir, "htpasswd"), execFileSync("htpasswd", ["-Bbn", o.user, o.password ?? ""], { encoding: "utf8" })),
      `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, "htpasswd")}\n`)
    : "";
  writeFileSync(
    join(dir, "config.yml"),
    `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const logFile = join(dir, "registry.log");
  const fd = openSync(logFile, "a");
  // nsenter (no --fork) execs the registry: the child's pid is the registry's, for SIGTERM.
  const command = o.netns ? ["nsenter", `--net=${o.netns}`, "docker-registry"] : ["docker-registry"];
  const child: ChildProcess = spawn(command[0]!, [...command.slice(1), "serve", join(dir, "config.yml")], { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const host = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${readFileSync(logFile, "utf8")}`);
    // From another namespace its port is out of reach: its log says when it listens.
    const ok = o.netns
      ? readFileSync(logFile, "utf8").includes(`listening on ${host}`)
      : await fetch(`http://${host}/v2/`).then(
          () => true,
          () => false,
        );
    if (ok) break;
    if (i > 200) throw new Error(`docker-registry did not answer on ${host}`);
    await sleep(25);
  }
  return {
    host,
    logFile,
    requests: (repository) => {
      const lines = readFileSync(logFile, "utf8").split("\n");
      return {
        manifests: lines.filter((l) => l.includes(`"GET /v2/${repository}/manifests/`) || l.includes(`"HEAD /v2/${repository}/manifests/`)).length,
        blobs: lines.filter((l) => l.includes(`"GET /v2/${repository}/blobs/`)).length,
      };
    },
    stop: async () => {
      // A process ended by a signal has exitCode null and its signalCode set.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Pushes local image `local` to `ref` in a registry (logged in through a private docker config
 * when credentials are given), then removes the `ref` tag from the engine: only the registry has it.
 * `engineHost`: push from that engine (e.g. a SecondEngine's `host`) rather than the suite's.
 */
export function pushImage(local: string, ref: string, login?: { host: string; user: string; password: string }, engineHost?: string): void {
  const config = mkdtempSync(join(tmpdir(), "berth-push-config-"));
  const on = engineHost ? ["-H", engineHost] : [];
  const docker = (args: string[], input?: string) =>
    execFileSync("docker", ["--config", config, ...on, ...args], { input, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
  try {
    if (login) docker(["login", "-u", login.user, "--password-stdin", login.host], login.password);
    docker(["tag", local, ref]);
    docker(["push", ref]);
  } finally {
    execFileSync("docker", [...on, "rmi", ref], { stdio: "ignore" });
    rmSync(config, { recursive: true, force: true });
  }
}

/**
 * Builds `tag` from berth's busybox fixture plus one layer of random content, so that pulling it
 * downloads a layer the engine does not have (the fixture's own layers it has).
 */
function buildUniqueImage(tag: string): void {
  const dockerfile = `FROM berth-fixtures/busybox:1\nRUN head -c 65536 /dev/urandom > /unique\n`;
  execFileSync("docker", ["build", "-q", "-t", tag, "-"], {
    input: dockerfile,
    env: { ...process.env, DOCKER_BUILDKIT: "0" },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Pushes such a unique image to `ref`; the engine keeps neither its local tag nor `ref`. */
export function pushUniqueImage(ref: string): void {
  const local = `berth-unique-${Math.random().toString(16).slice(2, 10)}:1`;
  buildUniqueImage(local);
  try {
    pushImage(local, ref);
  } finally {
    removeImages([local]);
  }
}

/** Removes `refs` from the engine (the suite's, or the one at `engineHost`) when present (images a test pulled). */
export function removeImages(refs: string[], engineHost?: string): void {
  for (const ref of refs) {
    try {
      execFileSync("docker", [...(engineHost ? ["-H", engineHost] : []), "rmi", ref], { stdio: "ignore" });
    } catch {
      // not there
    }
  }
}
