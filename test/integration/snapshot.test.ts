/**
 * Snapshots on the real engine: save → write → restore puts exactly the saved data back (named and
 * anonymous volumes, a chosen container path), the services are ready again, the snapshot outlives `release`, and no helper
 * container or snapshot volume is left behind. A standby helper (what a pool starts per member)
 * does the copy of later restores and is kept for the next; status does not show it; `release`
 * takes it and still removes the anonymous volume it mounted. With the standby's spare, a reset
 * swaps the anonymous volume (db recreated, its host port kept) and copies the named one in place;
 * the volume swapped out, the spares and everything else go with `release`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquire, listSnapshots, removeSnapshot, SNAPSHOT_LABEL, type Environment } from "../../src/index.js";
import type { Engine } from "../../src/engine/engine.js";
import { managedFilter } from "../../src/labels.js";
import { listEnvironments } from "../../src/lifecycle/status.js";
import { SPARE_LABEL } from "../../src/snapshot/labels.js";
import { prepareStandby } from "../../src/snapshot/restore.js";
import { standbyFilter } from "../../src/snapshot/standby.js";
import { engine, resourcesOf, stack } from "./helpers.js";

const helperImage = "berth-fixtures/busybox:1";

describe("snapshots", () => {
  let e: Engine;
  let env: Environment;
  let project = "";
  const sh = async (script: string) => {
    const r = await env.exec("db", ["sh", "-c", script]);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    e = await engine();
    env = await acquire({ files: [stack("snapshot.yml"), stack("snapshot-port.yml")], engine: e });
    project = env.project;
  });
  afterAll(async () => {
    await env?.release({ volumes: true }).catch(() => undefined);
    for (const s of await listSnapshots(e, project)) await removeSnapshot(e, project, s.name);
  });

  it("save → write → restore: the writes are gone, the seed is back, services ready", async () => {
    const saved = await env.snapshot("seeded", { helperImage });
    expect(saved.sources).toEqual(["anonymous:db.1:/scratch", "volume:data"]);
    await sh("echo extra > /data/extra; rm /data/seed; echo x > /scratch/x");
    // Refused: a snapshot of that name exists.
    await expect(env.snapshot("seeded", { helperImage })).rejects.toMatchObject({ code: "CONFLICT" });

    await env.restore("seeded", { helperImage });
    expect(await sh("ls -A /data; echo --; ls -A /scratch; cat /data/seed")).toBe("seed\n--\nseed\nseed");
    expect(env.services.db!.containers[0]!.state).toBe("HEALTHY");
    expect(env.services.app!.containers[0]!.state).toMatch(/RUNNING|HEALTHY/);
    // Only the environment's own containers: the helper is gone.
    expect((await e.listContainers({ [SNAPSHOT_LABEL.helper]: "true", "dev.berth.project": project })).length).toBe(0);
  });

  it("with a standby helper ready, a restore copies in it (kept for the next one) and puts exactly the data back", async () => {
    await prepareStandby(e, project, "seeded", { helperImage });
    const [standby] = await e.listContainers(standbyFilter(project, "seeded"));
    expect(standby?.state).toBe("running");
    // Not a service: status lists only db and app.
    const [listed] = await listEnvironments(e, { project });
    expect(Object.keys(listed!.services).sort()).toEqual(["app", "db"]);
    const [before] = await e.listContainers({ ...managedFilter(project), "dev.berth.service": "db" });
    const port = before!.ports.find((p) => p.containerPort === 8080)!.hostPort;
    const swappedOut = before!.mounts.find((m) => m.destination === "/scratch")!.name!;
    await sh("echo extra > /data/extra; rm /data/seed; echo x > /scratch/x; touch /in-container");
    await env.restore("seeded", { helperImage });
    expect(await sh("ls -A /data; echo --; ls -A /scratch; cat /data/seed; ls /in-container 2>&1 || true")).toMatch(/^seed\n--\nseed\nseed\n.*No such file/);
    expect(env.services.db!.containers[0]!.state).toBe("HEALTHY");
    // /scratch was swapped: db is a new container with the spare, on the same host port; the old volume is gone.
    const [after] = await e.listContainers({ ...managedFilter(project), "dev.berth.service": "db" });
    expect(after!.id).not.toBe(before!.id);
    expect(after!.ports.find((p) => p.containerPort === 8080)!.hostPort).toBe(port);
    expect((await e.listVolumes({})).map((v) => v.name)).not.toContain(swappedOut);
    // The same standby copied /data (a failed one is replaced by a one-shot copy and removed), and stays.
    expect((await e.listContainers(standbyFilter(project, "seeded"))).map((c) => c.id)).toEqual([standby!.id]);
    // The next standby holds a new spare; status shows neither it nor the spare.
    await prepareStandby(e, project, "seeded", { helperImage });
    expect(await e.listVolumes({ [SPARE_LABEL]: "seeded", "dev.berth.project": project })).toHaveLength(2);
    const [again] = await listEnvironments(e, { project });
    expect(Object.keys(again!.services).sort()).toEqual(["app", "db"]);
  });

  it("with a container path: restore puts exactly the saved files back (added gone, changed back, owner and mode kept); bad paths are refused first", async () => {
    const app = async (script: string) => {
      const r = await env.exec("app", ["sh", "-c", script]);
      expect(r.exitCode, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    await app("mkdir -p /srv/state && echo one > /srv/state/a && chown 1000:1000 /srv/state/a && chmod 640 /srv/state/a");
    const before = (await e.listContainers(managedFilter(project))).map((c) => `${c.id} ${c.state}`).sort();
    // Refused before anything is stopped or created: no such path, a path in a snapshotted volume.
    await expect(env.snapshot("paths", { helperImage, paths: { app: ["/srv/missing"] } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(env.snapshot("paths", { helperImage, paths: { db: ["/data/x"] } })).rejects.toMatchObject({ code: "USAGE" });
    expect((await e.listContainers(managedFilter(project))).map((c) => `${c.id} ${c.state}`).sort()).toEqual(before);
    expect(await e.listVolumes({ [SNAPSHOT_LABEL.name]: "paths" })).toEqual([]);

    const saved = await env.snapshot("paths", { helperImage, paths: { app: ["/srv/state"] } });
    expect(saved.sources).toEqual(["anonymous:db.1:/scratch", "path:app.1:/srv/state", "volume:data"]);
    await app("echo two > /srv/state/a && chmod 600 /srv/state/a && echo new > /srv/state/b && mkdir /srv/state/d");
    await env.restore("paths", { helperImage });
    expect(await app("ls -A /srv/state; stat -c '%a %u:%g' /srv/state/a; cat /srv/state/a")).toBe("a\n640 1000:1000\none");
    expect(env.services.app!.containers[0]!.state).toMatch(/RUNNING|HEALTHY/);
    // The paths' helper is gone: only the standby of the test before is left.
    expect((await e.listContainers({ [SNAPSHOT_LABEL.helper]: "true", "dev.berth.project": project })).map((c) => c.labels[SNAPSHOT_LABEL.standby])).toEqual([
      "seeded",
    ]);
    await removeSnapshot(e, project, "paths");
    expect(await e.listVolumes({ [SNAPSHOT_LABEL.name]: "paths" })).toEqual([]);
  });

  it("outlives release (even of the named volumes); rm removes its volumes", async () => {
    const [db] = await e.listContainers({ ...managedFilter(project), "dev.berth.service": "db" });
    const anonymous = db!.mounts.find((m) => m.destination === "/scratch")!.name!;
    await env.release({ volumes: true });
    expect(await resourcesOf(e, project)).toEqual([]);
    // The standby mounted the anonymous volume too: it is gone all the same.
    expect((await e.listVolumes({})).map((v) => v.name)).not.toContain(anonymous);
    // The spare the standby held went with it.
    expect(await e.listVolumes({ [SPARE_LABEL]: true, "dev.berth.project": project })).toEqual([]);
    const [s] = await listSnapshots(e, project);
    expect(s?.name).toBe("seeded");
    await removeSnapshot(e, project, "seeded");
    expect(await e.listVolumes({ [SNAPSHOT_LABEL.project]: project })).toEqual([]);
  });
});
