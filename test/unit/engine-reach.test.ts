import { describe, expect, it } from "vitest";
import { boundHostIp, engineReach, reportedHostIp } from "../../src/engine/reach.js";
import { tlsFailure, tlsProblemOf } from "../../src/engine/tls-errors.js";
import { toBindings } from "../../src/ports/bindings.js";
import { exitCodeOf } from "../../src/cli/exit-codes.js";

describe("where published ports are reached and bound", () => {
  it("keeps a local engine's ports on 127.0.0.1", () => {
    for (const e of ["unix:///var/run/docker.sock", "tcp://localhost:2375", "tcp://127.0.0.1:2375", "tcp://[::1]:2375"]) expect(engineReach(e, {})).toEqual({});
    expect(reportedHostIp("127.0.0.1", engineReach("unix:///var/run/docker.sock", {}))).toBe("127.0.0.1");
  });

  it("reports a remote engine's ports at its host name and binds defaulted ports on all its interfaces", () => {
    const reach = engineReach("tcp://docker.example:2376", {});
    expect(reach).toEqual({ publishedHost: "docker.example", bindHostIp: "0.0.0.0" });
    expect(engineReach("ssh://me@box", {})).toMatchObject({ publishedHost: "box" });
    expect(reportedHostIp("0.0.0.0", reach)).toBe("docker.example");
    expect(reportedHostIp("127.0.0.1", reach)).toBe("docker.example");
    expect(reportedHostIp("10.0.0.5", reach)).toBe("10.0.0.5"); // the file named that address
  });

  it("binds an engine reached at another loopback IP on that IP, and reports it", () => {
    const reach = engineReach("tcp://127.0.0.2:2376", {});
    expect(reach).toEqual({ publishedHost: "127.0.0.2", bindHostIp: "127.0.0.2" });
    expect(reportedHostIp("127.0.0.2", reach)).toBe("127.0.0.2");
  });

  it("reports every port at BERTH_HOST_OVERRIDE, else TESTCONTAINERS_HOST_OVERRIDE, without changing the binding", () => {
    expect(engineReach("unix:///var/run/docker.sock", { BERTH_HOST_OVERRIDE: "vm.local", TESTCONTAINERS_HOST_OVERRIDE: "tc" })).toEqual({
      publishedHost: "vm.local",
      overridden: true,
    });
    const tc = engineReach("unix:///var/run/docker.sock", { TESTCONTAINERS_HOST_OVERRIDE: "tc" });
    expect(reportedHostIp("10.0.0.5", tc)).toBe("tc");
    expect(engineReach("tcp://docker.example:2376", { BERTH_HOST_OVERRIDE: "tunnel" })).toMatchObject({ publishedHost: "tunnel", bindHostIp: "0.0.0.0" });
  });

  it("replaces only the addresses the compose file did not name", () => {
    const b = toBindings([
      { target: 80, protocol: "tcp" },
      { target: 81, protocol: "tcp", host_ip: "127.0.0.1" },
    ]).portBindings;
    const remote = engineReach("tcp://docker.example:2376", {});
    expect(boundHostIp(b["80/tcp"]![0]!, remote)).toBe("0.0.0.0");
    expect(boundHostIp(b["81/tcp"]![0]!, remote)).toBe("127.0.0.1");
    expect(boundHostIp(b["80/tcp"]![0]!, engineReach("unix:///x.sock", {}))).toBe("127.0.0.1");
  });
});

describe("TLS failures explained", () => {
  const choice = { host: "tcp://h:2376", source: "DOCKER_HOST" as const, why: "", tls: { verify: true, from: "/c" } };
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });

  it("tells an unknown CA, a wrong host name, a missing client certificate and a plain-HTTP port apart", () => {
    expect(tlsProblemOf(err("SELF_SIGNED_CERT_IN_CHAIN"))).toBe("unknown-ca");
    expect(tlsProblemOf(err("UNABLE_TO_VERIFY_LEAF_SIGNATURE"))).toBe("unknown-ca");
    expect(tlsProblemOf(err("ERR_TLS_CERT_ALTNAME_INVALID"))).toBe("wrong-host");
    expect(tlsProblemOf(err("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "tlsv13 alert certificate required"))).toBe("client-cert-required");
    expect(tlsProblemOf(err("EPROTO", "SSL routines:ssl3_get_record:wrong version number"))).toBe("not-tls");
    expect(tlsProblemOf({ statusCode: 400, json: { message: "Client sent an HTTP request to an HTTPS server." } })).toBe("tls-expected");
    expect(tlsProblemOf(err("ECONNREFUSED"))).toBeUndefined();
  });

  it("makes an ENGINE_UNREACHABLE error (exit 3) with a hint naming where the certificates came from", () => {
    const e = tlsFailure(err("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"), "tcp://h:2376", choice)!;
    expect(e.code).toBe("ENGINE_UNREACHABLE");
    expect(exitCodeOf(e)).toBe(3);
    expect(e.message).toMatch(/not signed by the CA/);
    expect(e.hint).toContain("DOCKER_CERT_PATH (/c)");
    expect(e.details.tls).toBe("unknown-ca");
    expect(tlsFailure(err("ECONNREFUSED"), "tcp://h:2376", choice)).toBeUndefined();
  });
});
