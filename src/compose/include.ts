/**
 * `include:` — each entry is loaded as a project of its own (its own directory for relative
 * paths, its own env files for interpolation, its own extends and includes), then its resources
 * are added to the including file. A name defined both here and in an included project is an
 * error, as in Compose; so is an include loop.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isDict } from "./merge.js";
import type { Origins } from "./origins.js";
import type { Problems } from "./problems.js";
import { rebaseFileObjects, rebaseService } from "./rebase.js";
import type { RawCompose } from "./schema-project.js";

type Dict = Record<string, unknown>;

export interface IncludeContext {
  origins: Origins;
  problems: Problems;
  /**
   * Called with the path of what the later phases must skip because of a problem reported
   * here: `["include", i]` for an include that failed (the project is then incomplete), or a
   * conflicting entry.
   */
  exclude?: (path: (string | number)[]) => void;
  /** Loads several files as one project (merge, extends, includes) with its own env files. */
  loadProject: (files: string[], projectDir: string, envFiles: string[], chain: string[]) => RawCompose | undefined;
}

const SECTIONS = ["services", "networks", "volumes", "secrets", "configs", "models"] as const;

export function applyIncludes(ctx: IncludeContext, doc: RawCompose, file: string, projectDir: string, chain: string[]): void {
  const includes = doc.include;
  if (!includes) return;
  const base = dirname(file);
  includes.forEach((entry, i) => {
    const spec = typeof entry === "string" ? { path: entry } : entry;
    const paths = (Array.isArray(spec.path) ? spec.path : [spec.path]).map((p) => resolve(base, p));
    const path = ["include", i];
    const missing = paths.find((p) => !existsSync(p));
    if (missing) {
      ctx.problems.atPath(ctx.origins, doc, path, `included file ${missing} does not exist`, "paths are relative to the including file");
      ctx.exclude?.(path);
      return;
    }
    const loop = paths.find((p) => chain.includes(p));
    if (loop) {
      ctx.problems.atPath(ctx.origins, doc, path, `include loop: ${[...chain.slice(chain.indexOf(loop)), loop].join(" -> ")}`);
      ctx.exclude?.(path);
      return;
    }
    const dir = spec.project_directory !== undefined ? resolve(base, spec.project_directory) : dirname(paths[0]!);
    const envFiles =
      spec.env_file === undefined
        ? [resolve(dir, ".env")].filter((f) => existsSync(f))
        : (Array.isArray(spec.env_file) ? spec.env_file : [spec.env_file]).map((p) => resolve(base, p));
    const included = ctx.loadProject(paths, dir, envFiles, [...chain, ...paths]);
    if (!included) return;
    for (const section of SECTIONS) {
      const original = included[section] as Dict | null | undefined;
      if (!original) continue;
      let items = original;
      if (dir !== projectDir) {
        if (section === "services") items = Object.fromEntries(Object.entries(items).map(([k, v]) => [k, isDict(v) ? rebaseService(v, dir) : v]));
        if (section === "secrets" || section === "configs") items = rebaseFileObjects(items, dir) as Dict;
      }
      const target = ((doc as Dict)[section] ??= {}) as Dict;
      for (const [name, value] of Object.entries(items)) {
        if (name in target && JSON.stringify(target[name]) !== JSON.stringify(value)) {
          ctx.problems.atPath(
            ctx.origins,
            doc,
            [section, name],
            `${section}.${name} conflicts with a definition imported by include[${i}] (${paths.join(", ")})`,
            "rename one of them, or use extends to share the definition",
          );
          ctx.exclude?.([section, name]);
          continue;
        }
        target[name] = value;
        ctx.origins.setEntry(target, name, ctx.origins.entry(original, name), ctx.origins.get(doc)?.loc);
      }
    }
  });
  delete (doc as Dict).include;
}
