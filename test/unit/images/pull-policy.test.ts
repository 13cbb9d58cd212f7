/** The pull decisions of acquire, as plain data: policy × presence × last pull × override. */
import { describe, expect, it } from "vitest";
import {
  decidePulls,
  parsePullOverride,
  parsePullPolicy,
  policyProblems,
  rebuildsAlways,
  type ImageUse,
  type PullOverride,
} from "../../../src/images/pull-policy.js";

const use = (service: string, image: string, pullPolicy?: string, over: Partial<ImageUse> = {}): ImageUse => ({
  service,
  image,
  pullPolicy,
  buildable: false,
  ...over,
});
const NOW = Date.UTC(2026, 11, 3, 12);
const HOUR = 3_600_000;
const facts = (present: string[] = [], lastPulled: Record<string, number> = {}, override?: PullOverride) => ({
  present: new Set(present),
  lastPulled,
  now: NOW,
  override,
});
const brief = (uses: ImageUse[], f: ReturnType<typeof facts>) =>
  decidePulls(uses, f).map((d) => `${d.image}: ${d.action} ${d.reason}${d.action === "pull" ? ` (${d.recheck})` : ""}`);

describe("pull policy", () => {
  it("parses the Compose spec's values", () => {
    expect(parsePullPolicy(undefined)).toEqual({ kind: "missing" });
    expect(parsePullPolicy("if_not_present")).toEqual({ kind: "missing" });
    expect(parsePullPolicy("if-not-present")).toEqual({ kind: "missing" });
    expect(parsePullPolicy("always")).toEqual({ kind: "always" });
    expect(parsePullPolicy("build")).toEqual({ kind: "build" });
    expect(parsePullPolicy("daily")).toEqual({ kind: "refresh", everyMs: 24 * HOUR });
    expect(parsePullPolicy("weekly")).toEqual({ kind: "refresh", everyMs: 7 * 24 * HOUR });
    expect(parsePullPolicy("every_12h")).toEqual({ kind: "refresh", everyMs: 12 * HOUR });
    expect(parsePullPolicy("every_1h30m")).toEqual({ kind: "refresh", everyMs: 1.5 * HOUR });
    expect(parsePullPolicy("every_")).toBeUndefined();
    expect(parsePullPolicy("sometimes")).toBeUndefined();
    expect(policyProblems([use("a", "x", "sometimes"), use("b", "y", "daily")])).toEqual([{ service: "a", value: "sometimes" }]);
  });

  it("missing (the default) pulls only absent images and looks again under the lock", () => {
    expect(brief([use("db", "postgres:16"), use("cache", "redis:7", "missing")], facts(["redis:7"]))).toEqual([
      "postgres:16: pull absent (presence)",
      "redis:7: keep present",
    ]);
  });

  it("always pulls present images; never pulls nothing, even absent ones", () => {
    expect(brief([use("a", "x:1", "always"), use("b", "y:1", "never")], facts(["x:1"]))).toEqual(["x:1: pull always (none)", "y:1: keep never"]);
    expect(brief([use("a", "x:1", "always")], facts([]))).toEqual(["x:1: pull absent (none)"]);
  });

  it("daily/weekly/every_<d>: pull when berth's last pull is older than the period, or never recorded", () => {
    const uses = [use("a", "a:1", "daily"), use("b", "b:1", "every_2h"), use("c", "c:1", "weekly")];
    const last = { "a:1": NOW - 25 * HOUR, "b:1": NOW - HOUR };
    expect(brief(uses, facts(["a:1", "b:1", "c:1"], last))).toEqual(["a:1: pull stale (history)", "b:1: keep fresh", "c:1: pull stale (history)"]);
    expect(brief([use("a", "a:1", "daily")], facts([], { "a:1": NOW }))).toEqual(["a:1: pull absent (presence)"]);
  });

  it("the override replaces every service's policy", () => {
    const uses = [use("a", "a:1", "never"), use("b", "b:1", "always"), use("c", "c:1", "daily")];
    expect(brief(uses, facts(["a:1", "b:1"], {}, "always"))).toEqual(["a:1: pull always (none)", "b:1: pull always (none)", "c:1: pull absent (none)"]);
    expect(brief(uses, facts([], {}, "never"))).toEqual(["a:1: keep never", "b:1: keep never", "c:1: keep never"]);
    expect(brief(uses, facts(["b:1"], {}, "missing"))).toEqual(["a:1: pull absent (presence)", "b:1: keep present", "c:1: pull absent (presence)"]);
    expect(parsePullOverride(undefined)).toBeUndefined();
    expect(parsePullOverride("Always")).toBe("always");
    expect(() => parsePullOverride("daily")).toThrow(/--pull daily: use always, missing, never or build/);
  });

  it("--pull build rebuilds every build: section and pulls the other images when absent; pull_policy build rebuilds its own", () => {
    const uses = [use("a", "a:1", "never"), use("b", "b:1", "always"), use("c", "c:1", "build", { buildable: true })];
    expect(parsePullOverride("build")).toBe("build");
    expect(brief(uses, facts(["b:1"], {}, "build"))).toEqual(["a:1: pull absent (presence)", "b:1: keep present"]);
    expect(rebuildsAlways(undefined, "build")).toBe(true);
    expect(rebuildsAlways("build", undefined)).toBe(true);
    expect(rebuildsAlways("build", "missing")).toBe(false); // the override replaces the service's policy
    expect(rebuildsAlways("missing", undefined)).toBe(false);
  });

  it("an image shared by services is decided once, with the most eager policy; platforms are separate pulls", () => {
    const d = decidePulls([use("a", "x:1", "never"), use("b", "x:1", "always"), use("c", "x:1", "missing", { platform: "linux/arm64" })], facts(["x:1"]));
    expect(d).toEqual([
      { image: "x:1", services: ["a", "b"], action: "pull", reason: "always", recheck: "none" },
      { image: "x:1", platform: "linux/arm64", services: ["c"], action: "keep", reason: "present" },
    ]);
  });

  it("build: sections and pull_policy build are left to the build; a present digest is never pulled again", () => {
    const digest = `app@sha256:${"a".repeat(64)}`;
    expect(brief([use("a", "a:1", "always", { buildable: true }), use("b", "b:1", "build"), use("c", digest, "always")], facts([digest]))).toEqual([
      `${digest}: keep pinned`,
    ]);
    expect(brief([use("c", digest, "always")], facts([]))).toEqual([`${digest}: pull absent (none)`]);
  });
});
