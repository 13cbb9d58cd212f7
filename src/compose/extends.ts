/**
 * Phase 5, extends: `extends: {service, file?}` in one file, resolved before that file is merged
 * with the others (as compose-go does). The base is merged under the extending service with
 * the ordinary merge rules; bases may themselves extend others; a loop is reported with the
 * whole chain. Bases from another directory have their relative paths rebased.
 */
import { dirname, resolve } from "node:path";
import { suggest } from "./did-you-mean.js";
import { isDict, type Merger } from "./merge.js";
import type { Origins } from "./origins.js";
import type { Problems } from "./problems.js";
import { rebaseService } from "./rebase.js";
import type { RawCompose } from "./schema-project.js";

type Dict = Record<string, unknown>;

export interface ExtendsContext {
  origins: Origins;
  problems: Problems;
  merger: Merger;
  /** Loads (read, interpolate, validate) another compose file; undefined if it failed. */
  loadFile: (file: string) => RawCompose | undefined;
  projectDir: string;
  /** Whether `service` of `file` was removed for a problem of its own (already reported). */
  isExcluded?: (file: string, service: string) => boolean;
  /** Called for each service of the file whose extends failed: the later phases skip it. */
  exclude?: (service: string) => void;
}

/** Resolves every `extends` in `doc` (the file `file`), in place. */
export function applyExtends(ctx: ExtendsContext, doc: RawCompose, file: string): void {
  const services = doc.services;
  if (!services) return;
  const done = new Map<string, Dict | undefined>();
  for (const name of Object.keys(services)) {
    const resolved = resolveService(ctx, doc, file, name, [], done);
    if (resolved) (services as Dict)[name] = resolved;
    else ctx.exclude?.(name);
  }
}

function resolveService(
  ctx: ExtendsContext,
  doc: RawCompose,
  file: string,
  name: string,
  chain: string[],
  done: Map<string, Dict | undefined>,
): Dict | undefined {
  const id = `${file}#${name}`;
  if (done.has(id)) return done.get(id);
  const svc = doc.services?.[name] as Dict | undefined;
  if (!svc) return undefined;
  const ext = svc.extends as string | { service: string; file?: string } | undefined;
  if (ext === undefined) return svc;
  const label = (f: string, n: string) => (f === chain[0]?.split("#")[0] || f === file ? n : `${n} (${f})`);
  if (chain.includes(id)) {
    const loop = [...chain.slice(chain.indexOf(id)), id].map((c) => {
      const [f, n] = c.split("#") as [string, string];
      return label(f, n);
    });
    ctx.problems.atPath(
      ctx.origins,
      doc,
      ["services", name, "extends"],
      `extends loop: ${loop.join(" -> ")}`,
      "a service cannot extend itself, directly or through others",
    );
    // Report a loop once: its members are settled as failed.
    for (const member of chain.slice(chain.indexOf(id))) done.set(member, undefined);
    return undefined;
  }
  const target = typeof ext === "string" ? { service: ext } : ext;
  let baseDoc = doc;
  let baseFile = file;
  if (target.file !== undefined) {
    baseFile = resolve(dirname(file), target.file);
    const loaded = baseFile === file ? doc : ctx.loadFile(baseFile);
    if (!loaded) {
      ctx.problems.atPath(
        ctx.origins,
        doc,
        ["services", name, "extends", "file"],
        `cannot load ${target.file} for extends`,
        "check the path; it is relative to this file",
      );
      return undefined;
    }
    baseDoc = loaded;
  }
  if (!baseDoc.services || !(target.service in baseDoc.services)) {
    // A base removed for its own problem: the extending service is skipped without a follow-on problem.
    if (ctx.isExcluded?.(baseFile, target.service)) {
      done.set(id, undefined);
      return undefined;
    }
    const where = baseFile === file ? "" : ` in ${target.file}`;
    const known = Object.keys(baseDoc.services ?? {}).sort();
    const close = suggest(target.service, known);
    const hint = close ? `did you mean "${close}"?` : known.length > 0 ? `known: ${known.join(", ")}` : undefined;
    ctx.problems.atPath(ctx.origins, doc, ["services", name, "extends"], `extends names unknown service "${target.service}"${where}`, hint);
    return undefined;
  }
  let base = resolveService(ctx, baseDoc, baseFile, target.service, [...chain, id], done);
  if (!base) return undefined;
  if (dirname(baseFile) !== ctx.projectDir) base = copyInfo(ctx.origins, base, rebaseService(base, dirname(baseFile)));
  const own: Dict = {};
  const info = ctx.origins.get(svc);
  if (info) ctx.origins.register(own, info.loc);
  for (const [k, v] of Object.entries(svc)) {
    if (k === "extends") continue;
    own[k] = v;
    ctx.origins.setEntry(own, k, info?.entries.get(k));
  }
  const { extends: _drop, ...baseWithout } = base;
  void _drop;
  const merged = ctx.merger.merge(copyInfo(ctx.origins, base, baseWithout), own, ["services", name]);
  const result = isDict(merged) ? merged : own;
  done.set(id, result);
  return result;
}

function copyInfo(origins: Origins, from: Dict, to: Dict): Dict {
  const info = origins.get(from);
  if (info && !origins.get(to)) {
    origins.register(to, info.loc);
    for (const k of Object.keys(to)) origins.setEntry(to, k, info.entries.get(k));
  }
  return to;
}
