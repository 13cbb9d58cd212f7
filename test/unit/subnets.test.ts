import { describe, expect, it } from "vitest";
import { allocateSubnet, formatCidr, overlaps, parseCidr, prefixFor } from "../../src/networks/subnets.js";

describe("subnet pool", () => {
  const pool = parseCidr("10.213.0.0/16");

  it("parses and formats CIDRs, normalizing the base", () => {
    expect(formatCidr(parseCidr("10.213.7.9/24"))).toBe("10.213.7.0/24");
    expect(() => parseCidr("10.0.0.300/8")).toThrow(/not an IPv4 CIDR/);
    expect(() => parseCidr("nonsense")).toThrow(/not an IPv4 CIDR/);
  });

  it("detects overlaps", () => {
    expect(overlaps(parseCidr("10.0.0.0/8"), parseCidr("10.213.0.0/16"))).toBe(true);
    expect(overlaps(parseCidr("10.213.0.0/28"), parseCidr("10.213.0.16/28"))).toBe(false);
  });

  it("sizes a subnet to the environment", () => {
    expect(prefixFor(4)).toBe(28);
    expect(prefixFor(13)).toBe(28);
    expect(prefixFor(14)).toBe(27);
    expect(prefixFor(200)).toBe(24);
  });

  it("allocates only free subnets and says when the pool is full", () => {
    const first = () => 0;
    const a = allocateSubnet(pool, 28, [], first);
    expect(formatCidr(a)).toBe("10.213.0.0/28");
    const b = allocateSubnet(pool, 28, [a, parseCidr("10.213.0.16/28")], first);
    expect(formatCidr(b)).toBe("10.213.0.32/28");
    // Something outside the pool does not matter; a larger overlapping network does.
    const c = allocateSubnet(pool, 28, [parseCidr("172.17.0.0/16"), parseCidr("10.213.0.0/24")], first);
    expect(formatCidr(c)).toBe("10.213.1.0/28");
    const tiny = parseCidr("10.213.0.0/27");
    expect(() => allocateSubnet(tiny, 28, [parseCidr("10.213.0.0/28"), parseCidr("10.213.0.16/28")])).toThrow(/no free \/28 left/);
    expect(() => allocateSubnet(tiny, 24, [])).toThrow(/does not fit/);
  });

  it("spreads concurrent allocations over the free subnets", () => {
    const seen = new Set(Array.from({ length: 50 }, () => formatCidr(allocateSubnet(pool, 28, []))));
    expect(seen.size).toBeGreaterThan(40);
  });
});
