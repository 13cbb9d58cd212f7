/** The raw schema of a whole compose file (see schema.ts for the conventions). */
import { z } from "zod";
import { RawService } from "./schema-service.js";
import * as p from "./schema-parts.js";

const driverOpts = z.record(z.string(), z.union([z.string(), z.number()]));

export const RawNetwork = z.union([
  z.null(),
  p.obj({
    name: p.str.optional(),
    driver: p.str.optional(),
    driver_opts: driverOpts.optional(),
    ipam: p
      .obj({
        driver: p.str.optional(),
        config: z
          .array(
            p.obj({
              subnet: p.str.optional(),
              ip_range: p.str.optional(),
              gateway: p.str.optional(),
              aux_addresses: z.record(z.string(), z.string()).optional(),
            }),
          )
          .optional(),
        options: z.record(z.string(), z.string()).optional(),
      })
      .optional(),
    external: p.external.optional(),
    internal: p.boolish.optional(),
    enable_ipv4: p.boolish.optional(),
    enable_ipv6: p.boolish.optional(),
    attachable: p.boolish.optional(),
    labels: p.listOrDict.optional(),
  }),
]);
export type RawNetwork = z.infer<typeof RawNetwork>;

export const RawVolume = z.union([
  z.null(),
  p.obj({
    name: p.str.optional(),
    driver: p.str.optional(),
    driver_opts: driverOpts.optional(),
    external: p.external.optional(),
    labels: p.listOrDict.optional(),
  }),
]);
export type RawVolume = z.infer<typeof RawVolume>;

export const RawSecret = p.obj({
  name: p.str.optional(),
  environment: p.str.optional(),
  file: p.str.optional(),
  external: p.external.optional(),
  labels: p.listOrDict.optional(),
  driver: p.str.optional(),
  driver_opts: driverOpts.optional(),
  template_driver: p.str.optional(),
});
export type RawSecret = z.infer<typeof RawSecret>;

export const RawConfig = p.obj({
  name: p.str.optional(),
  content: p.str.optional(),
  environment: p.str.optional(),
  file: p.str.optional(),
  external: p.external.optional(),
  labels: p.listOrDict.optional(),
  template_driver: p.str.optional(),
});
export type RawConfig = z.infer<typeof RawConfig>;

export const RawModel = p.obj({
  name: p.str.optional(),
  model: p.str,
  context_size: z.number().int().optional(),
  runtime_flags: p.listOfStrings.optional(),
});

export const RawInclude = z.union([z.string(), p.obj({ path: p.stringOrList, env_file: p.stringOrList.optional(), project_directory: p.str.optional() })]);
export type RawInclude = z.infer<typeof RawInclude>;

export const RawCompose = p.obj({
  version: p.str.optional(),
  name: p.str.optional(),
  include: z.array(RawInclude).optional(),
  services: z.union([z.null(), p.byName(RawService)]).optional(),
  models: p.byName(RawModel).optional(),
  networks: z.union([z.null(), p.byName(RawNetwork)]).optional(),
  volumes: z.union([z.null(), p.byName(RawVolume)]).optional(),
  secrets: z.union([z.null(), p.byName(RawSecret)]).optional(),
  configs: z.union([z.null(), p.byName(RawConfig)]).optional(),
});
export type RawCompose = z.infer<typeof RawCompose>;
export { RawService };
