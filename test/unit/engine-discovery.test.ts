import { describe, expect, it } from "vitest";
import { contextId, discoverEngine, type DiscoveryInput } from "../../src/engine/discovery.js";
import { clientOptions } from "../../src/engine/client-options.js";
import { isBerthError } from "../../src/errors.js";

const HOME = "/home/u";

/** A discovery input over an in-memory file system. */
function input(env: Record<string, string>, files: Record<string, string> = {}, host?: string): DiscoveryInput {
  return { host, env, home: HOME, readFile: (p) => files[p], exists: (p) => p in files };
}

function context(name: string, host: string | undefined, dir = `${HOME}/.docker`, tls?: Record<string, string>, skip = false): Record<string, string> {
  const id = contextId(name);
  const meta = { Name: name, Metadata: {}, Endpoints: host === undefined ? {} : { docker: { Host: host, SkipTLSVerify: skip } } };
  const files: Record<string, string> = { [`${dir}/contexts/meta/${id}/meta.json`]: JSON.stringify(meta) };
  for (const [f, text] of Object.entries(tls ?? {})) files[`${dir}/contexts/tls/${id}/docker/${f}`] = text;
  return files;
}

const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("did not throw");
};

describe("engine discovery (the docker CLI's order, then local sockets)", () => {
  it("names a context's folder by the SHA-256 of its name, as docker/cli's store does", () => {
    expect(contextId("default")).toBe("37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f");
  });

  it("takes an explicit host first, over DOCKER_HOST and contexts", () => {
    const c = discoverEngine(input({ DOCKER_HOST: "tcp://other:2375", DOCKER_CONTEXT: "x" }, {}, "tcp://flag:2375"));
    expect(c).toMatchObject({ host: "tcp://flag:2375", source: "flag" });
  });

  it("takes DOCKER_HOST over DOCKER_CONTEXT and the current context", () => {
    const files = { ...context("remote", "tcp://ctx:2376"), [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: "remote" }) };
    const c = discoverEngine(input({ DOCKER_HOST: "unix:///tmp/d.sock", DOCKER_CONTEXT: "remote" }, files));
    expect(c).toMatchObject({ host: "unix:///tmp/d.sock", source: "DOCKER_HOST", why: "DOCKER_HOST=unix:///tmp/d.sock" });
  });

  it("takes DOCKER_CONTEXT over the current context, with the context's TLS files", () => {
    const files = {
      ...context("a", "tcp://a:2376", `${HOME}/.docker`, { "ca.pem": "CA", "cert.pem": "C", "key.pem": "K" }),
      ...context("b", "tcp://b:2376"),
      [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: "b" }),
    };
    const c = discoverEngine(input({ DOCKER_CONTEXT: "a" }, files));
    expect(c).toMatchObject({ host: "tcp://a:2376", source: "DOCKER_CONTEXT", context: "a", tls: { ca: "CA", cert: "C", key: "K", verify: true } });
  });

  it("reads the current context from $DOCKER_CONFIG/config.json; SkipTLSVerify turns verification off", () => {
    const dir = "/cfg";
    const files = { ...context("b", "tcp://b:2376", dir, { "ca.pem": "CA" }, true), [`${dir}/config.json`]: JSON.stringify({ currentContext: "b" }) };
    const c = discoverEngine(input({ DOCKER_CONFIG: dir }, files));
    expect(c).toMatchObject({ host: "tcp://b:2376", source: "current-context", context: "b", tls: { verify: false } });
    expect(c.why).toContain("/cfg/config.json");
  });

  it("treats the context named default as no context: the local sockets decide", () => {
    const files = { [`${HOME}/.docker/config.json`]: JSON.stringify({ currentContext: "default" }), "/var/run/docker.sock": "" };
    expect(discoverEngine(input({}, files))).toMatchObject({ host: "unix:///var/run/docker.sock", source: "socket" });
  });

  it("refuses a context that does not exist, or names no Docker endpoint (ENGINE_UNREACHABLE)", () => {
    const missing = thrown(() => discoverEngine(input({ DOCKER_CONTEXT: "gone" })));
    expect(isBerthError(missing, "ENGINE_UNREACHABLE") && missing.message).toMatch(/docker context "gone" \(DOCKER_CONTEXT=gone\) does not exist/);
    const empty = thrown(() => discoverEngine(input({ DOCKER_CONTEXT: "k8s" }, context("k8s", undefined))));
    expect(isBerthError(empty, "ENGINE_UNREACHABLE") && empty.message).toMatch(/names no Docker endpoint/);
  });

  it("finds rootless Docker's socket before the default one, and Podman's after it", () => {
    const xdg = { XDG_RUNTIME_DIR: "/run/user/1000" };
    const all = { "/run/user/1000/docker.sock": "", "/var/run/docker.sock": "", "/run/user/1000/podman/podman.sock": "", "/run/podman/podman.sock": "" };
    expect(discoverEngine(input(xdg, all)).host).toBe("unix:///run/user/1000/docker.sock");
    const { ["/run/user/1000/docker.sock"]: _r, ...noRootless } = all;
    expect(discoverEngine(input(xdg, noRootless)).host).toBe("unix:///var/run/docker.sock");
    const { ["/var/run/docker.sock"]: _d, ...podmanOnly } = noRootless;
    expect(discoverEngine(input(xdg, podmanOnly))).toMatchObject({ host: "unix:///run/user/1000/podman/podman.sock", source: "socket" });
    expect(discoverEngine(input(xdg, { "/run/podman/podman.sock": "" })).why).toMatch(/Podman/);
    expect(discoverEngine(input({}, { [`${HOME}/.docker/run/docker.sock`]: "" })).why).toMatch(/Docker Desktop/);
  });

  it("falls back to the default socket when none exists, saying so", () => {
    expect(discoverEngine(input({}))).toMatchObject({ host: "unix:///var/run/docker.sock", source: "fallback" });
  });

  it("reads TLS for DOCKER_HOST from DOCKER_CERT_PATH (default ~/.docker) when DOCKER_TLS_VERIFY is set", () => {
    const certs = { "/c/ca.pem": "CA", "/c/cert.pem": "C", "/c/key.pem": "K" };
    const c = discoverEngine(input({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/c" }, certs));
    expect(c.tls).toEqual({ ca: "CA", cert: "C", key: "K", verify: true, from: "/c" });
    const home = discoverEngine(input({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1" }, { [`${HOME}/.docker/ca.pem`]: "CA" }));
    expect(home.tls).toMatchObject({ ca: "CA", verify: true });
    expect(discoverEngine(input({ DOCKER_HOST: "tcp://h:2375" }, certs)).tls).toBeUndefined();
    expect(discoverEngine(input({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS: "1", DOCKER_CERT_PATH: "/c" }, certs)).tls).toMatchObject({ verify: false });
  });

  it("refuses DOCKER_TLS_VERIFY without a CA, and a client certificate without its key", () => {
    const noCa = thrown(() => discoverEngine(input({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/c" })));
    expect(isBerthError(noCa, "ENGINE_UNREACHABLE") && noCa.message).toMatch(/no CA certificate at \/c\/ca.pem/);
    const noKey = thrown(() =>
      discoverEngine(input({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/c" }, { "/c/ca.pem": "CA", "/c/cert.pem": "C" })),
    );
    expect(isBerthError(noKey, "ENGINE_UNREACHABLE") && noKey.message).toMatch(/key.pem is missing/);
  });

  it("keeps a context's TLS for an explicit host equal to its endpoint (berth's reaper is handed the endpoint)", () => {
    const files = context("a", "tcp://a:2376", `${HOME}/.docker`, { "ca.pem": "CA" });
    expect(discoverEngine(input({ DOCKER_CONTEXT: "a" }, files, "tcp://a:2376")).tls).toMatchObject({ ca: "CA" });
    expect(discoverEngine(input({ DOCKER_CONTEXT: "a" }, files, "tcp://b:2376")).tls).toBeUndefined();
  });
});

describe("client options for a chosen engine", () => {
  it("speaks https with the CA and client certificate when TLS is on, on port 2376 by default", () => {
    const { opts } = clientOptions({ host: "tcp://h", source: "DOCKER_HOST", why: "", tls: { ca: "CA", cert: "C", key: "K", verify: true, from: "/c" } });
    expect(opts).toMatchObject({ host: "h", port: 2376, protocol: "https", ca: "CA", cert: "C", key: "K" });
    expect(clientOptions({ host: "tcp://h", source: "DOCKER_HOST", why: "" }).opts).toMatchObject({ port: 2375, protocol: "http" });
  });

  it("accepts ssh:// and refuses other forms with a usage error", () => {
    expect(clientOptions({ host: "ssh://me@box:2222", source: "DOCKER_HOST", why: "" }).opts).toMatchObject({
      protocol: "ssh",
      host: "box",
      port: 2222,
      username: "me",
    });
    expect(() => clientOptions({ host: "npipe:////./pipe/docker_engine", source: "DOCKER_HOST", why: "DOCKER_HOST=npipe" })).toThrow(
      /not a form berth understands/,
    );
  });
});
