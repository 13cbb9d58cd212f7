/**
 * The labels every resource of an environment carries, on one engine or on a swarm alike: who
 * owns it, for how long, from which files, plus the user's BERTH_LABELS. What each runtime adds
 * on top (the engine's pending mark, the swarm's platform and stack labels) stays with it.
 */
import type { ProjectSpec } from "../compose/model.js";
import type { Labels } from "../engine/types.js";
import { extraLabels, projectLabels, type EnvironmentKind, type Lifetime, type Owner } from "../labels.js";
import { expiryOf } from "../cleanup/ttl.js";
import { hashOf } from "../plan/container-request.js";

export interface EnvironmentLabelInput {
  env: Record<string, string | undefined>;
  project: string;
  kind: EnvironmentKind;
  lifetime: Lifetime;
  owner: Owner;
  /** From ttlFrom (cleanup/ttl.ts); undefined: no expiry. */
  ttlMs: number | undefined;
  /** The project as it will be created (its hash is the environment's config hash). */
  spec: ProjectSpec;
  now?: Date;
}

export function environmentLabels(i: EnvironmentLabelInput): Labels {
  const now = i.now ?? new Date();
  return {
    ...extraLabels(i.env),
    ...projectLabels({
      project: i.project,
      kind: i.kind,
      lifetime: i.lifetime,
      owner: i.owner,
      createdAt: now,
      expiresAt: expiryOf(i.ttlMs, now),
      configHash: hashOf(i.spec).slice(0, 16),
      files: i.spec.files,
      workingDir: i.spec.working_dir,
    }),
  };
}
