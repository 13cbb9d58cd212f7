/**
 * How many more networks fit: in berth's own subnet pool (BERTH_SUBNET_POOL, where every berth
 * network gets its subnet) and in the engine's default address pools (used by networks created
 * without a subnet, e.g. by docker-compose). Pure.
 */
import { overlaps, parseCidr, type Cidr } from "../../networks/subnets.js";

/** Docker's built-in default-address-pools when daemon.json sets none: 172.17-31.0.0/16 and 192.168.0.0/16 in /20s. */
export const ENGINE_DEFAULT_POOLS = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: "192.168.0.0/16", size: 20 },
];

/** Subnets of `prefix` inside `pool` that overlap nothing in `used`. */
export function freeSubnets(pool: Cidr, prefix: number, used: Cidr[]): { free: number; total: number } {
  if (prefix < pool.prefix) return { free: 0, total: 0 };
  const step = 2 ** (32 - prefix);
  const total = 2 ** (prefix - pool.prefix);
  const inPool = used.filter((u) => overlaps(u, pool));
  let free = 0;
  for (let i = 0; i < total; i++) {
    const candidate = { base: pool.base + i * step, prefix };
    if (!inPool.some((u) => overlaps(u, candidate))) free++;
  }
  return { free, total };
}

/** The engine's pools from daemon.json's "default-address-pools", or Docker's defaults. */
export function enginePools(daemonJson: string | undefined): { base: string; size: number }[] {
  if (!daemonJson) return ENGINE_DEFAULT_POOLS;
  try {
    const pools = (JSON.parse(daemonJson) as { "default-address-pools"?: { base: string; size: number }[] })["default-address-pools"];
    return Array.isArray(pools) && pools.length ? pools : ENGINE_DEFAULT_POOLS;
  } catch {
    return ENGINE_DEFAULT_POOLS;
  }
}

/** Networks of the engine's default pools still free (Docker hands them out in `size` blocks). */
export function enginePoolsLeft(pools: { base: string; size: number }[], used: Cidr[]): { free: number; total: number } {
  let free = 0;
  let total = 0;
  for (const p of pools) {
    const r = freeSubnets(parseCidr(p.base), p.size, used);
    free += r.free;
    total += r.total;
  }
  return { free, total };
}
