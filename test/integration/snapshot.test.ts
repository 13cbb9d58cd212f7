/**
 * Snapshots on the real engine: save → write → restore puts exactly the saved data back (named and
 * anonymous volumes, a chosen container path), the services are ready again, the snapshot outlives `release`, and no helper
 * container or snapshot volume is left behind. A standby helper (what a pool starts per member)
 * does the copy of later restores and is kept for the next; status does not show it; `release`
 * takes it and still removes the anonymous volume it mounted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquire, listSnapshots, removeSnapshot, SNAPSHOT_LABEL, type Environment } from "../../src/index.js";
import type { Engine } from "../../src/engine/engine.js";
import { managedFilter } from "../../src/labels.js";
import { listEnvironments } from "../../src/lifecycle/status.js";
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
    env = await acquire({ files: [stack("snapshot.yml")], engine: e });
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
    await sh("echo extra > /data/extra; rm /data/seed; echo x > /scratch/x");
    await env.restore("seeded", { helperImage });
    expect(await sh("ls -A /data; echo --; ls -A /scratch; cat /data/seed")).toBe("seed\n--\nseed\nseed");
    expect(env.services.db!.containers[0]!.state).toBe("HEALTHY");
    // The same standby did it (a failed one is replaced by a one-shot copy and removed), and stays.
    expect((await e.listContainers(standbyFilter(project, "seeded"))).map((c) => c.id)).toEqual([standby!.id]);
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
    const [s] = await listSnapshots(e, project);
    expect(s?.name).toBe("seeded");
    await removeSnapshot(e, project, "seeded");
    expect(await e.listVolumes({ [SNAPSHOT_LABEL.project]: project })).toEqual([]);
  });
});
