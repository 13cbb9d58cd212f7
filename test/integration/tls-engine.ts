/**
 * A private Docker engine reached over TCP with TLS at 127.0.0.2, as a remote engine would be.
 *
 * dockerd runs in a network namespace of its own (as second-engine.ts explains, a second dockerd on
 * the host's network breaks the suite's engine), listening with --tlsverify on 127.0.0.2:PORT inside
 * that namespace. The test process listens on the same address and port in the host's namespace and
 * relays each connection, through a unix socket, to a relay inside the engine's namespace
 * (netns-relay.mjs), which connects to the same address there: TLS runs end to end between berth and
 * dockerd, and so do published ports, which `expose` relays the same way once their number is known.
 * A port the engine bound on 127.0.0.1 (not 127.0.0.2) is not reachable through this path.
 *
 * Certificates are made with openssl (scripts/ensure-openssl.sh installs it): a CA, the server's
 * certificate for IP 127.0.0.2, a client certificate, and a second CA that signed none of them.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { terminate } from "./terminate.js";

const sh = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] }).toString();
export const TLS_ENGINE_IP = "127.0.0.2";

/** A free TCP port on 127.0.0.2 in the host's namespace (the engine's namespace has nothing on it yet). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, TLS_ENGINE_IP, r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** CA, server (SAN IP:127.0.0.2) and client certificates in `dir`, plus a stranger CA in `dir/other`. */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => sh("openssl", args, dir);
  const ca = (name: string) => {
    openssl("genrsa", "-out", `${name}-key.pem`, "2048");
    openssl("req", "-x509", "-new", "-key", `${name}-key.pem`, "-days", "2", "-subj", `/CN=berth test ${name}`, "-out", `${name}.pem`);
  };
  const signed = (name: string, subject: string, ext: string) => {
    openssl("genrsa", "-out", `${name}-key.pem`, "2048");
    openssl("req", "-new", "-key", `${name}-key.pem`, "-subj", subject, "-out", `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.pem`,
    );
  };
  ca("ca");
  ca("stranger");
  signed("server", "/CN=127.0.0.2", `subjectAltName=IP:${TLS_ENGINE_IP}\nextendedKeyUsage=serverAuth\n`);
  signed("client", "/CN=berth-test-client", "extendedKeyUsage=clientAuth\n");
}

export class TlsEngine {
  private proc: ChildProcess | undefined;
  private relay: ChildProcess | undefined;
  private readonly servers: Server[] = [];
  readonly dir: string;
  /** The client's certificate folder in DOCKER_CERT_PATH form (ca.pem, cert.pem, key.pem). */
  readonly certPath: string;
  readonly unixHost: string;
  private readonly dataRoot: string;
  private readonly execRoot: string;
  private readonly relaySock: string;
  private readonly log: string;

  private constructor(
    readonly id: string,
    readonly port: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "berth-tls-engine-"));
    this.certPath = join(this.dir, "client");
    this.dataRoot = `/var/lib/berth-test-engine-${id}`;
    this.execRoot = `/run/berth-e-${id}`;
    this.unixHost = `unix://${this.execRoot}.sock`;
    this.relaySock = join(this.dir, "relay.sock");
    this.log = `/tmp/berth-test-engine-${id}.log`;
  }

  /** tcp://127.0.0.2:PORT: where berth reaches this engine. */
  get host(): string {
    return `tcp://${TLS_ENGINE_IP}:${this.port}`;
  }

  static async start(images: string[]): Promise<TlsEngine> {
    execFileSync("bash", ["scripts/ensure-openssl.sh"], { cwd: new URL("../..", import.meta.url).pathname, stdio: ["ignore", "ignore", "inherit"] });
    const e = new TlsEngine(Math.random().toString(16).slice(2, 8), await freePort());
    makeCertificates(e.dir);
    mkdirSync(e.certPath);
    copyFileSync(join(e.dir, "ca.pem"), join(e.certPath, "ca.pem"));
    copyFileSync(join(e.dir, "client.pem"), join(e.certPath, "cert.pem"));
    copyFileSync(join(e.dir, "client-key.pem"), join(e.certPath, "key.pem"));
    mkdirSync(e.dataRoot, { recursive: true });
    await e.launch();
    for (const image of images) execFileSync("bash", ["-c", `docker save ${image} | docker -H ${e.unixHost} load -q`], { stdio: ["ignore", "pipe", "pipe"] });
    await e.startRelays();
    return e;
  }

  private async launch(): Promise<void> {
    const out = openSync(this.log, "a");
    const d = this.dir;
    this.proc = spawn(
      "unshare",
      [
        "--net",
        "sh",
        "-c",
        'ip link set lo up && exec dockerd "$@"',
        "dockerd",
        `--host=${this.unixHost}`,
        `--host=tcp://${TLS_ENGINE_IP}:${this.port}`,
        "--tlsverify",
        `--tlscacert=${d}/ca.pem`,
        `--tlscert=${d}/server.pem`,
        `--tlskey=${d}/server-key.pem`,
        `--data-root=${this.dataRoot}`,
        `--exec-root=${this.execRoot}`,
        `--pidfile=${this.execRoot}.pid`,
        `--cgroup-parent=berth-test-engine-${this.id}`,
        "--storage-driver=overlay2",
      ],
      { stdio: ["ignore", out, out] },
    );
    closeSync(out);
    const deadline = Date.now() + 60_000;
    while (sh("sh", ["-c", `docker -H ${this.unixHost} version --format '{{.Server.Version}}' 2>/dev/null || true`]).trim() === "") {
      if (Date.now() > deadline || this.proc.exitCode !== null) throw new Error(`the TLS engine did not come up; see ${this.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The relay inside the engine's namespace, and the host side of the engine's TCP port. */
  private async startRelays(): Promise<void> {
    const relay = spawn(
      "nsenter",
      [`--net=/proc/${this.proc!.pid}/ns/net`, process.execPath, new URL("netns-relay.mjs", import.meta.url).pathname, this.relaySock],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    this.relay = relay;
    await new Promise<void>((resolve, reject) => {
      relay.stdout.once("data", () => resolve());
      relay.once("exit", (code) => reject(new Error(`the namespace relay exited (${code})`)));
    });
    await this.expose(this.port);
  }

  /** Makes 127.0.0.2:port of the engine's namespace reachable at 127.0.0.2:port here. */
  async expose(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.relaySock, () => {
        upstream.write(`${TLS_ENGINE_IP}:${port}\n`);
        client.pipe(upstream).pipe(client);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    this.servers.push(server);
    await new Promise<void>((r) => server.listen(port, TLS_ENGINE_IP, r));
  }

  /** Names of the containers on this engine. */
  containers(): string[] {
    return sh("docker", ["-H", this.unixHost, "ps", "-a", "--format", "{{.Names}}"]).trim().split("\n").filter(Boolean);
  }

  /** A DOCKER_CONFIG folder whose current context (named `name`) points at `host` with this engine's client TLS files. */
  writeContext(name: string, host: string | undefined): string {
    const config = join(this.dir, `config-${name}`);
    const id = sh("sh", ["-c", `printf %s '${name}' | sha256sum`]).split(" ")[0]!;
    mkdirSync(join(config, "contexts", "meta", id), { recursive: true });
    mkdirSync(join(config, "contexts", "tls", id, "docker"), { recursive: true });
    writeFileSync(join(config, "config.json"), JSON.stringify({ currentContext: name }));
    const endpoints = host === undefined ? {} : { docker: { Host: host, SkipTLSVerify: false } };
    writeFileSync(join(config, "contexts", "meta", id, "meta.json"), JSON.stringify({ Name: name, Metadata: {}, Endpoints: endpoints }));
    for (const f of ["ca.pem", "cert.pem", "key.pem"]) copyFileSync(join(this.certPath, f), join(config, "contexts", "tls", id, "docker", f));
    return config;
  }

  async destroy(): Promise<void> {
    for (const s of this.servers) s.close();
    this.relay?.kill("SIGTERM");
    try {
      if (this.proc?.exitCode === null) {
        const left = sh("docker", ["-H", this.unixHost, "ps", "-aq"]).trim().split("\n").filter(Boolean);
        if (left.length) sh("docker", ["-H", this.unixHost, "rm", "-fv", ...left]);
      }
    } finally {
      await terminate(this.proc);
      rmSync(this.dataRoot, { recursive: true, force: true });
      rmSync(this.execRoot, { recursive: true, force: true });
      rmSync(`${this.execRoot}.sock`, { force: true });
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
