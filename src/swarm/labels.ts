/**
 * Labels of berth's swarm objects. Services, overlay networks, secrets and configs carry the
 * project's full label set (dev.berth.managed, owner, lifetime, expiry), so `down`, `status`,
 * `clean` and the reaper select them exactly as they select containers on one engine.
 *
 * The tasks' containers carry only the project and service labels, never dev.berth.managed:
 * they belong to their service, and a single-engine `berth down`/`clean` run against a node must
 * not remove them from under the swarm (the swarm would only replace them).
 */
import type { ServiceSpec } from "../compose/model.js";
import type { Labels } from "../engine/types.js";
import { COMPOSE_LABEL, LABEL } from "../labels.js";
import { declaresHealthcheck } from "../plan/container-request.js";

/** Docker's own stack label: `docker stack ps/services <project>` see berth's environments. */
export const STACK_NAMESPACE = "com.docker.stack.namespace";

export const SWARM_LABEL = {
  /** On every swarm object berth creates: which kind of platform it runs on. */
  platform: "dev.berth.platform",
  secret: "dev.berth.secret",
  config: "dev.berth.config",
} as const;

/** Swarm object names follow `docker stack`: `<project>_<key>` (named in plan/naming.ts, which the swarm plan uses). */
export { swarmObjectName } from "../plan/naming.js";

export function swarmBaseLabels(base: Labels): Labels {
  return { ...base, [SWARM_LABEL.platform]: "swarm", [STACK_NAMESPACE]: base[LABEL.project]! };
}

export function swarmServiceLabels(base: Labels, s: ServiceSpec): Labels {
  return {
    ...(s.deploy?.labels ?? {}),
    ...base,
    [LABEL.service]: s.name,
    [LABEL.healthcheck]: String(declaresHealthcheck(s)),
    [LABEL.dependsOn]: Object.keys(s.depends_on).sort().join(","),
    [COMPOSE_LABEL.service]: s.name,
  };
}

export function swarmContainerLabels(project: string, s: ServiceSpec): Labels {
  return {
    ...s.labels,
    [LABEL.project]: project,
    [LABEL.service]: s.name,
    [STACK_NAMESPACE]: project,
    [COMPOSE_LABEL.project]: project,
    [COMPOSE_LABEL.service]: s.name,
  };
}
