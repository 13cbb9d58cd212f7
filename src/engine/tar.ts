/**
 * The tar archives of the Engine API's archive endpoints (PUT/GET /containers/{id}/archive),
 * written and read in memory. Why not a library: dockerode brings tar-stream only as a transitive
 * dependency (not ours to import, and without types), and berth needs little: regular files,
 * directories and symlinks, with PAX records for long names. Pure.
 */
import { BerthError } from "../errors.js";

export interface TarEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  path: string;
  type: "file" | "directory" | "symlink";
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Contents of a file. */
  data?: Buffer;
  /** Target of a symlink. */
  linkTarget?: string;
  /** Modification time, ms since epoch. */
  mtimeMs?: number;
  /** Owner ids (0, root, when absent); the engine extracts entries with the ids they carry. */
  uid?: number;
  gid?: number;
}

const BLOCK = 512;
const TYPEFLAG = { file: "0", directory: "5", symlink: "2" } as const;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, o: { size: number; mode: number; mtimeMs: number; typeflag: string; linkname?: string; uid?: number; gid?: number }): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, "utf8");
  h.write(octal(o.mode & 0o7777, 8), 100, "ascii");
  h.write(octal(o.uid ?? 0, 8), 108, "ascii");
  h.write(octal(o.gid ?? 0, 8), 116, "ascii");
  h.write(octal(o.size, 12), 124, "ascii");
  h.write(octal(Math.floor(o.mtimeMs / 1000), 12), 136, "ascii");
  h.write(o.typeflag, 156, "ascii");
  if (o.linkname) h.write(o.linkname, 157, 100, "utf8");
  h.write("ustar\0" + "00", 257, "ascii");
  // The checksum is taken with its own field as spaces.
  h.fill(" ", 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return h;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest ? [data, Buffer.alloc(BLOCK - rest)] : [data];
}

/** A PAX record `LEN key=value\n`, whose LEN counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  while (String(len + String(len).length).length !== String(len).length) len++;
  const total = len + String(len).length;
  return `${total}${body}`;
}

export function writeTar(entries: TarEntry[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const name = e.type === "directory" && !e.path.endsWith("/") ? `${e.path}/` : e.path;
    const mtimeMs = e.mtimeMs ?? Date.now();
    const long = Buffer.byteLength(name) > 100 || Buffer.byteLength(e.linkTarget ?? "") > 100;
    if (long) {
      const pax = Buffer.from(paxRecord("path", name) + (e.linkTarget ? paxRecord("linkpath", e.linkTarget) : ""));
      out.push(header("PaxHeader", { size: pax.length, mode: 0o644, mtimeMs, typeflag: "x" }), ...padded(pax));
    }
    const data = e.type === "file" ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    out.push(
      header(name.slice(0, 100), {
        size: data.length,
        mode: e.mode,
        mtimeMs,
        typeflag: TYPEFLAG[e.type],
        linkname: e.linkTarget?.slice(0, 100),
        uid: e.uid,
        gid: e.gid,
      }),
    );
    if (data.length) out.push(...padded(data));
  }
  out.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(out);
}

function field(h: Buffer, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? len : end).toString("utf8");
}

function number(h: Buffer, start: number, len: number): number {
  // Sizes above 8 GiB are written in base-256; nothing berth copies is that large.
  if (h[start]! & 0x80) throw new BerthError("ENGINE_ERROR", "the engine sent a file larger than berth copies (8 GiB)");
  const s = field(h, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function paxPaths(data: Buffer): { path?: string; linkpath?: string } {
  const out: { path?: string; linkpath?: string } = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = parseInt(data.subarray(at, space).toString("ascii"), 10);
    if (!len) break;
    const record = data.subarray(space + 1, at + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    const key = record.slice(0, eq);
    if (key === "path" || key === "linkpath") out[key] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

/** The files, directories and symlinks of an archive (other kinds are skipped), in archive order. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let next: { path?: string; linkpath?: string } = {};
  for (let at = 0; at + BLOCK <= archive.length;) {
    const h = archive.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = number(h, 124, 12);
    const typeflag = String.fromCharCode(h[156]!);
    const data = archive.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === "x") {
      next = paxPaths(data);
      continue;
    }
    if (typeflag === "L") {
      next = { ...next, path: field(data, 0, data.length) };
      continue;
    }
    const prefix = field(h, 345, 155);
    const path = (next.path ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100))).replace(/\/$/, "");
    const common = { path, mode: number(h, 100, 8), mtimeMs: number(h, 136, 12) * 1000, uid: number(h, 108, 8), gid: number(h, 116, 8) };
    if (typeflag === "0" || typeflag === "\0") entries.push({ ...common, type: "file", data: Buffer.from(data) });
    else if (typeflag === "5") entries.push({ ...common, type: "directory" });
    else if (typeflag === "2") entries.push({ ...common, type: "symlink", linkTarget: next.linkpath ?? field(h, 157, 100) });
    next = {};
  }
  return entries;
}
