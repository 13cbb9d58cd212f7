/**
 * Phase 2, interpolate: `${VAR}` substitution in every string value of a raw document, with
 * Compose's syntax: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`,
 * `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a literal `$`, and nested templates
 * inside defaults. As in compose-go (template.go): a `$` that starts no variable (`a $ b`,
 * `^re$`, `$1`) stays as written, and the `}` that closes `${` is found by counting every
 * brace, so a default may hold braces (`${JSON:-{"a":1}}`). It runs on each file before validation, as in compose-go, so that a value
 * such as `"${PORT:-8080}:80"` is checked after substitution, and so errors point at the
 * string that contained the template. Keys are not interpolated.
 */
import type { Origins, Path } from "./origins.js";
import type { Problems } from "./problems.js";

export interface Lookup {
  /** Value of a variable (undefined when unset), whether it came from an env file, and whether its name looks secret. */
  (name: string): { value: string | undefined; secret: boolean; sensitive?: boolean };
}

export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface Interpolated {
  value: string;
  /** A variable defined in an env file (.env / --env-file) contributed to the value. */
  secret: boolean;
  /** A variable whose name looks like a secret contributed to the value. */
  sensitive: boolean;
  /** Variables that were used while unset and had no default. */
  unset: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATOR_AFTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*:?[-+?]/;

export function interpolateString(input: string, lookup: Lookup): Interpolated {
  const state = { secret: false, sensitive: false, unset: [] as string[] };
  const value = expand(input, lookup, state);
  return { value, secret: state.secret, sensitive: state.sensitive, unset: state.unset };
}

interface State {
  secret: boolean;
  sensitive: boolean;
  unset: string[];
}

function expand(s: string, lookup: Lookup, st: State): string {
  if (!s.includes("$")) return s;
  let out = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const end = findClose(s, i + 1);
      if (end < 0) throw invalid(s);
      out += braced(s.slice(i + 2, end), s, lookup, st);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (!m) {
      out += "$";
      i++;
      continue;
    }
    out += resolve(m[0], lookup, st);
    i += 1 + m[0].length;
  }
  return out;
}

/**
 * Index of the `}` closing the `{` at `open`: every `{` opens (and, as in compose-go, the
 * character after it is skipped), every `}` closes. Without a balanced close, compose-go's
 * greedy pattern takes the last `}` of the string when an operator follows the name.
 */
function findClose(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "}") {
      depth--;
      if (depth === 0) return i;
    }
    if (s[i] === "{") {
      depth++;
      i++;
    }
  }
  const last = s.lastIndexOf("}");
  return last > open && OPERATOR_AFTER_NAME.test(s.slice(open + 1, last)) ? last : -1;
}

function braced(body: string, whole: string, lookup: Lookup, st: State): string {
  const m = NAME.exec(body);
  if (!m) throw invalid(whole);
  const name = m[0];
  const rest = body.slice(name.length);
  if (rest === "") return resolve(name, lookup, st);
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest);
  if (!op) throw invalid(whole);
  const arg = rest.slice(op[0].length);
  const { value, secret, sensitive } = lookup(name);
  const empty = value === undefined || (op[0].startsWith(":") && value === "");
  const use = (v: string): string => {
    if (secret) st.secret = true;
    if (sensitive) st.sensitive = true;
    return v;
  };
  switch (op[0]) {
    case ":-":
    case "-":
      return empty ? expand(arg, lookup, st) : use(value);
    case ":?":
    case "?": {
      if (!empty) return use(value);
      const msg = expand(arg, lookup, st);
      throw new InterpolationError(
        `required variable ${name} is ${value === undefined ? "unset" : "empty"}${msg ? `: ${msg}` : ""}`,
        `set ${name} in the environment or in the project's .env file`,
      );
    }
    default:
      return empty ? "" : expand(arg, lookup, st);
  }
}

function resolve(name: string, lookup: Lookup, st: State): string {
  const { value, secret, sensitive } = lookup(name);
  if (value === undefined) {
    st.unset.push(name);
    return "";
  }
  if (secret) st.secret = true;
  if (sensitive) st.sensitive = true;
  return value;
}

function invalid(s: string): InterpolationError {
  return new InterpolationError(`invalid interpolation format in "${s}"`, "write $$ for a literal $, and ${NAME} or ${NAME:-default} for a variable");
}

/**
 * Interpolates every string value under `root` in place, recording problems with positions
 * (a value that fails stays as written and its path goes to `onFailed`) and marking entries whose value came (partly) from an env file as secret, and from a
 * secret-looking variable as sensitive.
 */
export function interpolateTree(
  root: Record<string, unknown>,
  lookup: Lookup,
  origins: Origins,
  problems: Problems,
  onUnset?: (name: string, path: Path) => void,
  onFailed?: (path: Path) => void,
): void {
  // One path stack for the whole walk, copied only for a problem or an unset variable: a path
  // array per value was a tenth of the allocations of loading a file of thousands of services.
  const path: (string | number)[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        path.push(i);
        if (typeof v === "string") node[i] = one(node, i, v);
        else visit(v);
        path.pop();
      }
    } else if (typeof node === "object" && node !== null) {
      const rec = node as Record<string, unknown>;
      for (const k of Object.keys(rec)) {
        const v = rec[k];
        path.push(k);
        if (typeof v === "string") rec[k] = one(rec, k, v);
        else visit(v);
        path.pop();
      }
    }
  };
  const one = (parent: object, key: string | number, s: string): string => {
    if (!s.includes("$")) return s;
    try {
      const r = interpolateString(s, lookup);
      if (r.secret || r.sensitive) {
        const e = origins.entry(parent, key);
        if (e && r.secret) e.secret = true;
        if (e && r.sensitive) e.sensitive = true;
      }
      for (const name of r.unset) onUnset?.(name, [...path]);
      return r.value;
    } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      const at = [...path];
      problems.atPath(origins, root, at, e.message, e.hint);
      onFailed?.(at);
      return s;
    }
  };
  visit(root);
}
