/** `berth cp SERVICE:SRC DEST` / `berth cp SRC SERVICE:DEST`: copy files out of or into a service's container, as `docker compose cp`. */
import { lstat, stat } from "node:fs/promises";
import { basename, posix, resolve } from "node:path";
import type { Command } from "commander";
import type { Engine } from "../../engine/engine.js";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { targetProject } from "../target.js";

export interface CopyRequest {
  direction: "from-container" | "to-container";
  service: string;
  /** Absolute; a relative path given is taken from the container's root, as docker cp does. */
  containerPath: string;
  /** As given (relative to the working directory); "-" for a tar stream on stdin or stdout. */
  hostPath: string;
}

/** "web:/etc/x" → { service, path }; a host path (a "/" or "." first, a "/" before the colon, or no colon) → undefined. */
function containerOperand(arg: string): { service: string; path: string } | undefined {
  const m = /^([a-zA-Z0-9][a-zA-Z0-9_.-]*):(.*)$/.exec(arg);
  return m ? { service: m[1]!, path: m[2]! } : undefined;
}

/**
 * Which way a copy goes, decided from its two operands alone (exactly one must be SERVICE:PATH).
 * "-" as the host side is a tar stream, as with docker cp: stdout for a copy out, stdin for a copy in.
 */
export function parseCopyOperands(src: string, dest: string): CopyRequest {
  if (src === "-" && dest === "-")
    throw new BerthError("USAGE", "cp - -: one of the two must be SERVICE:PATH", { hint: "e.g. berth cp web:/etc/nginx - > nginx.tar" });
  const from = containerOperand(src);
  const to = containerOperand(dest);
  if (from && to)
    throw new BerthError("USAGE", `cp ${src} ${dest}: copying between containers is not supported`, {
      hint: "Copy to the host first, then into the other container.",
    });
  const side = from ?? to;
  if (!side)
    throw new BerthError("USAGE", `cp ${src} ${dest}: one of the two must be SERVICE:PATH`, { hint: "e.g. berth cp web:/etc/nginx/nginx.conf ./nginx.conf" });
  if (side.path === "") throw new BerthError("USAGE", `cp: ${from ? src : dest} names no path in the container`, { hint: `e.g. ${side.service}:/tmp/file` });
  return {
    direction: from ? "from-container" : "to-container",
    service: side.service,
    containerPath: posix.resolve("/", side.path) + (side.path.endsWith("/") && side.path !== "/" ? "/" : ""),
    hostPath: from ? dest : src,
  };
}

/**
 * Where a host file or directory copied to `dest` ends up, as docker cp decides: inside `dest` when
 * it is a directory; `dest` itself when it does not exist (unless it ends in "/"), or is a file and
 * the source is one too.
 */
export function copyTarget(dest: string, destKind: "directory" | "other" | "missing", source: { name: string; isDirectory: boolean }): string {
  const path = dest.length > 1 ? dest.replace(/\/$/, "") : dest;
  if (destKind === "directory") return posix.join(path, source.name);
  if (dest.endsWith("/")) throw new BerthError("NOT_FOUND", `cp: the directory ${dest} does not exist in the container`);
  if (destKind === "other" && source.isDirectory) throw new BerthError("USAGE", `cp: cannot copy a directory onto the file ${path}`);
  return path;
}

/**
 * Where a copy into the container goes: `path`, or, if it is a symlink, its target (as the
 * engine resolves it), as docker cp does with or without -L.
 */
async function destination(
  engine: Engine,
  id: string,
  path: string,
  signal: AbortSignal | undefined,
): Promise<{ path: string; kind: "directory" | "other" | "missing" }> {
  const stat = await engine.pathStat(id, path, { signal });
  if (stat.kind !== "symlink") return { path, kind: stat.kind };
  return { path: stat.linkTarget, kind: await engine.pathKind(id, stat.linkTarget, { signal }) };
}

export function registerCp(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("cp")
    .description("copy files or directories between a service's container and this machine")
    .argument("<source>", "SERVICE:PATH in the container, or a path here")
    .argument("<dest>", "a path here, or SERVICE:PATH in the container")
    .option("--index <n>", "which replica (default 1)", "1")
    .option(
      "-a, --archive",
      "into a container: keep the owner ids (uid and gid) the files have here; without it, they belong to the container's root (a tar stream keeps its own ids either way)",
    )
    .option("-L, --follow-link", "if the source path is a symlink, copy what it points to (under the link's name)")
    .addHelpText(
      "after",
      "\nAs docker cp: a directory is copied recursively; a destination directory that exists receives the source inside it;\na destination in the container that is a symlink is followed. Files copied out belong to the user running berth.\n\"-\" instead of a path here is a tar stream: written to stdout, or read from stdin into a directory.\nWorks on stopped containers too. Container paths are taken from the container's root.\n\nExamples:\n  berth cp web:/etc/nginx/nginx.conf ./nginx.conf\n  berth cp ./fixtures db:/docker-entrypoint-initdb.d\n  berth cp -a ./data app:/srv          # keeps the files' owners\n  berth cp -p my-env --index 2 worker:/var/log/app ./logs\n  berth cp web:/etc/nginx - | tar -t     # a tar stream on stdout\n  tar -c fixtures | berth cp - db:/tmp   # extracted into an existing directory",
    )
    .action(async (source: string, dest: string, o: { index: string; archive?: boolean; followLink?: boolean }) => {
      const g = globals();
      const replica = Number(o.index);
      if (!Number.isInteger(replica) || replica < 1) throw new BerthError("USAGE", `--index ${o.index}: give a replica number from 1`);
      const r = parseCopyOperands(source, dest);
      const hostPath = resolve(ctx.cwd, r.hostPath);
      const { engine, project } = await targetProject(ctx, g);
      const { containerOf, copyFromContainer, copyToContainer, followedPath } = await import("../../lifecycle/copy.js");
      const signal = ctx.signal;
      if (r.hostPath === "-") {
        const id = await containerOf(engine, project, r.service, { replica, signal });
        if (r.direction === "from-container") {
          // As docker cp: with -L the target's own archive, its entries not renamed.
          const path = o.followLink ? (await followedPath(engine, id, r.containerPath, signal)).path : r.containerPath;
          // stdout carries the archive: nothing else is written there.
          await engine.exportArchive(id, path, process.stdout, { signal });
          return;
        }
        const into = await destination(engine, id, r.containerPath, signal);
        if (into.kind !== "directory") {
          throw new BerthError(
            "USAGE",
            `cp - ${r.service}:${r.containerPath}: the destination of a tar stream must be a directory that exists in the container`,
            {
              hint: `Create it first (berth exec ${r.service} mkdir -p ${r.containerPath}), or name an existing directory.`,
            },
          );
        }
        // The stream's own owner ids are kept, with or without -a: it is extracted as it comes.
        await engine.importArchive(id, into.path, process.stdin, { signal });
      } else if (r.direction === "from-container") {
        await copyFromContainer(engine, project, r.service, r.containerPath, hostPath, { replica, signal, followLink: o.followLink });
      } else {
        const s = await (o.followLink ? stat(hostPath) : lstat(hostPath)).catch(() => {
          throw new BerthError("USAGE", `cp: ${r.hostPath} does not exist on this machine`);
        });
        const id = await containerOf(engine, project, r.service, { replica, signal });
        const into = await destination(engine, id, r.containerPath, signal);
        const target = copyTarget(into.path, into.kind, { name: basename(hostPath), isDirectory: s.isDirectory() });
        await copyToContainer(engine, project, r.service, hostPath, target, { replica, signal, archive: o.archive, followLink: o.followLink });
      }
      const there = `${r.service}:${r.containerPath}`;
      const [from, to] = r.direction === "from-container" ? [there, r.hostPath] : [r.hostPath, there];
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: "cp", from, to, replica }));
      if (!g.quiet) ctx.out(`Copied ${from} to ${to}`);
    });
}
