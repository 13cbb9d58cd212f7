/** The returned model's canonical form (canonical.ts): sorted keys, no undefined, no object reachable twice. */
import { describe, expect, it } from "vitest";
import { canonical } from "../../../src/compose/canonical.js";

describe("canonical", () => {
  it("sorts every mapping's keys, drops undefined values and keeps sequence order", () => {
    const input = { b: 1, a: { z: [3, 1, 2], y: undefined, x: "s" }, c: [{ q: 1, p: 2 }] };
    const out = canonical(input);
    expect(JSON.stringify(out)).toBe('{"a":{"x":"s","z":[3,1,2]},"b":1,"c":[{"p":2,"q":1}]}');
    // Long key lists take Array#sort, short ones the insertion sort: both give the same order.
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i]));
    expect(Object.keys(canonical(many) as object)).toEqual(Object.keys(many).sort());
  });

  it("makes a value two places share into independent copies", () => {
    const shared = { labels: { b: "2", a: "1" }, list: [1] };
    const out = canonical({ services: { one: { x: shared }, two: { x: shared } } }) as {
      services: Record<string, { x: { labels: Record<string, string>; list: number[] } }>;
    };
    const one = out.services.one!.x;
    const two = out.services.two!.x;
    expect(two).toEqual(one);
    expect(two).not.toBe(one);
    expect(two.labels).not.toBe(one.labels);
    expect(two.list).not.toBe(one.list);
    expect(Object.keys(two.labels)).toEqual(["a", "b"]);
  });

  it("keeps an object already in canonical form instead of copying it", () => {
    const inner = { a: 1, b: [{ c: 2 }] };
    const root = { x: inner, y: { b: 1, a: 2 } };
    const out = canonical(root) as { x: unknown; y: object };
    expect(out).toBe(root);
    expect(out.x).toBe(inner);
    expect(Object.keys(out.y)).toEqual(["a", "b"]);
  });
});
