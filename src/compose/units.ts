/** Byte sizes (`512m`, `1g`, `1gb`, `2048`) and CPU counts as Compose and the Docker CLI read them. */

const FACTOR: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  p: 1024 ** 5,
  pb: 1024 ** 5,
};

/** Bytes, or undefined when `value` is not a size. Numbers are bytes already. */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]{0,2})\s*$/.exec(value);
  if (!m) return undefined;
  const f = FACTOR[m[2]!.toLowerCase()];
  return f === undefined ? undefined : Math.trunc(Number(m[1]) * f);
}

export const BYTES_HINT = "use a number of bytes or a size such as 512m or 2g";

/** A non-negative number of CPUs ("0.5", 2). */
export function parseCpus(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** An integer written as a number or a string (after interpolation everything may be a string). */
export function parseInteger(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** Booleans as Compose accepts them after interpolation ("true", "false", yes/no are YAML 1.1 only). */
export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const v = value.trim().toLowerCase();
  if (["true", "1", "yes", "y", "on"].includes(v)) return true;
  if (["false", "0", "no", "n", "off", ""].includes(v)) return false;
  return undefined;
}
