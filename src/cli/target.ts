/** How commands find what they act on: the compose project to load, or the running environment. */
import type { ProjectSpec } from "../compose/model.js";
import type { Engine } from "../engine/engine.js";
import { BerthError } from "../errors.js";
import type { CliContext, GlobalOptions } from "./context.js";

/** Loads the compose project the global -f/--profile/--env-file/-p options describe. */
export async function loadSpec(ctx: CliContext, g: GlobalOptions): Promise<ProjectSpec> {
  const { loadProject } = await import("../compose/index.js");
  return loadProject({
    files: g.file,
    cwd: ctx.cwd,
    projectDirectory: g.projectDirectory,
    env: ctx.env,
    envFiles: g.envFile,
    profiles: g.profile,
    projectName: g.projectName,
  });
}

export function requireProject(project: string | undefined, candidates: string[]): string {
  if (project) return project;
  if (candidates.length === 1) return candidates[0]!;
  throw new BerthError(
    "USAGE",
    candidates.length === 0 ? "no berth environment is running" : `${candidates.length} berth environments are running; name the one you mean`,
    {
      hint: candidates.length
        ? `One of: ${candidates.join(", ")}. Pass it with -p NAME (or --all where offered).`
        : "Create one with `berth up -f compose.yml`.",
    },
  );
}

/** The environment a command acts on: -p NAME, else the only one on the engine; it must exist. */
export async function targetProject(ctx: CliContext, g: GlobalOptions, explicit?: string): Promise<{ engine: Engine; project: string }> {
  const engine = await ctx.engine();
  const { listProjectNames } = await import("../lifecycle/status.js");
  const names = await listProjectNames(engine, ctx.signal);
  const project = requireProject(explicit ?? g.projectName, names);
  if (!names.includes(project)) throw notFound(project, names);
  return { engine, project };
}

/**
 * The one "no such environment" error of every command (status, down, env, logs…), so that they
 * say the same thing and exit alike (NOT_FOUND → 1). `where` names a swarm when not this engine.
 */
export function notFound(project: string, existing: string[], opts: { where?: string; extraHint?: string } = {}): BerthError {
  const where = opts.where ?? "this engine";
  const names = existing.length > 10 ? `${existing.slice(0, 10).join(", ")} and ${existing.length - 10} more` : existing.join(", ");
  const list = existing.length
    ? `Existing there: ${names} (\`berth status\` lists them).`
    : `Nothing of berth's runs on ${where}; \`berth up -f compose.yml\` creates an environment.`;
  return new BerthError("NOT_FOUND", `no berth environment named ${project} on ${where}`, { hint: `${list}${opts.extraHint ? ` ${opts.extraHint}` : ""}` });
}

/** Services given as `--services a,b` and/or positional names, deduplicated, in the order given. */
export function serviceList(positional: string[] = [], option?: string): string[] {
  const all = [...(option ? option.split(",") : []), ...positional].map((s) => s.trim()).filter(Boolean);
  return [...new Set(all)];
}
