/**
 * What an acquire makes, on one engine or on a swarm alike: the environment's kind and its
 * project name. Pure.
 *
 * The name comes from -p (`projectName`), else COMPOSE_PROJECT_NAME in the environment; the
 * file's top-level `name:` is not used, so every `up` of a file gets an environment of its own
 * (README, "Environments"). Without either, a shared environment is named after its configuration
 * (`derived`) and a dedicated one gets a generated, unique name.
 */
import { BerthError } from "../errors.js";
import type { EnvironmentKind } from "../labels.js";
import { generateProjectName, sanitizeProjectName } from "../plan/naming.js";

/** test (default), dev or prod: the option, else DOCKER_ENV. */
export function environmentKind(env: Record<string, string | undefined>, kind?: EnvironmentKind): EnvironmentKind {
  const k = kind ?? env.DOCKER_ENV ?? "test";
  if (k !== "test" && k !== "dev" && k !== "prod") {
    throw new BerthError("USAGE", `DOCKER_ENV=${k} is not an environment kind berth knows`, { hint: "Use test, dev or prod." });
  }
  return k;
}

export interface ProjectNameInput {
  /** -p / the API's projectName. */
  projectName?: string;
  env: Record<string, string | undefined>;
  kind: EnvironmentKind;
  /** The name of a shared environment, derived from its configuration; undefined for a dedicated one. */
  derived?: () => string;
  now?: Date;
}

/**
 * `explicit`: the name was chosen (by the user or by the configuration), so the environment may
 * already exist and is looked for; otherwise `project` is a fresh generated name.
 */
export function projectNameOf(i: ProjectNameInput): { project: string; explicit?: string } {
  const given = i.projectName ?? i.env.COMPOSE_PROJECT_NAME;
  const explicit = given ? sanitizeProjectName(given) : i.derived?.();
  return { project: explicit ?? generateProjectName(i.kind, i.now ?? new Date()), explicit };
}
