/** Snapshot decisions: which volumes are the data, how a snapshot maps back, the helper's lifetime. */
import { describe, expect, it } from "vitest";
import { copyScript, copyVolumes } from "../../src/snapshot/copy-volumes.js";
import { checkSnapshotName, SNAPSHOT_LABEL, snapshotVolumeName } from "../../src/snapshot/labels.js";
import { snapshotsFrom } from "../../src/snapshot/model.js";
import { restorePairs } from "../../src/snapshot/restore.js";
import { dataSources } from "../../src/snapshot/sources.js";
import { findCleanable } from "../../src/cleanup/orphans.js";
import { LABEL } from "../../src/labels.js";
import type { ContainerSummary, VolumeSummary } from "../../src/engine/types.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const anon = "a".repeat(64);
const container = (id: string, service: string, mounts: ContainerSummary["mounts"], extra: Record<string, string> = {}): ContainerSummary => ({
  id,
  name: `p-${service}-1`,
  image: "x",
  labels: { [LABEL.service]: service, [LABEL.number]: "1", ...extra },
  state: "running",
  status: "",
  created: 0,
  ports: [],
  mounts,
  networks: [],
});

describe("dataSources", () => {
  const containers = [
    container("c1", "db", [
      { type: "volume", name: "p_data", destination: "/data" },
      { type: "volume", name: anon, destination: "/scratch" },
      { type: "bind", destination: "/etc/conf" },
      { type: "volume", name: "external-thing", destination: "/ext" },
    ]),
    container("c2", "web", [{ type: "volume", name: "p_data", destination: "/srv" }]),
    container("c3", "db", [{ type: "volume", name: "b".repeat(64), destination: "/tmp" }], { [LABEL.oneoff]: "true" }),
  ];
  const volumes: VolumeSummary[] = [
    { name: "p_data", labels: { [LABEL.volume]: "data" } },
    { name: "p_unused", labels: { [LABEL.volume]: "unused" } },
    { name: "p_lease_1", labels: { [LABEL.lease]: "true" } },
  ];

  it("takes named volumes by compose key and anonymous ones by service, replica and path; not binds, external volumes, one-offs or bookkeeping", () => {
    expect(dataSources(containers, volumes)).toEqual([
      { key: "anonymous:db.1:/scratch", volume: anon, services: ["db"], containers: ["c1"] },
      { key: "volume:data", volume: "p_data", services: ["db", "web"], containers: ["c1", "c2"] },
      { key: "volume:unused", volume: "p_unused", services: [], containers: [] },
    ]);
  });
});

describe("restorePairs", () => {
  const snapshot = { project: "p", name: "s", created: "", sources: [], volumes: [] };
  const sources = [
    { key: "volume:data", volume: "q_data", services: ["db"], containers: ["c1"] },
    { key: "anonymous:db.1:/scratch", volume: anon, services: ["db"], containers: ["c1"] },
  ];

  it("pairs each snapshot volume with the live volume of the same source", () => {
    const vols = [
      { name: "s1", source: "volume:data" },
      { name: "s2", source: "anonymous:db.1:/scratch" },
    ];
    expect(restorePairs(snapshot, vols, sources)).toEqual([
      { from: "s1", to: "q_data" },
      { from: "s2", to: anon },
    ]);
  });

  it("refuses when the environment has a volume the snapshot lacks, or the other way round", () => {
    expect(() => restorePairs(snapshot, [{ name: "s1", source: "volume:data" }], sources)).toThrow(/does not match/);
    expect(() =>
      restorePairs(
        snapshot,
        [
          { name: "s1", source: "volume:other" },
          { name: "s2", source: "volume:data" },
        ],
        sources.slice(0, 1),
      ),
    ).toThrow(/does not match/);
  });
});

describe("snapshot names and volumes", () => {
  it("accepts engine-safe names only", () => {
    expect(() => checkSnapshotName("seed-1.v2_x")).not.toThrow();
    for (const bad of ["", "-x", "a/b", "a b", "x".repeat(64)]) expect(() => checkSnapshotName(bad)).toThrow(/invalid snapshot name/);
  });

  it("names a volume per project, snapshot and source", () => {
    const names = new Set([
      snapshotVolumeName("p", "s", "volume:a"),
      snapshotVolumeName("p", "s", "volume:b"),
      snapshotVolumeName("p", "t", "volume:a"),
      snapshotVolumeName("q", "s", "volume:a"),
    ]);
    expect(names.size).toBe(4);
  });

  it("groups volumes into snapshots by project and name", () => {
    const v = (name: string, project: string, snap: string, source: string) => ({
      name,
      labels: { [SNAPSHOT_LABEL.project]: project, [SNAPSHOT_LABEL.name]: snap, [SNAPSHOT_LABEL.source]: source, [SNAPSHOT_LABEL.created]: "T" },
    });
    expect(snapshotsFrom([v("v2", "p", "s", "volume:b"), v("v1", "p", "s", "volume:a"), v("v3", "o", "s", "volume:a")])).toEqual([
      { project: "o", name: "s", created: "T", sources: ["volume:a"], volumes: ["v3"] },
      { project: "p", name: "s", created: "T", sources: ["volume:a", "volume:b"], volumes: ["v1", "v2"] },
    ]);
  });
});

describe("copyVolumes", () => {
  const o = { project: "p", image: "busybox", env: {} };

  it("empties each target (dotfiles too) before copying into it", () => {
    expect(copyScript(2)).toBe(
      "set -e; rm -rf /to/0/..?* /to/0/.[!.]* /to/0/* && cp -a /from/0/. /to/0/ && rm -rf /to/1/..?* /to/1/.[!.]* /to/1/* && cp -a /from/1/. /to/1/",
    );
  });

  it("mounts the pairs into one helper and removes it after the copy", async () => {
    const rt = new MemoryRuntime();
    await copyVolumes(rt, [{ from: "a", to: "b" }], o);
    expect(rt.calls.filter((c) => c.op === "createContainer").length).toBe(1);
    expect(rt.containers.size).toBe(0);
  });

  it("removes the helper when the copy fails, and says so", async () => {
    const rt = new MemoryRuntime();
    rt.before("exec", (id) => void (rt.containers.get(id as string)!.execExit = 1));
    await expect(copyVolumes(rt, [{ from: "a", to: "b" }], o)).rejects.toThrow(/copying volume contents failed/);
    expect(rt.containers.size).toBe(0);
  });

  it("refuses at once when the helper image is absent", async () => {
    const rt = new MemoryRuntime();
    rt.absentImages.add("busybox");
    await expect(copyVolumes(rt, [{ from: "a", to: "b" }], o)).rejects.toMatchObject({ code: "IMAGE_NOT_FOUND" });
    expect(rt.calls.some((c) => c.op === "createContainer")).toBe(false);
  });

  it("a helper its process left behind is an orphan that clean removes", async () => {
    const rt = new MemoryRuntime();
    rt.before("exec", (id) => {
      const c = rt.containers.get(id as string)!;
      // As if a dead process had created it.
      c.labels = { ...c.labels, [LABEL.ownerPid]: "999999999", [LABEL.ownerStarted]: "1" };
      throw new Error("process died");
    });
    rt.before("removeContainer", () => {
      throw new Error("never reached");
    });
    await expect(copyVolumes(rt, [{ from: "a", to: "b" }], o)).rejects.toThrow();
    expect((await findCleanable(rt)).map((i) => i.kind)).toEqual(["container"]);
  });
});

describe("snapshot volumes and cleanup", () => {
  it("clean never selects a snapshot volume, whatever its age or owner", async () => {
    const rt = new MemoryRuntime();
    rt.volumes.set("p_snapshot_s_1", { name: "p_snapshot_s_1", labels: { [SNAPSHOT_LABEL.name]: "s", [SNAPSHOT_LABEL.project]: "p" } });
    expect(await findCleanable(rt, { all: true, volumes: true })).toEqual([]);
  });
});
