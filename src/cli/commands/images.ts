/** `berth images [SERVICE…]`: the images an environment's containers run, as `docker compose images`. */
import type { Command } from "commander";
import { BerthError } from "../../errors.js";
import type { CliContext, GlobalOptions } from "../context.js";
import { bytes } from "../render.js";
import { table } from "../table.js";
import { serviceList, targetProject } from "../target.js";
import { splitImageRef } from "../../registry/reference.js";

export interface ContainerImage {
  container: string;
  service: string;
  repository: string;
  tag: string;
  imageId: string;
  sizeBytes: number;
}

export function registerImages(program: Command, ctx: CliContext, globals: () => GlobalOptions): void {
  program
    .command("images")
    .description("list the images an environment's containers were created from")
    .argument("[services...]", "services to list (default: all)")
    .option("--format <format>", "table (default) or json")
    .addHelpText(
      "after",
      "\nColumns: CONTAINER, REPOSITORY, TAG, IMAGE ID, SIZE. With -q only the image ids (sha256:…), once each.\n\nExamples:\n  berth images\n  berth images -p my-env web --format json\n  berth images -q",
    )
    .action(async (services: string[], o: { format?: string }) => {
      const g = globals();
      const format = g.json ? "json" : (o.format ?? "table");
      if (format !== "table" && format !== "json")
        throw new BerthError("USAGE", `--format ${format} is not a format berth prints`, { hint: "Use table or json." });
      const { engine, project } = await targetProject(ctx, g);
      const [{ projectContainers }, { containerImage, imageInfo }] = await Promise.all([
        import("../../lifecycle/operations.js"),
        import("../../engine/compose-commands.js"),
      ]);
      const containers = await projectContainers(engine, project, { services: serviceList(services), signal: ctx.signal });
      const infos = new Map<string, Awaited<ReturnType<typeof imageInfo>>>();
      const rows: ContainerImage[] = [];
      for (const c of containers) {
        const image = await containerImage(engine, c.id, { signal: ctx.signal });
        if (!infos.has(image.id)) infos.set(image.id, await imageInfo(engine, image.id, { signal: ctx.signal }));
        const info = infos.get(image.id);
        // The name the container was created with, when the image still carries it; else the image's first tag.
        const ref = info?.repoTags.includes(image.name) ? image.name : (info?.repoTags[0] ?? image.name);
        rows.push({ container: c.name, service: c.service, ...splitImageRef(ref), imageId: image.id, sizeBytes: info?.sizeBytes ?? 0 });
      }
      if (g.quiet) return ctx.out([...new Set(rows.map((r) => r.imageId))].join("\n"));
      if (format === "json") return ctx.out(JSON.stringify(rows));
      ctx.out(
        table(
          ["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"],
          rows.map((r) => [r.container, r.repository, r.tag, r.imageId.replace(/^sha256:/, "").slice(0, 12), bytes(r.sizeBytes)]),
        ),
      );
    });
}
