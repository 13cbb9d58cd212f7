/**
 * Relative paths inside a service taken from another directory (an `extends` base in another
 * file, an `include`d project) mean paths relative to *that* directory. Before such a service
 * joins the project they are made absolute, so that normalization, which resolves against the
 * project directory, leaves them alone.
 */
import { isAbsolute, resolve } from "node:path";
import { isDict } from "./merge.js";
import { isRemoteContext } from "./normalize-context.js";

type Dict = Record<string, unknown>;

/** Array.isArray whose items stay `unknown` rather than `any`. */
const isList = (v: unknown): v is unknown[] => Array.isArray(v);

const abs = (dir: string, p: string): string => (isAbsolute(p) || p.startsWith("~") ? p : resolve(dir, p));

/** Returns a shallow copy of `svc` with its relative host paths resolved against `dir`. */
export function rebaseService(svc: Dict, dir: string): Dict {
  const out: Dict = { ...svc };
  const b = svc.build;
  if (typeof b === "string") out.build = isRemoteContext(b) ? b : abs(dir, b);
  else if (isDict(b)) {
    const ctx = typeof b.context === "string" ? b.context : ".";
    out.build = { ...b, context: isRemoteContext(ctx) ? ctx : abs(dir, ctx) };
  }
  if (isList(svc.volumes)) {
    out.volumes = svc.volumes.map((v) => {
      if (typeof v === "string") {
        const [src, ...rest] = v.split(":");
        return rest.length > 0 && src!.startsWith(".") ? [abs(dir, src!), ...rest].join(":") : v;
      }
      if (isDict(v) && v.type === "bind" && typeof v.source === "string") return { ...v, source: abs(dir, v.source) };
      return v;
    });
  }
  for (const key of ["env_file", "label_file"]) {
    const v = svc[key];
    if (typeof v === "string") out[key] = abs(dir, v);
    else if (isList(v))
      out[key] = v.map((e) => (typeof e === "string" ? abs(dir, e) : isDict(e) && typeof e.path === "string" ? { ...e, path: abs(dir, e.path) } : e));
  }
  return out;
}

/** Top-level secrets/configs with `file:` — same reasoning, for included projects. */
export function rebaseFileObjects(objs: unknown, dir: string): unknown {
  if (!isDict(objs)) return objs;
  const out: Dict = {};
  for (const [k, v] of Object.entries(objs)) out[k] = isDict(v) && typeof v.file === "string" ? { ...v, file: abs(dir, v.file) } : v;
  return out;
}
