/**
 * Chosen container paths in a snapshot (the `paths` option): what a path may be, which containers
 * hold it, and how a saved path finds its container again on restore. Pure decisions; the copying
 * is path-copy.ts. A saved path is a source like a volume (sources.ts), keyed by service, replica
 * and path: `path:<service>.<number>:<path>`.
 */
import { posix } from "node:path";
import type { ContainerSummary } from "../engine/types.js";
import { BerthError } from "../errors.js";
import { LABEL } from "../labels.js";
import type { DataSource } from "./sources.js";

/** Per service, the absolute paths of its containers to save with the snapshot. */
export type SnapshotPaths = Record<string, string[]>;

/** One path of one container, as saved (or to be put back). */
export interface PathSource {
  key: string;
  service: string;
  /** The container's replica number. */
  number: string;
  path: string;
  /** The container's id. */
  container: string;
}

const PREFIX = "path:";
/** Filesystems the kernel provides: nothing of the container's own to save. */
const KERNEL = ["/proc", "/sys", "/dev"];
/** Files the engine mounts into every container (not listed among its mounts): a path holding one cannot be replaced. */
const ENGINE_FILES = ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];

export const pathSourceKey = (service: string, number: string, path: string): string => `${PREFIX}${service}.${number}:${path}`;

export const isPathSource = (key: string): boolean => key.startsWith(PREFIX);

/** A path source key's parts; null for any other source (a volume). */
export function parsePathSource(key: string): { service: string; number: string; path: string } | null {
  const m = /^path:([^:]+)\.(\d+):(\/.*)$/.exec(key);
  return m ? { service: m[1]!, number: m[2]!, path: m[3]! } : null;
}

/** Whether `inner` is `outer` or lies under it. */
const within = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer === "/" ? "/" : `${outer}/`);

/** The path in normal form (no `.`, `..`, doubled or trailing slashes); USAGE for a relative path, `/` or a kernel filesystem. */
export function normalizeContainerPath(service: string, path: string): string {
  if (!path.startsWith("/")) {
    throw new BerthError("USAGE", `the snapshot path "${path}" of service ${service} is not absolute`, {
      hint: "Name a path in the container from its root, e.g. /srv/state.",
    });
  }
  const p = posix.normalize(path).replace(/\/+$/, "");
  if (p === "")
    throw new BerthError("USAGE", `a snapshot cannot hold the whole filesystem of service ${service} ("/")`, { hint: "Name the folders that hold the data." });
  const kernel = KERNEL.find((k) => within(p, k));
  if (kernel) {
    throw new BerthError("USAGE", `the snapshot path ${p} of service ${service} is in ${kernel}, which the kernel provides`, {
      hint: "Name a folder of the container's own filesystem.",
    });
  }
  const engineFile = ENGINE_FILES.find((f) => within(f, p));
  if (engineFile) {
    throw new BerthError("USAGE", `the snapshot path ${p} of service ${service} holds ${engineFile}, which the engine provides`, {
      hint: "Name the folders below it that hold the data.",
    });
  }
  return p;
}

/** `SERVICE:/abs/path` (the CLI's `--path`, repeatable) into per-service paths. */
export function parsePathOptions(values: string[]): SnapshotPaths {
  const out: SnapshotPaths = {};
  for (const v of values) {
    const colon = v.indexOf(":");
    if (colon <= 0) throw new BerthError("USAGE", `--path ${v}: expected SERVICE:/absolute/path`, { hint: "For example --path app:/srv/state." });
    (out[v.slice(0, colon)] ??= []).push(v.slice(colon + 1));
  }
  return out;
}

/** Why `path` of container `c` cannot be saved as a path of its own: it is, holds or lies in a mount. */
function mountConflict(c: ContainerSummary, service: string, path: string, sources: DataSource[]): BerthError | undefined {
  for (const m of c.mounts) {
    const at = m.destination;
    if (!at || !(within(path, at) || within(at, path))) continue;
    const saved = m.type === "volume" && sources.some((s) => s.volume === m.name);
    const what = saved ? "a volume the snapshot holds already" : m.type === "volume" ? "a volume berth does not snapshot (external)" : `a ${m.type} mount`;
    const where = within(path, at) ? `is in ${what}, mounted at ${at}` : `holds ${what}, mounted at ${at}`;
    return new BerthError("USAGE", `the snapshot path ${path} of service ${service} ${where}`, {
      hint: saved
        ? "Drop the path: the volume's contents are in every snapshot. Name paths of the container's own filesystem only."
        : "Name paths of the container's own filesystem only, outside its mounts.",
    });
  }
  return undefined;
}

/**
 * The path sources to save: each path of each (non one-off) container of each named service.
 * NOT_FOUND for a service without a container, USAGE for a path that is not absolute, overlaps
 * another of the same service, or is, holds or lies in one of the container's mounts (`sources`:
 * the environment's volumes that the snapshot holds anyway). Checked before anything is stopped.
 */
export function planPathSources(paths: SnapshotPaths, containers: ContainerSummary[], sources: DataSource[], project: string): PathSource[] {
  const out: PathSource[] = [];
  for (const [service, given] of Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))) {
    const replicas = containers.filter((c) => c.labels[LABEL.service] === service && c.labels[LABEL.oneoff] !== "true");
    if (replicas.length === 0) {
      const known = [...new Set(containers.map((c) => c.labels[LABEL.service]).filter(Boolean))].sort();
      throw new BerthError("NOT_FOUND", `environment ${project} has no container of service ${service} to save paths of`, {
        hint: `Services with containers: ${known.join(", ") || "none"}.`,
      });
    }
    const normal = [...new Set(given.map((p) => normalizeContainerPath(service, p)))].sort();
    for (const p of normal) {
      const other = normal.find((q) => q !== p && within(q, p));
      if (other)
        throw new BerthError("USAGE", `the snapshot paths ${p} and ${other} of service ${service} overlap`, { hint: `Name only ${p}: it holds ${other}.` });
    }
    for (const c of [...replicas].sort((a, b) => Number(a.labels[LABEL.number] ?? 1) - Number(b.labels[LABEL.number] ?? 1))) {
      const number = c.labels[LABEL.number] ?? "1";
      for (const path of normal) {
        const conflict = mountConflict(c, service, path, sources);
        if (conflict) throw conflict;
        out.push({ key: pathSourceKey(service, number, path), service, number, path, container: c.id });
      }
    }
  }
  return out;
}

/**
 * Pairs each saved path (snapshot volume and its source key) with the container of the same
 * service and replica in the environment restored into. CONFLICT when one has no such container,
 * or when a service whose paths were saved has a replica the snapshot lacks (it would keep data
 * the others lose): restore into an environment of the same file and scale.
 */
export function pairPathSources(
  snapshot: { project: string; name: string },
  saved: { volume: string; source: string }[],
  containers: ContainerSummary[],
): (PathSource & { volume: string })[] {
  const live = new Map<string, string>();
  for (const c of containers) {
    const service = c.labels[LABEL.service];
    if (service && c.labels[LABEL.oneoff] !== "true") live.set(`${service}.${c.labels[LABEL.number] ?? "1"}`, c.id);
  }
  const out: (PathSource & { volume: string })[] = [];
  const missing: string[] = [];
  for (const s of saved) {
    const p = parsePathSource(s.source);
    if (!p) continue;
    const container = live.get(`${p.service}.${p.number}`);
    if (container) out.push({ ...p, key: s.source, container, volume: s.volume });
    else missing.push(`${p.service}.${p.number}`);
  }
  const services = new Set(out.map((p) => p.service));
  const extra = [...live.keys()].filter((r) => services.has(r.slice(0, r.lastIndexOf("."))) && !out.some((p) => `${p.service}.${p.number}` === r));
  if (missing.length || extra.length) {
    throw new BerthError("CONFLICT", `snapshot ${snapshot.name} of ${snapshot.project} does not match the environment's containers`, {
      hint: [
        missing.length ? `Saved paths of containers not in the environment: ${[...new Set(missing)].join(", ")}.` : "",
        extra.length ? `Containers whose paths are not in the snapshot: ${extra.join(", ")}.` : "",
        "Restore into an environment of the same compose file and scale.",
      ]
        .filter(Boolean)
        .join(" "),
    });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}
