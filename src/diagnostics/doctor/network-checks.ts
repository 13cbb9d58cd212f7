/** Doctor checks of address space: berth's subnet pool and the engine's default pools. */
import { networkInterfaces } from "node:os";
import { readFileSync } from "node:fs";
import type { Engine } from "../../engine/engine.js";
import { DEFAULT_POOL, formatCidr, parseCidr, prefixFor, type Cidr } from "../../networks/subnets.js";
import { ENGINE_DEFAULT_POOLS, enginePools, enginePoolsLeft, freeSubnets } from "./address-pools.js";
import { fail, pass, warn, type DoctorCheck } from "./check.js";

/** Every subnet in use: the engine's networks and, for a local engine, this host's own addresses. */
async function usedSubnets(engine: Engine, signal?: AbortSignal): Promise<{ used: Cidr[]; networks: number }> {
  const nets = await engine.listNetworks({}, { signal });
  const used = nets
    .flatMap((n) => n.subnets)
    .filter((s) => s.includes("."))
    .map(parseCidr);
  if (engine.endpoint.startsWith("unix://")) {
    for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (a.family === "IPv4" && a.cidr) used.push(parseCidr(a.cidr));
  }
  return { used, networks: nets.length };
}

function readDaemonJson(): string | undefined {
  try {
    return readFileSync("/etc/docker/daemon.json", "utf8");
  } catch {
    return undefined;
  }
}

export async function addressPoolChecks(engine: Engine, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<DoctorCheck[]> {
  const { used, networks } = await usedSubnets(engine, signal);
  const poolText = env.BERTH_SUBNET_POOL ?? DEFAULT_POOL;
  let pool: Cidr;
  try {
    pool = parseCidr(poolText);
  } catch (error) {
    return [fail("subnet pool", `BERTH_SUBNET_POOL=${poolText}: ${(error as Error).message}`, "Set BERTH_SUBNET_POOL to an IPv4 CIDR such as 10.213.0.0/16.")];
  }
  // A typical environment (up to 13 containers) gets a /28, the smallest berth network.
  const prefix = prefixFor(1);
  const berth = freeSubnets(pool, prefix, used);
  const berthDetail = `${berth.free} of ${berth.total} /${prefix} networks free in ${formatCidr(pool)} (BERTH_SUBNET_POOL)`;
  const fix = "Release environments you no longer need (`berth status`, `berth down`), `berth clean` orphans, or set BERTH_SUBNET_POOL to a larger range.";
  const checks: DoctorCheck[] = [];
  if (berth.free === 0) checks.push(fail("subnet pool", `${berthDetail}: no new environment can get a network`, fix));
  else if (berth.free < 16) checks.push(warn("subnet pool", `${berthDetail}: nearly exhausted`, fix));
  else checks.push(pass("subnet pool", berthDetail));

  const pools = enginePools(engine.endpoint.startsWith("unix://") ? readDaemonJson() : undefined);
  const left = enginePoolsLeft(pools, used);
  const engineDetail = `${left.free} of ${left.total} networks left in the engine's default pools (${pools === ENGINE_DEFAULT_POOLS ? "Docker's defaults" : pools.map((p) => `${p.base} /${p.size}`).join(", ")}); ${networks} networks exist`;
  const engineFix =
    "berth does not need them (its networks use BERTH_SUBNET_POOL), but docker-compose and `docker network create` do: remove unused networks (`docker network prune`) or widen default-address-pools in daemon.json.";
  if (left.free === 0) checks.push(warn("engine address pools", `${engineDetail}: exhausted`, engineFix));
  else if (left.free < 5) checks.push(warn("engine address pools", `${engineDetail}: nearly exhausted`, engineFix));
  else checks.push(pass("engine address pools", engineDetail));
  return checks;
}
