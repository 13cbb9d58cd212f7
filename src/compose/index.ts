/**
 * berth's compose loader: the one place that reads compose files. Everything else consumes the
 * typed, normalized `ProjectSpec` it returns.
 *
 * Phases, in order (compose-go's loader is the model; one module each):
 *   0. discover   (discover.ts)  -f files, else COMPOSE_FILE, else compose.yaml & co. + override
 *      dotenv     (dotenv.ts)    .env of the project directory or --env-file: interpolation vars
 *   per file, in the order given:
 *   1. read        (read.ts)        YAML → plain values with positions; anchors, `<<`, !reset/!override
 *   2. interpolate (interpolate.ts) ${VAR} & co. in every string value
 *   3. validate    (validate.ts)    the raw zod schema (schema*.ts); unknown keys with did-you-mean
 *   4. include     (include.ts)     included projects, loaded with their own directory and env
 *   5. extends     (extends.ts)     bases merged under the services that extend them
 *   6. merge       (merge.ts)       the file onto the files before it, with Compose's rules
 *   then for the merged project:
 *   7. normalize   (normalize*.ts)  every short syntax → the model's long form; env_file read
 *   8. check       (semantic.ts)    depends_on targets, cycles, port clashes, undeclared refs
 *   9. profiles    (profiles.ts)    keep the services the active profiles enable; a required
 *                                   dependency on a disabled service is a problem
 * Problems from every phase are collected and thrown together as one COMPOSE_INVALID error,
 * each with file, line, column and field path. A named entry with a problem in phases 2-5 is
 * left out of the later phases (excluded.ts), so they check the rest in the same run without
 * follow-on problems; only a part with no tree (a YAML syntax error, a failed include) stops
 * phases 7-9. Nothing here reads process.env or argv.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BerthError, type SourceProblem } from "../errors.js";
import { canonical } from "./canonical.js";
import { resolveFiles } from "./discover.js";
import { loadEnvFiles } from "./dotenv.js";
import type { ProjectSpec } from "./model.js";
import { normalizeProject } from "./normalize.js";
import { displayPath } from "./problems.js";
import { applyProfiles, enabledServices, parseProfiles } from "./profiles.js";
import { checkProject } from "./semantic.js";
import { LoadSession } from "./session.js";

export interface LoadOptions {
  /** -f files in order; when empty/undefined: COMPOSE_FILE from env, else default discovery in cwd (or `projectDirectory`). */
  files?: string[];
  cwd: string;
  /**
   * `--project-directory`, as Compose has it (relative to cwd): relative paths in the files, `.env`,
   * COMPOSE_FILE and the default files are found there; -f files stay relative to cwd.
   * Default: the first file's directory.
   */
  projectDirectory?: string;
  /** The process environment snapshot. Never read process.env inside src/compose — it is injected. */
  env: Record<string, string | undefined>;
  /** --env-file; default: `<project dir>/.env` if it exists. */
  envFiles?: string[];
  /** --profile; default: COMPOSE_PROFILES from env. */
  profiles?: string[];
  /** -p; also COMPOSE_PROJECT_NAME from env, then `name:` in the file. */
  projectName?: string;
  /** Non-fatal findings (e.g. a variable used without a value); the loader never prints. */
  onWarning?: (warning: SourceProblem) => void;
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

// The loader reads its files synchronously; the API is a promise all the same, and a problem
// rejects it (the executor's throw) rather than throwing at the call.
export function loadProject(options: LoadOptions): Promise<ProjectSpec> {
  return new Promise((settle) => settle(loadProjectNow(options)));
}

function loadProjectNow(options: LoadOptions): ProjectSpec {
  const cwd = resolve(options.cwd);
  const workDir = options.projectDirectory === undefined ? undefined : resolve(cwd, options.projectDirectory);
  if (workDir !== undefined && !existsSync(workDir)) {
    throw new BerthError("COMPOSE_NOT_FOUND", `project directory ${workDir} does not exist`, { hint: "check the --project-directory path" });
  }
  const session = new LoadSession(options.env);
  const { problems } = session;

  // COMPOSE_FILE / COMPOSE_PROFILES / COMPOSE_PROJECT_NAME may also come from the .env of the working (or project) directory.
  const cwdEnvFile = join(workDir ?? cwd, ".env");
  const cwdDotenv =
    !options.envFiles && existsSync(cwdEnvFile) ? loadEnvFiles([cwdEnvFile], (n) => options.env[n], problems).values : new Map<string, string>();
  const setting = (name: string) => options.env[name] ?? cwdDotenv.get(name);

  const named = options.files?.length ? options.files : undefined;
  const files = resolveFiles(named, named ? cwd : (workDir ?? cwd), {
    ...options.env,
    COMPOSE_FILE: setting("COMPOSE_FILE"),
    COMPOSE_PATH_SEPARATOR: setting("COMPOSE_PATH_SEPARATOR"),
  });
  const projectDir = workDir ?? dirname(files[0]!);
  const envFiles = options.envFiles ? options.envFiles.map((f) => resolve(cwd, f)) : [join(projectDir, ".env")].filter((f) => existsSync(f));
  if (options.envFiles) {
    const missing = envFiles.find((f) => !existsSync(f));
    if (missing) throw new BerthError("COMPOSE_NOT_FOUND", `env file ${missing} does not exist`, { hint: "check the --env-file path" });
  }
  const dotenv = loadEnvFiles(envFiles, (n) => options.env[n], problems);
  const lookup = session.lookupFor(dotenv);
  const fromProject = (name: string) => options.env[name] ?? dotenv.values.get(name) ?? cwdDotenv.get(name);

  // Phases 1-6: each file's problems are recorded and the parts they concern removed (see
  // excluded.ts), so the phases below check the rest of the project in the same run.
  const merged = session.loadRawProject(files, projectDir, lookup, files, true);
  // A part of the project has no tree (a YAML syntax error, an unreadable or empty file, a failed
  // include): the networks, volumes and services it declares are unknown, so normalizing and
  // checking the rest would report guesses. Its problems and the other files' are all there is.
  if (session.excluded.incomplete) problems.throwIfAny(cwd);
  const root = merged as Record<string, unknown>;

  const given = options.projectName ?? fromProject("COMPOSE_PROJECT_NAME");
  const name = projectName(given ?? merged.name, given === undefined, session, root);
  const profiles = parseProfiles(options.profiles, { COMPOSE_PROFILES: fromProject("COMPOSE_PROFILES") });
  const ctx = {
    projectDir,
    lookup,
    home: options.env.HOME,
    readText: (f: string) => session.readText(f),
    origins: session.origins,
    problems,
    root,
  };
  const project = normalizeProject(ctx, merged, { name, files, profiles });
  checkProject(project, root, session.origins, problems, session.excluded, enabledServices(project.services, profiles));
  const active = applyProfiles(project.services, profiles);
  for (const d of active.problems) {
    const shown = profiles.length > 0 ? profiles.join(", ") : "none";
    problems.atPath(
      session.origins,
      root,
      ["services", d.service, "depends_on", d.dependency],
      `service "${d.service}" depends on "${d.dependency}", which is disabled: its profiles (${d.profiles.join(", ")}) are not active (active: ${shown})`,
      `activate one with --profile ${d.profiles[0] ?? ""}, or mark the dependency required: false`,
    );
  }
  problems.throwIfAny(cwd);

  for (const [variable, file] of session.unset) {
    options.onWarning?.({
      file: displayPath(file, cwd),
      message: `variable ${variable} is not set; using an empty string`,
      hint: `set ${variable} or give a default: \${${variable}:-value}`,
    });
  }
  return canonical({ ...project, services: active.services }) as ProjectSpec;
}

/** The project name if valid; an invalid name from the file is a problem of the load (reported with the others). */
function projectName(raw: string | undefined, fromFile: boolean, session: LoadSession, root: Record<string, unknown>): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (PROJECT_NAME.test(raw)) return raw;
  const hint = "use lowercase letters, digits, - and _, starting with a letter or digit";
  if (!fromFile) throw new BerthError("USAGE", `invalid project name "${raw}" (from -p or COMPOSE_PROJECT_NAME)`, { hint });
  session.problems.atPath(session.origins, root, ["name"], `invalid project name "${raw}"`, hint);
  return undefined;
}

export { renderConfig, serviceHashes, type RenderOptions } from "./render.js";
export { projectToCompose } from "./to-compose.js";
export type {
  BuildSpec,
  DependencySpec,
  DependsOnCondition,
  DeploySpec,
  DeviceMappingSpec,
  DeviceRequestSpec,
  FileObjectSpec,
  FileRefSpec,
  HealthcheckSpec,
  LoggingSpec,
  NetworkSpec,
  PortSpec,
  ProjectSpec,
  ResourceSpec,
  ServiceHookSpec,
  ServiceNetworkSpec,
  ServiceSpec,
  UlimitSpec,
  VolumeMountSpec,
  VolumeSpec,
} from "./model.js";
