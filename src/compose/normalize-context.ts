/** What the normalizer needs to know besides the merged document. */
import { isAbsolute, resolve } from "node:path";
import type { Origins, Path } from "./origins.js";
import type { Problems } from "./problems.js";

export interface NormalizeContext {
  /** Directory relative paths are resolved against. */
  projectDir: string;
  /** The interpolation environment (process env over .env); `secret` if it came from .env. */
  lookup: (name: string) => { value: string | undefined; secret: boolean };
  /** HOME, for `~` in paths. */
  home: string | undefined;
  readText: (file: string) => string | undefined;
  origins: Origins;
  problems: Problems;
  /** The merged document, for positions. */
  root: Record<string, unknown>;
}

export function problem(ctx: NormalizeContext, path: Path, message: string, hint?: string): void {
  ctx.problems.atPath(ctx.origins, ctx.root, path, message, hint);
}

/** Absolute path for a host path written in the file (`./x`, `../x`, `~/x`, `/x`). */
export function hostPath(ctx: Pick<NormalizeContext, "projectDir" | "home">, p: string): string {
  if (p === "~" || p.startsWith("~/")) return resolve(ctx.home ?? "/", p.slice(2));
  return isAbsolute(p) ? p : resolve(ctx.projectDir, p);
}

/** Build contexts may be URLs (git, http) which stay as written. */
export function isRemoteContext(p: string): boolean {
  return (
    /^(https?:\/\/|git@|git:\/\/|github\.com\/|ssh:\/\/)/.test(p) ||
    /\.git(#.*)?$/.test(p) ||
    /^[a-z]+-image:\/\//.test(p) ||
    p.startsWith("docker-image://") ||
    p.startsWith("service:")
  );
}
