/**
 * Bringing up part of a project, as `docker compose up api` does: the named services and what they
 * (transitively) depend on, nothing else. Applied to the loaded model before anything is planned, so
 * networks and volumes only the left-out services use are not created either (the plan derives them
 * from the services), and readiness, guards and the shared name see only what runs.
 */
import type { ProjectSpec } from "../compose/model.js";
import { suggest } from "../compose/did-you-mean.js";
import { BerthError } from "../errors.js";
import { withDependencies } from "../plan/graph.js";
import type { Observed } from "../plan/reconcile.js";

/** The project with only `names` and their dependencies; the whole project when `names` is empty or absent. */
export function selectServices(spec: ProjectSpec, names: readonly string[] | undefined): ProjectSpec {
  if (!names || names.length === 0) return spec;
  const known = Object.keys(spec.services).sort();
  const unknown = [...new Set(names)].filter((n) => !(n in spec.services));
  if (unknown.length) {
    const guess = unknown.length === 1 ? suggest(unknown[0]!, known) : undefined;
    throw new BerthError("USAGE", `services: the project has no service${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}`, {
      hint: `${guess ? `Did you mean "${guess}"? ` : ""}Services: ${known.join(", ")} (a service disabled by a profile needs --profile / profiles).`,
      details: { services: unknown },
    });
  }
  const keep = withDependencies(spec.services, [...names]);
  return { ...spec, services: Object.fromEntries(keep.map((n) => [n, spec.services[n]!])) };
}

/**
 * What the engine has, narrowed to the selected services: on an existing environment, `up api`
 * leaves the containers of the other services alone instead of removing them as no longer wanted.
 */
export function observedFor(observed: Observed, spec: ProjectSpec, names: readonly string[] | undefined): Observed {
  if (!names || names.length === 0) return observed;
  return { ...observed, containers: observed.containers.filter((c) => c.service in spec.services) };
}
