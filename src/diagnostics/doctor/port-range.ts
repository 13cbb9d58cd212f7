/**
 * How much of a port range is still free: the kernel's ephemeral range (from which the engine's
 * dynamic host ports and every outgoing connection take theirs) and berth's BERTH_PORT_RANGE,
 * against the local ports of the host's TCP sockets (/proc/net/tcp and tcp6). Pure parsing here;
 * the files are read by the caller.
 */
export interface PortRange {
  low: number;
  high: number;
}

/** "32768\t60999" (ip_local_port_range) or "30000-39999" (BERTH_PORT_RANGE). */
export function parseRange(text: string): PortRange | null {
  const m = /^\s*(\d+)\s*[-\s]\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  const [low, high] = [Number(m[1]), Number(m[2])];
  return low >= 1 && high <= 65535 && low <= high ? { low, high } : null;
}

/** Local ports of the sockets listed in /proc/net/tcp or tcp6 (every state: a connection holds its port too). */
export function localPorts(procNetTcp: string): Set<number> {
  const ports = new Set<number>();
  for (const line of procNetTcp.split("\n").slice(1)) {
    const local = line.trim().split(/\s+/)[1];
    const hex = local?.split(":").at(-1);
    if (hex && /^[0-9A-F]{4}$/i.test(hex)) ports.add(parseInt(hex, 16));
  }
  return ports;
}

export interface RangeUsage {
  size: number;
  used: number;
  /** 0..1 */
  freeShare: number;
}

export function rangeUsage(range: PortRange, inUse: Set<number>): RangeUsage {
  const size = range.high - range.low + 1;
  let used = 0;
  for (const p of inUse) if (p >= range.low && p <= range.high) used++;
  return { size, used, freeShare: (size - used) / size };
}
