/**
 * Which compose files to load: `-f` files, else `COMPOSE_FILE`, else the first of Compose's
 * default names found in the working directory or its parents, plus the matching override file.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BerthError } from "../errors.js";

export const DEFAULT_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
export const OVERRIDE_FILES = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"];

export function resolveFiles(files: string[] | undefined, cwd: string, env: Record<string, string | undefined>): string[] {
  if (files && files.length > 0) return files.map((f) => checked(resolve(cwd, f), "-f"));
  const fromEnv = env.COMPOSE_FILE;
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const sep = env.COMPOSE_PATH_SEPARATOR || ":";
    return fromEnv
      .split(sep)
      .filter((f) => f !== "")
      .map((f) => checked(resolve(cwd, f), "COMPOSE_FILE"));
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = DEFAULT_FILES.map((n) => join(dir, n)).find((p) => existsSync(p));
    if (found) {
      const override = OVERRIDE_FILES.map((n) => join(dir, n)).find((p) => existsSync(p));
      return override ? [found, override] : [found];
    }
    if (dirname(dir) === dir) break;
  }
  throw new BerthError("COMPOSE_NOT_FOUND", `no compose file found in ${cwd} or its parent directories`, {
    hint: `create compose.yaml, pass -f FILE, or set COMPOSE_FILE (looked for ${DEFAULT_FILES.join(", ")})`,
  });
}

function checked(file: string, via: string): string {
  if (!existsSync(file)) {
    throw new BerthError("COMPOSE_NOT_FOUND", `compose file ${file} (from ${via}) does not exist`, {
      hint: "check the path; relative paths are resolved against the working directory",
    });
  }
  return file;
}
