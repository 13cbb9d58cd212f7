/**
 * The labels that make a volume part of a member environment (so it goes with the member, and with
 * its keeper when the reaper removes what a dead keeper owned): the project-level labels of one of
 * its containers, without the per-container ones.
 */
import type { Labels } from "../engine/types.js";
import { COMPOSE_LABEL, LABEL } from "../labels.js";
import { POOL_LABEL } from "./labels.js";

const PROJECT_LEVEL = new Set<string>([
  LABEL.managed,
  LABEL.project,
  LABEL.envKind,
  LABEL.lifetime,
  LABEL.ownerHost,
  LABEL.ownerPid,
  LABEL.ownerStarted,
  LABEL.ownerUser,
  LABEL.createdAt,
  LABEL.expires,
  LABEL.configHash,
  COMPOSE_LABEL.project,
  COMPOSE_LABEL.workingDir,
  COMPOSE_LABEL.configFiles,
]);

/** berth's project-level labels plus the user's own (BERTH_LABELS, the pool's name). */
export function memberLabels(containerLabels: Labels): Labels {
  return Object.fromEntries(
    Object.entries(containerLabels).filter(
      ([k]) => PROJECT_LEVEL.has(k) || !(k.startsWith("dev.berth.") || k.startsWith("com.docker.compose.")) || k === POOL_LABEL.name,
    ),
  );
}
