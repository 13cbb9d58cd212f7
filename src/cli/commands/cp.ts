/** `berth cp SERVICE:SRC DEST` / `berth cp SRC SERVICE:DEST`: copy files out of or into a service's container, as `docker compose cp`. */
import { stat } from "node:fs/promises";
import { basename, posix, resolve } from "node:path";
import type { Command } from "commander";
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

export function registerCp(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("cp")
    .description("copy files or directories between a service's container and this machine")
    .argument("<source>", "SERVICE:PATH in the container, or a path here")
    .argument("<dest>", "a path here, or SERVICE:PATH in the container")
    .option("--index <n>", "which replica (default 1)", "1")
    .addHelpText(
      "after",
      '\nAs docker cp: a directory is copied recursively; a destination directory that exists receives the source inside it.\n"-" instead of a path here is a tar stream: written to stdout, or read from stdin into a directory.\nWorks on stopped containers too. Container paths are taken from the container\'s root.\n\nExamples:\n  berth cp web:/etc/nginx/nginx.conf ./nginx.conf\n  berth cp ./fixtures db:/docker-entrypoint-initdb.d\n  berth cp -p my-env --index 2 worker:/var/log/app ./logs\n  berth cp web:/etc/nginx - | tar -t     # a tar stream on stdout\n  tar -c fixtures | berth cp - db:/tmp   # extracted into an existing directory',
    )
    .action(async (source: string, dest: string, o: { index: string }) => {
      const g = globals();
      const replica = Number(o.index);
      if (!Number.isInteger(replica) || replica < 1) throw new BerthError("USAGE", `--index ${o.index}: give a replica number from 1`);
      const r = parseCopyOperands(source, dest);
      const hostPath = resolve(ctx.cwd, r.hostPath);
      const { engine, project } = await targetProject(ctx, g);
      const { containerOf, copyFromContainer, copyToContainer } = await import("../../lifecycle/copy.js");
      if (r.hostPath === "-") {
        const id = await containerOf(engine, project, r.service, { replica, signal: ctx.signal });
        if (r.direction === "from-container") {
          // stdout carries the archive: nothing else is written there.
          await engine.exportArchive(id, r.containerPath, process.stdout, { signal: ctx.signal });
          return;
        }
        const { containerPathKind } = await import("../../engine/compose-commands.js");
        if ((await containerPathKind(engine, id, r.containerPath, { signal: ctx.signal })) !== "directory") {
          throw new BerthError(
            "USAGE",
            `cp - ${r.service}:${r.containerPath}: the destination of a tar stream must be a directory that exists in the container`,
            {
              hint: `Create it first (berth exec ${r.service} mkdir -p ${r.containerPath}), or name an existing directory.`,
            },
          );
        }
        await engine.importArchive(id, r.containerPath, process.stdin, { signal: ctx.signal });
      } else if (r.direction === "from-container") {
        await copyFromContainer(engine, project, r.service, r.containerPath, hostPath, { replica, signal: ctx.signal });
      } else {
        const s = await stat(hostPath).catch(() => {
          throw new BerthError("USAGE", `cp: ${r.hostPath} does not exist on this machine`);
        });
        const { containerPathKind } = await import("../../engine/compose-commands.js");
        const id = await containerOf(engine, project, r.service, { replica, signal: ctx.signal });
        const kind = await containerPathKind(engine, id, r.containerPath, { signal: ctx.signal });
        const target = copyTarget(r.containerPath, kind, { name: basename(hostPath), isDirectory: s.isDirectory() });
        await copyToContainer(engine, project, r.service, hostPath, target, { replica, signal: ctx.signal });
      }
      const there = `${r.service}:${r.containerPath}`;
      const [from, to] = r.direction === "from-container" ? [there, r.hostPath] : [r.hostPath, there];
      if (g.json) return ctx.out(JSON.stringify({ type: "result", ok: true, project, operation: "cp", from, to, replica }));
      if (!g.quiet) ctx.out(`Copied ${from} to ${to}`);
    });
}
