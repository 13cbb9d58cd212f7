/**
 * Subnet allocation for environment networks. The engine's default address pools hold only ~31
 * bridge networks, which caps concurrent projects on one host at about 30. berth instead gives
 * each environment network a small subnet of its own pool (default 10.213.0.0/16, sized to the
 * environment), so hundreds can coexist without reconfiguring the daemon. Pure IPv4 maths.
 */
import { BerthError } from "../errors.js";

export interface Cidr {
  base: number; // network address as an unsigned 32-bit integer
  prefix: number;
}

export const DEFAULT_POOL = "10.213.0.0/16";

export function parseCidr(text: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || prefix > 32) {
    throw new BerthError("USAGE", `"${text}" is not an IPv4 CIDR`, { hint: "Use a form such as 10.213.0.0/16." });
  }
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: addr - (addr % size), prefix };
}

export function formatCidr(c: Cidr): string {
  const o = [24, 16, 8, 0].map((s) => Math.floor(c.base / 2 ** s) % 256);
  return `${o.join(".")}/${c.prefix}`;
}

function end(c: Cidr): number {
  return c.base + 2 ** (32 - c.prefix) - 1;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= end(b) && b.base <= end(a);
}

/** The smallest prefix holding `containers` addresses plus network, gateway and broadcast (/28 at least). */
export function prefixFor(containers: number): number {
  const needed = containers + 3;
  const bits = Math.max(4, Math.ceil(Math.log2(needed)));
  return 32 - bits;
}

/**
 * A free subnet of `prefix` inside `pool` that overlaps nothing in `used`. `pick` chooses among
 * the free candidates (random by default, so concurrent processes rarely race for the same one).
 */
export function allocateSubnet(pool: Cidr, prefix: number, used: Cidr[], pick: (n: number) => number = (n) => Math.floor(Math.random() * n)): Cidr {
  if (prefix < pool.prefix) {
    throw new BerthError("GUARD_REFUSED", `a /${prefix} network does not fit in berth's subnet pool ${formatCidr(pool)}`, {
      hint: "Set BERTH_SUBNET_POOL to a larger range.",
    });
  }
  const step = 2 ** (32 - prefix);
  const count = 2 ** (prefix - pool.prefix);
  const inPool = used.filter((u) => overlaps(u, pool));
  const free: number[] = [];
  for (let i = 0; i < count; i++) {
    const candidate = { base: pool.base + i * step, prefix };
    if (!inPool.some((u) => overlaps(u, candidate))) free.push(candidate.base);
  }
  if (free.length === 0) {
    throw new BerthError("GUARD_REFUSED", `berth's subnet pool ${formatCidr(pool)} has no free /${prefix} left (${inPool.length} networks use it)`, {
      hint: "Release environments (`berth clean`), or set BERTH_SUBNET_POOL to a larger range.",
    });
  }
  return { base: free[pick(free.length)]!, prefix };
}
