import { describe, expect, it } from "vitest";

describe("the suite's leak check", () => {
  it("has a run label that every resource created by this run carries", () => {
    expect(process.env.BERTH_LABELS).toMatch(/^dev\.berth\.test-run=[0-9a-f-]{36}$/);
  });
});
