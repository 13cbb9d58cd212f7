/**
 * Building blocks of the raw Compose schema (see schema.ts): primitives and small shared shapes.
 */
import { z } from "zod";
import { DURATION_HINT, parseDuration } from "./duration.js";
import { parsePortShort, PORT_HINT, PortSyntaxError } from "./ports.js";
import { BYTES_HINT, parseBytes } from "./units.js";
import { parseVolumeShort, VolumeSyntaxError } from "./volume-syntax.js";

/** Marks an "unknown keys" message that carries the keys allowed at that place. */
export const UNKNOWN_KEYS_MARK = "\u0000allowed:";

/** A mapping with a fixed set of keys; unknown keys are reported with the allowed ones. */
export function obj<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(",");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `${UNKNOWN_KEYS_MARK}${allowed}` : undefined),
  });
}

export const str = z.string();
// Strings are allowed where numbers and booleans are because interpolation yields strings; a
// value of neither type is reported in words (the validator shows a union's own message).
export const boolish = z.union([z.boolean(), z.string()], { error: "expected true or false" });
export const intish = z.union([z.number().int(), z.string()], { error: "expected a whole number" });
export const numish = z.union([z.number(), z.string()], { error: "expected a number" });
export const listOfStrings = z.array(z.string());
export const stringOrList = z.union([z.string(), listOfStrings]);
export const scalarNoNull = z.union([z.string(), z.number(), z.boolean()]);
export const scalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const listOrDict = z.union([z.record(z.string(), scalarValue), listOfStrings]);
export const name = z.string().regex(/^[a-zA-Z0-9._-]+$/, "names may only contain letters, digits, . _ and -");
export const byName = <T extends z.ZodType>(schema: T) => z.record(name, schema);

export const duration = z.string({ error: `expected a duration; ${DURATION_HINT}` }).superRefine((v, ctx) => {
  if (parseDuration(v) === undefined) ctx.addIssue({ code: "custom", message: `invalid duration "${v}"; ${DURATION_HINT}` });
});
export const bytes = z.union([z.number(), z.string()], { error: "expected a size such as 512m or 2g, or a number of bytes" }).superRefine((v, ctx) => {
  if (parseBytes(v) === undefined) ctx.addIssue({ code: "custom", message: `invalid size "${v}"; ${BYTES_HINT}` });
});
/** A size that cannot be negative (the spec's `minimum: 0`, e.g. a tmpfs size). */
export const sizeNonNegative = bytes.superRefine((v, ctx) => {
  const n = parseBytes(v);
  if (n !== undefined && n < 0) ctx.addIssue({ code: "custom", message: `invalid size "${v}": it cannot be negative` });
});

export const command = z.union([z.null(), z.string(), z.array(z.string())]);
export const extraHosts = z.union([z.record(z.string(), z.union([z.string(), z.array(z.string())])), z.array(z.string())]);
export const external = z.union([z.boolean(), z.string(), obj({ name: str.optional() })]);

export const ulimits = z.record(
  z.string().regex(/^[a-z]+$/, "ulimit names are lowercase letters, such as nofile or nproc"),
  z.union([intish, obj({ soft: intish, hard: intish })]),
);
export const fileRefs = z.array(
  z.union([str, obj({ source: str, target: str.optional(), uid: str.optional(), gid: str.optional(), mode: numish.optional() })]),
);
export const serviceHook = obj({
  command,
  user: str.optional(),
  privileged: boolish.optional(),
  working_dir: str.optional(),
  environment: listOrDict.optional(),
});
/** A device count: a whole number or "all" (compose-go's DeviceCount). */
const deviceCount = z.union([z.number().int(), z.string()]).superRefine((v, ctx) => {
  if (typeof v === "string" && v !== "all" && !/^-?\d+$/.test(v))
    ctx.addIssue({ code: "custom", message: `invalid device count "${v}": expected a whole number or "all"` });
});
export const devicesReservation = z.array(
  obj({
    capabilities: listOfStrings,
    count: deviceCount.optional(),
    device_ids: listOfStrings.optional(),
    driver: str.optional(),
    options: listOrDict.optional(),
  }).superRefine((d, ctx) => {
    if (d.count !== undefined && d.device_ids !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["count"],
        message: "count and device_ids are exclusive",
        params: { hint: "reserve either a number of devices or specific device ids" },
      });
    }
  }),
);
export const blkioLimit = obj({ path: str.optional(), rate: intish.optional() });
export const blkioWeight = obj({ path: str.optional(), weight: intish.optional() });

export const portShort = z
  .union([z.number(), z.string()], { error: "expected a port such as 8080:80 or 53/udp, or a long-syntax mapping" })
  .superRefine((v, ctx) => {
    try {
      parsePortShort(v);
    } catch (e) {
      if (e instanceof PortSyntaxError) ctx.addIssue({ code: "custom", message: `invalid port "${v}": ${e.message}`, params: { hint: PORT_HINT } });
      else throw e;
    }
  });

export const volumeShort = z.string().superRefine((v, ctx) => {
  try {
    parseVolumeShort(v);
  } catch (e) {
    if (e instanceof VolumeSyntaxError) ctx.addIssue({ code: "custom", message: e.message, params: { hint: e.hint } });
    else throw e;
  }
});
