/** The project's `.env` / `--env-file` files: the variables used for interpolation. */
import { readFileSync } from "node:fs";
import { parseEnvFile } from "./env-file.js";
import type { Problems } from "./problems.js";

export interface EnvSource {
  values: Map<string, string>;
  /** Files that were read, in order. */
  files: string[];
}

/**
 * Reads env files in order (later files override earlier ones); a variable already set in the
 * process environment is visible inside them through `outer`. Missing files are reported by
 * the caller, which knows whether they were asked for explicitly.
 */
export function loadEnvFiles(files: string[], outer: (name: string) => string | undefined, problems: Problems): EnvSource {
  const values = new Map<string, string>();
  const read: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      problems.at({ file, line: 1, column: 1 }, undefined, `env file ${file} not found`, "create it or fix the --env-file path");
      continue;
    }
    read.push(file);
    const parsed = parseEnvFile(text, (n) => outer(n) ?? values.get(n));
    for (const p of parsed.problems) problems.add({ file, line: p.line, column: p.column, message: p.message, ...(p.hint ? { hint: p.hint } : {}) });
    for (const [k, v] of parsed.values) values.set(k, v);
  }
  return { values, files: read };
}
