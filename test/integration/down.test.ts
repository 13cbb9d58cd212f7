/**
 * `berth down` on the real engine: a service holding data gets its own stop_grace_period to shut
 * down (not the engine's 10 s), its named volume survives until `down -v`, and a name with
 * nothing behind it is refused with what there is instead.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { releaseProject } from "../../src/index.js";
import { berth, engine, lastJson, resourcesOf, stack, uniqueName } from "./helpers.js";

describe("berth down", () => {
  it("lets a data-holding service finish its shutdown, keeps its named volume, and -v removes it later", async () => {
    const e = await engine();
    const project = uniqueName("berth-down");
    try {
      const up = await berth(["up", "-f", stack("down-data.yml"), "-p", project]);
      expect(up.code, up.stderr).toBe(0);

      const down = await berth(["down", project, "--json"]);
      expect(down.code, down.stderr).toBe(0);
      expect(lastJson(down.stdout)).toMatchObject({
        ok: true,
        released: [{ project, containers: [`${project}-app-1`, `${project}-db-1`], networks: [`${project}_default`], volumes: [] }],
      });
      expect(await resourcesOf(e, project)).toEqual([`volume ${project}_data`]);
      // Written at the end of an 11 s shutdown: the engine's default stop timeout (10 s) would have killed it first.
      const marker = execFileSync("docker", ["run", "--rm", "-v", `${project}_data:/data:ro`, "berth-fixtures/busybox:1", "cat", "/data/shutdown"], {
        encoding: "utf8",
      });
      expect(marker.trim()).toBe("clean");

      // Only a named volume is left: without -v there is nothing to take down, and the hint says how.
      const again = await berth(["down", project]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`no berth environment named ${project}`);
      expect(again.stderr).toContain("berth down -v");
      expect(await resourcesOf(e, project)).toEqual([`volume ${project}_data`]);

      const withVolumes = await berth(["down", "-v", project, "--json"]);
      expect(withVolumes.code, withVolumes.stderr).toBe(0);
      expect(lastJson(withVolumes.stdout)).toMatchObject({ released: [{ project, containers: [], networks: [], volumes: [`${project}_data`] }] });
      expect(await resourcesOf(e, project)).toEqual([]);
    } finally {
      await releaseProject(e, project, { volumes: true });
    }
  }, 120_000);
});
