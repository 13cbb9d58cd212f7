/**
 * `.env`, `--env-file` and service `env_file:` parsing, with Compose's dotenv rules: `KEY=VALUE`,
 * optional `export`, `#` comments (inline only after whitespace in unquoted values), single
 * quotes literal, double quotes with escapes and multi-line values, `${VAR}` interpolation of
 * unquoted and double-quoted values (earlier keys of the same file first, then the outer
 * environment), and a bare `KEY` that copies the variable from the outer environment if set.
 */
import { InterpolationError, interpolateString, type Lookup } from "./interpolate.js";

export interface EnvFileProblem {
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export interface ParsedEnvFile {
  /** Variables in file order. */
  values: Map<string, string>;
  problems: EnvFileProblem[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;

export function parseEnvFile(text: string, outer: (name: string) => string | undefined): ParsedEnvFile {
  const values = new Map<string, string>();
  const problems: EnvFileProblem[] = [];
  const lookup: Lookup = (name) => {
    const v = values.has(name) ? values.get(name) : outer(name);
    return { value: v, secret: false };
  };
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!.trimStart();
    if (line === "" || line.startsWith("#")) continue;
    if (/^export\s/.test(line)) line = line.replace(/^export\s+/, "");
    const eq = line.indexOf("=");
    if (eq < 0) {
      const key = line.trim();
      if (!KEY.test(key)) {
        // The line is not echoed: an env file holds secrets, and file:line says which one it is.
        problems.push({ line: lineNo, column: 1, message: "invalid line: expected KEY=VALUE", hint: "write NAME=value (or a bare NAME to copy it from the environment); quote values that span lines" });
        continue;
      }
      const v = outer(key);
      if (v !== undefined) values.set(key, v);
      continue;
    }
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key)) {
      problems.push({ line: lineNo, column: 1, message: `invalid variable name "${key}"`, hint: "names use letters, digits and _ and do not start with a digit" });
      continue;
    }
    let rest = line.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // Quoted values may span lines until the matching unescaped quote.
      let body = rest.slice(1);
      let end = findQuote(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        i++;
        body += "\n" + lines[i]!;
        end = findQuote(body, quote);
      }
      if (end < 0) {
        problems.push({ line: lineNo, column: eq + 2, message: `unterminated ${quote === '"' ? "double" : "single"}-quoted value for ${key}` });
        continue;
      }
      const raw = body.slice(0, end);
      if (quote === "'") {
        values.set(key, raw);
        continue;
      }
      rest = unescapeDouble(raw);
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      rest = rest.trim();
    }
    try {
      values.set(key, interpolateString(rest, lookup).value);
    } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      problems.push({ line: lineNo, column: eq + 2, message: e.message, ...(e.hint ? { hint: e.hint } : {}) });
    }
  }
  return { values, problems };
}

function findQuote(s: string, q: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && q === '"') {
      i++;
      continue;
    }
    if (s[i] === q) return i;
  }
  return -1;
}

function unescapeDouble(s: string): string {
  return s.replace(/\\([\\"nrt$])/g, (_, c: string) => {
    switch (c) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "$":
        return "$$"; // keep a literal $ through the interpolation that follows
      default:
        return c;
    }
  });
}
