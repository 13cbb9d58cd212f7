/**
 * Keeps bad clients from locking good ones out of `berth serve`. Opening a TCP connection needs no
 * token, so a few hundred sockets that never send a byte would otherwise fill every slot. The guard
 * tracks every connection with its client address and whether a request is in flight on it, and:
 * - destroys a socket that has sent nothing within `silentMs` of connecting (a real client sends its
 *   request at once), and, as a backstop behind node's own header and keep-alive deadlines, any
 *   socket idle for `idleMs`, and any response still unfinished after `busyMs` (a client that stops
 *   reading a large answer would otherwise hold its slot for ever);
 * - at the per-address or overall limit, sheds the oldest idle connection (no request in flight,
 *   not an event stream) to make room, rather than refusing the newcomer; one that has never had a
 *   whole request answered goes before a kept-alive connection of a client that has (a flood of
 *   half-sent headers would otherwise close a real client's pooled connection under it, and that
 *   client's next request would fail on a socket it believed open);
 * - refuses a newcomer only when nothing can be shed: at the per-address limit, or beyond the overall
 *   limit plus a small reserve kept for probes such as /health/liveness.
 * Event streams are never idle; SseHub bounds them per address and overall.
 * Pure bookkeeping over a minimal socket interface, so the decisions are unit-tested without a network.
 */

export interface GuardLimits {
  /** Connections from all clients together before the oldest idle one is shed. */
  maxConnections: number;
  /** Connections from one client address before its oldest idle one is shed. */
  maxPerAddress: number;
  /** Connections accepted beyond maxConnections when none can be shed (every one is busy). */
  reserve: number;
  /** A connection that has sent no byte this long after connecting is destroyed. */
  silentMs: number;
  /** Any connection without a request in flight this long is destroyed (after node's own deadlines). */
  idleMs: number;
  /** A request (not an event stream) whose response has not finished this long is cut off. */
  busyMs: number;
}

/** What the guard needs of a socket (net.Socket has it). */
export interface GuardedSocket {
  readonly remoteAddress?: string | undefined;
  readonly bytesRead: number;
  destroy(): void;
}

interface Conn {
  address: string;
  openedAt: number;
  /** Since when nothing has been in flight (the connection's start, or the end of its last response). */
  idleSince: number;
  inFlight: number;
  /** Since when a request has been in flight without a pause. */
  busySince: number;
  stream: boolean;
  /** Requests answered on it so far: a kept-alive connection of a real client has at least one. */
  served: number;
}

export type Admission = "accepted" | "shed-oldest" | "refused";

export class ConnectionGuard<S extends GuardedSocket = GuardedSocket> {
  /** Insertion order is age: the first idle entry is the oldest idle connection. */
  private readonly conns = new Map<S, Conn>();
  private readonly perAddress = new Map<string, number>();
  /** Counters for the report and the tests: connections shed, refused and timed out so far. */
  readonly counts = { shed: 0, refused: 0, silent: 0, idle: 0, stalled: 0 };

  constructor(
    readonly limits: GuardLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.conns.size;
  }

  /** A new connection: makes room if needed; destroys it and answers "refused" when none can be made. */
  admit(socket: S): Admission {
    const address = socket.remoteAddress ?? "?";
    let result: Admission = "accepted";
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxPerAddress) {
      if (!this.shedOldestIdle(address)) return this.refuse(socket);
      result = "shed-oldest";
    }
    if (this.conns.size >= this.limits.maxConnections) {
      if (this.shedOldestIdle()) result = "shed-oldest";
      else if (this.conns.size >= this.limits.maxConnections + this.limits.reserve) return this.refuse(socket);
    }
    const t = this.now();
    this.conns.set(socket, { address, openedAt: t, idleSince: t, inFlight: 0, busySince: t, stream: false, served: 0 });
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    return result;
  }

  requestStarted(socket: S): void {
    const c = this.conns.get(socket);
    if (!c) return;
    if (c.inFlight++ === 0) c.busySince = this.now();
  }

  requestEnded(socket: S): void {
    const c = this.conns.get(socket);
    if (!c) return;
    c.inFlight = Math.max(0, c.inFlight - 1);
    c.served++;
    if (c.inFlight === 0) c.idleSince = this.now();
  }

  /** The connection now carries an event stream: never idle, never shed. */
  streamStarted(socket: S): void {
    const c = this.conns.get(socket);
    if (c) c.stream = true;
  }

  closed(socket: S): void {
    const c = this.conns.get(socket);
    if (!c) return;
    this.conns.delete(socket);
    const n = (this.perAddress.get(c.address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(c.address, n);
    else this.perAddress.delete(c.address);
  }

  /** Destroys silent, idle and stalled connections past their deadline; call it every few hundred ms. */
  sweep(): void {
    const t = this.now();
    for (const [socket, c] of this.conns) {
      if (c.stream) continue;
      if (c.inFlight > 0) {
        if (t - c.busySince >= this.limits.busyMs) this.drop(socket, "stalled");
        continue;
      }
      if (socket.bytesRead === 0 && t - c.openedAt >= this.limits.silentMs) this.drop(socket, "silent");
      else if (t - c.idleSince >= this.limits.idleMs) this.drop(socket, "idle");
    }
  }

  /** Destroys every tracked connection (server shutdown). */
  closeAll(): void {
    for (const socket of [...this.conns.keys()]) {
      this.closed(socket);
      socket.destroy();
    }
  }

  private isIdle(c: Conn): boolean {
    return c.inFlight === 0 && !c.stream;
  }

  /** The oldest idle connection that never had a request answered, else the oldest idle one. */
  private shedOldestIdle(address?: string): boolean {
    let fallback: S | undefined;
    for (const [socket, c] of this.conns) {
      if (!this.isIdle(c) || (address !== undefined && c.address !== address)) continue;
      if (c.served === 0) {
        this.drop(socket, "shed");
        return true;
      }
      fallback ??= socket;
    }
    if (fallback === undefined) return false;
    this.drop(fallback, "shed");
    return true;
  }

  private drop(socket: S, why: "shed" | "silent" | "idle" | "stalled"): void {
    this.counts[why]++;
    this.closed(socket);
    socket.destroy();
  }

  private refuse(socket: S): Admission {
    this.counts.refused++;
    socket.destroy();
    return "refused";
  }
}
