/**
 * Phase 4, merge: combines several files (and `extends` parents) with Compose's merge rules,
 * after compose-go's override package:
 *  - mappings merge recursively; scalars from the later file win;
 *  - `command`, `entrypoint`, `healthcheck.test` and each `ulimits` entry are replaced whole;
 *  - key/value fields (`environment`, `labels`, `build.args`, `sysctls`, `extra_hosts`, …) may be
 *    written as lists or maps; both sides become maps and merge by key;
 *  - `depends_on` and service `networks` lists become maps and merge by name;
 *  - `logging` merges options only when the driver is unchanged;
 *  - other sequences append; `ports` drop exact duplicates, `volumes` are unique by container
 *    path, `secrets`/`configs` by target, plain string lists by value;
 *  - `!override` replaces instead of merging, `!reset` removes what earlier files set.
 * Inputs are never modified; source positions are carried over to the merged objects.
 */
import type { Origins, Path } from "./origins.js";

type Dict = Record<string, unknown>;

const REPLACE = ["services.*.command", "services.*.entrypoint", "services.*.healthcheck.test", "services.*.ulimits.*", "services.*.build.ulimits.*"];
const KEY_VALUE = [
  "services.*.environment",
  "services.*.labels",
  "services.*.annotations",
  "services.*.sysctls",
  "services.*.extra_hosts",
  "services.*.build.args",
  "services.*.build.labels",
  "services.*.build.additional_contexts",
  "services.*.build.extra_hosts",
  "services.*.deploy.labels",
  "services.*.volumes.*.volume.labels",
  "networks.*.labels",
  "volumes.*.labels",
  "secrets.*.labels",
  "configs.*.labels",
];
const STRING_OR_LIST = ["services.*.dns", "services.*.dns_search", "services.*.tmpfs", "services.*.env_file", "services.*.label_file"];

function matches(path: Path, pattern: string): boolean {
  const parts = pattern.split(".");
  return parts.length === path.length && parts.every((p, i) => p === "*" || p === String(path[i]));
}
const matchesAny = (path: Path, patterns: string[]) => patterns.some((p) => matches(path, p));

export function isDict(v: unknown): v is Dict {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export class Merger {
  constructor(private readonly origins: Origins) {}

  /** Merges `over` onto `base` at `path` (the path of both values in the document). */
  merge(base: unknown, over: unknown, path: Path): unknown {
    if (base === undefined) return this.clean(over, path);
    if (over === undefined) return base;
    if (matchesAny(path, REPLACE)) return over;
    if (matchesAny(path, KEY_VALUE)) return this.mergeDicts(this.toDict(base, "="), this.toDict(over, "="), path);
    if (matchesAny(path, STRING_OR_LIST)) return this.appendUnique(toList(base), toList(over), path);
    if (matches(path, "services.*.depends_on")) return this.mergeDicts(this.dependsOnDict(base), this.dependsOnDict(over), path);
    if (matches(path, "services.*.networks")) return this.mergeDicts(this.namesDict(base), this.namesDict(over), path);
    if (matches(path, "services.*.build")) return this.mergeDicts(buildDict(base), buildDict(over), path);
    if (matches(path, "services.*.logging") && isDict(base) && isDict(over) && base.driver !== undefined && over.driver !== undefined && base.driver !== over.driver) return over;
    if (Array.isArray(base) && Array.isArray(over)) return this.mergeLists(base, over, path);
    if (isDict(base) && isDict(over)) return this.mergeDicts(base, over, path);
    return over;
  }

  mergeDicts(base: Dict, over: Dict, path: Path): Dict {
    const out: Dict = {};
    const baseInfo = this.origins.get(base);
    const overInfo = this.origins.get(over);
    const loc = overInfo?.loc ?? baseInfo?.loc;
    if (loc) this.origins.register(out, loc);
    for (const [k, v] of Object.entries(base)) {
      if (overInfo?.resets?.has(k)) continue;
      out[k] = v;
      this.origins.setEntry(out, k, baseInfo?.entries.get(k), loc);
    }
    for (const [k, v] of Object.entries(over)) {
      const e = overInfo?.entries.get(k);
      out[k] = e?.override ? v : this.merge(out[k], v, [...path, k]);
      this.origins.setEntry(out, k, e, loc);
    }
    return out;
  }

  /** Strips `!reset` markers from a value that has nothing to merge with. */
  private clean(v: unknown, path: Path): unknown {
    if (!isDict(v)) return v;
    return this.mergeDicts({}, v, path);
  }

  private mergeLists(base: unknown[], over: unknown[], path: Path): unknown[] {
    const key = listKey(path);
    const items: { v: unknown; from: unknown[]; i: number }[] = [];
    const index = new Map<string, number>();
    const add = (v: unknown, from: unknown[], i: number, replace: boolean) => {
      const k = key(v);
      const at = index.get(k);
      if (at !== undefined) {
        if (replace) items[at] = { v, from, i };
        return;
      }
      index.set(k, items.length);
      items.push({ v, from, i });
    };
    base.forEach((v, i) => add(v, base, i, false));
    over.forEach((v, i) => add(v, over, i, true));
    return this.listWithOrigins(items);
  }

  private appendUnique(base: unknown[], over: unknown[], path: Path): unknown[] {
    void path;
    const seen = new Set<string>();
    const items: { v: unknown; from: unknown[]; i: number }[] = [];
    for (const [from, list] of [[base, base], [over, over]] as const) {
      list.forEach((v, i) => {
        const k = JSON.stringify(v);
        if (seen.has(k)) return;
        seen.add(k);
        items.push({ v, from, i });
      });
    }
    return this.listWithOrigins(items);
  }

  private listWithOrigins(items: { v: unknown; from: unknown[]; i: number }[]): unknown[] {
    const out = items.map((x) => x.v);
    items.forEach((x, j) => this.origins.setEntry(out, j, this.origins.entry(x.from, x.i)));
    return out;
  }

  /** `["A=1", "B"]` or `{A: 1}` → `{A: "1", B: null}` keeping positions. */
  toDict(v: unknown, sep: "=" | ":"): Dict {
    if (isDict(v)) return v;
    const out: Dict = {};
    if (!Array.isArray(v)) return out;
    const info = this.origins.get(v);
    if (info) this.origins.register(out, info.loc);
    v.forEach((item, i) => {
      const s = String(item);
      let at = s.indexOf("=");
      if (at < 0 && sep === ":") at = s.indexOf(":");
      const k = at < 0 ? s : s.slice(0, at);
      out[k] = at < 0 ? null : s.slice(at + 1);
      this.origins.setEntry(out, k, info?.entries.get(i), info?.loc);
    });
    return out;
  }

  private namesDict(v: unknown): Dict {
    if (isDict(v)) return v;
    const out = this.toDict(v, "=");
    for (const k of Object.keys(out)) out[k] = null;
    return out;
  }

  private dependsOnDict(v: unknown): Dict {
    if (isDict(v)) return v;
    const out = this.toDict(v, "=");
    for (const k of Object.keys(out)) out[k] = { condition: "service_started" };
    return out;
  }
}

function toList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
}

function buildDict(v: unknown): Dict {
  return typeof v === "string" ? { context: v } : isDict(v) ? v : {};
}

/** The identity of a list item for de-duplication, per field. */
function listKey(path: Path): (v: unknown) => string {
  if (matches(path, "services.*.volumes")) return (v) => `target:${volumeTarget(v)}`;
  if (matches(path, "services.*.secrets") || matches(path, "services.*.configs")) {
    return (v) => (typeof v === "string" ? `src:${v}` : isDict(v) ? (v.target !== undefined ? `tgt:${String(v.target)}` : `src:${String(v.source)}`) : JSON.stringify(v));
  }
  return (v) => JSON.stringify(v);
}

function volumeTarget(v: unknown): string {
  if (isDict(v)) return String(v.target);
  const parts = String(v).split(":");
  return parts.length === 1 ? parts[0]! : parts[1]!;
}
