/**
 * A fast yes/no answer to "does zod find nothing to report in this file?", compiled once from the
 * raw zod schema itself (schema*.ts), so it cannot drift from it.
 *
 * Why it exists: almost every file a load reads is valid, and zod's full parse of a 5 MB file of
 * thousands of services (a copy of every mapping, a result object per value, each strict
 * mapping's whole shape walked per entry) was over a tenth of the load and much of its garbage.
 * This predicate walks the value once, looking up only the keys it has. It only ever says "valid"
 * or "not sure": validate.ts takes its "valid" as zod's answer, and sends everything else through
 * zod, whose issues make every message. So a message can never come from here.
 *
 * The compiled predicate follows zod 4's parse of each schema kind (string, number, boolean,
 * null, unknown, literal, enum, optional, array, strict object, record, union) and runs each
 * schema's own checks (`.regex`, `.int`, `.superRefine`) through the check functions zod would
 * call. A schema of any other kind makes `compileCheck` throw, and the fast path is then off (every file goes through zod).
 * Where zod and this predicate could differ, the predicate says "not valid" (zod decides):
 * an object that is not a plain one, a `__proto__` key, a record key zod would accept only as a
 * number. Unknown `x-` keys of a strict mapping are accepted: zod reports them as
 * `unrecognized_keys`, which never aborts a parse (so a union still picks that alternative) and
 * which the validator ignores. test/unit/compose/schema-check.test.ts runs both on the whole
 * compose corpus and on thousands of broken variants of it, and fails on any file this predicate
 * accepts while zod reports something.
 */
import type { z } from "zod";

export type Check = (v: unknown) => boolean;

/** A zod schema's internals as zod 4 exposes them to libraries (`schema._zod`). */
interface Internals {
  def: Def;
  values?: Set<unknown>;
  optin?: string;
  check?: (payload: { value: unknown; issues: unknown[] }) => unknown;
}
interface Def {
  type: string;
  checks?: { _zod: Internals }[];
  coerce?: boolean;
  shape?: Record<string, { _zod: Internals }>;
  catchall?: { _zod: Internals };
  keyType?: { _zod: Internals };
  valueType?: { _zod: Internals };
  element?: { _zod: Internals };
  innerType?: { _zod: Internals };
  options?: { _zod: Internals }[];
  inclusive?: boolean;
  discriminator?: string;
  mode?: string;
}

export class UnsupportedSchema extends Error {}

/** The predicate of `schema`; throws UnsupportedSchema for a kind of schema it does not know. */
export function compileCheck(schema: z.ZodType): Check {
  return compile((schema as unknown as { _zod: Internals })._zod, new Map());
}

function compile(s: Internals, cache: Map<Internals, Check>): Check {
  const known = cache.get(s);
  if (known) return known;
  const base = compileBase(s, cache);
  const checks = (s.def.checks ?? []).map((c) => c._zod.check);
  if (checks.some((c) => c === undefined)) throw new UnsupportedSchema("a check without a check function");
  const run = checks as ((payload: { value: unknown; issues: unknown[] }) => unknown)[];
  const check: Check =
    run.length === 0
      ? base
      : (v) => {
          if (!base(v)) return false;
          for (const c of run) {
            const payload = { value: v, issues: [] as unknown[] };
            // An asynchronous check (none in the compose schema) is not awaited: "not sure".
            if (c(payload) instanceof Promise || payload.issues.length > 0) return false;
          }
          return true;
        };
  cache.set(s, check);
  return check;
}

function compileBase(s: Internals, cache: Map<Internals, Check>): Check {
  const def = s.def;
  if (def.coerce) throw new UnsupportedSchema("coercion");
  switch (def.type) {
    case "string":
      return (v) => typeof v === "string";
    case "number":
      return (v) => typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "null":
      return (v) => v === null;
    case "unknown":
      return () => true;
    case "literal":
    case "enum": {
      const values = s.values;
      if (!values) throw new UnsupportedSchema(def.type);
      return (v) => values.has(v);
    }
    case "optional": {
      const inner = compile(def.innerType!._zod, cache);
      if (def.innerType!._zod.optin === "defaulted") throw new UnsupportedSchema("a default inside optional");
      return (v) => v === undefined || inner(v);
    }
    case "array": {
      const element = compile(def.element!._zod, cache);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case "union": {
      if (def.inclusive === false || def.discriminator !== undefined) throw new UnsupportedSchema("an exclusive or discriminated union");
      const options = def.options!.map((o) => compile(o._zod, cache));
      return (v) => {
        for (const o of options) if (o(v)) return true;
        return false;
      };
    }
    case "object":
      return compileObject(def, cache);
    case "record": {
      if (def.mode !== undefined && def.mode !== "strict") throw new UnsupportedSchema(`a ${def.mode} record`);
      // A key schema of fixed values (an enum) makes zod check keys differently.
      if (def.keyType!._zod.values) throw new UnsupportedSchema("a record of fixed keys");
      const key = compile(def.keyType!._zod, cache);
      const value = compile(def.valueType!._zod, cache);
      return (v) => {
        if (!isPlain(v)) return false;
        for (const k in v) {
          if (k === "__proto__" || !key(k) || !value(v[k])) return false;
        }
        return true;
      };
    }
    default:
      throw new UnsupportedSchema(def.type);
  }
}

function compileObject(def: Def, cache: Map<Internals, Check>): Check {
  const catchall = def.catchall?._zod.def.type;
  if (catchall !== undefined && catchall !== "never") throw new UnsupportedSchema("an object with a catchall");
  const strict = catchall === "never";
  const fields = new Map<string, Check>();
  const required: string[] = [];
  for (const [k, field] of Object.entries(def.shape!)) {
    fields.set(k, compile(field._zod, cache));
    if (field._zod.optin === undefined) required.push(k);
  }
  return (v) => {
    if (!isPlain(v)) return false;
    for (const k in v) {
      const field = fields.get(k);
      if (field === undefined) {
        if (k === "__proto__" || (strict && !k.startsWith("x-"))) return false;
      } else if (!field(v[k])) return false;
    }
    for (const k of required) if (!(k in v)) return false;
    return true;
  };
}

/** A mapping as the readers make them (an object literal); anything else is left to zod. */
function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}
