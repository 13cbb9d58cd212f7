/**
 * Compose's uniqueness rules for sequences (compose-go's override.EnforceUnicity): after files
 * are merged, an item whose identity repeats an earlier one replaces it in place. The identity
 * is per field: a volume or device by container path, a secret or config by its target path,
 * an environment-style entry by the key before `=`, a port by host ip, published port, target
 * and protocol, an env_file by path. Lists not named here keep every item (they append).
 * Applied to each file's own lists too, as compose-go does.
 */
import type { Origins, Path } from "./origins.js";
import { scalarText } from "./scalar-text.js";
import { VolumeSyntaxError, parseVolumeShort } from "./volume-syntax.js";

type Indexer = (v: unknown) => string;
const isDict = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const keyValue: Indexer = (v) => (typeof v === "string" ? v.split("=", 1)[0]! : JSON.stringify(v));
const mount =
  (dir: string): Indexer =>
  (v) => {
    if (typeof v === "string") return `${dir}/${v}`;
    if (isDict(v)) return v.target !== undefined ? scalarText(v.target) : `${dir}/${String(v.source)}`;
    return JSON.stringify(v);
  };
const volume: Indexer = (v) => {
  if (isDict(v)) return String(v.target);
  if (typeof v !== "string") return JSON.stringify(v);
  try {
    return parseVolumeShort(v).target;
  } catch (e) {
    if (e instanceof VolumeSyntaxError) return `\u0000${v}`; // reported by validation; keep it
    throw e;
  }
};
const device: Indexer = (v) => {
  if (isDict(v)) return String(v.target);
  const parts = String(v).split(":");
  return parts.length === 1 ? parts[0]! : parts[1]!;
};
const port: Indexer = (v) => {
  if (!isDict(v)) return String(v);
  return `${scalarText(v.host_ip ?? "0.0.0.0")}:${scalarText(v.published)}:${scalarText(v.target)}/${scalarText(v.protocol ?? "tcp")}`;
};
const envFile: Indexer = (v) => (isDict(v) ? String(v.path) : String(v));

const RULES: [string, Indexer][] = [
  ["networks.*.labels", keyValue],
  ["networks.*.ipam.options", keyValue],
  ["services.*.annotations", keyValue],
  ["services.*.build.args", keyValue],
  ["services.*.build.additional_contexts", keyValue],
  ["services.*.build.platforms", keyValue],
  ["services.*.build.tags", keyValue],
  ["services.*.build.labels", keyValue],
  ["services.*.cap_add", keyValue],
  ["services.*.cap_drop", keyValue],
  ["services.*.configs", mount("")],
  ["services.*.deploy.labels", keyValue],
  ["services.*.devices", device],
  ["services.*.dns", keyValue],
  ["services.*.dns_opt", keyValue],
  ["services.*.dns_search", keyValue],
  ["services.*.environment", keyValue],
  ["services.*.env_file", envFile],
  ["services.*.expose", (v) => String(v)],
  ["services.*.labels", keyValue],
  ["services.*.links", keyValue],
  ["services.*.networks.*.aliases", keyValue],
  ["services.*.networks.*.link_local_ips", keyValue],
  ["services.*.ports", port],
  ["services.*.profiles", keyValue],
  ["services.*.secrets", mount("/run/secrets")],
  ["services.*.sysctls", keyValue],
  ["services.*.tmpfs", keyValue],
  ["services.*.volumes", volume],
];

/**
 * Field-path patterns (`services.*.ports`) split once: merge and unique test them at every node
 * of a document, and splitting them per test was a measurable share of loading a large file.
 */
const splitPatterns = new Map<string, readonly string[]>();
export function compiled(pattern: string): readonly string[] {
  let parts = splitPatterns.get(pattern);
  if (!parts) splitPatterns.set(pattern, (parts = pattern.split(".")));
  return parts;
}

/** Whether `path` matches the split pattern (`*` matches any one segment). */
export function matchesPattern(path: Path, parts: readonly string[]): boolean {
  if (parts.length !== path.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p !== "*" && p !== String(path[i])) return false;
  }
  return true;
}

/**
 * The rules by the last segment of their pattern (every pattern ends with a field name): the
 * walk asks for every list of every service, and testing all the rules each time was most of
 * this phase on a file of thousands of services.
 */
const RULES_BY_FIELD = new Map<string, (readonly [readonly string[], Indexer])[]>();
for (const [pattern, index] of RULES) {
  const parts = compiled(pattern);
  const field = parts[parts.length - 1]!;
  if (field === "*") throw new Error(`a uniqueness rule must end with a field name: ${pattern}`);
  const list = RULES_BY_FIELD.get(field) ?? [];
  list.push([parts, index]);
  RULES_BY_FIELD.set(field, list);
}

/** The identity function of the list at `path`, or undefined when that list keeps duplicates. */
export function indexerFor(path: Path): Indexer | undefined {
  if (path.length === 0) return undefined;
  return RULES_BY_FIELD.get(String(path[path.length - 1]))?.find(([parts]) => matchesPattern(path, parts))?.[1];
}

/** Drops repeated items (the later one takes the earlier one's place), keeping positions. */
export function uniqueList(origins: Origins, list: unknown[], index: Indexer): unknown[] {
  const out: unknown[] = [];
  const at = new Map<string, number>();
  const from: number[] = [];
  list.forEach((v, i) => {
    const k = index(v);
    const j = at.get(k);
    if (j !== undefined) {
      out[j] = v;
      from[j] = i;
    } else {
      at.set(k, out.length);
      out.push(v);
      from.push(i);
    }
  });
  if (out.length === list.length) return list;
  const info = origins.get(list);
  if (info) origins.register(out, info.loc);
  from.forEach((i, j) => origins.setEntry(out, j, origins.entry(list, i), info?.loc));
  return out;
}

/** Applies the uniqueness rules to every list of a raw document, in place. */
export function enforceUnique(origins: Origins, doc: Record<string, unknown>): void {
  // One path stack for the walk (indexerFor does not keep it): a path array per key was most of
  // this phase's allocations on a file of thousands of services.
  const path: string[] = [];
  const visit = (node: unknown): void => {
    if (!isDict(node)) return;
    for (const k of Object.keys(node)) {
      const v = node[k];
      path.push(k);
      if (Array.isArray(v)) {
        const index = indexerFor(path);
        if (index) node[k] = uniqueList(origins, v, index);
      } else if (path.length < 5) visit(v);
      path.pop();
    }
  };
  visit(doc);
}
