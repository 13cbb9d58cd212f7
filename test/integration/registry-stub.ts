/**
 * A read-only Docker registry (the HTTP API v2 a pull uses) on 127.0.0.1 serving one local image,
 * so `berth pull` can be tested with a real pull on a machine that reaches no registry. The engine
 * treats 127.0.0.0/8 registries as insecure, so plain HTTP works without daemon settings.
 * The image comes from `docker save`, with one label added to its config (`dev.berth.test.stub` = the
 * tag), so the pull makes a new image and the engine fetches its config for real; its layers are
 * served gzipped as a registry stores them (the engine finds them present and keeps its own).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { readTar } from "../../src/engine/tar.js";

export interface RegistryStub {
  /** "127.0.0.1:PORT/<repository>:<tag>": what to pull. */
  ref: string;
  /** Paths the engine asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

const digest = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export async function serveImage(image: string, repository: string, tag: string): Promise<RegistryStub> {
  const files = new Map(readTar(execFileSync("docker", ["save", image], { maxBuffer: 1 << 28 })).map((e) => [e.path, e.data ?? Buffer.alloc(0)]));
  const saved = (JSON.parse(files.get("manifest.json")!.toString("utf8")) as { Config: string; Layers: string[] }[])[0]!;
  const original = JSON.parse(files.get(saved.Config)!.toString("utf8")) as { config?: { Labels?: Record<string, string> | null } };
  const config = Buffer.from(
    JSON.stringify({ ...original, config: { ...original.config, Labels: { ...original.config?.Labels, "dev.berth.test.stub": tag } } }),
  );
  const layers = saved.Layers.map((p) => gzipSync(files.get(p)!));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      config: { mediaType: "application/vnd.docker.container.image.v1+json", size: config.length, digest: digest(config) },
      layers: layers.map((l) => ({ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: l.length, digest: digest(l) })),
    }),
  );
  const blobs = new Map([config, ...layers].map((b) => [digest(b), b]));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? "";
    requests.push(`${req.method} ${path}`);
    const send = (body: Buffer, type: string) => {
      res.writeHead(200, {
        "Content-Type": type,
        "Content-Length": body.length,
        "Docker-Content-Digest": digest(body),
        "Docker-Distribution-API-Version": "registry/2.0",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (path === "/v2/") return send(Buffer.from("{}"), "application/json");
    if (path === `/v2/${repository}/manifests/${tag}` || path === `/v2/${repository}/manifests/${digest(manifest)}`)
      return send(manifest, "application/vnd.docker.distribution.manifest.v2+json");
    const blob = path.startsWith(`/v2/${repository}/blobs/`) ? blobs.get(path.slice(`/v2/${repository}/blobs/`.length)) : undefined;
    if (blob) return send(blob, "application/octet-stream");
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: `unknown: ${path}` }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ref: `127.0.0.1:${port}/${repository}:${tag}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
