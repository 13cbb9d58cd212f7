/**
 * The schema tracks the Compose Specification mechanically: every key that the spec's JSON
 * schema defines (listed by scripts/spec-keys.mjs into conformance/compose-spec-keys.json) must
 * be accepted by berth's schema, except the few berth rejects on purpose, listed here with the
 * reason. A key the spec adds then fails this test until berth knows it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Origins } from "../../../src/compose/origins.js";
import { Problems } from "../../../src/compose/problems.js";
import { validateFile } from "../../../src/compose/validate.js";

const spec = JSON.parse(readFileSync(join(import.meta.dirname, "conformance/compose-spec-keys.json"), "utf8")) as { source: string; keys: string[] };

/** Keys of the spec that berth rejects deliberately, with the reason (shown in the test output). */
const REJECTED: Record<string, string> = {
  "services name pre_start": "berth does not run pre_start init containers; accepting the key would start services without them",
};

/** A document in which the key at `path` is present (its value need not be valid). */
function docWith(path: (string | number)[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let node: Record<string | number, unknown> = root;
  path.forEach((seg, i) => {
    const last = i === path.length - 1;
    const next = path[i + 1];
    node[seg] = last ? null : typeof next === "number" ? [] : {};
    node = node[seg] as Record<string | number, unknown>;
  });
  return root;
}

describe(`every key of the Compose Specification (${spec.source})`, () => {
  const accepted: string[] = [];
  for (const key of spec.keys) {
    const path = key.split(" ").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const last = String(path[path.length - 1]);
    it(key, () => {
      const problems = new Problems();
      validateFile(docWith(path), new Origins(), problems);
      const unknown = problems.list.filter((p) => p.message === `unknown key "${last}"` && p.path?.replace(/\[0\]/g, ".0") === path.join("."));
      if (REJECTED[key]) {
        expect(unknown.length, `${key} is accepted now: drop it from REJECTED`).toBeGreaterThan(0);
        return;
      }
      expect(unknown.map((p) => p.message)).toEqual([]);
      accepted.push(key);
    });
  }
  it("summary", () => {
    const rejected = Object.entries(REJECTED).map(([k, why]) => `${k} (${why})`);
    console.log(
      `conformance: compose-spec keys: ${spec.keys.length} keys, ${accepted.length} accepted${rejected.length ? `; rejected on purpose: ${rejected.join(", ")}` : ""}`,
    );
  });
});
