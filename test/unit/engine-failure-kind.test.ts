/**
 * The classification of engine failures (src/engine/failure-kind.ts, errors.ts): dockerd 20.10's
 * answers, with their HTTP status, become one kind each, carried in the BerthError's details.
 */
import { describe, expect, it } from "vitest";
import { engineFailureOf, toBerthError } from "../../src/engine/errors.js";
import { classifyEngineFailure, classifyTaskError, isUpdateProgressMessage } from "../../src/engine/failure-kind.js";
import { BerthError, isBerthError } from "../../src/errors.js";

/** The shape docker-modem rejects with: the status, the engine's JSON answer, its own wrapping. */
function modemError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });
}

describe("classifyEngineFailure: dockerd 20.10's answers", () => {
  const cases: [number | undefined, string, string][] = [
    [
      409,
      'Conflict. The container name "/berth-shop-20260101-ab12-db-1" is already in use by container "0d4f6c2b9a1e". You have to remove (or rename) that container to be able to reuse that name.',
      "name-in-use",
    ],
    [409, "network with name berth-shop-20260101-ab12_default already exists", "name-in-use"],
    [409, "removal of container 0d4f6c2b9a1e is already in progress", "conflict"],
    [404, "No such image: shop/api:2", "image-missing"],
    [404, "No such container: 0d4f6c2b9a1e", "not-found"],
    [404, "network berth-shop_default not found", "not-found"],
    // A missing path inside a container is a 404, not the engine losing its files.
    [404, "lstat /var/lib/docker/overlay2/5e1f/merged/data: no such file or directory", "not-found"],
    [
      500,
      "driver failed programming external connectivity on endpoint berth-shop-db-1 (3f2a9c): Bind for 127.0.0.1:5432 failed: port is already allocated",
      "port-taken",
    ],
    [
      500,
      "driver failed programming external connectivity on endpoint berth-shop-web-1 (77aa01): Error starting userland proxy: listen tcp4 0.0.0.0:8080: bind: address already in use",
      "port-taken",
    ],
    [500, "driver failed programming external connectivity on endpoint berth-shop-web-1 (77aa01): all ports are allocated", "ports-exhausted"],
    [403, "error while removing network: network berth-shop_default id 5b6e0f2d1c3a has active endpoints", "active-endpoints"],
    [403, "Pool overlaps with other one on this address space", "subnet-overlap"],
    // Told by its wording, whatever the status.
    [500, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network", "address-pool-exhausted"],
    [undefined, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network", "address-pool-exhausted"],
    [
      500,
      "failed to create shim: OCI runtime create failed: open /run/containerd/io.containerd.runtime.v2.task/moby/0d4f/config.json: no such file or directory: unknown",
      "engine-lost-state",
    ],
    [500, "grpc: the client connection is closing: connection reset by peer", "engine-lost-state"],
    // The user's entrypoint is missing: the same words, but nothing is wrong with the engine.
    [
      400,
      'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/nope": stat /nope: no such file or directory: unknown',
      "other",
    ],
    [
      500,
      'OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "/app/run.sh": stat /app/run.sh: no such file or directory: unknown',
      "other",
    ],
    [400, "invalid reference format: repository name must be lowercase", "other"],
    [500, "Cannot kill container: 0d4f: Container 0d4f is not running", "other"],
  ];
  it.each(cases)("%s %s → %s", (status, message, kind) => {
    expect(classifyEngineFailure(status, message)).toBe(kind);
  });

  it("a swarm task's error text: a missing image, in the words the swarm uses", () => {
    expect(classifyTaskError("No such image: shop/api:2 preparing")).toBe("image-missing");
    expect(classifyTaskError("pull access denied for shop/api, repository does not exist or may require 'docker login' rejected")).toBe("image-missing");
    expect(classifyTaskError("no suitable node (scheduling constraints not satisfied on 1 node) pending")).toBe("other");
  });

  it("a swarm update's message that only says it runs", () => {
    expect(isUpdateProgressMessage("update in progress")).toBe(true);
    expect(isUpdateProgressMessage("rollback in progress")).toBe(true);
    expect(isUpdateProgressMessage("update paused due to failure or early termination of task 9p2b")).toBe(false);
  });
});

describe("toBerthError carries the kind in its details", () => {
  it("by status first: 409 is CONFLICT, 404 NOT_FOUND, others ENGINE_ERROR; each with its kind and status", () => {
    const conflict = toBerthError(
      modemError(
        409,
        'Conflict. The container name "/x" is already in use by container "ab". You have to remove (or rename) that container to be able to reuse that name.',
      ),
      "create container x",
      "unix:///var/run/docker.sock",
    );
    expect(conflict.code).toBe("CONFLICT");
    expect(conflict.details).toMatchObject({ status: 409, engineFailure: "name-in-use" });
    expect(engineFailureOf(conflict)).toBe("name-in-use");
    const gone = toBerthError(modemError(404, "No such container: ab"), "inspect container ab", "unix:///var/run/docker.sock");
    expect([gone.code, engineFailureOf(gone)]).toEqual(["NOT_FOUND", "not-found"]);
    const endpoints = toBerthError(
      modemError(403, "error while removing network: network n id 5b6e has active endpoints"),
      "remove network n",
      "unix:///var/run/docker.sock",
    );
    expect([endpoints.code, engineFailureOf(endpoints)]).toEqual(["ENGINE_ERROR", "active-endpoints"]);
  });

  it("a taken port names the host port it was refused", () => {
    const e = toBerthError(
      modemError(500, "driver failed programming external connectivity on endpoint db (3f2a): Bind for 127.0.0.1:5432 failed: port is already allocated"),
      "start container 3f2a",
      "unix:///var/run/docker.sock",
    );
    expect(isBerthError(e, "ENGINE_ERROR") && e.details).toMatchObject({ engineFailure: "port-taken", hostPort: 5432 });
  });

  it("an engine that does not answer is engine-gone", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED /var/run/docker.sock"), { code: "ECONNREFUSED" });
    const e = toBerthError(refused, "ping the engine", "unix:///var/run/docker.sock");
    expect([e.code, engineFailureOf(e)]).toEqual(["ENGINE_UNREACHABLE", "engine-gone"]);
  });

  it("berth's own errors have no engine kind, even when their words look like the engine's", () => {
    expect(engineFailureOf(new BerthError("CONFLICT", 'container name "x" is already in use by a container berth did not create'))).toBeUndefined();
    expect(engineFailureOf(new Error("address already in use"))).toBeUndefined();
  });
});
