/** Registry credentials found as the docker CLI finds them: config auths, credsStore, credHelpers. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { credentialsFor } from "../../../src/registry/credentials.js";
import { registryOf } from "../../../src/registry/reference.js";

const dir = mkdtempSync(join(tmpdir(), "berth-creds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, content: object): Record<string, string> {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "config.json"), JSON.stringify(content));
  return { DOCKER_CONFIG: d, PATH: `${dir}:${process.env.PATH}` };
}

/** A credential helper speaking the protocol: answers for one server, "credentials not found" otherwise. */
function helper(name: string, server: string, username: string, secret: string): void {
  const path = join(dir, `docker-credential-${name}`);
  writeFileSync(
    path,
    `#!/bin/sh\n[ "$1" = get ] || exit 2\nread -r url\nif [ "$url" = "${server}" ]; then printf '{"ServerURL":"%s","Username":"${username}","Secret":"${secret}"}' "$url"; else echo "credentials not found in native keychain"; exit 1; fi\n`,
  );
  chmodSync(path, 0o755);
}

describe("registry credentials", () => {
  it("names the registry of a reference as the docker CLI does", () => {
    expect(registryOf("postgres:16")).toBe("docker.io");
    expect(registryOf("library/postgres")).toBe("docker.io");
    expect(registryOf("bitnami/redis:7")).toBe("docker.io");
    expect(registryOf("127.0.0.1:5000/app:1")).toBe("127.0.0.1:5000");
    expect(registryOf("localhost/app")).toBe("localhost");
    expect(registryOf("ghcr.io/o/app@sha256:abc")).toBe("ghcr.io");
    expect(registryOf("index.docker.io/library/x")).toBe("docker.io");
  });

  it("auths: base64 auth, username/password, identitytoken; Docker Hub under https://index.docker.io/v1/", async () => {
    const env = config("auths", {
      auths: {
        "https://index.docker.io/v1/": { auth: Buffer.from("hubuser:hub:pass").toString("base64") },
        "http://127.0.0.1:5000": { username: "u", password: "p" },
        "ghcr.io": { identitytoken: "tok" },
      },
    });
    expect(await credentialsFor("docker.io", env)).toEqual({ username: "hubuser", password: "hub:pass", serveraddress: "https://index.docker.io/v1/" });
    expect(await credentialsFor("127.0.0.1:5000", env)).toEqual({ username: "u", password: "p", serveraddress: "127.0.0.1:5000" });
    expect(await credentialsFor("ghcr.io", env)).toEqual({ identitytoken: "tok", serveraddress: "ghcr.io" });
    expect(await credentialsFor("quay.io", env)).toBeUndefined();
    expect(await credentialsFor("docker.io", { DOCKER_CONFIG: join(dir, "nowhere") })).toBeUndefined();
  });

  it("credHelpers before credsStore before auths; a helper's <token> user means an identity token", async () => {
    helper("berthtest", "127.0.0.1:5000", "helped", "s3cret");
    helper("berthstore", "https://index.docker.io/v1/", "<token>", "idtok");
    const env = config("helpers", {
      credsStore: "berthstore",
      credHelpers: { "127.0.0.1:5000": "berthtest" },
      auths: { "127.0.0.1:5000": { username: "file", password: "file" }, "quay.io": { username: "q", password: "q" } },
    });
    expect(await credentialsFor("127.0.0.1:5000", env)).toEqual({ username: "helped", password: "s3cret", serveraddress: "127.0.0.1:5000" });
    expect(await credentialsFor("docker.io", env)).toEqual({ identitytoken: "idtok", serveraddress: "https://index.docker.io/v1/" });
    // The store knows nothing of quay.io ("credentials not found"): the auths entry answers.
    expect(await credentialsFor("quay.io", env)).toEqual({ username: "q", password: "q", serveraddress: "quay.io" });
  });

  it("a missing helper or a broken config is an error naming it, never showing a secret", async () => {
    const env = config("broken-helper", { credHelpers: { "r.example": "absent-helper" } });
    await expect(credentialsFor("r.example", env)).rejects.toThrow(/docker-credential-absent-helper .*could not be run/);
    const d = join(dir, "badjson");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "config.json"), '{"auths": {"x": {"password": "hunter2"');
    const error = await credentialsFor("x", { DOCKER_CONFIG: d }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/config\.json is not valid JSON/);
    expect(error?.message).not.toContain("hunter2");
  });
});
