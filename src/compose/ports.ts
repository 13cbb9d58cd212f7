/**
 * Port short syntax, `[IP:][HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTOCOL]`, parsed into long
 * form. Container ranges expand to one entry per port (as Compose does), paired with a host
 * range of the same length; a host range with a single container port stays a range to pick
 * from. IPv6 host addresses may be bracketed (`[::1]:80:80`) or bare (`::1:80:80`).
 */
import type { PortSpec } from "./model.js";

/** The message is the detail only; callers say which port spec it was about. */
export class PortSyntaxError extends Error {}

export const PORT_HINT = "expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], e.g. 8080:80, 127.0.0.1:5432:5432 or 53/udp";

const PROTOCOLS = ["tcp", "udp", "sctp"] as const;

interface Range {
  start: number;
  end: number;
}

function parseRange(text: string, what: string): Range {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new PortSyntaxError(`"${text}" is not a valid ${what}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  for (const p of [start, end]) {
    if (p < 1 || p > 65535) throw new PortSyntaxError(`${what} ${p} is out of range 1-65535`);
  }
  if (end < start) throw new PortSyntaxError(`${what} range "${text}" ends before it starts`);
  return { start, end };
}

export function parsePortShort(value: string | number): PortSpec[] {
  const spec = String(value).trim();
  let rest = spec;
  let protocol: PortSpec["protocol"] = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (!(PROTOCOLS as readonly string[]).includes(p)) throw new PortSyntaxError(`protocol "${p}" is not tcp, udp or sctp`);
    protocol = p as PortSpec["protocol"];
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  let hostPart: string | undefined;
  let containerPart = rest;
  const last = rest.lastIndexOf(":");
  if (last >= 0) {
    containerPart = rest.slice(last + 1);
    const before = rest.slice(0, last);
    const ipSep = before.lastIndexOf(":");
    if (ipSep >= 0) {
      hostIp = before.slice(0, ipSep);
      hostPart = before.slice(ipSep + 1);
      if (hostIp.startsWith("[") && hostIp.endsWith("]")) hostIp = hostIp.slice(1, -1);
      if (hostIp === "") throw new PortSyntaxError("the host IP is empty");
      if (!isIp(hostIp)) {
        throw new PortSyntaxError(hostIp.includes(":") ? "too many colons" : `"${hostIp}" is not an IP address`);
      }
    } else {
      hostPart = before;
    }
  }
  if (containerPart === "") throw new PortSyntaxError("the container port is missing");
  const container = parseRange(containerPart, "container port");
  const host = hostPart === undefined || hostPart === "" ? undefined : parseRange(hostPart, "host port");
  const count = container.end - container.start + 1;
  const base = { protocol, ...(hostIp !== undefined ? { host_ip: hostIp } : {}) };
  if (count === 1) {
    const published = host === undefined ? undefined : host.start === host.end ? String(host.start) : `${host.start}-${host.end}`;
    return [{ target: container.start, ...(published !== undefined ? { published } : {}), ...base }];
  }
  if (host !== undefined && host.end - host.start + 1 !== count) {
    throw new PortSyntaxError(`the host range has ${host.end - host.start + 1} ports but the container range has ${count}`);
  }
  const out: PortSpec[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      target: container.start + i,
      ...(host !== undefined ? { published: String(host.start + i) } : {}),
      ...base,
    });
  }
  return out;
}

function isIp(s: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return s.split(".").every((o) => Number(o) <= 255);
  // IPv6: eight groups, or fewer with one "::".
  return /^[0-9a-fA-F:.]+$/.test(s) && (s.includes("::") || s.split(":").length === 8);
}

/** A published port from long syntax: "8080", 8080 or "8080-8090". */
export function parsePublished(value: string | number): string {
  const s = String(value).trim();
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new PortSyntaxError(`invalid published port "${s}": expected a port or a range such as 8080-8090`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 0 || a > 65535 || b < 0 || b > 65535 || b < a) throw new PortSyntaxError(`invalid published port "${s}": out of range 0-65535`);
  return s;
}
