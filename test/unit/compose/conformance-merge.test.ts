/**
 * compose-go's own merge test table (override/merge_*_test.go, Apache-2.0, see
 * conformance/README.md), ported as data: each case is a base file, an override file and the
 * merged document compose-go produces. berth loads base + override as two -f files and the
 * expected document as one file; both must give the same model.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProject } from "../../../src/compose/index.js";
import { conformanceSummary, modelOrProblems, projectDir } from "./conformance-helpers.js";

interface MergeCase {
  name: string;
  file: string;
  base: string;
  override: string;
  want: string;
}

const { cases } = JSON.parse(readFileSync(join(import.meta.dirname, "conformance/compose-go-merge.json"), "utf8")) as { cases: MergeCase[] };
const summary = conformanceSummary("compose-go merge table (override/merge_*_test.go)");
afterAll(() => summary.print());

describe("merge conformance with compose-go", () => {
  for (const c of cases) {
    it(`${c.file} ${c.name}`, async () => {
      const dir = projectDir({ "base.yaml": c.base, "override.yaml": c.override, "want.yaml": c.want });
      const got = await modelOrProblems(loadProject({ cwd: dir, env: {}, files: ["base.yaml", "override.yaml"] }));
      const want = await modelOrProblems(loadProject({ cwd: dir, env: {}, files: ["want.yaml"] }));
      summary.record(c.name, JSON.stringify(got) === JSON.stringify(want));
      expect(got).toEqual(want);
    });
  }
});
