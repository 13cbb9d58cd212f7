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

/**
 * Projects abandoned half-made. A project with a record is settled whatever else it holds (a
 * scale-up killed half-way leaves its new containers to the next `up`); one with any pending
 * resource whose owner is alive, or cannot be told (another host), is left alone.
 */
export function halfMadeProjects(resources: { labels: Labels }[], p: CleanPolicy): Set<string> {
  const settled = new Set<string>();
  const verdict = new Map<string, boolean>();
  for (const { labels } of resources) {
    const project = labels[LABEL.project];
    if (!project) continue;
    if (labels[LABEL.record] === "true") settled.add(project);
    if (labels[LABEL.pending] !== "true") continue;
    const owner = ownershipOf(labels)?.owner;
    const dead = !!owner && p.liveness(owner) === "dead";
    verdict.set(project, (verdict.get(project) ?? true) && dead);
  }
  return new Set([...verdict].filter(([project, dead]) => dead && !settled.has(project)).map(([project]) => project));
}

/** Whether this resource goes with its abandoned half-made project: only what a pending acquire created. */
export function isPendingOf(labels: Labels, projects: Set<string>): boolean {
  return labels[LABEL.pending] === "true" && projects.has(labels[LABEL.project] ?? "");
}
