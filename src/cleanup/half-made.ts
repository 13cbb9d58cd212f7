/**
 * Detached environments abandoned half-made: `berth up` and its reaper were killed together (a CI
 * cancel that kills the whole process group or cgroup, the OOM killer), so nobody will finish the
 * environment and nobody removes it. Its resources say so themselves: they carry
 * `dev.berth.pending`, the project has no record that an acquire completed (settled-record.ts), and
 * the process that was acquiring it is dead. Pure, like ownership.ts: liveness is passed in.
 */
import type { Labels } from "../engine/types.js";
import { LABEL } from "../labels.js";
import { ownershipOf, type CleanPolicy } from "./ownership.js";

const ownerKey = (labels: Labels) => `${labels[LABEL.ownerHost]}/${labels[LABEL.ownerPid]}/${labels[LABEL.ownerStarted]}`;

/**
 * Projects abandoned half-made, each with the acquirers whose resources go (as `isPendingOf`
 * takes them). A project with a record is settled whatever else it holds (a scale-up killed
 * half-way leaves its new containers to the next `up`); one with any pending resource whose owner
 * is alive, or cannot be told (another host), is left alone. Only a dead acquirer that left a
 * container or a network makes a project half-made, and only its resources go: a named volume
 * kept by `down` (whose record went with the environment) is data, never a half-made environment.
 */
export function halfMadeProjects(
  resources: { containers: { labels: Labels }[]; networks: { labels: Labels }[]; volumes: { labels: Labels }[] },
  p: CleanPolicy,
): Map<string, Set<string>> {
  const settled = new Set<string>();
  const allDead = new Map<string, boolean>();
  for (const { labels } of [...resources.containers, ...resources.networks, ...resources.volumes]) {
    const project = labels[LABEL.project];
    if (!project) continue;
    if (labels[LABEL.record] === "true") settled.add(project);
    if (labels[LABEL.pending] !== "true") continue;
    const owner = ownershipOf(labels)?.owner;
    allDead.set(project, (allDead.get(project) ?? true) && !!owner && p.liveness(owner) === "dead");
  }
  const out = new Map<string, Set<string>>();
  for (const { labels } of [...resources.containers, ...resources.networks]) {
    const project = labels[LABEL.project] ?? "";
    if (labels[LABEL.pending] !== "true" || settled.has(project) || !allDead.get(project)) continue;
    if (!out.has(project)) out.set(project, new Set());
    out.get(project)!.add(ownerKey(labels));
  }
  return out;
}

/** Whether this resource goes with its abandoned half-made project: only what its dead acquirers created. */
export function isPendingOf(labels: Labels, projects: Map<string, Set<string>>): boolean {
  return labels[LABEL.pending] === "true" && !!projects.get(labels[LABEL.project] ?? "")?.has(ownerKey(labels));
}
