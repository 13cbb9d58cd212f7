/** The engine's pull progress lines folded into per-image totals, at most one report per interval. */
import { describe, expect, it } from "vitest";
import { EngineRetries, PullProgress, type PullTotals } from "../../../src/engine/pull-progress.js";

describe("pull progress", () => {
  it("counts layers and bytes, and throttles reports", () => {
    let now = 1000;
    const sent: PullTotals[] = [];
    const p = new PullProgress(
      (t) => sent.push(t),
      500,
      () => now,
    );
    p.line({ status: "Pulling from library/pg", id: "16" });
    p.line({ status: "Pulling fs layer", id: "a" });
    p.line({ status: "Already exists", id: "b" });
    p.line({ status: "Downloading", id: "a", progressDetail: { current: 100, total: 1000 } });
    expect(sent).toEqual([{ layersDone: 0, layers: 1, bytesDone: 0, bytes: 0 }]);
    now += 600;
    p.line({ status: "Downloading", id: "a", progressDetail: { current: 600, total: 1000 } });
    expect(sent.at(-1)).toEqual({ layersDone: 1, layers: 2, bytesDone: 600, bytes: 1000 });
    p.line({ status: "Pull complete", id: "a" });
    expect(sent).toHaveLength(2);
    p.flush(true);
    expect(sent.at(-1)).toEqual({ layersDone: 2, layers: 2, bytesDone: 1000, bytes: 1000 });
  });

  it("reports once even when the engine had every layer", () => {
    const sent: PullTotals[] = [];
    new PullProgress((t) => sent.push(t)).flush(true);
    expect(sent).toEqual([{ layersDone: 0, layers: 0, bytesDone: 0, bytes: 0 }]);
  });

  it("reports each of the engine's own layer retries once, when its count-down starts", () => {
    const sent: string[] = [];
    const r = new EngineRetries((n, cause) => sent.push(`${n}: ${cause}`));
    const line = (id: string, status: string) => r.line({ id, status });
    line("a", "Downloading");
    for (const s of [5, 4, 3, 2, 1]) line("a", `Retrying in ${s} seconds`);
    line("b", "Retrying in 5 seconds");
    for (const s of [10, 9]) line("a", `Retrying in ${s} seconds`); // the next retry, right after the last failed at once
    line("a", "Downloading");
    line("a", "Retrying in 15 seconds");
    expect(sent).toEqual([
      "1: the download of layer a broke off; the engine retries it in 5 s",
      "2: the download of layer b broke off; the engine retries it in 5 s",
      "3: the download of layer a broke off; the engine retries it in 10 s",
      "4: the download of layer a broke off; the engine retries it in 15 s",
    ]);
  });
});
