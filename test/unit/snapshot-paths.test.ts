/** Snapshots of chosen container paths: what a path may be, which containers hold it, how a saved path finds its container again, and the save/restore order. */
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import type { ContainerSummary } from "../../src/engine/types.js";
import { LABEL, managedFilter } from "../../src/labels.js";
import { SNAPSHOT_LABEL } from "../../src/snapshot/labels.js";
import { normalizeContainerPath, pairPathSources, parsePathOptions, parsePathSource, pathSourceKey, planPathSources } from "../../src/snapshot/paths.js";
import { restoreSnapshot } from "../../src/snapshot/restore.js";
import { saveSnapshot } from "../../src/snapshot/save.js";
import type { DataSource } from "../../src/snapshot/sources.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const running = { image: "x", state: "running", status: "", created: 0, ports: [], networks: [] };
const container = (
  id: string,
  service: string,
  number: string,
  mounts: ContainerSummary["mounts"] = [],
  extra: Record<string, string> = {},
): ContainerSummary => ({
  ...running,
  id,
  name: `p-${service}-${number}`,
  labels: { [LABEL.service]: service, [LABEL.number]: number, ...extra },
  mounts,
});

describe("container paths: validation", () => {
  it("normalizes an absolute path", () => {
    expect(normalizeContainerPath("app", "/srv//state/./x/../")).toBe("/srv/state");
    expect(normalizeContainerPath("app", "/etc/app")).toBe("/etc/app");
  });

  it("refuses a relative path, the root, the kernel's filesystems and a folder holding a file the engine mounts", () => {
    for (const bad of ["srv/state", "./x", "", "/", "//", "/proc", "/sys/fs", "/dev/shm", "/etc"]) {
      expect(() => normalizeContainerPath("app", bad), bad).toThrow(expect.objectContaining({ code: "USAGE" }));
    }
    expect(() => normalizeContainerPath("app", "//")).toThrow(/whole filesystem/);
  });

  it("reads the CLI's repeatable SERVICE:/path", () => {
    expect(parsePathOptions(["app:/a", "db:/c", "app:/b:c"])).toEqual({ app: ["/a", "/b:c"], db: ["/c"] });
    for (const bad of ["/a", ":/a", "app"]) expect(() => parsePathOptions([bad]), bad).toThrow(expect.objectContaining({ code: "USAGE" }));
  });

  it("keys a path by service, replica and path, and reads the key back (dots in the service, colons in the path)", () => {
    const key = pathSourceKey("my.app", "2", "/srv/v.1:/x");
    expect(key).toBe("path:my.app.2:/srv/v.1:/x");
    expect(parsePathSource(key)).toEqual({ service: "my.app", number: "2", path: "/srv/v.1:/x" });
    expect(parsePathSource("volume:data")).toBeNull();
    expect(parsePathSource("anonymous:db.1:/scratch")).toBeNull();
  });
});

describe("planPathSources", () => {
  const sources: DataSource[] = [{ key: "volume:data", volume: "p_data", services: ["db"], containers: ["d1"] }];
  const containers = [
    container("a2", "app", "2"),
    container("a1", "app", "1"),
    container("d1", "db", "1", [
      { type: "volume", name: "p_data", destination: "/var/lib/data" },
      { type: "bind", destination: "/etc/conf" },
      { type: "volume", name: "ext", destination: "/ext" },
    ]),
    container("r1", "app", "1", [], { [LABEL.oneoff]: "true" }),
  ];

  it("takes each path of each replica (one-offs left out), once", () => {
    expect(planPathSources({ app: ["/srv/state", "/srv/state/", "/opt/x"] }, containers, sources, "p")).toEqual([
      { key: "path:app.1:/opt/x", service: "app", number: "1", path: "/opt/x", container: "a1" },
      { key: "path:app.1:/srv/state", service: "app", number: "1", path: "/srv/state", container: "a1" },
      { key: "path:app.2:/opt/x", service: "app", number: "2", path: "/opt/x", container: "a2" },
      { key: "path:app.2:/srv/state", service: "app", number: "2", path: "/srv/state", container: "a2" },
    ]);
  });

  it("NOT_FOUND for a service without a container", () => {
    expect(() => planPathSources({ web: ["/srv"] }, containers, sources, "p")).toThrow(
      expect.objectContaining({ code: "NOT_FOUND", message: expect.stringMatching(/no container of service web/) }),
    );
  });

  it("USAGE for a relative path, overlapping paths, and a path that is in, is or holds a mount", () => {
    const refused = (paths: Record<string, string[]>, message: RegExp) =>
      expect(() => planPathSources(paths, containers, sources, "p")).toThrow(
        expect.objectContaining({ code: "USAGE", message: expect.stringMatching(message) }),
      );
    refused({ app: ["srv"] }, /not absolute/);
    refused({ app: ["/srv", "/srv/state"] }, /overlap/);
    refused({ db: ["/var/lib/data/x"] }, /is in a volume the snapshot holds already, mounted at \/var\/lib\/data/);
    refused({ db: ["/var/lib/data"] }, /is in a volume the snapshot holds already/);
    refused({ db: ["/var/lib"] }, /holds a volume the snapshot holds already/);
    refused({ db: ["/etc/conf/a"] }, /is in a bind mount/);
    refused({ db: ["/ext"] }, /external/);
    expect(planPathSources({ db: ["/var/lib/other"] }, containers, sources, "p")).toHaveLength(1);
  });
});

describe("pairPathSources", () => {
  const snapshot = { project: "p", name: "s" };
  const live = [container("n1", "app", "1"), container("n2", "app", "2"), container("d1", "db", "1")];
  const saved = [
    { volume: "v2", source: "path:app.2:/srv" },
    { volume: "v1", source: "path:app.1:/srv" },
    { volume: "vd", source: "volume:data" },
  ];

  it("pairs each saved path with the container of the same service and replica; volumes are not its business", () => {
    expect(pairPathSources(snapshot, saved, live).map((p) => [p.volume, p.container, p.path])).toEqual([
      ["v1", "n1", "/srv"],
      ["v2", "n2", "/srv"],
    ]);
  });

  it("CONFLICT when a saved replica is missing, or a replica of such a service is not in the snapshot", () => {
    expect(() => pairPathSources(snapshot, saved, live.slice(1))).toThrow(
      expect.objectContaining({ code: "CONFLICT", hint: expect.stringMatching(/not in the environment: app\.1/) }),
    );
    expect(() => pairPathSources(snapshot, saved, [...live, container("n3", "app", "3")])).toThrow(
      expect.objectContaining({ code: "CONFLICT", hint: expect.stringMatching(/not in the snapshot: app\.3/) }),
    );
    // A one-off of the service is no replica.
    expect(pairPathSources(snapshot, saved, [...live, container("x", "app", "3", [], { [LABEL.oneoff]: "true" })])).toHaveLength(2);
  });
});

describe("save and restore of a container path (in-memory engine)", () => {
  function stack() {
    const rt = new MemoryRuntime();
    const labels = (service: string) => ({ ...managedFilter("p"), [LABEL.service]: service, [LABEL.number]: "1" });
    const app = rt.seedContainer({ name: "p-app-1", labels: labels("app") });
    const web = rt.seedContainer({ name: "p-web-1", labels: { ...labels("web"), [LABEL.dependsOn]: "app" } });
    rt.files.set(`${app.id}:/srv/state/a`, "one");
    rt.files.set(`${app.id}:/srv/state/sub/b`, "two");
    return { rt, app, web, engine: rt as unknown as Engine };
  }
  const o = { helperImage: "busybox", env: {}, timeoutMs: 2_000 };
  const stateOf = (rt: MemoryRuntime, id: string) => Object.fromEntries([...rt.files].filter(([k]) => k.startsWith(`${id}:/srv/state`)));

  it("saves while the holder is stopped, into a labelled snapshot volume; restore puts exactly that back before it starts again", async () => {
    const { rt, app, engine } = stack();
    const saved = await saveSnapshot(engine, "p", "s", { ...o, paths: { app: ["/srv/state"] } });
    expect(saved.sources).toEqual(["path:app.1:/srv/state"]);
    const [volume] = [...rt.volumes.values()];
    expect(volume!.labels).toMatchObject({ [SNAPSHOT_LABEL.name]: "s", [SNAPSHOT_LABEL.project]: "p", [SNAPSHOT_LABEL.source]: "path:app.1:/srv/state" });
    expect(volume!.labels[LABEL.managed]).toBeUndefined();
    const ops = rt.calls.map((c) => c.op).filter((op) => ["stopContainer", "copyArchive", "startContainer"].includes(op));
    expect(ops).toEqual(["stopContainer", "copyArchive", "startContainer"]);

    rt.files.set(`${app.id}:/srv/state/a`, "changed");
    rt.files.set(`${app.id}:/srv/state/added`, "x");
    rt.files.delete(`${app.id}:/srv/state/sub/b`);
    rt.calls.length = 0;
    await restoreSnapshot(engine, "p", "s", o);
    expect(stateOf(rt, app.id)).toEqual({ [`${app.id}:/srv/state/a`]: "one", [`${app.id}:/srv/state/sub/b`]: "two" });
    const restoreOps = rt.calls.filter((c) => ["stopContainer", "copyArchive", "startContainer"].includes(c.op));
    expect(restoreOps.map((c) => c.op)).toEqual(["stopContainer", "copyArchive", "startContainer"]);
    expect(restoreOps[1]!.arg).toMatchObject({ to: { container: app.id, dir: "/srv" }, replace: true });
    // Only the services' containers are left: the helpers are gone.
    expect([...rt.containers.values()].map((c) => c.name).sort()).toEqual(["p-app-1", "p-web-1"]);
  });

  it("refuses a missing path before anything is stopped or created", async () => {
    const { rt, engine } = stack();
    await expect(saveSnapshot(engine, "p", "s", { ...o, paths: { app: ["/srv/nothing"] } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(saveSnapshot(engine, "p", "s", { ...o, paths: { nope: ["/srv"] } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(saveSnapshot(engine, "p", "s", { ...o, paths: { app: ["srv"] } })).rejects.toMatchObject({ code: "USAGE" });
    expect(rt.calls.some((c) => ["stopContainer", "createVolume", "createContainer"].includes(c.op))).toBe(false);
  });

  it("a failed copy leaves no snapshot volume and no helper", async () => {
    const { rt, engine } = stack();
    rt.fail("copyArchive", "engine-error");
    await expect(saveSnapshot(engine, "p", "s", { ...o, paths: { app: ["/srv/state"] } })).rejects.toMatchObject({ code: "ENGINE_ERROR" });
    expect(rt.volumes.size).toBe(0);
    expect([...rt.containers.values()].filter((c) => c.labels[SNAPSHOT_LABEL.helper])).toEqual([]);
  });
});
