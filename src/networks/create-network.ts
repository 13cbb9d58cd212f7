/**
 * Creating an environment network on a subnet of berth's own pool, retrying with another subnet
 * when a concurrent process (or anything else) took the chosen one between look and create.
 */
import { networkInterfaces } from "node:os";
import type { NetworkSpec } from "../compose/model.js";
import type { Runtime } from "../engine/runtime.js";
import { engineFailureOf } from "../engine/errors.js";
import type { Labels } from "../engine/types.js";
import { isBerthError } from "../errors.js";
import { allocateSubnet, DEFAULT_POOL, formatCidr, parseCidr, prefixFor, type Cidr } from "./subnets.js";

const MAX_ATTEMPTS = 5;

/** Subnets already in use: every network of the engine and every address of this host. */
async function usedSubnets(engine: Runtime, signal?: AbortSignal): Promise<Cidr[]> {
  const nets = await engine.listNetworks({}, { signal });
  const used = nets
    .flatMap((n) => n.subnets)
    .filter((s) => s.includes("."))
    .map(parseCidr);
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && a.cidr) used.push(parseCidr(a.cidr));
  }
  return used;
}

export interface CreateNetworkInput {
  name: string;
  labels: Labels;
  spec: NetworkSpec | undefined;
  /** How many containers will join (sizes the subnet). */
  containers: number;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  onRetry?: (attempt: number, cause: string) => void;
}

export async function createEnvironmentNetwork(engine: Runtime, input: CreateNetworkInput): Promise<{ id: string; subnet?: string }> {
  const { spec } = input;
  const base = { name: input.name, labels: input.labels, internal: spec?.internal, driver: spec?.driver };
  const own = spec?.ipam?.config?.find((c) => c.subnet);
  // A subnet from the file, or a driver other than bridge, is the file's decision: honour it.
  if (own?.subnet || (spec?.driver && spec.driver !== "bridge")) {
    const id = await engine.createNetwork({ ...base, subnet: own?.subnet, gateway: own?.gateway }, { signal: input.signal });
    return { id, subnet: own?.subnet };
  }
  const pool = parseCidr(input.env.BERTH_SUBNET_POOL ?? DEFAULT_POOL);
  const prefix = prefixFor(input.containers);
  for (let attempt = 1; ; attempt++) {
    const subnet = formatCidr(allocateSubnet(pool, prefix, await usedSubnets(engine, input.signal)));
    try {
      const id = await engine.createNetwork({ ...base, subnet }, { signal: input.signal });
      return { id, subnet };
    } catch (error) {
      if (!isBerthError(error) || engineFailureOf(error) !== "subnet-overlap" || attempt >= MAX_ATTEMPTS) throw error;
      input.onRetry?.(attempt, error.message);
    }
  }
}
