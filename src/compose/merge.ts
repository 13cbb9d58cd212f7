/**
 * Phase 4, merge: combines several files (and `extends` parents) with Compose's merge rules,
 * after compose-go's override package:
 *  - mappings merge recursively; scalars from the later file win;
 *  - `command`, `entrypoint`, `healthcheck.test` and each `ulimits` entry are replaced whole;
 *  - key/value fields (`environment`, `labels`, `build.args`, `sysctls`, `extra_hosts`, …) may be
 *    written as lists or maps; both sides become maps and merge by key;
 *  - `depends_on` and service `networks` lists become maps and merge by name;
 *  - `extra_hosts` stay a list (a host may map to several addresses): the later file's entries
 *    are appended unless the same entry is already there;
 *  - `logging` merges options only when the driver is unchanged;
 *  - `networks.*.ipam.config` entries merge by subnet (compose-go's algorithm, quirks included);
 *  - other sequences append, then the uniqueness rules of unique.ts apply;
 *  - `!override` replaces instead of merging, `!reset` removes what earlier files set.
 * Inputs are never modified; source positions are carried over to the merged objects.
 */
import type { Origins, Path } from "./origins.js";
import { compiled, indexerFor, matchesPattern, uniqueList } from "./unique.js";

type Dict = Record<string, unknown>;

const REPLACE = ["services.*.command", "services.*.entrypoint", "services.*.healthcheck.test", "services.*.ulimits.*", "services.*.build.ulimits.*"];
const KEY_VALUE = [
  "services.*.environment",
  "services.*.labels",
  "services.*.annotations",
  "services.*.sysctls",
  "services.*.build.args",
  "services.*.build.labels",
  "services.*.build.additional_contexts",
  "services.*.deploy.labels",
  "services.*.volumes.*.volume.labels",
  "networks.*.labels",
  "volumes.*.labels",
  "secrets.*.labels",
  "configs.*.labels",
];
const STRING_OR_LIST = ["services.*.dns", "services.*.dns_opt", "services.*.dns_search", "services.*.tmpfs", "services.*.env_file", "services.*.label_file"];
const EXTRA_HOSTS = ["services.*.extra_hosts", "services.*.build.extra_hosts"];

function matches(path: Path, pattern: string): boolean {
  return matchesPattern(path, compiled(pattern));
}
const matchesAny = (path: Path, patterns: string[]) => patterns.some((p) => matches(path, p));

export function isDict(v: unknown): v is Dict {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export class Merger {
  constructor(private readonly origins: Origins) {}

  /** Merges `over` onto `base` at `path` (the path of both values in the document). */
  merge(base: unknown, over: unknown, path: Path): unknown {
    if (base === undefined) return this.clean(over);
    if (over === undefined) return base;
    if (matchesAny(path, REPLACE)) return over;
    if (matchesAny(path, KEY_VALUE)) return this.mergeDicts(this.toDict(base, "="), this.toDict(over, "="), path);
    if (matchesAny(path, EXTRA_HOSTS)) return this.mergeExtraHosts(base, over);
    if (matchesAny(path, STRING_OR_LIST)) return this.mergeLists(toList(base), toList(over), path);
    if (matches(path, "services.*.depends_on")) return this.mergeDicts(this.dependsOnDict(base), this.dependsOnDict(over), path);
    if (matches(path, "services.*.networks") || matches(path, "services.*.models")) return this.mergeDicts(this.namesDict(base), this.namesDict(over), path);
    if (matches(path, "networks.*.ipam.config") && Array.isArray(base) && Array.isArray(over)) return this.mergeIpamConfig(base, over, path);
    if (matches(path, "services.*.build")) return this.mergeDicts(buildDict(base), buildDict(over), path);
    if (
      matches(path, "services.*.logging") &&
      isDict(base) &&
      isDict(over) &&
      base.driver !== undefined &&
      over.driver !== undefined &&
      base.driver !== over.driver
    )
      return over;
    if (Array.isArray(base) && Array.isArray(over)) return this.mergeLists(base, over, path);
    if (isDict(base) && isDict(over)) return this.mergeDicts(base, over, path);
    return over;
  }

  mergeDicts(base: Dict, over: Dict, path: Path): Dict {
    const out: Dict = {};
    const baseInfo = this.origins.get(base);
    const overInfo = this.origins.get(over);
    const loc = overInfo?.loc ?? baseInfo?.loc;
    // `out` has positions when either side has; entries come only from a side that has them.
    const entries = loc !== undefined ? this.origins.register(out, loc).entries : undefined;
    for (const k of Object.keys(base)) {
      if (overInfo?.resets?.has(k)) continue;
      out[k] = base[k];
      const e = baseInfo?.entries.get(k);
      if (e) entries!.set(k, e);
    }
    for (const k of Object.keys(over)) {
      const v = over[k];
      const e = overInfo?.entries.get(k);
      out[k] = e?.override ? v : this.merge(out[k], v, [...path, k]);
      if (e) entries!.set(k, e);
    }
    return out;
  }

  /**
   * Strips `!reset` markers from a value that has nothing to merge with: a copy of its
   * mappings (lists are kept) with their entries' positions. It is what mergeDicts({}, v) gives,
   * without its per-key path and rule lookups, which do nothing when one side is empty (the
   * first file of a load is copied whole through here).
   */
  private clean(v: unknown): unknown {
    if (!isDict(v)) return v;
    const info = this.origins.get(v);
    const out: Dict = {};
    const entries = info ? this.origins.register(out, info.loc).entries : undefined;
    for (const k of Object.keys(v)) {
      const value = v[k];
      const e = info?.entries.get(k);
      out[k] = e?.override ? value : this.clean(value);
      if (e) entries!.set(k, e);
    }
    return out;
  }

  /** Appends, then applies the field's uniqueness rule (unique.ts). */
  private mergeLists(base: unknown[], over: unknown[], path: Path): unknown[] {
    const items = [...base.map((v, i) => ({ v, from: base, i })), ...over.map((v, i) => ({ v, from: over, i }))];
    const joined = this.listWithOrigins(items);
    const index = indexerFor(path);
    return index ? uniqueList(this.origins, joined, index) : joined;
  }

  /** compose-go's mergeExtraHosts: both sides as `host=ip` lists; later entries not already present are appended. */
  private mergeExtraHosts(base: unknown, over: unknown): unknown[] {
    const b = this.hostsList(base);
    const o = this.hostsList(over);
    const seen = new Set(b.v.map((x) => JSON.stringify(x)));
    const items = [...b.v.map((v, i) => ({ v, from: b.from, i }))];
    o.v.forEach((v, i) => {
      if (!seen.has(JSON.stringify(v))) items.push({ v, from: o.from, i });
    });
    return this.listWithOrigins(items);
  }

  private hostsList(v: unknown): { v: unknown[]; from: unknown[] } {
    if (Array.isArray(v)) return { v, from: v };
    if (typeof v === "string") return { v: [v], from: [] };
    if (!isDict(v)) return { v: [], from: [] };
    // A mapping becomes a sorted `host=ip` list, one entry per address (as compose-go does).
    const list = Object.entries(v)
      .flatMap(([h, ips]) => (Array.isArray(ips) ? ips : [ips]).map((ip) => (ip === null ? h : `${h}=${String(ip)}`)))
      .sort();
    return { v: list, from: [] };
  }

  /**
   * compose-go's mergeIPAMConfig, ported as it behaves: each base entry is merged with the
   * override entry of the same subnet; override entries with a new subnet are added; a base
   * entry that no override entry names is dropped.
   */
  private mergeIpamConfig(base: unknown[], over: unknown[], path: Path): unknown[] {
    const out: Dict[] = [];
    const subnetIs = (s: unknown) => (a: Dict) => a.subnet === s;
    for (const original of base) {
      let right: Dict = isDict(original) ? original : {};
      for (const o of over) {
        const left: Dict = isDict(o) ? o : {};
        if (left.subnet !== right.subnet && !out.some(subnetIs(left.subnet))) {
          out.push(left);
          continue;
        }
        right = this.mergeDicts(right, left, path);
        const at = out.findIndex(subnetIs(right.subnet));
        if (at >= 0) out[at] = right;
        else out.push(right);
      }
    }
    return out;
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
