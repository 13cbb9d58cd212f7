/**
 * Networks that dockerd 20.10 refuses to remove although nothing is attached (moby/moby#43286: a
 * stale endpoint count left by a fault under load; only a dockerd restart clears it). berth's
 * release removes a project's networks only after every one of its containers is gone, so a berth
 * network with no container attached whose project has no container left at all is what a release
 * that could not remove it leaves behind. Detection only reads (list, inspect): it never tries the
 * removal, which on a healthy network would succeed and so change what it checks.
 */
import { ownershipOf } from "../../cleanup/ownership.js";
import { ownerLiveness, type Liveness } from "../../cleanup/process-liveness.js";
import type { Engine } from "../../engine/engine.js";
import type { Labels } from "../../engine/types.js";
import { LABEL, managedFilter } from "../../labels.js";
import { pass, warn, type DoctorCheck } from "./check.js";

/** A network this young may be one an acquisition just created, before its containers. */
export const YOUNG_MS = 60_000;
/** While its owner process lives, an acquisition may still be working (building images, waiting its turn). */
export const OWNER_ALIVE_GRACE_MS = 10 * 60_000;

export interface NetworkFacts {
  name: string;
  project: string;
  /** Containers the engine lists as attached (network inspect). */
  attached: number;
  /** Containers of the network's project, in any state. */
  projectContainers: number;
  ageMs: number | undefined;
  owner: Liveness | "none";
}

/** Whether the network looks stuck: empty, its project gone, and nobody possibly still creating it. Pure. */
export function isStaleNetwork(f: NetworkFacts): boolean {
  if (f.attached > 0 || f.projectContainers > 0) return false;
  // No creation time: cannot tell it from one being created right now.
  if (f.ageMs === undefined || f.ageMs < YOUNG_MS) return false;
  if (f.owner === "alive" && f.ageMs < OWNER_ALIVE_GRACE_MS) return false;
  return true;
}

/** The doctor line for the networks found stale. Pure. */
export function staleNetworkVerdict(stale: NetworkFacts[], checked: number): DoctorCheck {
  if (stale.length === 0) return pass("stale networks", `${checked} berth network${checked === 1 ? "" : "s"}, none empty and left behind`);
  const names = stale.map((s) => `${s.name} (project ${s.project})`);
  const projects = [...new Set(stale.map((s) => s.project))].sort();
  const down = projects.length === 1 ? `\`berth down ${projects[0]}\`` : `\`berth down PROJECT\` for each of ${projects.join(", ")}`;
  return warn(
    "stale networks",
    `${stale.length} berth network${stale.length === 1 ? "" : "s"} with no container attached and no container left in ${stale.length === 1 ? "its project" : "their projects"}, which a release did not remove: ${names.join(", ")}. If \`berth down\` fails on ${stale.length === 1 ? "it" : "them"} with "has active endpoints", it is dockerd's stale endpoint fault (moby/moby#43286); the network is harmless but holds its subnet and name`,
    `Try ${down}; if the engine still answers "has active endpoints", restart dockerd (only a restart clears the stale endpoint), then ${down} again or \`berth clean\`.`,
  );
}

function facts(name: string, labels: Labels, attached: number, projectContainers: number, now: number): NetworkFacts | null {
  const o = ownershipOf(labels);
  if (!o) return null;
  return {
    name,
    project: o.project,
    attached,
    projectContainers,
    ageMs: o.createdAt === undefined ? undefined : now - o.createdAt,
    owner: o.owner ? ownerLiveness(o.owner) : "none",
  };
}

export async function staleNetworkCheck(engine: Engine, signal?: AbortSignal, now = Date.now()): Promise<DoctorCheck> {
  const [networks, containers] = await Promise.all([engine.listNetworks(managedFilter(), { signal }), engine.listContainers(managedFilter(), { signal })]);
  const withContainers = new Set(containers.map((c) => c.labels[LABEL.project]));
  const stale: NetworkFacts[] = [];
  for (const n of networks) {
    // Only an empty project's networks need a closer look (the list call does not say who is attached).
    const project = n.labels[LABEL.project];
    if (!project || withContainers.has(project)) continue;
    const full = await engine.inspectNetwork(n.id, { signal });
    if (!full) continue; // removed meanwhile
    const f = facts(n.name, n.labels, full.containers.length, 0, now);
    if (f && isStaleNetwork(f)) stale.push(f);
  }
  return staleNetworkVerdict(stale, networks.length);
}
